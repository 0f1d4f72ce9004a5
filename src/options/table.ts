// Every option of every command, once: flag, environment variable, default, parser and help line.
import { COMPAT_NAMES, DEFAULT_COMPAT } from '../contract/compat.ts'
import { FAULT_STATUSES, type FaultStatus } from '../faults/settings.ts'
import { DEFAULT_LIMITS } from '../http-server.ts'
import { list, requiredValue, toggle, value } from './option.ts'
import { byteSize, httpUrl, millisecondRange, number, oneOf, origin, setOf, text, timestamp, uuid, word } from './parsers.ts'

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const
export type LogLevel = typeof LOG_LEVELS[number]
export const LOG_FORMATS = ['text', 'json'] as const
export type LogFormat = typeof LOG_FORMATS[number]

const MEGABYTE = 1024 * 1024
const MAX_LATENCY_MS = 60_000
const MAX_JOURNAL_SIZE = 100_000
/** The largest admin body: a JSON text of this many bytes still fits in one V8 string (about 512 MiB). */
const MAX_ADMIN_BODY_BYTES = 256 * MEGABYTE
const UINT32 = { min: 0, max: 2 ** 32 - 1, whole: true }
const POSITIVE_INT32 = { min: 1, max: 2_147_483_647, whole: true }

/** The options shared by every command that opens the database, and by serve. */
export const DB = {
  db: value('db', text, './data/pipelines-mock.sqlite', { arg: 'PATH', env: 'PIPELINES_MOCK_DB', help: 'SQLite file, created with its directory if missing' })
}

const RANDOM_SEED = value('random-seed', number(UINT32), 1, { arg: 'N', env: 'PIPELINES_MOCK_RANDOM_SEED', help: 'same seed and flags, same data' })

export const SERVE = {
  host: value('host', text, '127.0.0.1', { arg: 'HOST', env: 'PIPELINES_MOCK_HOST', help: 'address to listen on' }),
  port: value('port', number({ min: 0, max: 65535, whole: true }), 8000, { short: 'p', arg: 'PORT', env: 'PIPELINES_MOCK_PORT', help: 'port, 0 picks a free one' }),
  ...DB,
  tokens: list('token', word(), ['demo-token'], { arg: 'TOKEN', env: 'PIPELINES_MOCK_TOKENS', help: 'accepted bearer token, repeatable' }),
  apiKeys: list('api-key', word(), [], { arg: 'KEY', env: 'PIPELINES_MOCK_API_KEYS', help: 'accepted Api-key header value, repeatable; none: Api-key is ignored', shown: 'none' }),
  adminToken: value('admin-token', word(8), undefined, { arg: 'TOKEN', env: 'PIPELINES_MOCK_ADMIN_TOKEN', help: 'enables the data-changing /__admin endpoints', shown: 'off' }),
  adminBodyLimit: value('admin-body-limit', byteSize(MAX_ADMIN_BODY_BYTES), 50 * MEGABYTE, { arg: 'SIZE', env: 'PIPELINES_MOCK_ADMIN_BODY_LIMIT', help: 'largest body POST /__admin/runs reads', shown: '50mb' }),
  logLevel: value('log-level', oneOf(LOG_LEVELS), 'info' as LogLevel, { arg: 'LEVEL', env: 'PIPELINES_MOCK_LOG_LEVEL', help: LOG_LEVELS.join('|') }),
  logFormat: value('log-format', oneOf(LOG_FORMATS), 'text' as LogFormat, { arg: 'FORMAT', env: 'PIPELINES_MOCK_LOG_FORMAT', help: 'text: uvicorn-style lines, one per request (health probes left out); json: pino records' }),
  noSeed: toggle('no-seed', { env: 'PIPELINES_MOCK_NO_SEED', help: 'leave an empty database empty' }),
  readOnly: toggle('read-only', { env: 'PIPELINES_MOCK_READ_ONLY', help: 'open the database read-only: no migration, no seeding, no writes' }),
  cacheMb: value('cache-mb', number({ min: 0, max: 4096, whole: true }), 32, { arg: 'MB', env: 'PIPELINES_MOCK_CACHE_MB', help: 'memory for cached responses, 0 turns the cache off' }),
  workers: value('workers', number({ min: 1, max: 64, whole: true }), 1, { arg: 'N', env: 'PIPELINES_MOCK_WORKERS', help: 'processes sharing the port' }),
  compat: value('compat', oneOf(COMPAT_NAMES), DEFAULT_COMPAT, { arg: 'PROFILE', env: 'PIPELINES_MOCK_COMPAT', help: `FastAPI/pydantic generation to mimic: ${COMPAT_NAMES.join(', ')}` }),
  noPrefer: toggle('no-prefer', { env: 'PIPELINES_MOCK_NO_PREFER', help: 'ignore the Prefer header (code=, delay=) for strict fidelity runs' }),
  latency: value('latency', millisecondRange(MAX_LATENCY_MS), undefined, { arg: 'MS|MIN-MAX', env: 'PIPELINES_MOCK_LATENCY', help: 'add latency to every runs answer, fixed or uniform in a range', shown: 'off' }),
  errorRate: value('error-rate', number({ min: 0, max: 1 }), 0, { arg: 'RATE', env: 'PIPELINES_MOCK_ERROR_RATE', help: 'share 0..1 of runs answers replaced by an error' }),
  errorStatus: value('error-status', setOf(FAULT_STATUSES), [500] as FaultStatus[], { arg: 'LIST', env: 'PIPELINES_MOCK_ERROR_STATUS', help: 'status of injected errors: 500, 503 or 500,503' }),
  faultSeed: value('fault-seed', number(UINT32), undefined, { arg: 'N', env: 'PIPELINES_MOCK_FAULT_SEED', help: 'seed of latency and error draws, for reproducible runs', shown: 'random' }),
  journalSize: value('journal-size', number({ min: 0, max: MAX_JOURNAL_SIZE, whole: true }), 1000, { arg: 'N', env: 'PIPELINES_MOCK_JOURNAL_SIZE', help: 'requests kept for GET /__admin/requests, 0 turns it off' }),
  corsOrigins: list('cors-origin', origin, ['http://localhost:*', 'http://127.0.0.1:*', 'http://[::1]:*'], { arg: 'ORIGIN', env: 'PIPELINES_MOCK_CORS_ORIGINS', help: 'allowed CORS origin, repeatable; scheme://host:* for any port, * for all' }),
  noCors: toggle('no-cors', { env: 'PIPELINES_MOCK_NO_CORS', help: 'no CORS headers at all' }),
  maxConnections: value('max-connections', number(POSITIVE_INT32), DEFAULT_LIMITS.maxConnections, { arg: 'N', env: 'PIPELINES_MOCK_MAX_CONNECTIONS', help: 'open connections beyond N are closed' }),
  keepAliveTimeout: value('keep-alive-timeout', number(POSITIVE_INT32), DEFAULT_LIMITS.keepAliveTimeout, { arg: 'MS', env: 'PIPELINES_MOCK_KEEP_ALIVE_TIMEOUT', help: 'idle keep-alive connections close after MS' }),
  headersTimeout: value('headers-timeout', number(POSITIVE_INT32), DEFAULT_LIMITS.headersTimeout, { arg: 'MS', env: 'PIPELINES_MOCK_HEADERS_TIMEOUT', help: 'a client must send its headers within MS' }),
  requestTimeout: value('request-timeout', number(POSITIVE_INT32), DEFAULT_LIMITS.requestTimeout, { arg: 'MS', env: 'PIPELINES_MOCK_REQUEST_TIMEOUT', help: 'a client must send its whole request within MS' })
}

/** Demo mode: runs move through Argo phases on a clock (serve --simulate). */
export const SIMULATE = {
  simulate: toggle('simulate', { env: 'PIPELINES_MOCK_SIMULATE', help: 'start runs on a schedule and advance them' }),
  speed: value('speed', number({ min: 0.001, max: 1_000_000 }), 1, { arg: 'N', env: 'PIPELINES_MOCK_SPEED', help: 'the clock runs N times faster than real time' }),
  randomSeed: RANDOM_SEED,
  simulateInterval: value('simulate-interval', number({ min: 1, max: 31_536_000 }), 300, { arg: 'SEC', env: 'PIPELINES_MOCK_SIMULATE_INTERVAL', help: 'simulated seconds between two runs of a pipeline' }),
  simulateKeep: value('simulate-keep', number({ min: 0, max: 1_000_000_000, whole: true }), 200, { arg: 'N', env: 'PIPELINES_MOCK_SIMULATE_KEEP', help: 'prune finished runs beyond each pipeline\'s N newest, 0 keeps all' })
}

export const GENERATE = {
  ...DB,
  pipelines: value('pipelines', number({ min: 0, whole: true }), 10, { arg: 'N', help: 'pipelines' }),
  versions: value('versions', number({ min: 1, whole: true }), 3, { arg: 'N', help: 'versions per pipeline' }),
  runs: value('runs', number({ min: 0, whole: true }), 100, { arg: 'N', help: 'runs per pipeline, spread over its versions' }),
  steps: value('steps', number({ min: 1, whole: true }), 5, { arg: 'N', help: 'steps per version' }),
  randomSeed: RANDOM_SEED,
  now: value('now', timestamp, undefined, { arg: 'TIMESTAMP', help: 'the instant the data describes: runs near it are Pending or Running', shown: '2026-11-04T09:30:00Z, fixed so that output is reproducible' }),
  append: toggle('append', { help: 'keep the existing data (runs with the same id are replaced)' }),
  replace: toggle('replace', { help: 'replace all existing data' })
}

export const EXPORT = {
  pipeline: requiredValue('pipeline', uuid, { arg: 'ID', help: 'the pipeline' }),
  version: value('version', uuid, undefined, { arg: 'ID', help: 'only the runs of this version' }),
  out: value('out', text, undefined, { short: 'o', arg: 'FILE', help: 'write to FILE (atomically) instead of standard output' }),
  ...DB
}

export const LIST = {
  ...DB,
  json: toggle('json', { help: 'print one JSON document instead' })
}

export const OPENAPI = {
  out: value('out', text, undefined, { short: 'o', arg: 'FILE', help: 'write it to FILE instead of standard output' })
}

/** The commands that talk to a live server: verify and record. */
export const REMOTE = {
  baseUrl: requiredValue('base-url', httpUrl, { arg: 'URL', help: 'the server, e.g. http://127.0.0.1:8000 (a path prefix is kept)' }),
  token: requiredValue('token', text, { arg: 'T', env: 'PIPELINES_MOCK_REMOTE_TOKEN', help: 'an accepted bearer token; never printed or stored' }),
  apiKey: value('api-key', text, undefined, { arg: 'KEY', help: 'sent as Api-key with authenticated requests' }),
  timeout: value('timeout', number({ min: 1, max: 300_000, whole: true }), 10_000, { arg: 'MS', help: 'per attempt' }),
  retries: value('retries', number({ min: 0, max: 10, whole: true }), 2, { arg: 'N', help: 'extra attempts after a network error, a timeout, 502, 503 or 504' })
}

export const REPORTERS = ['human', 'json', 'junit'] as const

export const VERIFY = {
  ...REMOTE,
  pipeline: requiredValue('pipeline', uuid, { arg: 'ID', help: 'a pipeline that exists, ideally with runs' }),
  version: value('version', uuid, undefined, { arg: 'ID', help: 'a version to check the version_id filter with', shown: 'up to 3 from the runs' }),
  compat: value('compat', oneOf(['auto', ...COMPAT_NAMES]), DEFAULT_COMPAT, { arg: 'PROFILE', env: 'PIPELINES_MOCK_COMPAT', help: `the FastAPI/pydantic generation to expect: ${COMPAT_NAMES.join(', ')}; auto: find the one the server answers like` }),
  reporter: value('reporter', oneOf(REPORTERS), 'human', { arg: 'NAME', help: 'human (colour on a terminal unless NO_COLOR), json or junit' }),
  out: value('out', text, undefined, { short: 'o', arg: 'FILE', help: 'write the report to FILE instead of standard output' })
}

export const RECORD = {
  ...REMOTE,
  pipelines: list('pipeline', uuid, [], { arg: 'ID', help: 'a pipeline to record, repeatable', required: true }),
  ...DB,
  redactSql: toggle('redact-sql', { help: 'replace SQL text (step queries, Argo query parameters) with "SELECT … /* redacted <hash> */"' }),
  redactLabels: toggle('redact-labels', { help: 'replace Argo label and annotation values with "redacted-<hash>" (kept: the controller\'s workflows.argoproj.io/* labels and the run\'s own ids)' })
}

// Server configuration: flags over environment over defaults, validated; the only reader of the environment.
import { COMPAT_NAMES, DEFAULT_COMPAT, isCompatName, type CompatName } from './contract/compat.ts'
import { FAULT_STATUSES, type FaultConfig, type FaultStatus } from './faults/settings.ts'
import { DEFAULT_LIMITS, type ServerLimits } from './http-server.ts'

export interface Config {
  host: string
  port: number
  dbPath: string
  tokens: string[]
  apiKeys: string[]
  adminToken: string | undefined
  /** Largest request body the /__admin endpoints read, in bytes. */
  adminBodyLimit: number
  logLevel: LogLevel
  /** text: one uvicorn-style line per request and message; json: pino's structured lines. */
  logFormat: LogFormat
  seedDemo: boolean
  /** Open the database read-only: no migration, no seeding, no writes. */
  readOnly: boolean
  simulation: SimulationConfig | undefined
  /** Byte budget of the response cache; 0 turns it off. */
  cacheBytes: number
  /** Processes serving the one port (node:cluster); 1 serves from this process. */
  workers: number
  compat: CompatName
  prefer: boolean
  faults: FaultConfig
  journalSize: number
  /** Origins allowed by CORS (`*`: all; `scheme://host:*`: any port); false turns CORS off. */
  corsOrigins: readonly string[] | false
  limits: ServerLimits
}

/** `serve --simulate`: runs advance as on an Argo cluster (src/simulation/). */
export interface SimulationConfig {
  speed: number
  randomSeed: number
  intervalSeconds: number
  keep: number
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const
export type LogLevel = typeof LOG_LEVELS[number]
export const LOG_FORMATS = ['text', 'json'] as const
export type LogFormat = typeof LOG_FORMATS[number]

/** Values as given on the command line; undefined means "not given". */
export interface ConfigFlags {
  host?: string
  port?: string
  db?: string
  token?: string[]
  'api-key'?: string[]
  'admin-token'?: string
  'admin-body-limit'?: string
  'log-level'?: string
  'log-format'?: string
  'no-seed'?: boolean
  'read-only'?: boolean
  simulate?: boolean
  speed?: string
  'random-seed'?: string
  'simulate-interval'?: string
  'simulate-keep'?: string
  'cache-mb'?: string
  workers?: string
  compat?: string
  'no-prefer'?: boolean
  latency?: string
  'error-rate'?: string
  'error-status'?: string
  'fault-seed'?: string
  'journal-size'?: string
  'cors-origin'?: string[]
  'no-cors'?: boolean
  'max-connections'?: string
  'keep-alive-timeout'?: string
  'headers-timeout'?: string
  'request-timeout'?: string
}

export const ENV = {
  host: 'PIPELINES_MOCK_HOST',
  port: 'PIPELINES_MOCK_PORT',
  db: 'PIPELINES_MOCK_DB',
  tokens: 'PIPELINES_MOCK_TOKENS',
  apiKeys: 'PIPELINES_MOCK_API_KEYS',
  adminToken: 'PIPELINES_MOCK_ADMIN_TOKEN',
  adminBodyLimit: 'PIPELINES_MOCK_ADMIN_BODY_LIMIT',
  logLevel: 'PIPELINES_MOCK_LOG_LEVEL',
  logFormat: 'PIPELINES_MOCK_LOG_FORMAT',
  noSeed: 'PIPELINES_MOCK_NO_SEED',
  readOnly: 'PIPELINES_MOCK_READ_ONLY',
  simulate: 'PIPELINES_MOCK_SIMULATE',
  speed: 'PIPELINES_MOCK_SPEED',
  randomSeed: 'PIPELINES_MOCK_RANDOM_SEED',
  simulateInterval: 'PIPELINES_MOCK_SIMULATE_INTERVAL',
  simulateKeep: 'PIPELINES_MOCK_SIMULATE_KEEP',
  cacheMb: 'PIPELINES_MOCK_CACHE_MB',
  workers: 'PIPELINES_MOCK_WORKERS',
  compat: 'PIPELINES_MOCK_COMPAT',
  noPrefer: 'PIPELINES_MOCK_NO_PREFER',
  latency: 'PIPELINES_MOCK_LATENCY',
  errorRate: 'PIPELINES_MOCK_ERROR_RATE',
  errorStatus: 'PIPELINES_MOCK_ERROR_STATUS',
  faultSeed: 'PIPELINES_MOCK_FAULT_SEED',
  journalSize: 'PIPELINES_MOCK_JOURNAL_SIZE',
  corsOrigins: 'PIPELINES_MOCK_CORS_ORIGINS',
  noCors: 'PIPELINES_MOCK_NO_CORS',
  maxConnections: 'PIPELINES_MOCK_MAX_CONNECTIONS',
  keepAliveTimeout: 'PIPELINES_MOCK_KEEP_ALIVE_TIMEOUT',
  headersTimeout: 'PIPELINES_MOCK_HEADERS_TIMEOUT',
  requestTimeout: 'PIPELINES_MOCK_REQUEST_TIMEOUT'
} as const

export const DEFAULTS = {
  host: '127.0.0.1',
  port: 8000,
  dbPath: './data/pipelines-mock.sqlite',
  tokens: ['demo-token'],
  adminBodyLimit: 50 * 1024 * 1024,
  logLevel: 'info' as LogLevel,
  logFormat: 'text' as LogFormat,
  simulation: { speed: 1, randomSeed: 1, intervalSeconds: 300, keep: 200 },
  cacheMb: 32,
  workers: 1,
  journalSize: 1000,
  // A frontend dev server on another local port, without credentials.
  corsOrigins: ['http://localhost:*', 'http://127.0.0.1:*', 'http://[::1]:*']
}

export const LIMITS = { cacheMb: 4096, workers: 64 }
const MEGABYTE = 1024 * 1024
export const MAX_LATENCY_MS = 60_000
export const MAX_JOURNAL_SIZE = 100_000

export class ConfigError extends Error {}

type Env = Record<string, string | undefined>

export function loadConfig (flags: ConfigFlags = {}, env: Env = process.env): Config {
  return checkCombinations({
    host: nonEmpty('--host', flags.host ?? env[ENV.host] ?? DEFAULTS.host),
    port: parsePort(flags.port ?? env[ENV.port]),
    dbPath: nonEmpty('--db', flags.db ?? env[ENV.db] ?? DEFAULTS.dbPath),
    tokens: parseList('--token', flags.token, env[ENV.tokens]) ?? DEFAULTS.tokens,
    apiKeys: parseList('--api-key', flags['api-key'], env[ENV.apiKeys]) ?? [],
    adminToken: optionalSecret('--admin-token', flags['admin-token'] ?? env[ENV.adminToken]),
    adminBodyLimit: parseByteSize(flags['admin-body-limit'] ?? env[ENV.adminBodyLimit]),
    logLevel: parseLogLevel(flags['log-level'] ?? env[ENV.logLevel]),
    logFormat: parseLogFormat(flags['log-format'] ?? env[ENV.logFormat]),
    seedDemo: !(flags['no-seed'] === true || parseBoolean(ENV.noSeed, env[ENV.noSeed])),
    readOnly: flags['read-only'] === true || parseBoolean(ENV.readOnly, env[ENV.readOnly]),
    simulation: parseSimulation(flags, env),
    cacheBytes: parseInteger('cache size', '--cache-mb', ENV.cacheMb, flags['cache-mb'] ?? env[ENV.cacheMb], 0, LIMITS.cacheMb, DEFAULTS.cacheMb) * MEGABYTE,
    workers: parseInteger('worker count', '--workers', ENV.workers, flags.workers ?? env[ENV.workers], 1, LIMITS.workers, DEFAULTS.workers),
    compat: parseCompat(flags.compat ?? env[ENV.compat]),
    prefer: !(flags['no-prefer'] === true || parseBoolean(ENV.noPrefer, env[ENV.noPrefer])),
    faults: {
      latency: parseLatency(flags.latency ?? env[ENV.latency]),
      errorRate: parseErrorRate(flags['error-rate'] ?? env[ENV.errorRate]),
      errorStatuses: parseErrorStatuses(flags['error-status'] ?? env[ENV.errorStatus]),
      seed: parseSeed(flags['fault-seed'] ?? env[ENV.faultSeed])
    },
    journalSize: parseJournalSize(flags['journal-size'] ?? env[ENV.journalSize]),
    corsOrigins: parseCors(flags, env),
    limits: parseLimits(flags, env)
  })
}

function checkCombinations (config: Config): Config {
  // Each worker would advance its own copy of the clock and write the same runs twice.
  if (config.simulation !== undefined && config.workers > 1) {
    throw new ConfigError('--simulate runs in one process, so it cannot be combined with --workers above 1')
  }
  return config
}

function parseSimulation (flags: ConfigFlags, env: Env): SimulationConfig | undefined {
  const on = flags.simulate === true || parseBoolean(ENV.simulate, env[ENV.simulate])
  if (!on) {
    const stray = (['speed', 'random-seed', 'simulate-interval', 'simulate-keep'] as const).find((name) => flags[name] !== undefined)
    if (stray !== undefined) throw new ConfigError(`--${stray} only applies with --simulate`)
    return undefined
  }
  if (flags['read-only'] === true || parseBoolean(ENV.readOnly, env[ENV.readOnly])) {
    throw new ConfigError('--simulate writes runs to the database, so it cannot be combined with --read-only')
  }
  const defaults = DEFAULTS.simulation
  return {
    speed: parseNumber('--speed', ENV.speed, flags.speed ?? env[ENV.speed], defaults.speed, { min: 0.001, max: 1_000_000 }),
    randomSeed: parseNumber('--random-seed', ENV.randomSeed, flags['random-seed'] ?? env[ENV.randomSeed], defaults.randomSeed, { integer: true, min: 0, max: 2 ** 32 - 1 }),
    intervalSeconds: parseNumber('--simulate-interval', ENV.simulateInterval, flags['simulate-interval'] ?? env[ENV.simulateInterval], defaults.intervalSeconds, { min: 1, max: 31_536_000 }),
    keep: parseNumber('--simulate-keep', ENV.simulateKeep, flags['simulate-keep'] ?? env[ENV.simulateKeep], defaults.keep, { integer: true, min: 0, max: 1_000_000_000 })
  }
}

function parseNumber (flag: string, envName: string, value: string | undefined, fallback: number,
  limits: { integer?: boolean, min: number, max: number }): number {
  if (value === undefined) return fallback
  const number = /^\s*$/.test(value) ? Number.NaN : Number(value)
  const kind = limits.integer === true ? 'an integer' : 'a number'
  if (!Number.isFinite(number) || (limits.integer === true && !Number.isInteger(number)) || number < limits.min || number > limits.max) {
    throw new ConfigError(`invalid ${flag} "${value}": expected ${kind} from ${limits.min} to ${limits.max} (${flag} / ${envName})`)
  }
  return number
}

function parseCompat (value: string | undefined): CompatName {
  if (value === undefined) return DEFAULT_COMPAT
  if (!isCompatName(value)) throw new ConfigError(`invalid compatibility profile "${value}": expected one of ${COMPAT_NAMES.join(', ')} (--compat / ${ENV.compat})`)
  return value
}

/** `MS` or `MIN-MAX`, whole milliseconds. */
export function parseLatency (value: string | undefined): FaultConfig['latency'] {
  if (value === undefined || value === '') return undefined
  const match = /^(\d{1,6})(?:-(\d{1,6}))?$/.exec(value.trim())
  const min = Number(match?.[1])
  const max = match?.[2] === undefined ? min : Number(match[2])
  if (match === null || min > max || max > MAX_LATENCY_MS) {
    throw new ConfigError(`invalid latency "${value}": expected MS or MIN-MAX, whole milliseconds up to ${MAX_LATENCY_MS} (--latency / ${ENV.latency})`)
  }
  return { min, max }
}

function parseErrorRate (value: string | undefined): number {
  if (value === undefined || value === '') return 0
  const rate = Number(value)
  if (value.trim() === '' || !Number.isFinite(rate) || rate < 0 || rate > 1) {
    throw new ConfigError(`invalid error rate "${value}": expected a number from 0 to 1 (--error-rate / ${ENV.errorRate})`)
  }
  return rate
}

function parseErrorStatuses (value: string | undefined): FaultStatus[] {
  if (value === undefined || value === '') return [500]
  const statuses = value.split(',').map((part) => FAULT_STATUSES.find((status) => String(status) === part.trim()))
  if (statuses.some((status) => status === undefined)) {
    throw new ConfigError(`invalid error status "${value}": expected 500, 503 or 500,503 (--error-status / ${ENV.errorStatus})`)
  }
  return [...new Set(statuses as FaultStatus[])]
}

function parseSeed (value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined
  if (!/^\d{1,10}$/.test(value) || Number(value) > 2 ** 32 - 1) {
    throw new ConfigError(`invalid fault seed "${value}": expected an integer from 0 to 4294967295 (--fault-seed / ${ENV.faultSeed})`)
  }
  return Number(value)
}

function parseJournalSize (value: string | undefined): number {
  if (value === undefined || value === '') return DEFAULTS.journalSize
  if (!/^\d+$/.test(value) || Number(value) > MAX_JOURNAL_SIZE) {
    throw new ConfigError(`invalid journal size "${value}": expected an integer from 0 to ${MAX_JOURNAL_SIZE} (--journal-size / ${ENV.journalSize})`)
  }
  return Number(value)
}

function nonEmpty (name: string, value: string): string {
  if (value.trim() === '') throw new ConfigError(`${name} must not be empty`)
  return value
}

export function parsePort (value: string | undefined): number {
  if (value === undefined) return DEFAULTS.port
  if (!/^\d+$/.test(value) || Number(value) > 65535) {
    throw new ConfigError(`invalid port "${value}": expected an integer from 0 to 65535 (--port / ${ENV.port})`)
  }
  return Number(value)
}

function parseInteger (what: string, flag: string, envName: string, value: string | undefined, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new ConfigError(`invalid ${what} "${value}": expected an integer from ${min} to ${max} (${flag} / ${envName})`)
  }
  return Number(value)
}

function parseList (name: string, flagValues: string[] | undefined, envValue: string | undefined): string[] | undefined {
  const values = flagValues ?? envValue?.split(',').map((v) => v.trim())
  if (values === undefined) return undefined
  for (const value of values) {
    if (value === '' || /\s/.test(value)) throw new ConfigError(`${name} values must be non-empty and contain no whitespace`)
  }
  return values
}

function optionalSecret (name: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined
  if (value.length < 8 || /\s/.test(value)) throw new ConfigError(`${name} must be at least 8 characters with no whitespace`)
  return value
}

const BYTE_UNITS: Record<string, number> = { '': 1, b: 1, kb: 1024, mb: 1024 * 1024, gb: 1024 * 1024 * 1024 }

/** `52428800`, `512kb`, `50mb`, `1gb` (binary units, any case). */
export function parseByteSize (value: string | undefined): number {
  if (value === undefined) return DEFAULTS.adminBodyLimit
  const match = /^(\d+)\s*(b|kb|mb|gb)?$/i.exec(value.trim())
  const bytes = match === null ? NaN : Number(match[1]) * (BYTE_UNITS[(match[2] ?? '').toLowerCase()] ?? NaN)
  if (!Number.isSafeInteger(bytes) || bytes < 1) {
    throw new ConfigError(`invalid body limit "${value}": expected a size such as 50mb, 512kb or 1048576 (--admin-body-limit / ${ENV.adminBodyLimit})`)
  }
  return bytes
}

function parseLogFormat (value: string | undefined): LogFormat {
  if (value === undefined) return DEFAULTS.logFormat
  if (!(LOG_FORMATS as readonly string[]).includes(value)) {
    throw new ConfigError(`invalid log format "${value}": expected one of ${LOG_FORMATS.join(', ')}`)
  }
  return value as LogFormat
}

function parseLogLevel (value: string | undefined): LogLevel {
  if (value === undefined) return DEFAULTS.logLevel
  if (!(LOG_LEVELS as readonly string[]).includes(value)) {
    throw new ConfigError(`invalid log level "${value}": expected one of ${LOG_LEVELS.join(', ')}`)
  }
  return value as LogLevel
}

function parseBoolean (name: string, value: string | undefined): boolean {
  if (value === undefined || value === '' || value === '0' || value === 'false') return false
  if (value === '1' || value === 'true') return true
  throw new ConfigError(`invalid ${name} "${value}": expected true or false`)
}

function parseCors (flags: ConfigFlags, env: Env): readonly string[] | false {
  const off = flags['no-cors'] === true || parseBoolean(ENV.noCors, env[ENV.noCors])
  const origins = parseList('--cors-origin', flags['cors-origin'], env[ENV.corsOrigins])
  if (off && flags['cors-origin'] !== undefined) throw new ConfigError('--no-cors and --cors-origin contradict each other')
  if (off) return false
  for (const origin of origins ?? []) {
    if (origin !== '*' && !/^[a-z][a-z0-9+.-]*:\/\/[^/?#@\s]+$/i.test(origin)) {
      throw new ConfigError(`invalid --cors-origin "${origin}": expected scheme://host[:port] (":*" for any port) or "*"`)
    }
  }
  return origins ?? DEFAULTS.corsOrigins
}

function parseLimits (flags: ConfigFlags, env: Env): ServerLimits {
  const limit = (flag: keyof ConfigFlags, name: keyof typeof ENV, fallback: number): number => {
    const value = (flags[flag] as string | undefined) ?? env[ENV[name]]
    if (value === undefined) return fallback
    if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 2_147_483_647) {
      throw new ConfigError(`invalid --${flag} "${value}": expected a positive integer (--${flag} / ${ENV[name]})`)
    }
    return Number(value)
  }
  const limits = {
    maxConnections: limit('max-connections', 'maxConnections', DEFAULT_LIMITS.maxConnections),
    keepAliveTimeout: limit('keep-alive-timeout', 'keepAliveTimeout', DEFAULT_LIMITS.keepAliveTimeout),
    headersTimeout: limit('headers-timeout', 'headersTimeout', DEFAULT_LIMITS.headersTimeout),
    requestTimeout: limit('request-timeout', 'requestTimeout', DEFAULT_LIMITS.requestTimeout)
  }
  if (limits.headersTimeout > limits.requestTimeout) {
    throw new ConfigError(`--headers-timeout (${limits.headersTimeout}) must not exceed --request-timeout (${limits.requestTimeout})`)
  }
  return limits
}

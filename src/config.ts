// Server configuration: flags over environment over defaults, validated; the only reader of the environment.
import { COMPAT_NAMES, DEFAULT_COMPAT, isCompatName, type CompatName } from './contract/compat.ts'
import { FAULT_STATUSES, type FaultConfig, type FaultStatus } from './faults/inject.ts'
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
  seedDemo: boolean
  /** Open the database read-only: no migration, no seeding, no writes. */
  readOnly: boolean
  simulation: SimulationConfig | undefined
  compat: CompatName
  prefer: boolean
  faults: FaultConfig
  journalSize: number
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
  'no-seed'?: boolean
  'read-only'?: boolean
  simulate?: boolean
  speed?: string
  'random-seed'?: string
  'simulate-interval'?: string
  'simulate-keep'?: string
  compat?: string
  'no-prefer'?: boolean
  latency?: string
  'error-rate'?: string
  'error-status'?: string
  'fault-seed'?: string
  'journal-size'?: string
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
  noSeed: 'PIPELINES_MOCK_NO_SEED',
  readOnly: 'PIPELINES_MOCK_READ_ONLY',
  simulate: 'PIPELINES_MOCK_SIMULATE',
  speed: 'PIPELINES_MOCK_SPEED',
  randomSeed: 'PIPELINES_MOCK_RANDOM_SEED',
  simulateInterval: 'PIPELINES_MOCK_SIMULATE_INTERVAL',
  simulateKeep: 'PIPELINES_MOCK_SIMULATE_KEEP',
  compat: 'PIPELINES_MOCK_COMPAT',
  noPrefer: 'PIPELINES_MOCK_NO_PREFER',
  latency: 'PIPELINES_MOCK_LATENCY',
  errorRate: 'PIPELINES_MOCK_ERROR_RATE',
  errorStatus: 'PIPELINES_MOCK_ERROR_STATUS',
  faultSeed: 'PIPELINES_MOCK_FAULT_SEED',
  journalSize: 'PIPELINES_MOCK_JOURNAL_SIZE'
} as const

export const DEFAULTS = {
  host: '127.0.0.1',
  port: 8000,
  dbPath: './data/pipelines-mock.sqlite',
  tokens: ['demo-token'],
  adminBodyLimit: 50 * 1024 * 1024,
  logLevel: 'info' as LogLevel,
  simulation: { speed: 1, randomSeed: 1, intervalSeconds: 300, keep: 200 },
  journalSize: 1000
}

export const MAX_LATENCY_MS = 60_000
export const MAX_JOURNAL_SIZE = 100_000

export class ConfigError extends Error {}

type Env = Record<string, string | undefined>

export function loadConfig (flags: ConfigFlags = {}, env: Env = process.env): Config {
  return {
    host: nonEmpty('--host', flags.host ?? env[ENV.host] ?? DEFAULTS.host),
    port: parsePort(flags.port ?? env[ENV.port]),
    dbPath: nonEmpty('--db', flags.db ?? env[ENV.db] ?? DEFAULTS.dbPath),
    tokens: parseList('--token', flags.token, env[ENV.tokens]) ?? DEFAULTS.tokens,
    apiKeys: parseList('--api-key', flags['api-key'], env[ENV.apiKeys]) ?? [],
    adminToken: optionalSecret('--admin-token', flags['admin-token'] ?? env[ENV.adminToken]),
    adminBodyLimit: parseByteSize(flags['admin-body-limit'] ?? env[ENV.adminBodyLimit]),
    logLevel: parseLogLevel(flags['log-level'] ?? env[ENV.logLevel]),
    seedDemo: !(flags['no-seed'] === true || parseBoolean(ENV.noSeed, env[ENV.noSeed])),
    readOnly: flags['read-only'] === true || parseBoolean(ENV.readOnly, env[ENV.readOnly]),
    simulation: parseSimulation(flags, env),
    compat: parseCompat(flags.compat ?? env[ENV.compat]),
    prefer: !(flags['no-prefer'] === true || parseBoolean(ENV.noPrefer, env[ENV.noPrefer])),
    faults: {
      latency: parseLatency(flags.latency ?? env[ENV.latency]),
      errorRate: parseErrorRate(flags['error-rate'] ?? env[ENV.errorRate]),
      errorStatuses: parseErrorStatuses(flags['error-status'] ?? env[ENV.errorStatus]),
      seed: parseSeed(flags['fault-seed'] ?? env[ENV.faultSeed])
    },
    journalSize: parseJournalSize(flags['journal-size'] ?? env[ENV.journalSize])
  }
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

// Server configuration: flags over environment over defaults, validated; the only reader of the environment.
export interface Config {
  host: string
  port: number
  dbPath: string
  tokens: string[]
  apiKeys: string[]
  adminToken: string | undefined
  logLevel: LogLevel
  seedDemo: boolean
  /** Byte budget of the response cache; 0 turns it off. */
  cacheBytes: number
  /** Processes serving the one port (node:cluster); 1 serves from this process. */
  workers: number
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
  'log-level'?: string
  'no-seed'?: boolean
  'cache-mb'?: string
  workers?: string
}

export const ENV = {
  host: 'PIPELINES_MOCK_HOST',
  port: 'PIPELINES_MOCK_PORT',
  db: 'PIPELINES_MOCK_DB',
  tokens: 'PIPELINES_MOCK_TOKENS',
  apiKeys: 'PIPELINES_MOCK_API_KEYS',
  adminToken: 'PIPELINES_MOCK_ADMIN_TOKEN',
  logLevel: 'PIPELINES_MOCK_LOG_LEVEL',
  noSeed: 'PIPELINES_MOCK_NO_SEED',
  cacheMb: 'PIPELINES_MOCK_CACHE_MB',
  workers: 'PIPELINES_MOCK_WORKERS'
} as const

export const DEFAULTS = {
  host: '127.0.0.1',
  port: 8000,
  dbPath: './data/pipelines-mock.sqlite',
  tokens: ['demo-token'],
  logLevel: 'info' as LogLevel,
  cacheMb: 32,
  workers: 1
}

export const LIMITS = { cacheMb: 4096, workers: 64 }
const MEGABYTE = 1024 * 1024

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
    logLevel: parseLogLevel(flags['log-level'] ?? env[ENV.logLevel]),
    seedDemo: !(flags['no-seed'] === true || parseBoolean(ENV.noSeed, env[ENV.noSeed])),
    cacheBytes: parseInteger('cache size', '--cache-mb', ENV.cacheMb, flags['cache-mb'] ?? env[ENV.cacheMb], 0, LIMITS.cacheMb, DEFAULTS.cacheMb) * MEGABYTE,
    workers: parseInteger('worker count', '--workers', ENV.workers, flags.workers ?? env[ENV.workers], 1, LIMITS.workers, DEFAULTS.workers)
  }
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

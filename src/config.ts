// Server configuration: the serve options read (flags over environment over defaults) and assembled, checked together.
import type { CompatName } from './contract/compat.ts'
import type { FaultConfig } from './faults/settings.ts'
import type { ServerLimits } from './http-server.ts'
import { ConfigError, envNames, readOptions, type FlagsOf } from './options/option.ts'
import { SERVE, SIMULATE, type LogFormat, type LogLevel } from './options/table.ts'

export { ConfigError }
export { LOG_LEVELS, LOG_FORMATS, type LogLevel, type LogFormat } from './options/table.ts'

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

export const SERVE_OPTIONS = { ...SERVE, ...SIMULATE }

/** Values as given on the command line; undefined means "not given". */
export type ConfigFlags = FlagsOf<typeof SERVE_OPTIONS>

/** The environment variable of each serve option. */
export const ENV = envNames(SERVE_OPTIONS)

export const DEFAULTS = { tokens: SERVE.tokens.fallback, dbPath: SERVE.db.fallback }

const MEGABYTE = 1024 * 1024

type Env = Record<string, string | undefined>

export function loadConfig (flags: ConfigFlags = {}, env: Env = process.env): Config {
  const o = readOptions(SERVE_OPTIONS, flags, env)
  return checkCombinations({
    host: o.host,
    port: o.port,
    dbPath: o.db,
    tokens: o.tokens,
    apiKeys: o.apiKeys,
    adminToken: o.adminToken,
    adminBodyLimit: o.adminBodyLimit,
    logLevel: o.logLevel,
    logFormat: o.logFormat,
    seedDemo: !o.noSeed,
    readOnly: o.readOnly,
    simulation: o.simulate ? { speed: o.speed, randomSeed: o.randomSeed, intervalSeconds: o.simulateInterval, keep: o.simulateKeep } : undefined,
    cacheBytes: o.cacheMb * MEGABYTE,
    workers: o.workers,
    compat: o.compat,
    prefer: !o.noPrefer,
    faults: { latency: o.latency, errorRate: o.errorRate, errorStatuses: o.errorStatus, seed: o.faultSeed },
    journalSize: o.journalSize,
    corsOrigins: o.noCors ? false : o.corsOrigins,
    limits: {
      maxConnections: o.maxConnections,
      keepAliveTimeout: o.keepAliveTimeout,
      headersTimeout: o.headersTimeout,
      requestTimeout: o.requestTimeout
    }
  }, flags)
}

const SIMULATION_ONLY = ['speed', 'random-seed', 'simulate-interval', 'simulate-keep'] as const

function checkCombinations (config: Config, flags: ConfigFlags): Config {
  const stray = SIMULATION_ONLY.find((name) => flags[name] !== undefined)
  if (config.simulation === undefined && stray !== undefined) throw new ConfigError(`--${stray} only applies with --simulate`)
  if (config.simulation !== undefined && config.readOnly) {
    throw new ConfigError('--simulate writes runs to the database, so it cannot be combined with --read-only')
  }
  // Each worker would advance its own copy of the clock and write the same runs twice.
  if (config.simulation !== undefined && config.workers > 1) {
    throw new ConfigError('--simulate runs in one process, so it cannot be combined with --workers above 1')
  }
  if (config.corsOrigins === false && flags['cors-origin'] !== undefined) throw new ConfigError('--no-cors and --cors-origin contradict each other')
  if (config.limits.headersTimeout > config.limits.requestTimeout) {
    throw new ConfigError(`--headers-timeout (${config.limits.headersTimeout}) must not exceed --request-timeout (${config.limits.requestTimeout})`)
  }
  return config
}

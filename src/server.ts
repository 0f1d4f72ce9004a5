// The `serve` process: open and migrate the database (or check it, read-only), seed the demo set when empty, listen,
// close gracefully.
import { existsSync, rmSync } from 'node:fs'
import closeWithGrace from 'close-with-grace'
import type { FastifyInstance, FastifyServerOptions } from 'fastify'
import { textLogStream } from './access-log.ts'
import { buildApp, REDACTED_HEADERS } from './app.ts'
import type { Config } from './config.ts'
import { assertCurrentSchema, migrate } from './db/migrate.ts'
import { databaseError, openDatabase, type Db } from './db/open.ts'
import type { SimulationRunner } from './simulation/runner.ts'

export interface RunningServer {
  app: FastifyInstance
  db: Db
  url: string
  /** Present with --simulate. */
  simulation: SimulationRunner | undefined
  /** Runs of the demo data set loaded into an empty database at start; undefined when nothing was seeded. */
  seededRuns: number | undefined
  close: () => Promise<void>
}

export function loggerOptions (config: Config): FastifyServerOptions['logger'] {
  const redact = { paths: REDACTED_HEADERS, censor: '[redacted]' }
  if (config.logFormat === 'json') return { level: config.logLevel, redact }
  return { level: config.logLevel, redact, stream: textLogStream() }
}

export async function startServer (config: Config, logger = loggerOptions(config)): Promise<RunningServer> {
  const created = config.dbPath !== ':memory:' && !existsSync(config.dbPath)
  const db = openDatabase(config.dbPath, { readOnly: config.readOnly })
  // A server that does not start leaves no database it created behind (an existing one keeps its data).
  const abandon = () => {
    db.close()
    if (created) for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${config.dbPath}${suffix}`, { force: true })
  }
  let seededRuns: number | undefined
  try {
    seededRuns = await prepareDatabase(db, config)
  } catch (error) {
    abandon()
    throw databaseError(config.dbPath, error, { readOnly: config.readOnly })
  }
  const app = await buildApp({ config, db, logger })
  let url: string
  let simulation: SimulationRunner | undefined
  try {
    simulation = await startSimulation(config, db, app)
    url = await app.listen({ host: config.host, port: config.port })
  } catch (error) {
    simulation?.stop()
    await app.close()
    abandon()
    throw listenError(config, error)
  }
  let closing: Promise<void> | undefined
  const close = async () => {
    simulation?.stop()
    closing ??= app.close().finally(() => db.close())
    return closing
  }
  return { app, db, url, simulation, seededRuns, close }
}

/** `--simulate`: the first step runs before the server listens, so the first answer is already current. */
async function startSimulation (config: Config, db: Db, app: FastifyInstance): Promise<SimulationRunner | undefined> {
  const options = config.simulation
  if (options === undefined) return undefined
  const { createSimulationRunner, simulationClock } = await import('./simulation/runner.ts')
  const runner = createSimulationRunner({
    ...options,
    db,
    clock: simulationClock(db, options.speed),
    // A response cache invalidates these pipelines here.
    onChange: (pipelineIds) => { app.log.debug({ pipelines: pipelineIds }, 'simulation wrote runs') },
    onError: (error) => { app.log.error({ err: error }, 'simulation step failed; retrying on the next tick') }
  })
  runner.start()
  app.log.info({ speed: options.speed, randomSeed: options.randomSeed, intervalSeconds: options.intervalSeconds, keep: options.keep }, 'simulation started')
  return runner
}

/** Read-only: nothing is written, so the database must already hold the current schema (baked images do). */
async function prepareDatabase (db: Db, config: Config): Promise<number | undefined> {
  if (config.readOnly) {
    assertCurrentSchema(db)
    return undefined
  }
  migrate(db)
  if (!config.seedDemo) return undefined
  const { isEmpty, loadDemo } = await import('./db/seed-demo.ts')
  return isEmpty(db) ? loadDemo(db) : undefined
}

function listenError (config: Config, error: unknown): Error {
  const code = (error as { code?: unknown }).code
  const hint = code === 'EADDRINUSE'
    ? ' (choose another --port, or 0 for a free one)'
    : code === 'EACCES' ? ' (ports below 1024 need privileges)' : ''
  return new Error(`cannot listen on ${config.host}:${config.port}: ${(error as Error).message}${hint}`)
}

/** Closes the server on SIGTERM/SIGINT after in-flight requests finish, then exits 0. */
export function closeOnSignals (server: RunningServer): void {
  closeWithGrace({ delay: 10_000 }, async ({ err, signal }) => {
    if (err !== undefined) server.app.log.error({ err }, 'closing after an error')
    else server.app.log.info({ signal }, 'closing')
    await server.close()
  })
}

// The `serve` process: open and migrate the database (or check it, read-only), seed the demo set when empty, listen,
// close gracefully.
import closeWithGrace from 'close-with-grace'
import type { FastifyInstance, FastifyServerOptions } from 'fastify'
import { buildApp, REDACTED_HEADERS } from './app.ts'
import type { Config } from './config.ts'
import { assertCurrentSchema, migrate } from './db/migrate.ts'
import { databaseError, openDatabase, type Db } from './db/open.ts'
import { isEmpty, loadDemo } from './db/seed-demo.ts'

export interface RunningServer {
  app: FastifyInstance
  db: Db
  url: string
  close: () => Promise<void>
}

export function loggerOptions (config: Config, pretty = process.stdout.isTTY): FastifyServerOptions['logger'] {
  return {
    level: config.logLevel,
    redact: { paths: REDACTED_HEADERS, censor: '[redacted]' },
    ...(pretty ? { transport: { target: 'pino-pretty', options: { translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname' } } } : {})
  }
}

export async function startServer (config: Config, logger = loggerOptions(config)): Promise<RunningServer> {
  const db = openDatabase(config.dbPath, { readOnly: config.readOnly })
  try {
    prepareDatabase(db, config)
  } catch (error) {
    db.close()
    throw databaseError(config.dbPath, error, { readOnly: config.readOnly })
  }
  const app = await buildApp({ config, db, logger })
  let url: string
  try {
    url = await app.listen({ host: config.host, port: config.port })
  } catch (error) {
    await app.close()
    db.close()
    throw listenError(config, error)
  }
  let closing: Promise<void> | undefined
  const close = async () => {
    closing ??= app.close().finally(() => db.close())
    return closing
  }
  return { app, db, url, close }
}

/** Read-only: the schema must already be current, and nothing is written. */
function prepareDatabase (db: Db, config: Config): void {
  if (config.readOnly) return assertCurrentSchema(db)
  migrate(db)
  if (config.seedDemo && isEmpty(db)) loadDemo(db)
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

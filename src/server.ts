// The `serve` process: open and migrate the database, seed the demo set when empty, listen, close gracefully.
import closeWithGrace from 'close-with-grace'
import type { FastifyInstance, FastifyServerOptions } from 'fastify'
import { buildApp, REDACTED_HEADERS } from './app.ts'
import type { Config } from './config.ts'
import { migrate } from './db/migrate.ts'
import { openDatabase, type Db } from './db/open.ts'
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
  const db = openDatabase(config.dbPath)
  try {
    migrate(db)
    if (config.seedDemo && isEmpty(db)) loadDemo(db)
  } catch (error) {
    db.close()
    throw error
  }
  const app = await buildApp({ config, db, logger })
  let url: string
  try {
    url = await app.listen({ host: config.host, port: config.port })
  } catch (error) {
    await app.close()
    db.close()
    throw error
  }
  let closing: Promise<void> | undefined
  const close = async () => {
    closing ??= app.close().finally(() => db.close())
    return closing
  }
  return { app, db, url, close }
}

/** Closes the server on SIGTERM/SIGINT after in-flight requests finish, then exits 0. */
export function closeOnSignals (server: RunningServer): void {
  closeWithGrace({ delay: 10_000 }, async ({ err, signal }) => {
    if (err !== undefined) server.app.log.error({ err }, 'closing after an error')
    else server.app.log.info({ signal }, 'closing')
    await server.close()
  })
}

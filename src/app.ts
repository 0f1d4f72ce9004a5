// buildApp({ config, db }): the Fastify instance with every route registered by hand; it never listens.
import { STATUS_CODES } from 'node:http'
import type { Socket } from 'node:net'
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify'
import { createApiKeyCheck, createAuthenticator } from './auth.ts'
import type { Config } from './config.ts'
import type { Db } from './db/open.ts'
import { errors, INVALID_HTTP_REQUEST, sendError } from './errors.ts'
import { adminRoutes } from './routes/admin.ts'
import { registerDocs } from './routes/docs.ts'
import { registerHealth } from './routes/health.ts'
import { createFallback } from './routes/fallback.ts'
import { createRunsHandler } from './routes/runs.ts'
import { createRunQueries } from './queries/runs.ts'
import { createRunsCache } from './queries/runs-cache.ts'
import { createChangeTracker } from './db/changes.ts'
import { compatProfile } from './contract/compat.ts'
import { createFaultInjector } from './faults/inject.ts'
import { createJournal } from './journal.ts'
import { recordRequests, registerRequestJournal } from './routes/admin-requests.ts'

export interface BuildAppOptions {
  config: Config
  db: Db
  logger?: FastifyServerOptions['logger']
}

export const REDACTED_HEADERS = [
  'req.headers.authorization',
  'req.headers["api-key"]',
  'req.headers["x-admin-token"]'
]

const RUNS_ROUTE = '/pipelines/:pipeline_id/runs/'

function answerUnparsableRequest (error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    socket.destroy()
    return
  }
  socket.end(INVALID_HTTP_REQUEST)
}

export async function buildApp ({ config, db, logger = false }: BuildAppOptions): Promise<FastifyInstance> {
  const faults = createFaultInjector(config.faults)
  const closing = new AbortController()
  const handleRuns = createRunsHandler({
    authenticate: createAuthenticator(config),
    checkApiKey: createApiKeyCheck(config),
    runsBody: createRunsCache({ queries: createRunQueries(db), changes: createChangeTracker(db), maxBytes: config.cacheBytes }).runsBody,
    profile: compatProfile(config.compat),
    prefer: config.prefer,
    faults,
    closing: closing.signal
  })
  const fallback = createFallback(handleRuns)

  const app = Fastify({
    logger,
    exposeHeadRoutes: false,
    return503OnClosing: true,
    clientErrorHandler: answerUnparsableRequest,
    // Routing decisions (404/405/307) follow Starlette on the raw URL, so a URL Fastify's router gives up on
    // (one it cannot decode, a parameter over its length limit) goes to the same fallback.
    frameworkErrors: (error, request, reply) => {
      request.log.debug({ err: error }, 'router error, answered by the Starlette fallback')
      return fallback(request, reply)
    }
  })

  app.addHook('preClose', async () => closing.abort())
  if (faults !== undefined) app.log.info({ faults: config.faults, seed: faults.seed }, 'fault injection on')
  const journal = config.adminToken === undefined ? undefined : createJournal(config.journalSize)
  if (journal !== undefined) recordRequests(app, journal)

  app.setNotFoundHandler(fallback)
  app.setErrorHandler((error, request, reply) => {
    const status = (error as { statusCode?: number }).statusCode ?? 500
    // Starlette routes before anyone reads a body, so a body Fastify could not parse (bad JSON, unknown
    // content type, too large) must not change the contract's answer (405, 404, 307 or the endpoint's own).
    if (status < 500 && (request.is404 || request.routeOptions.url === RUNS_ROUTE)) return fallback(request, reply)
    if (status >= 500) {
      request.log.error({ err: error }, 'unhandled error')
      return sendError(reply, errors.internal)
    }
    // Starlette's HTTPException default detail is the status phrase; Fastify's own messages never leak.
    return sendError(reply, { status, body: Buffer.from(JSON.stringify({ detail: STATUS_CODES[status] ?? 'Error' })) })
  })

  app.get(RUNS_ROUTE, (request, reply) => fallback(request, reply))
  registerHealth(app, { db })
  // Off without an admin token: its paths then answer 404 like any unknown path.
  if (config.adminToken !== undefined) await app.register(adminRoutes, { db, adminToken: config.adminToken, bodyLimit: config.adminBodyLimit })
  if (journal !== undefined && config.adminToken !== undefined) await registerRequestJournal(app, { journal, adminToken: config.adminToken })
  await registerDocs(app)
  return app
}

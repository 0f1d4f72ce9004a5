// buildApp({ config, db }): the Fastify instance with every route registered by hand; it never listens.
import { STATUS_CODES } from 'node:http'
import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify'
import { accessLine, registerAccessLog } from './access-log.ts'
import { createApiKeyCheck, createAuthenticator } from './auth.ts'
import type { Config } from './config.ts'
import { answerPreflight, createCorsPolicy, registerCors } from './cors.ts'
import type { Db } from './db/open.ts'
import { errors, sendError } from './errors.ts'
import { answerClientError, configureServer, serverOptions } from './http-server.ts'
import { registerDocs } from './routes/docs.ts'
import { registerHealth } from './routes/health.ts'
import { createStarletteRouter, type StarletteRoutes } from './routes/starlette-router.ts'
import { createRunsHandler } from './routes/runs.ts'
import { installRunsFastPath } from './routes/runs-fast-path.ts'
import { createRunQueries } from './queries/runs.ts'
import { createRunsCache } from './queries/runs-cache.ts'
import { createChangeTracker } from './db/changes.ts'
import { compatProfile } from './contract/compat.ts'
import { faultsEnabled } from './faults/settings.ts'
import { createJournal } from './journal.ts'
import { lazyCompilers } from './schema-compilers.ts'
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

export async function buildApp ({ config, db, logger = false }: BuildAppOptions): Promise<FastifyInstance> {
  // The injector's random generator is loaded only when faults are on.
  const faults = faultsEnabled(config.faults) ? (await import('./faults/inject.ts')).createFaultInjector(config.faults) : undefined
  const closing = new AbortController()
  const authenticate = createAuthenticator(config)
  const checkApiKey = createApiKeyCheck(config)
  const { runsBody } = createRunsCache({ queries: createRunQueries(db), changes: createChangeTracker(db), maxBytes: config.cacheBytes })
  const handleRuns = createRunsHandler({
    authenticate,
    checkApiKey,
    runsBody,
    profile: compatProfile(config.compat),
    prefer: config.prefer,
    faults,
    closing: closing.signal
  })
  const routes: StarletteRoutes = { runs: handleRuns }
  const route = createStarletteRouter(routes)
  const cors = config.corsOrigins === false ? undefined : createCorsPolicy(config.corsOrigins)

  const textLogs = config.logFormat === 'text' && logger !== false
  const app = Fastify({
    logger,
    // In text logs each request is one uvicorn-style access line (access-log.ts) instead of Fastify's two records.
    ...(textLogs ? { logController: new LogController({ disableRequestLogging: true }) } : {}),
    ...serverOptions(config.limits),
    clientErrorHandler: answerClientError,
    schemaController: { compilersFactory: lazyCompilers },
    exposeHeadRoutes: false,
    // While closing, requests already on open connections are still served (with connection: close), not 503'd.
    return503OnClosing: false,
    // A URL Fastify's router gives up on (one it cannot decode) skips the hooks: it goes to the Starlette router
    // here, after the CORS preflight check, as CORSMiddleware wraps the router.
    frameworkErrors: (error, request, reply) => {
      request.log.debug({ err: error }, 'router error, answered by the Starlette router')
      if (cors !== undefined && answerPreflight(cors, request, reply)) return reply
      return route(request, reply)
    }
  })
  configureServer(app, config.limits)
  if (textLogs) registerAccessLog(app)
  if (cors !== undefined) registerCors(app, cors)

  app.addHook('preClose', async () => closing.abort())
  if (faults !== undefined) app.log.info({ faults: config.faults, seed: faults.seed }, 'fault injection on')
  const journal = config.adminToken === undefined ? undefined : createJournal(config.journalSize)
  if (journal !== undefined) recordRequests(app, journal)

  // Every request Fastify's router does not own (the contract's paths included) is answered here, by the Starlette
  // router, before any body is read (as Starlette does); the hook completes once the answer is sent, so Fastify's
  // not-found handler never runs for it. Synchronous for every other request: a deferred hook would let Node act on
  // the next pipelined request (a CONNECT, say) before this one is answered.
  app.addHook('onRequest', (request, reply, done) => {
    if (!request.is404) return done()
    const answer = route(request, reply)
    if (answer instanceof Promise) answer.then(() => done(), done)
    else done()
  })
  app.setErrorHandler((error, request, reply) => {
    const status = (error as { statusCode?: number }).statusCode ?? 500
    if (status >= 500) {
      request.log.error({ err: error }, 'unhandled error')
      return sendError(reply, errors.internal)
    }
    // Starlette's HTTPException default detail is the status phrase; Fastify's own messages never leak.
    return sendError(reply, { status, body: Buffer.from(JSON.stringify({ detail: STATUS_CODES[status] ?? 'Error' })) })
  })

  registerHealth(app, { db })
  // Off without an admin token: its paths then answer 404 like any unknown path. Loaded only then, as its body
  // validation loads TypeBox's compiler.
  if (config.adminToken !== undefined) {
    const { adminRoutes } = await import('./routes/admin.ts')
    await app.register(adminRoutes, { db, adminToken: config.adminToken, bodyLimit: config.adminBodyLimit, readOnly: config.readOnly })
  }
  if (journal !== undefined && config.adminToken !== undefined) await registerRequestJournal(app, { journal, adminToken: config.adminToken })
  routes.static = registerDocs(app, { notFound: route })
  // Without faults, the journal or JSON request logs, a plain 200 has nothing Fastify's per-request work would add.
  const jsonLogs = logger !== false && config.logFormat === 'json'
  if (faults === undefined && journal === undefined && !jsonLogs) {
    installRunsFastPath(app.server, {
      authenticate,
      checkApiKey,
      runsBody,
      closing: () => closing.signal.aborted,
      ...(textLogs ? { answered: (request, status) => app.log.info(accessLine(request, status)) } : {})
    })
  }
  return app
}

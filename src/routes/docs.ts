// GET /openapi.json (the committed contract document) and GET /docs (Swagger UI served from the package, no CDN).
import { readFileSync } from 'node:fs'
import type { FastifyInstance, FastifyReply, FastifyRequest, LightMyRequestResponse } from 'fastify'
import { errors, sendError, sendJson } from '../errors.ts'
import type { StaticHandler } from './starlette-router.ts'

// test/openapi.test.ts keeps this file equal to what buildOpenApiDocument makes from the TypeBox schemas, so the
// server reads it instead of loading TypeBox at start. The path holds from src/routes/ and dist/routes/ alike.
const OPENAPI_FILE = new URL('../../openapi/openapi.json', import.meta.url)

export interface DocsOptions {
  /** Answers what the Swagger UI does not serve (the Starlette 404). */
  notFound: (request: FastifyRequest, reply: FastifyReply) => unknown
}

/** Registers the documentation routes; returns their handler for the router (paths Fastify's router does not take). */
export function registerDocs (app: FastifyInstance, { notFound }: DocsOptions): StaticHandler {
  const body = Buffer.from(JSON.stringify(JSON.parse(readFileSync(OPENAPI_FILE, 'utf8'))))
  app.route({ method: ['GET', 'HEAD'], url: '/openapi.json', handler: (_request, reply) => sendJson(reply, body) })

  // Swagger UI's plugins cost a third of the start-up, so they live in their own Fastify instance, built on the
  // first /docs request; its answers are copied onto this app's replies, so this app's hooks (CORS, logs) still apply.
  let ui: Promise<FastifyInstance> | undefined
  const forward = async (request: FastifyRequest, reply: FastifyReply, url = request.raw.url, orElse = notFound) => {
    ui ??= import('./docs-ui.ts').then(async ({ buildDocsUi }) => await buildDocsUi(body)).catch((error: unknown) => {
      ui = undefined // the next request tries again
      throw error
    })
    // Starlette answers HEAD on a GET route with the GET answer's headers; Node then sends no body.
    const method = request.method === 'HEAD' ? 'GET' : request.method as 'GET'
    const answer = await (await ui).inject({ method, url, headers: forwardedHeaders(request) })
    // FastAPI has no /docs/static/ at all: whatever the Swagger UI refuses (a traversal, a NUL) is its plain 404.
    if (answer.statusCode >= 400 && answer.statusCode < 500) return orElse(request, reply)
    // An empty Buffer would get a content-type the Swagger UI did not send (its redirects have none).
    const payload = answer.rawPayload.length === 0 ? undefined : answer.rawPayload
    return reply.code(answer.statusCode).headers(copiedHeaders(answer, request.method)).send(payload)
  }
  app.get('/docs', forward)
  app.route({ method: ['GET', 'HEAD'], url: '/docs/*', handler: forward })
  app.addHook('onClose', async () => { if (ui !== undefined) await (await ui).close() })
  return async (request, reply, { path, query }) => path === '/openapi.json'
    ? sendJson(reply, body)
    : await forward(request, reply, query === '' ? path : `${path}?${query}`, (_request, answer) => sendError(answer, errors.notFound))
}

// The Swagger UI reads no body, and light-my-request sends none.
function forwardedHeaders (request: FastifyRequest): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {}
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined && name !== 'content-length' && name !== 'transfer-encoding') headers[name] = value
  }
  return headers
}

// This app writes its own connection headers and, but for HEAD, the length of the body it sends.
const HOP_HEADERS = new Set(['connection', 'keep-alive', 'date', 'transfer-encoding'])

function copiedHeaders (answer: LightMyRequestResponse, method: string): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {}
  for (const [name, value] of Object.entries(answer.headers)) {
    if (value === undefined || HOP_HEADERS.has(name) || (name === 'content-length' && method !== 'HEAD')) continue
    headers[name] = typeof value === 'number' ? String(value) : value
  }
  return headers
}

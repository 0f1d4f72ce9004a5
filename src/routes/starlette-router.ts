// Starlette's routing for the contract's paths: match on the decoded path, then the endpoint, 405, 307 slash redirect or 404.
//
// The contract's paths are not registered with Fastify, and Fastify's params are not used: Starlette matches the
// percent-decoded path (so %2F is a slash and %0A a newline) against `[^/]+` with Python's `$` (which also matches
// before a final newline), answers 405 by path for any method and toggles a trailing slash for a 307. Fastify's
// router decodes, limits and rejects differently, so every request it does not own comes here, once.
import type { FastifyReply, FastifyRequest } from 'fastify'
import { quoteLocation, splitUrl } from '../contract/url.ts'
import { errors, sendError } from '../errors.ts'
import { appendHeader } from '../uvicorn-response.ts'
import type { RunsHandler } from './runs.ts'

export type RouteMatch =
  | { kind: 'runs', pipelineId: string }
  | { kind: 'static', path: StaticPath }
  | { kind: 'none' }

export type Answer = FastifyReply | Promise<unknown>
export type StaticPath = '/openapi.json' | '/docs' | '/docs/oauth2-redirect'
/** The GET/HEAD endpoints FastAPI adds (documentation), served for `query` on their canonical path. */
export type StaticHandler = (request: FastifyRequest, reply: FastifyReply, target: { path: StaticPath, query: string }) => Answer

// Starlette compiles `^/pipelines/(?P<pipeline_id>[^/]+)/runs/$`; Python's `$` also matches before a final newline.
const RUNS_PATH = /^\/pipelines\/([^/]+)\/runs\/\n?$/
const STATIC_PATHS = new Set<string>(['/openapi.json', '/docs', '/docs/oauth2-redirect'])

export function matchRoute (path: string): RouteMatch {
  const runs = RUNS_PATH.exec(path)
  if (runs !== null) return { kind: 'runs', pipelineId: runs[1] as string }
  const staticPath = path.endsWith('\n') ? path.slice(0, -1) : path
  if (STATIC_PATHS.has(staticPath)) return { kind: 'static', path: staticPath as StaticPath }
  return { kind: 'none' }
}

/** The path with its trailing slash toggled when that path would match a route (Starlette's redirect_slashes). */
export function redirectTarget (path: string): string | undefined {
  if (path === '/') return undefined
  const toggled = path.endsWith('/') ? path.replace(/\/+$/, '') : `${path}/`
  return matchRoute(toggled).kind === 'none' ? undefined : toggled
}

export interface StarletteRoutes {
  runs: RunsHandler
  /** Set once the documentation routes exist; until then a static path answers 404. */
  static?: StaticHandler
}

/** The router: one call answers the request (the returned promise settles once the answer is sent). */
export function createStarletteRouter (routes: StarletteRoutes) {
  return function route (request: FastifyRequest, reply: FastifyReply): Answer {
    const { path, query } = splitUrl(request.raw.url ?? '/')
    const match = matchRoute(path)
    if (match.kind === 'runs') {
      if (request.method !== 'GET') return sendError(reply, errors.methodNotAllowed)
      return routes.runs(request, reply, { rawPipelineId: match.pipelineId, query })
    }
    if (match.kind === 'static') {
      if (request.method !== 'GET' && request.method !== 'HEAD') return sendError(reply, errors.methodNotAllowedGetHead)
      if (routes.static !== undefined) return routes.static(request, reply, { path: match.path, query })
    }
    const target = redirectTarget(path)
    if (target !== undefined) return redirect(request, reply, target, query)
    return sendError(reply, errors.notFound)
  }
}

function redirect (request: FastifyRequest, reply: FastifyReply, path: string, query: string): FastifyReply {
  const url = `http://${hostOf(request)}${path}${query === '' ? '' : `?${query}`}`
  // Starlette's RedirectResponse: empty body, content-length 0 (HEAD included), no content-type.
  appendHeader(reply, 'location', quoteLocation(url))
  return reply.code(307).header('content-length', '0').send()
}

// Starlette's URL(scope=...): the Host header, else the server address with the port left out when it is 80.
function hostOf (request: FastifyRequest): string {
  if (request.headers.host !== undefined) return request.headers.host
  const address = request.socket.localAddress ?? '127.0.0.1'
  const port = request.socket.localPort ?? 80
  return port === 80 ? address : `${address}:${port}`
}

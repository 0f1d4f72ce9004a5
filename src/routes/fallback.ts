// Answers for requests Fastify's router did not take: Starlette's 307 slash redirect, 405 and 404.
import type { FastifyReply, FastifyRequest } from 'fastify'
import { quoteLocation, splitUrl } from '../contract/url.ts'
import { errors, sendError } from '../errors.ts'
import type { RunsHandler } from './runs.ts'
import { matchRoute, redirectTarget } from './table.ts'

export function createFallback (handleRuns: RunsHandler) {
  return function fallback (request: FastifyRequest, reply: FastifyReply): FastifyReply | Promise<FastifyReply> {
    const { path, query } = splitUrl(request.raw.url ?? '/')
    const match = matchRoute(path)
    if (match.kind === 'runs') {
      if (request.method !== 'GET') return sendError(reply, errors.methodNotAllowed)
      return handleRuns(request, reply, { rawPipelineId: match.pipelineId, query })
    }
    if (match.kind === 'static' && request.method !== 'GET' && request.method !== 'HEAD') {
      return sendError(reply, errors.methodNotAllowedGetHead)
    }
    const target = redirectTarget(path)
    if (target !== undefined) return redirect(request, reply, target, query)
    return sendError(reply, errors.notFound)
  }
}

function redirect (request: FastifyRequest, reply: FastifyReply, path: string, query: string): FastifyReply {
  const url = `http://${hostOf(request)}${path}${query === '' ? '' : `?${query}`}`
  // Starlette's RedirectResponse: empty body, content-length 0 (HEAD included), no content-type.
  return reply.code(307).header('location', quoteLocation(url)).header('content-length', '0').send()
}

// Starlette's URL(scope=...): the Host header, else the server address with the port left out when it is 80.
function hostOf (request: FastifyRequest): string {
  if (request.headers.host !== undefined) return request.headers.host
  const address = request.socket.localAddress ?? '127.0.0.1'
  const port = request.socket.localPort ?? 80
  return port === 80 ? address : `${address}:${port}`
}

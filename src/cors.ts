// CORS as Starlette's CORSMiddleware answers it, configured like allow_methods=['*'], allow_headers=['*'], no credentials.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { firstHeader } from './contract/headers.ts'
import { appendHeader } from './uvicorn-response.ts'

const ALL_METHODS = ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT']
const MAX_AGE = '600'
const TEXT = 'text/plain; charset=utf-8'

export interface CorsAnswer {
  status: number
  headers: Record<string, string>
  body: string
}

export interface CorsPolicy {
  /** A preflight is an OPTIONS request with Origin and Access-Control-Request-Method headers. */
  isPreflight: (method: string, rawHeaders: readonly string[]) => boolean
  /** The answer to a preflight, else undefined. */
  preflight: (method: string, rawHeaders: readonly string[]) => CorsAnswer | undefined
  /** Headers to add to any other answer to a request that carries an Origin. */
  responseHeaders: (rawHeaders: readonly string[]) => Record<string, string>
}

/** `origins`: exact origins, `scheme://host:*` for any port (or none), or `*` for every origin. */
export function createCorsPolicy (origins: readonly string[]): CorsPolicy {
  const allowAll = origins.includes('*')
  const exact = new Set(origins.filter((origin) => !origin.endsWith(':*')))
  const anyPort = origins.filter((origin) => origin.endsWith(':*')).map((origin) => origin.slice(0, -2))
  const isAllowed = (origin: string) => allowAll || exact.has(origin) || anyPort.some((prefix) => matchesAnyPort(origin, prefix))

  const isPreflight = (method: string, rawHeaders: readonly string[]) => method === 'OPTIONS' &&
    firstHeader(rawHeaders, 'origin') !== undefined && firstHeader(rawHeaders, 'access-control-request-method') !== undefined

  return {
    isPreflight,
    preflight (method, rawHeaders) {
      if (!isPreflight(method, rawHeaders)) return undefined
      const origin = firstHeader(rawHeaders, 'origin') as string
      const requestedMethod = firstHeader(rawHeaders, 'access-control-request-method') as string
      // Starlette: "Vary: Origin" when the allowed origin is echoed, a fixed "*" otherwise.
      const headers: Record<string, string> = allowAll ? { 'access-control-allow-origin': '*' } : { vary: 'Origin' }
      headers['access-control-allow-methods'] = ALL_METHODS.join(', ')
      headers['access-control-max-age'] = MAX_AGE
      const failures: string[] = []
      if (!isAllowed(origin)) failures.push('origin')
      else if (!allowAll) headers['access-control-allow-origin'] = origin
      if (!ALL_METHODS.includes(requestedMethod)) failures.push('method')
      const requestedHeaders = firstHeader(rawHeaders, 'access-control-request-headers')
      if (requestedHeaders !== undefined) headers['access-control-allow-headers'] = requestedHeaders
      if (firstHeader(rawHeaders, 'access-control-request-private-network') !== undefined) failures.push('private-network')
      if (failures.length > 0) return { status: 400, headers, body: `Disallowed CORS ${failures.join(', ')}` }
      return { status: 200, headers, body: 'OK' }
    },
    responseHeaders (rawHeaders): Record<string, string> {
      const origin = firstHeader(rawHeaders, 'origin')
      if (origin === undefined) return {}
      // With every origin allowed Starlette sends "*", unless cookies ask for the explicit origin.
      if (allowAll && firstHeader(rawHeaders, 'cookie') === undefined) return { 'access-control-allow-origin': '*' }
      return isAllowed(origin) ? { 'access-control-allow-origin': origin, vary: 'Origin' } : {}
    }
  }
}

function matchesAnyPort (origin: string, prefix: string): boolean {
  if (!origin.startsWith(prefix)) return false
  const rest = origin.slice(prefix.length)
  return rest === '' || /^:\d{1,5}$/.test(rest)
}

/** Hooks: preflights are answered before routing; other answers get the CORS headers on the way out. */
export function registerCors (app: FastifyInstance, policy: CorsPolicy): void {
  app.addHook('onRequest', (request, reply, done) => {
    answerPreflight(policy, request, reply)
    done()
  })
  app.addHook('onSend', (request, reply, payload, done) => {
    if (!policy.isPreflight(request.method, request.raw.rawHeaders)) addResponseHeaders(policy, request, reply)
    done(null, payload)
  })
}

/** Sends the preflight answer when the request is one; returns whether it did. */
export function answerPreflight (policy: CorsPolicy, request: FastifyRequest, reply: FastifyReply): boolean {
  const answer = policy.preflight(request.method, request.raw.rawHeaders)
  if (answer === undefined) return false
  reply.code(answer.status).headers(answer.headers).header('content-type', TEXT).send(answer.body)
  return true
}

// CORSMiddleware sets these on the response the app built, so they come after its content-type.
function addResponseHeaders (policy: CorsPolicy, request: FastifyRequest, reply: FastifyReply): void {
  for (const [name, value] of Object.entries(policy.responseHeaders(request.raw.rawHeaders))) {
    const existing = name === 'vary' ? reply.getHeader('vary') : undefined
    appendHeader(reply, name, existing === undefined ? value : `${String(existing)}, ${value}`)
  }
}

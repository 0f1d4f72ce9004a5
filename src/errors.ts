// Every error answer the server gives, in FastAPI's shapes, with one way to send them.
import type { FastifyReply } from 'fastify'
import type { AuthAnswer, CompatProfile } from './contract/compat.ts'

export interface ContractError {
  status: number
  body: Buffer
  headers?: Record<string, string>
}

const detail = (status: number, text: string, headers?: Record<string, string>): ContractError => ({
  status,
  body: Buffer.from(JSON.stringify({ detail: text })),
  ...(headers === undefined ? {} : { headers })
})

const BEARER_CHALLENGE = { 'www-authenticate': 'Bearer' }

export const errors = {
  notFound: detail(404, 'Not Found'),
  methodNotAllowed: detail(405, 'Method Not Allowed', { allow: 'GET' }),
  // Starlette routes without explicit methods (the docs and openapi.json) also answer HEAD.
  methodNotAllowedGetHead: detail(405, 'Method Not Allowed', { allow: 'GET, HEAD' }),
  notAuthenticated: detail(401, 'Not authenticated', BEARER_CHALLENGE),
  invalidCredentials: detail(401, 'Could not validate credentials', BEARER_CHALLENGE),
  invalidApiKey: detail(401, 'Invalid API key'),
  pipelineNotFound: detail(404, 'Pipeline not found'),
  serviceUnavailable: detail(503, 'Service Unavailable'),
  // The /__admin endpoints: a missing admin token as HTTPBearer says it, a wrong one in the same shape.
  adminNotAuthenticated: detail(401, 'Not authenticated', BEARER_CHALLENGE),
  adminInvalidToken: detail(401, 'Invalid admin token', BEARER_CHALLENGE),
  // serve --read-only: the admin endpoints all change data, which the read-only database cannot take.
  readOnlyDatabase: detail(403, 'The database is read-only (serve --read-only): data cannot be changed'),
  payloadTooLarge: detail(413, 'Request Entity Too Large'),
  unsupportedMediaType: detail(415, 'Unsupported Media Type'),
  // Another process (a `seed` command) holds the write lock longer than the busy timeout.
  databaseBusy: detail(503, 'Database is busy with another write; try again'),
  // Starlette's ServerErrorMiddleware answers an unhandled exception with plain text.
  internal: { status: 500, body: Buffer.from('Internal Server Error'), headers: { 'content-type': 'text/plain; charset=utf-8' } }
} satisfies Record<string, ContractError>

export interface UuidProblem {
  loc: readonly ['path' | 'query', string]
  input: string
  error: string
}

/** FastAPI's 422 body for uuid_parsing errors, keys in pydantic's order (type, loc, msg, input, ctx[, url]). */
export function validationError (problems: readonly UuidProblem[], profile?: Pick<CompatProfile, 'errorUrl'>): ContractError {
  const url = profile?.errorUrl
  const items = problems.map((p) => ({
    type: 'uuid_parsing',
    loc: p.loc,
    msg: `Input should be a valid UUID, ${p.error}`,
    input: p.input,
    ctx: { error: p.error },
    ...(url === undefined ? {} : { url: `${url}uuid_parsing` })
  }))
  return { status: 422, body: Buffer.from(JSON.stringify({ detail: items })) }
}

/** HTTPBearer's own rejection as a compatibility profile words it; the current one is `errors.notAuthenticated`. */
export function authError (answer: AuthAnswer): ContractError {
  const current = answer.status === 401 && answer.detail === 'Not authenticated' && answer.challenge
  return current ? errors.notAuthenticated : detail(answer.status, answer.detail, answer.challenge ? BEARER_CHALLENGE : undefined)
}

/** A `Prefer` header this server cannot honour (mock-only; never sent with --no-prefer). */
export function badPreferError (reason: string): ContractError {
  return detail(400, `Invalid Prefer header: ${reason}`)
}

export function sendError (reply: FastifyReply, error: ContractError): FastifyReply {
  reply.code(error.status).header('content-type', 'application/json')
  if (error.headers !== undefined) reply.headers(error.headers)
  return reply.send(error.body)
}

// A string body would get "; charset=utf-8" appended by Fastify; a Buffer keeps the header exact.
export function sendJson (reply: FastifyReply, body: Buffer, status = 200): FastifyReply {
  return reply.code(status).header('content-type', 'application/json').send(body)
}

export interface BodyProblem {
  type: string
  /** Path into the body after `body`, e.g. [3, 'run_steps', 0, 'finished_at']. */
  loc: ReadonlyArray<string | number>
  msg: string
  input?: unknown
  ctx?: Record<string, unknown>
}

/** FastAPI's 422 body for request-body errors: `{"detail":[{"type","loc":["body",…],"msg",…}]}`. */
export function bodyValidationError (problems: readonly BodyProblem[]): ContractError {
  const items = problems.map((p) => ({
    type: p.type,
    loc: ['body', ...p.loc],
    msg: p.msg,
    ...(p.input === undefined ? {} : { input: p.input }),
    ...(p.ctx === undefined ? {} : { ctx: p.ctx })
  }))
  return { status: 422, body: Buffer.from(JSON.stringify({ detail: items })) }
}

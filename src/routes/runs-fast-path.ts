// The contract's 200 straight from node:http, before Fastify, for the requests whose answer cannot differ from the
// full path's: a GET of a canonical runs URL with a token that passes and nothing else in play. Every other request,
// and any request whose pipeline is not found, goes to Fastify's handler unchanged.
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { Authenticator } from '../auth.ts'
import type { ContractError } from '../errors.ts'
import { firstHeader } from '../contract/headers.ts'
import type { RunsBodySource } from '../queries/runs-cache.ts'

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}'
/** Only the lowercase hyphenated form parses to itself; any other spelling takes the full path. */
const CANONICAL_RUNS_URL = new RegExp(`^/pipelines/(${UUID})/runs/(?:\\?version_id=(${UUID}))?$`)

/**
 * Headers that change the answer or the work around it: CORS (origin), Prefer, a body (Fastify's and Starlette's
 * rules on reading it), Expect. A request with any of them takes the full path.
 */
const FULL_PATH_HEADERS = ['origin', 'prefer', 'content-length', 'transfer-encoding', 'expect']

export interface FastPathDeps {
  authenticate: Authenticator
  checkApiKey: (apiKey: string | undefined) => ContractError | undefined
  runsBody: RunsBodySource
  /** True once the server is closing: answers then carry `connection: close`, which the full path writes. */
  closing: () => boolean
  /** Called once the answer is written, as the access log is for every other answer. */
  answered?: (request: IncomingMessage, status: number) => void
}

type RequestListener = (request: IncomingMessage, response: ServerResponse) => void

/** Puts the fast path in front of the server's own request listener (Fastify's). */
export function installRunsFastPath (server: Server, deps: FastPathDeps): void {
  const [handler] = server.listeners('request') as RequestListener[]
  if (handler === undefined) throw new Error('the server has no request listener to put the fast path in front of')
  server.removeListener('request', handler)
  server.prependListener('request', (request: IncomingMessage, response: ServerResponse) => {
    const target = fastPathTarget(request, deps)
    if (target === undefined) return handler.call(server, request, response)
    deps.runsBody(target.pipelineId, target.versionId).then((body) => {
      if (body === undefined || deps.closing()) return handler.call(server, request, response)
      response.writeHead(200, { 'content-length': body.length, 'content-type': 'application/json' })
      response.end(body)
      if (deps.answered !== undefined) response.once('finish', () => deps.answered?.(request, 200))
    }, () => handler.call(server, request, response))
  })
}

/** The ids of a request the fast path may answer, else undefined. */
export function fastPathTarget (request: IncomingMessage, deps: FastPathDeps): { pipelineId: string, versionId: string | undefined } | undefined {
  if (request.method !== 'GET' || deps.closing()) return undefined
  const match = CANONICAL_RUNS_URL.exec(request.url ?? '')
  if (match === null) return undefined
  for (const name of FULL_PATH_HEADERS) if (request.headers[name] !== undefined) return undefined
  if (deps.authenticate(request.headers.authorization) !== undefined) return undefined
  if (deps.checkApiKey(firstHeader(request.rawHeaders, 'api-key')) !== undefined) return undefined
  return { pipelineId: match[1] as string, versionId: match[2] }
}

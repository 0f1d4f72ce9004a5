// The verifier's HTTP client: fetch with a timeout per attempt, bounded retries, redirects never followed.
import { setTimeout as sleep } from 'node:timers/promises'

export interface ClientOptions {
  baseUrl: string
  timeoutMs: number
  retries: number
  userAgent: string
}

export interface HttpRequest {
  method: 'GET' | 'HEAD' | 'POST'
  /** Path and query, appended to the base URL as given. */
  path: string
  headers?: Record<string, string>
}

export interface HttpAnswer {
  status: number
  headers: Headers
  body: string
}

export type Send = (request: HttpRequest) => Promise<HttpAnswer>

/** The server could not be reached (connection refused, DNS, TLS, timeouts) on every attempt. */
export class UnreachableError extends Error {}

/** The server answered the credentials with 401 or 403: nothing past authentication can be checked or fetched. */
export class TokenRefusedError extends Error {}

/** GET the pipeline's runs with the credentials, as record fetches them and verify first asks. */
export function runsRequest (pipelineId: string, token: string, apiKey: string | undefined): HttpRequest {
  return { method: 'GET', path: `/pipelines/${pipelineId}/runs/`, headers: { authorization: `Bearer ${token}`, ...(apiKey === undefined ? {} : { 'api-key': apiKey }) } }
}

/** Throws TokenRefusedError, naming the request and the server's answer, when `answer` refuses the credentials. */
export function assertTokenAccepted (answer: HttpAnswer, request: HttpRequest): void {
  if (answer.status !== 401 && answer.status !== 403) return
  // A server that echoes the credentials must not get them into a CI log.
  const secrets = Object.values(request.headers ?? {}).map((value) => value.replace(/^Bearer /i, '')).filter((value) => value.length >= 4)
  const body = secrets.reduce((text, secret) => text.replaceAll(secret, '[redacted]'), answer.body.slice(0, 200))
  throw new TokenRefusedError(`the server refused the token: ${request.method} ${request.path} answered ${answer.status} ${body}`)
}

// Gateways and overloaded servers answer these while a backend restarts; a contract answer is never one of them.
const RETRIED_STATUSES = new Set([502, 503, 504])
const BACKOFF_MS = 200
const MAX_BACKOFF_MS = 2_000

export function createClient (options: ClientOptions): Send {
  const base = options.baseUrl.replace(/\/+$/, '')
  return async (request) => {
    let lastProblem = ''
    for (let attempt = 0; attempt <= options.retries; attempt++) {
      if (attempt > 0) await sleep(Math.min(BACKOFF_MS * 2 ** (attempt - 1), MAX_BACKOFF_MS))
      try {
        const answer = await attemptOnce(base + request.path, request, options)
        if (!RETRIED_STATUSES.has(answer.status) || attempt === options.retries) return answer
        lastProblem = `status ${answer.status}`
      } catch (error) {
        if (!isNetworkError(error)) throw error
        lastProblem = describeNetworkError(error, options.timeoutMs)
      }
    }
    const attempts = options.retries + 1
    throw new UnreachableError(`cannot reach ${base}: ${lastProblem} (${request.method} ${request.path}, ${attempts} attempt${attempts === 1 ? '' : 's'})`)
  }
}

async function attemptOnce (url: string, request: HttpRequest, options: ClientOptions): Promise<HttpAnswer> {
  const signal = AbortSignal.timeout(options.timeoutMs)
  const response = await fetch(url, {
    method: request.method,
    headers: { 'user-agent': options.userAgent, ...request.headers },
    redirect: 'manual',
    signal
  })
  const body = await response.text()
  return { status: response.status, headers: response.headers, body }
}

/** What trying again may cure: a timeout, or fetch's "fetch failed" with a socket, DNS or TLS cause. */
function isNetworkError (error: unknown): boolean {
  if (!(error instanceof Error)) return false
  return error.name === 'TimeoutError' || error.name === 'AbortError' || (error instanceof TypeError && error.message === 'fetch failed')
}

function describeNetworkError (error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return `no answer within ${timeoutMs} ms`
  // fetch rejects with "fetch failed"; the reason (ECONNREFUSED, ENOTFOUND, a blocked port…) is its cause.
  const cause = error instanceof Error ? (error.cause as { code?: string, message?: string } | undefined) : undefined
  if (cause?.message !== undefined && cause.message !== '') return cause.message
  if (cause?.code !== undefined) return cause.code
  return error instanceof Error ? error.message : String(error)
}

// Checks that an HTTP answer is one the contract allows (status, content-type, body shape); lists what is wrong.
import { splitUrl } from '../../src/contract/url.ts'

export interface Answer {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: Buffer
}

export interface Asked {
  method: string
  /** The request target as sent (path and query, percent-encoded). */
  target: string
  headers: Record<string, string | undefined>
}

const DETAILS: Record<number, readonly string[]> = {
  200: [],
  401: ['Not authenticated', 'Could not validate credentials', 'Invalid API key'],
  404: ['Not Found', 'Pipeline not found'],
  405: ['Method Not Allowed']
}
const ITEM_KEYS = 'type,loc,msg,input,ctx'

/** Headers of a CORS preflight as Starlette's CORSMiddleware recognises one. */
export function isPreflight (asked: Asked): boolean {
  const has = (name: string) => Object.keys(asked.headers).some((key) => key.toLowerCase() === name && asked.headers[key] !== undefined)
  return asked.method === 'OPTIONS' && has('origin') && has('access-control-request-method')
}

export function contractProblems (asked: Asked, answer: Answer): string[] {
  if (answer.status >= 500) return [`server error ${answer.status}`]
  const path = splitUrl(asked.target).path
  // Swagger UI's own assets are not part of the contract; only "never a 5xx" applies there.
  if (path.startsWith('/docs')) return []
  if (isPreflight(asked)) return preflightProblems(answer)
  if (answer.status === 307) return redirectProblems(answer)
  return jsonProblems(asked, answer)
}

function preflightProblems (answer: Answer): string[] {
  const text = answer.body.toString('utf8')
  const problems: string[] = []
  if (answer.headers['content-type'] !== 'text/plain; charset=utf-8') problems.push(`preflight content-type ${String(answer.headers['content-type'])}`)
  if (answer.status === 200 && text !== 'OK') problems.push(`preflight 200 body ${text}`)
  if (answer.status === 400 && !text.startsWith('Disallowed CORS ')) problems.push(`preflight 400 body ${text}`)
  if (answer.status !== 200 && answer.status !== 400) problems.push(`preflight status ${answer.status}`)
  return problems
}

function redirectProblems (answer: Answer): string[] {
  const problems: string[] = []
  if (answer.body.length !== 0) problems.push('307 with a body')
  if (answer.headers['content-type'] !== undefined) problems.push('307 with a content-type')
  const location = answer.headers.location
  if (typeof location !== 'string' || !location.startsWith('http://')) problems.push(`307 location ${String(location)}`)
  return problems
}

function jsonProblems (asked: Asked, answer: Answer): string[] {
  const { status } = answer
  if (!(status in DETAILS) && status !== 422) return [`status ${status} is not a contract status`]
  if (answer.headers['content-type'] !== 'application/json') return [`content-type ${String(answer.headers['content-type'])}`]
  if (asked.method === 'HEAD') return answer.body.length === 0 ? [] : ['HEAD answer with a body']
  let body: unknown
  try {
    body = JSON.parse(answer.body.toString('utf8'))
  } catch {
    return [`body is not JSON: ${answer.body.toString('utf8').slice(0, 80)}`]
  }
  if (status === 200) return typeof body === 'object' && body !== null ? [] : ['200 body is not an array or object']
  const detail = (body as { detail?: unknown }).detail
  if (status === 422) return validationProblems(detail)
  if (typeof detail !== 'string' || !(DETAILS[status] as readonly string[]).includes(detail)) return [`${status} detail ${JSON.stringify(detail)}`]
  if (status === 401 && detail !== 'Invalid API key' && answer.headers['www-authenticate'] !== 'Bearer') return ['401 without www-authenticate: Bearer']
  if (status === 405 && typeof answer.headers.allow !== 'string') return ['405 without allow']
  return []
}

function validationProblems (detail: unknown): string[] {
  if (!Array.isArray(detail) || detail.length === 0 || detail.length > 2) return [`422 detail ${JSON.stringify(detail)}`]
  for (const item of detail as Array<Record<string, unknown>>) {
    const loc = item.loc as unknown[]
    const ctx = item.ctx as { error?: unknown } | undefined
    if (Object.keys(item).join(',') !== ITEM_KEYS || item.type !== 'uuid_parsing' ||
      !Array.isArray(loc) || !['path,pipeline_id', 'query,version_id'].includes(loc.join(',')) ||
      typeof item.input !== 'string' || typeof ctx?.error !== 'string' ||
      item.msg !== `Input should be a valid UUID, ${ctx.error}`) {
      return [`422 item ${JSON.stringify(item).slice(0, 200)}`]
    }
  }
  return []
}

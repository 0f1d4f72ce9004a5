// One check's view of the server: sends requests, records them, and compares answers with expected ones.
import type { ContractError } from '../errors.ts'
import type { HttpAnswer, HttpRequest, Send } from './client.ts'
import { jsonDifferences, preview } from './json-path.ts'
import type { Finding } from './report.ts'

export interface ExpectedAnswer {
  status: number
  /** Exact body bytes; compared as JSON when both sides parse, so the finding can name the path. */
  body: Buffer | string
  /** Header values to require; `null` requires the header to be absent. */
  headers?: Record<string, string | null>
  /** The rule a wrong status or body breaks; headers name their own rules. */
  rule: string
}

/** Rules that headers of any answer can break. */
export const HEADER_RULES: Record<string, string> = {
  'content-type': 'content-type',
  'www-authenticate': 'www-authenticate',
  allow: 'method-not-allowed',
  location: 'redirect'
}

export class Probe {
  readonly requests: string[] = []
  readonly findings: Finding[] = []
  skipped: string | undefined
  private readonly sendRequest: Send

  constructor (send: Send) {
    this.sendRequest = send
  }

  async send (request: HttpRequest): Promise<HttpAnswer> {
    this.requests.push(describe(request))
    return await this.sendRequest(request)
  }

  fail (rule: string, request: HttpRequest, path: string, message: string): void {
    this.findings.push({ rule, request: describe(request), path, message })
  }

  skip (reason: string): void {
    this.skipped = reason
  }

  /** Sends `request` and reports every way its answer differs from `expected`. */
  async expect (request: HttpRequest, expected: ExpectedAnswer): Promise<HttpAnswer> {
    const answer = await this.send(request)
    this.compare(request, answer, expected)
    return answer
  }

  compare (request: HttpRequest, answer: HttpAnswer, expected: ExpectedAnswer): void {
    if (answer.status !== expected.status) {
      this.fail(expected.rule, request, 'status', `expected ${expected.status}, got ${answer.status}${bodyHint(answer.body)}`)
      return
    }
    const body = typeof expected.body === 'string' ? expected.body : expected.body.toString('utf8')
    if (request.method !== 'HEAD' && answer.body !== body) this.compareBodies(request, body, answer.body, expected.rule)
    for (const [name, value] of Object.entries(expected.headers ?? {})) {
      const actual = answer.headers.get(name)
      if (actual === value) continue
      const rule = HEADER_RULES[name] ?? expected.rule
      this.fail(rule, request, `headers.${name}`, value === null ? `expected no ${name} header, got ${preview(actual)}` : `expected ${preview(value)}, got ${actual === null ? 'no header' : preview(actual)}`)
    }
  }

  /** The content-type rule every JSON answer follows: exactly `application/json`, no charset. */
  expectJsonType (request: HttpRequest, answer: HttpAnswer): void {
    const actual = answer.headers.get('content-type')
    if (actual !== 'application/json') this.fail('content-type', request, 'headers.content-type', `expected "application/json", got ${actual === null ? 'no header' : preview(actual)}`)
  }

  private compareBodies (request: HttpRequest, expected: string, actual: string, rule: string): void {
    const [expectedJson, actualJson] = [parseJson(expected), parseJson(actual)]
    if (expectedJson === undefined || actualJson === undefined) {
      this.fail(rule, request, '$', `expected the body ${preview(expected)}, got ${preview(actual)}`)
      return
    }
    const differences = jsonDifferences(expectedJson.value, actualJson.value)
    if (differences.length === 0) {
      this.fail(rule, request, '$', `same JSON, different bytes (FastAPI sends compact JSON): expected ${preview(expected)}, got ${preview(actual)}`)
      return
    }
    for (const difference of differences) this.fail(rule, request, difference.path, difference.message)
  }
}

export function describe (request: HttpRequest): string {
  return `${request.method} ${request.path}`
}

export function parseJson (text: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(text) as unknown }
  } catch {
    return undefined
  }
}

/** An expected answer from the server's own error catalogue (the contract's bodies and headers). */
export function contractAnswer (error: ContractError, rule: string, headers: Record<string, string | null> = {}): ExpectedAnswer {
  return { status: error.status, body: error.body, rule, headers: { 'content-type': 'application/json', ...error.headers, ...headers } }
}

function bodyHint (body: string): string {
  return body === '' ? '' : ` (body ${preview(body, 100)})`
}

// CORS answers compared with Starlette 1.x CORSMiddleware (tests/middleware/test_cors.py), as the mock configures it:
// allow_methods=['*'], allow_headers=['*'], no credentials; origins from --cors-origin.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { pipelineIds } from './helpers/fixture-runs.ts'
import { buildTestApp, TOKEN, type TestApp } from './helpers/test-app.ts'

const ALL_METHODS = 'DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT'
const preflightHeaders = (origin: string, method = 'GET', extra: Record<string, string> = {}): Record<string, string> =>
  ({ origin, 'access-control-request-method': method, ...extra })

async function withApp (flags: Parameters<typeof buildTestApp>[0], run: (app: TestApp) => Promise<void>): Promise<void> {
  const app = await buildTestApp(flags)
  try {
    await run(app)
  } finally {
    await app.close()
  }
}

describe('every origin allowed (--cors-origin "*"), as test_cors_allow_all_except_credentials', () => {
  it('answers the preflight with "*" and echoes the requested headers', async () => {
    await withApp({ 'cors-origin': ['*'] }, async ({ app }) => {
      const response = await app.inject({ method: 'OPTIONS', url: '/', headers: preflightHeaders('https://example.org', 'GET', { 'access-control-request-headers': 'X-Example' }) })
      expect([response.statusCode, response.body, response.headers['content-type']]).toEqual([200, 'OK', 'text/plain; charset=utf-8'])
      expect(response.headers['access-control-allow-origin']).toBe('*')
      expect(response.headers['access-control-allow-headers']).toBe('X-Example')
      expect(response.headers['access-control-allow-methods']).toBe(ALL_METHODS)
      expect(response.headers['access-control-max-age']).toBe('600')
      expect(response.headers['access-control-allow-credentials']).toBeUndefined()
      expect(response.headers.vary).toBeUndefined()
    })
  })

  it('adds "*" to answers for requests with an Origin, the explicit origin when cookies come along, nothing otherwise', async () => {
    await withApp({ 'cors-origin': ['*'] }, async ({ app }) => {
      const plain = await app.inject({ url: '/openapi.json', headers: { origin: 'https://example.org' } })
      expect([plain.headers['access-control-allow-origin'], plain.headers.vary]).toEqual(['*', undefined])
      const withCookie = await app.inject({ url: '/openapi.json', headers: { origin: 'https://example.org', cookie: 'a=b' } })
      expect([withCookie.headers['access-control-allow-origin'], withCookie.headers.vary]).toEqual(['https://example.org', 'Origin'])
      const noOrigin = await app.inject({ url: '/openapi.json' })
      expect(noOrigin.headers['access-control-allow-origin']).toBeUndefined()
    })
  })
})

describe('listed origins, as test_cors_allow_specific_origin and test_cors_disallowed_preflight', () => {
  const flags = { 'cors-origin': ['https://example.org'] }

  it('echoes an allowed origin with Vary: Origin, on the preflight and on answers', async () => {
    await withApp(flags, async ({ app }) => {
      const preflight = await app.inject({ method: 'OPTIONS', url: '/', headers: preflightHeaders('https://example.org', 'GET', { 'access-control-request-headers': 'X-Example, Content-Type' }) })
      expect([preflight.statusCode, preflight.body]).toEqual([200, 'OK'])
      expect(preflight.headers['access-control-allow-origin']).toBe('https://example.org')
      expect(preflight.headers['access-control-allow-headers']).toBe('X-Example, Content-Type')
      expect(preflight.headers.vary).toBe('Origin')
      const simple = await app.inject({ url: '/openapi.json', headers: { origin: 'https://example.org' } })
      expect([simple.headers['access-control-allow-origin'], simple.headers.vary]).toEqual(['https://example.org', 'Origin'])
    })
  })

  it('refuses other origins: 400 "Disallowed CORS ..." on the preflight, no headers on answers', async () => {
    await withApp(flags, async ({ app }) => {
      const origin = await app.inject({ method: 'OPTIONS', url: '/', headers: preflightHeaders('https://another.org', 'POST', { 'access-control-request-headers': 'X-Nope' }) })
      expect([origin.statusCode, origin.body, origin.headers['content-type']]).toEqual([400, 'Disallowed CORS origin', 'text/plain; charset=utf-8'])
      expect(origin.headers['access-control-allow-origin']).toBeUndefined()
      const everything = await app.inject({ method: 'OPTIONS', url: '/', headers: preflightHeaders('https://another.org', 'get', { 'access-control-request-private-network': 'true' }) })
      expect([everything.statusCode, everything.body]).toEqual([400, 'Disallowed CORS origin, method, private-network'])
      const simple = await app.inject({ url: '/openapi.json', headers: { origin: 'https://another.org' } })
      expect([simple.statusCode, simple.headers['access-control-allow-origin'], simple.headers.vary]).toEqual([200, undefined, undefined])
    })
  })

  it('reads the first of repeated Origin headers, as Starlette\'s Headers.get does', async () => {
    await withApp(flags, async ({ app }) => {
      const response = await app.inject({ url: '/openapi.json', headers: { Origin: ['https://example.org', 'https://another.org'] } })
      expect(response.headers['access-control-allow-origin']).toBe('https://example.org')
    })
  })
})

describe('the default: a local frontend on any port, no credentials', () => {
  let app: TestApp
  beforeAll(async () => { app = await buildTestApp() })
  afterAll(async () => app.close())

  it.each([
    ['http://localhost:5173', true], ['http://127.0.0.1:8080', true], ['http://[::1]:3000', true], ['http://localhost', true],
    ['https://localhost:5173', false], ['http://localhost.evil.example', false], ['http://localhost:5173.evil.example', false],
    ['http://localhost:', false], ['http://example.com:5173', false], ['null', false]
  ])('origin %s allowed: %s', async (origin, allowed) => {
    const response = await app.app.inject({ method: 'OPTIONS', url: '/pipelines/x/runs/', headers: preflightHeaders(origin, 'GET', { 'access-control-request-headers': 'authorization, api-key' }) })
    expect(response.statusCode).toBe(allowed ? 200 : 400)
    expect(response.headers['access-control-allow-origin']).toBe(allowed ? origin : undefined)
    expect(response.headers['access-control-allow-headers']).toBe('authorization, api-key')
  })

  it('answers preflights before routing and auth, on any path, even one the router cannot decode', async () => {
    for (const url of ['/no/such/path', '/pipelines/%E0%A4%A/runs/', '/pipelines/x/runs']) {
      const response = await app.app.inject({ method: 'OPTIONS', url, headers: preflightHeaders('http://localhost:5173') })
      expect([url, response.statusCode, response.body]).toEqual([url, 200, 'OK'])
    }
  })

  it('adds the headers to every answer, errors and redirects included; OPTIONS without a preflight header is routed', async () => {
    const id = pipelineIds(app.runs)[0] as string
    const origin = 'http://localhost:5173'
    const answers = await Promise.all([
      app.app.inject({ url: `/pipelines/${id}/runs/`, headers: { origin, authorization: `Bearer ${TOKEN}` } }),
      app.app.inject({ url: `/pipelines/${id}/runs/`, headers: { origin } }),
      app.app.inject({ url: '/pipelines/nope/runs/', headers: { origin, authorization: `Bearer ${TOKEN}` } }),
      app.app.inject({ url: `/pipelines/${id}/runs`, headers: { origin } }),
      app.app.inject({ url: '/nowhere', headers: { origin } }),
      app.app.inject({ method: 'OPTIONS', url: `/pipelines/${id}/runs/`, headers: { origin } })
    ])
    expect(answers.map((a) => [a.statusCode, a.headers['access-control-allow-origin'], a.headers.vary]))
      .toEqual([200, 401, 422, 307, 404, 405].map((status) => [status, origin, 'Origin']))
  })
})

describe('--no-cors', () => {
  it('sends no CORS headers and routes preflights like any OPTIONS request', async () => {
    await withApp({ 'no-cors': true }, async ({ app }) => {
      const preflight = await app.inject({ method: 'OPTIONS', url: '/pipelines/x/runs/', headers: preflightHeaders('http://localhost:5173') })
      expect([preflight.statusCode, preflight.json()]).toEqual([405, { detail: 'Method Not Allowed' }])
      const simple = await app.inject({ url: '/openapi.json', headers: { origin: 'http://localhost:5173' } })
      expect(simple.headers['access-control-allow-origin']).toBeUndefined()
    })
  })
})

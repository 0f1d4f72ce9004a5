// GET/DELETE /__admin/requests over HTTP: contents, no headers or tokens, bound, filters, clear, admin auth.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ADMIN_TOKEN, bearer, FIXTURE_PIPELINE, startTestServer, TOKEN, type TestServer } from '../fixtures/contract-server.ts'

const RUNS = `/pipelines/${FIXTURE_PIPELINE}/runs/`
const admin = { authorization: `Bearer ${ADMIN_TOKEN}` }

interface Listing {
  requests: Array<{ id: number, time: string, method: string, path: string, query: string, status: number, duration_ms: number }>
  total: number
  capacity: number
}

describe('request journal', () => {
  let server: TestServer
  beforeAll(async () => { server = await startTestServer({ adminToken: ADMIN_TOKEN, journalSize: 4 }) })
  afterAll(async () => server.close())

  const list = async (query = '') => {
    const response = await fetch(`${server.url}/__admin/requests${query}`, { headers: admin })
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('application/json')
    return await response.json() as Listing
  }
  const clear = async () => expect((await fetch(`${server.url}/__admin/requests`, { method: 'DELETE', headers: admin })).status).toBe(204)

  it('lists what clients called, newest first, without headers or tokens', async () => {
    await clear()
    await fetch(`${server.url}${RUNS}?version_id=x`, { headers: { ...bearer(), 'api-key': 'secret-key' } })
    await fetch(server.url + RUNS, { headers: bearer() })
    const { requests, total, capacity } = await list()
    expect({ total, capacity }).toEqual({ total: 2, capacity: 4 })
    expect(requests.map((r) => [r.method, r.path, r.query, r.status])).toEqual([
      ['GET', RUNS, '', 200],
      ['GET', RUNS, 'version_id=x', 422]
    ])
    expect(Object.keys(requests[0] ?? {})).toEqual(['id', 'time', 'method', 'path', 'query', 'status', 'duration_ms'])
    expect(requests[0]?.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?Z$/)
    expect(requests[0]?.duration_ms).toBeGreaterThanOrEqual(0)
    const text = JSON.stringify(requests)
    expect(text).not.toContain(TOKEN)
    expect(text).not.toContain('secret-key')
  })

  it('journals redirects, 404s and 405s, but not admin or docs requests', async () => {
    await clear()
    await fetch(`${server.url}/pipelines/${FIXTURE_PIPELINE}/runs`, { redirect: 'manual' })
    await fetch(`${server.url}/nowhere`)
    await fetch(server.url + RUNS, { method: 'HEAD' })
    await fetch(`${server.url}/openapi.json`)
    await fetch(`${server.url}/docs`)
    await fetch(`${server.url}/__admin/health`)
    expect((await list()).requests.map((r) => `${r.method} ${r.status}`)).toEqual(['HEAD 405', 'GET 404', 'GET 307'])
  })

  it('keeps only the newest requests up to --journal-size', async () => {
    await clear()
    for (let i = 0; i < 6; i++) await fetch(`${server.url}${RUNS}?n=${i}`, { headers: bearer() })
    const { requests } = await list()
    expect(requests.map((r) => r.query)).toEqual(['n=5', 'n=4', 'n=3', 'n=2'])
  })

  it('filters by path, status and limit', async () => {
    await clear()
    await fetch(server.url + RUNS, { headers: bearer() })
    await fetch(server.url + RUNS)
    await fetch(`${server.url}/nowhere`)
    expect((await list(`?path=${encodeURIComponent(RUNS)}`)).requests.map((r) => r.status)).toEqual([401, 200])
    expect((await list('?path=/pipelines/*&status=4xx')).requests.map((r) => r.status)).toEqual([401])
    const limited = await list('?limit=1')
    expect({ total: limited.total, statuses: limited.requests.map((r) => r.status) }).toEqual({ total: 3, statuses: [404] })
  })

  it('rejects bad filters with a 400 that says why', async () => {
    const response = await fetch(`${server.url}/__admin/requests?status=abc`, { headers: admin })
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual({ detail: 'status must be a code such as 404 or a class such as 4xx, got "abc"' })
    expect((await fetch(`${server.url}/__admin/requests?limit=0`, { headers: admin })).status).toBe(400)
  })

  it('DELETE clears it', async () => {
    await fetch(server.url + RUNS, { headers: bearer() })
    await clear()
    expect((await list()).requests).toEqual([])
  })

  it.each([
    ['no Authorization header', {}, '{"detail":"Not authenticated"}'],
    ['the API token', bearer(), '{"detail":"Invalid admin token"}'],
    ['a wrong scheme', { authorization: `Basic ${ADMIN_TOKEN}` }, '{"detail":"Not authenticated"}']
  ])('needs the admin token: %s is a 401', async (_name, headers, body) => {
    for (const method of ['GET', 'DELETE']) {
      const response = await fetch(`${server.url}/__admin/requests`, { method, headers })
      expect(response.status).toBe(401)
      expect(response.headers.get('www-authenticate')).toBe('Bearer')
      expect(await response.text()).toBe(body)
    }
  })
})

describe('request journal without an admin token', () => {
  let server: TestServer
  beforeAll(async () => { server = await startTestServer({}, undefined, false) })
  afterAll(async () => server.close())

  it('does not exist', async () => {
    const response = await server.app.inject({ url: '/__admin/requests', headers: admin })
    expect(response.statusCode).toBe(404)
    expect(response.body).toBe('{"detail":"Not Found"}')
  })
})

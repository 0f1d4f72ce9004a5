// Prefer header: parsing (unit) and forced answers over HTTP, every code, delays, malformed headers, --no-prefer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parsePrefer } from '../../src/faults/prefer.ts'
import { bearer, FIXTURE_PIPELINE, startTestServer, type TestServer } from '../fixtures/contract-server.ts'

const RUNS = `/pipelines/${FIXTURE_PIPELINE}/runs/`

describe('parsePrefer', () => {
  it.each([
    [undefined, {}],
    ['', {}],
    ['code=503', { code: 503 }],
    ['CODE=404', { code: 404 }],
    ['code="422"', { code: 422 }],
    ['delay=200', { delayMs: 200 }],
    ['code=503, delay=200', { code: 503, delayMs: 200 }],
    ['code = 500 ;foo=bar,,delay=0', { code: 500, delayMs: 0 }],
    ['return=minimal, respond-async, wait=10', {}],
    [['code=401', 'delay=30000'], { code: 401, delayMs: 30000 }],
    ['code=200', {}],
    ['dynamic=true, example=ok', {}],
    ['code=503, dynamic=false', { code: 503 }]
  ])('%j', (header, expected) => {
    const parsed = parsePrefer(header)
    expect(parsed.ok).toBe(true)
    if (!parsed.ok) return
    const { applied: _applied, ...preferences } = parsed.preferences
    expect(preferences).toEqual(expected)
  })

  it.each([
    ['code=418', 'code must be one of 200, 401, 404, 422, 500, 503, got "418"'],
    ['code', 'code must be one of 200, 401, 404, 422, 500, 503, got no value'],
    ['code=200, code=503', 'code is given more than once'],
    ['delay=30001', 'delay must be a whole number of milliseconds from 0 to 30000, got "30001"'],
    ['delay=-1', 'delay must be a whole number of milliseconds from 0 to 30000, got "-1"'],
    ['delay=1.5', 'delay must be a whole number of milliseconds from 0 to 30000, got "1.5"'],
    ['cod=500', 'unknown preference "cod"; supported: code, delay'],
    ['code=500, code=503', 'code is given more than once'],
    ['code=5 00', 'cannot read "code=5 00"; expected name=value pairs such as code=503, delay=200'],
    ['=500', 'cannot read "=500"; expected name=value pairs such as code=503, delay=200']
  ])('rejects %j', (header, reason) => {
    expect(parsePrefer(header)).toEqual({ ok: false, reason })
  })
})

describe('Prefer over HTTP', () => {
  let server: TestServer
  beforeAll(async () => { server = await startTestServer() })
  afterAll(async () => server.close())

  const get = (prefer: string, url = RUNS, headers: Record<string, string> = bearer()) =>
    server.app.inject({ url, headers: { ...headers, prefer } })

  it('code=200 is the normal answer, applied; Prism\'s dynamic= and example= are accepted and change nothing', async () => {
    const normal = await server.app.inject({ url: RUNS, headers: bearer() })
    expect(normal.statusCode).toBe(200)
    const asked = await get('code=200')
    expect([asked.statusCode, asked.body]).toEqual([200, normal.body])
    expect(asked.headers['preference-applied']).toBe('code=200')
    for (const prefer of ['dynamic=true', 'example=first-run', 'dynamic=false, example="x"']) {
      const answer = await get(prefer)
      expect([answer.statusCode, answer.body]).toEqual([200, normal.body])
      expect(answer.headers['preference-applied']).toBeUndefined()
    }
    const forced = await get('example=ok, code=404')
    expect([forced.statusCode, forced.headers['preference-applied']]).toEqual([404, 'code=404'])
  })

  it.each([
    [401, '{"detail":"Not authenticated"}', 'application/json'],
    [404, '{"detail":"Pipeline not found"}', 'application/json'],
    [500, 'Internal Server Error', 'text/plain; charset=utf-8'],
    [503, '{"detail":"Service Unavailable"}', 'application/json']
  ])('code=%i gives the contract answer', async (code, body, type) => {
    const response = await get(`code=${code}`)
    expect(response.statusCode).toBe(code)
    expect(response.body).toBe(body)
    expect(response.headers['content-type']).toBe(type)
    expect(response.headers['preference-applied']).toBe(`code=${code}`)
  })

  it('code=401 carries the bearer challenge', async () => {
    expect((await get('code=401')).headers['www-authenticate']).toBe('Bearer')
  })

  it('code=422 on valid ids shows the body for pipeline_id not-a-uuid', async () => {
    const response = await get('code=422')
    expect(response.statusCode).toBe(422)
    expect(response.body).toBe('{"detail":[{"type":"uuid_parsing","loc":["path","pipeline_id"],"msg":"Input should be a valid UUID, invalid character: found `n` at 1","input":"not-a-uuid","ctx":{"error":"invalid character: found `n` at 1"}}]}')
  })

  it('code=422 on a bad version id shows the request\'s own errors', async () => {
    const response = await get('code=422', `${RUNS}?version_id=123`)
    expect(response.json()).toEqual({
      detail: [{
        type: 'uuid_parsing',
        loc: ['query', 'version_id'],
        msg: 'Input should be a valid UUID, invalid length: expected length 32 for simple format, found 3',
        input: '123',
        ctx: { error: 'invalid length: expected length 32 for simple format, found 3' }
      }]
    })
  })

  it('a forced code wins over validation and lookup', async () => {
    expect((await get('code=503', '/pipelines/not-a-uuid/runs/')).statusCode).toBe(503)
    expect((await get('code=500', '/pipelines/00000000-0000-4000-8000-000000000000/runs/')).statusCode).toBe(500)
  })

  it('auth comes first: no token with code=503 is the 401', async () => {
    const response = await get('code=503', RUNS, {})
    expect(response.statusCode).toBe(401)
    expect(response.body).toBe('{"detail":"Not authenticated"}')
  })

  it('routing comes first: 307, 404 and 405 ignore Prefer', async () => {
    expect((await get('code=503', `/pipelines/${FIXTURE_PIPELINE}/runs`)).statusCode).toBe(307)
    expect((await get('code=503', '/nowhere')).statusCode).toBe(404)
    expect((await server.app.inject({ method: 'POST', url: RUNS, headers: { ...bearer(), prefer: 'code=503' } })).statusCode).toBe(405)
  })

  it('a malformed Prefer is a 400 that says why', async () => {
    const response = await get('code=418')
    expect(response.statusCode).toBe(400)
    expect(response.headers['content-type']).toBe('application/json')
    expect(response.body).toBe('{"detail":"Invalid Prefer header: code must be one of 200, 401, 404, 422, 500, 503, got \\"418\\""}')
  })

  it('delay=0 with no code answers normally and says so', async () => {
    const response = await get('delay=0')
    expect(response.statusCode).toBe(200)
    expect(response.headers['preference-applied']).toBe('delay=0')
  })

  it('a delayed answer is still pending while delayed, and closing the server releases it', async () => {
    const delayed = await startTestServer()
    const pending = fetch(delayed.url + RUNS, { headers: { ...bearer(), prefer: 'code=503, delay=30000' } })
    const first = await Promise.race([pending.then(() => 'answered'), new Promise((resolve) => setTimeout(resolve, 500, 'pending'))])
    expect(first).toBe('pending')
    const closed = delayed.close()
    const response = await pending
    expect(response.status).toBe(503)
    expect(response.headers.get('preference-applied')).toBe('code=503, delay=30000')
    await closed
  })
})

describe('--no-prefer', () => {
  let server: TestServer
  beforeAll(async () => { server = await startTestServer({ prefer: false }) })
  afterAll(async () => server.close())

  it('ignores well-formed and malformed Prefer headers alike', async () => {
    for (const prefer of ['code=503', 'code=418', 'delay=99999']) {
      const response = await server.app.inject({ url: RUNS, headers: { ...bearer(), prefer } })
      expect(response.statusCode).toBe(200)
      expect(response.headers['preference-applied']).toBeUndefined()
    }
  })
})

// Starlette routing over inject and a real socket: the 307 slash redirect, 404 and 405 bodies, raw paths and bad requests.
import { beforeAll, describe, expect, it } from 'vitest'
import { rawExchange, type RawResponse, transports } from '../helpers/raw-http.ts'
import { AUTH, FIXTURE, listen, testApp } from '../helpers/test-app.ts'

const app = await testApp()
let port = 0
beforeAll(async () => { port = await listen(app) })

const NOT_FOUND = '{"detail":"Not Found"}'
const METHOD_NOT_ALLOWED = '{"detail":"Method Not Allowed"}'
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD']
const HOST = { host: 'api.example.com' }

function expectRedirect (response: RawResponse, location: string): void {
  expect({ status: response.status, body: response.body, location: response.headers.location }).toEqual({ status: 307, body: '', location })
  expect(response.headers['content-type']).toBeUndefined()
  expect(response.headers['content-length']).toBe('0')
}

function expectDetail (response: RawResponse, method: string, status: number, body: string): void {
  expect(response.status).toBe(status)
  expect(response.headers['content-type']).toBe('application/json')
  expect(response.headers['content-length']).toBe(String(body.length))
  expect(response.body).toBe(method === 'HEAD' ? '' : body) // HEAD: same headers, no body
}

describe.each(transports(app, () => port))('over %s', (_transport, send) => {
  describe('307 trailing-slash redirect', () => {
    it.each(METHODS)('%s without the slash → 307 to the absolute URL, no auth, no UUID check', async (method) => {
      expectRedirect(await send(method, '/pipelines/not-a-uuid/runs', HOST), 'http://api.example.com/pipelines/not-a-uuid/runs/')
    })

    it('keeps the original query string as sent', async () => {
      expectRedirect(await send('GET', '/pipelines/abc/runs?version_id=x&a=%20b+c&version_id=', HOST),
        'http://api.example.com/pipelines/abc/runs/?version_id=x&a=%20b+c&version_id=')
    })

    it('redirects whatever the Authorization header says', async () => {
      expectRedirect(await send('GET', '/pipelines/abc/runs', { ...HOST, authorization: 'Basic nope' }), 'http://api.example.com/pipelines/abc/runs/')
      expectRedirect(await send('GET', `/pipelines/${FIXTURE.pipeline1}/runs`, { ...HOST, ...AUTH }), `http://api.example.com/pipelines/${FIXTURE.pipeline1}/runs/`)
    })

    it('uses the Host header as given, port included', async () => {
      expectRedirect(await send('GET', '/pipelines/abc/runs', { host: 'localhost:8000' }), 'http://localhost:8000/pipelines/abc/runs/')
    })

    it('builds the location from the decoded path, quoted again', async () => {
      expectRedirect(await send('GET', '/pipelines/a%20b/runs', HOST), 'http://api.example.com/pipelines/a%20b/runs/')
      expectRedirect(await send('GET', '/pipelines/caf%C3%A9/runs', HOST), 'http://api.example.com/pipelines/caf%C3%A9/runs/')
    })

    it('redirects ids longer than the router\'s parameter limit too', async () => {
      const long = 'a'.repeat(150)
      expectRedirect(await send('GET', `/pipelines/${long}/runs`, HOST), `http://api.example.com/pipelines/${long}/runs/`)
      expectDetail(await send('POST', `/pipelines/${long}/runs/`), 'POST', 405, METHOD_NOT_ALLOWED)
    })

    it('toggles the slash on the docs routes too', async () => {
      expectRedirect(await send('GET', '/openapi.json/', HOST), 'http://api.example.com/openapi.json')
      expectRedirect(await send('GET', '/docs/oauth2-redirect/', HOST), 'http://api.example.com/docs/oauth2-redirect')
    })
  })

  describe('404 Not Found', () => {
    it.each([
      '/', '/nope', '/pipelines', '/pipelines/', '/pipelines/abc', '/pipelines/abc/runs/extra', '/pipelines//runs/',
      '/pipelines/a%2Fb/runs/', '/pipelines/a%2Fb/runs', '/PIPELINES/abc/runs/', '/pipelines/abc/RUNS/', '/pipelines/abc/runs//'
    ].flatMap((path) => [['GET', path], ['HEAD', path], ['POST', path]]))('%s %s', async (method, path) => {
      expectDetail(await send(method, path, AUTH), method, 404, NOT_FOUND)
    })
  })

  describe('405 Method Not Allowed', () => {
    it.each(METHODS.filter((m) => m !== 'GET'))('%s on the endpoint → 405, allow: GET, before auth', async (method) => {
      const response = await send(method, '/pipelines/not-a-uuid/runs/')
      expectDetail(response, method, 405, METHOD_NOT_ALLOWED)
      expect(response.headers.allow).toBe('GET')
    })

    it.each(['POST', 'DELETE'])('%s on /openapi.json → 405, allow: GET, HEAD', async (method) => {
      const response = await send(method, '/openapi.json')
      expectDetail(response, method, 405, METHOD_NOT_ALLOWED)
      expect(response.headers.allow).toBe('GET, HEAD')
    })
  })

  it('matches before a final newline, as Python\'s `$` does', async () => {
    const response = await send('GET', `/pipelines/${FIXTURE.pipeline1}/runs/%0A`, AUTH)
    expect(response.status).toBe(200)
  })
})

describe('a request body never changes the routing answer', () => {
  it.each([
    ['invalid JSON', 'POST', 'application/json', '{bad'],
    ['an unknown content type', 'PUT', 'text/xml', '<run/>'],
    ['a body over the size limit', 'PATCH', 'application/json', `"${'x'.repeat(1_100_000)}"`],
    ['an empty JSON body', 'DELETE', 'application/json', '']
  ])('%s → still 405', async (_name, method, contentType, payload) => {
    const response = await app.inject({ method: method as 'POST', url: '/pipelines/abc/runs/', headers: { 'content-type': contentType }, payload })
    expect({ status: response.statusCode, body: response.body }).toEqual({ status: 405, body: METHOD_NOT_ALLOWED })
  })

  it('ignores a body sent with GET', async () => {
    const response = await app.inject({ method: 'GET', url: `/pipelines/${FIXTURE.pipeline1}/runs/`, headers: { ...AUTH, 'content-type': 'application/json' }, payload: '{bad' })
    expect(response.statusCode).toBe(200)
  })
})

describe('raw requests on the socket', () => {
  const head = (response: string) => response.split('\r\n\r\n')[0]?.toLowerCase() ?? ''

  it('HTTP/1.0 without Host: the location names the server address', async () => {
    const response = await rawExchange(port, 'GET /pipelines/abc/runs?x=1 HTTP/1.0\r\n\r\n')
    expect(response).toMatch(/^HTTP\/1\.1 307 /)
    expect(head(response)).toContain(`\r\nlocation: http://127.0.0.1:${port}/pipelines/abc/runs/?x=1`)
  })

  it('HTTP/1.1 without Host is a 400, as h11 rejects it', async () => {
    expect(await rawExchange(port, 'GET /pipelines/abc/runs HTTP/1.1\r\nConnection: close\r\n\r\n')).toMatch(/^HTTP\/1\.1 400 /)
  })

  it('a target with raw non-ASCII bytes gets uvicorn\'s plain-text 400', async () => {
    const response = await rawExchange(port, 'GET /pipelines/caf\xc3\xa9/runs/ HTTP/1.1\r\nHost: h\r\n\r\n')
    expect(response).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/)
    expect(head(response)).toContain('content-type: text/plain; charset=utf-8')
    expect(response.endsWith('\r\n\r\nInvalid HTTP request received.')).toBe(true)
  })

  it('HEAD sends the headers of the answer and no body', async () => {
    const response = await rawExchange(port, 'HEAD /pipelines/abc/runs/ HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n')
    expect(response).toMatch(/^HTTP\/1\.1 405 /)
    expect(head(response)).toContain('\r\ncontent-length: 31')
    expect(response.endsWith('\r\n\r\n')).toBe(true)
  })

  const AUTH_LINE = `Authorization: ${AUTH.authorization}\r\n`
  const get = async (target: string) => await rawExchange(port, `GET ${target} HTTP/1.1\r\nHost: h\r\n${AUTH_LINE}Connection: close\r\n\r\n`)

  it('routes a target with a #fragment as if it were absent (httptools drops it), query included', async () => {
    const plain = await get(`/pipelines/${FIXTURE.pipeline1}/runs/?version_id=${FIXTURE.version1a}`)
    expect(plain).toMatch(/^HTTP\/1\.1 200 /)
    expect((await get(`/pipelines/${FIXTURE.pipeline1}/runs/?version_id=${FIXTURE.version1a}#x?version_id=y`)).split('\r\n\r\n')[1])
      .toBe(plain.split('\r\n\r\n')[1])
    expect(await get('/pipelines/not-a-uuid/runs/?version_id=a#b')).toContain('"input":"a"')
    const redirect = await get(`/pipelines/${FIXTURE.pipeline1}/runs?a=1#frag`)
    expect(redirect).toMatch(/^HTTP\/1\.1 307 /)
    expect(head(redirect)).toContain(`\r\nlocation: http://h/pipelines/${FIXTURE.pipeline1}/runs/?a=1\r\n`)
    expect(await get('/pipelines/abc/runs/#x')).toMatch(/^HTTP\/1\.1 422 /)
    expect(await get('/nowhere#/openapi.json')).toMatch(/^HTTP\/1\.1 404 /)
  })

  it('serves the documentation paths Starlette matches with a final newline (Python\'s $)', async () => {
    const document = await get('/openapi.json')
    expect(document).toMatch(/^HTTP\/1\.1 200 /)
    expect((await get('/openapi.json%0A')).split('\r\n\r\n')[1]).toBe(document.split('\r\n\r\n')[1])
    const docs = await get('/docs%0A')
    expect(docs).toMatch(/^HTTP\/1\.1 200 /)
    expect(head(docs)).toContain('content-type: text/html')
    expect(await get('/openapi.json%0A%0A')).toMatch(/^HTTP\/1\.1 404 /)
    const headDocs = await rawExchange(port, 'HEAD /docs HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n')
    expect(headDocs).toMatch(/^HTTP\/1\.1 200 /)
    expect(head(headDocs)).toContain('content-type: text/html')
    expect(headDocs.endsWith('\r\n\r\n')).toBe(true)
  })
})

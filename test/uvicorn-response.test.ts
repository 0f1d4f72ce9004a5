// Response heads as uvicorn + Starlette write them: names, order, date, connection handling; unit and on a real socket.
import { describe, expect, it } from 'vitest'
import { httpDate, requestAsksClose, uvicornHead } from '../src/uvicorn-response.ts'
import { rawExchange } from './helpers/raw-http.ts'
import { AUTH, FIXTURE, listen, testApp } from './helpers/test-app.ts'
import { exchange } from './helpers/raw-http.ts'

const KEEP = { close: false, mayHaveBody: true }
const names = (head: Array<[string, string]>) => head.map(([name]) => name)

describe('uvicornHead', () => {
  it('writes date and server first, then the response\'s own headers, content-length, content-type (Starlette\'s init_headers)', () => {
    const head = uvicornHead([['content-type', 'application/json'], ['WWW-Authenticate', 'Bearer'], ['content-length', '30']], KEEP)
    expect(head).toEqual([['date', httpDate()], ['server', 'uvicorn'], ['www-authenticate', 'Bearer'], ['content-length', '30'], ['content-type', 'application/json']])
  })

  it('puts what Starlette sets after building the response (location, CORS) after content-length and content-type', () => {
    const appended = new Set(['location'])
    expect(names(uvicornHead([['location', 'http://h/p/'], ['content-length', '0']], { ...KEEP, appended }))).toEqual(['date', 'server', 'content-length', 'location'])
    const headers: Array<[string, string]> = [['content-type', 'application/json'], ['preference-applied', 'delay=5'],
      ['access-control-allow-origin', 'http://a'], ['vary', 'Origin'], ['content-length', '2']]
    expect(names(uvicornHead(headers, { ...KEEP, appended: new Set(['access-control-allow-origin', 'vary']) })))
      .toEqual(['date', 'server', 'preference-applied', 'content-length', 'content-type', 'access-control-allow-origin', 'vary'])
    expect(names(uvicornHead(headers, KEEP)))
      .toEqual(['date', 'server', 'preference-applied', 'access-control-allow-origin', 'vary', 'content-length', 'content-type'])
  })

  it('replaces Node\'s own date, connection and keep-alive, and says connection: close last when the connection closes', () => {
    const head = uvicornHead([['Date', 'x'], ['Connection', 'close'], ['Keep-Alive', 'timeout=5'], ['content-length', '0']], KEEP)
    expect(names(head)).toEqual(['date', 'server', 'content-length', 'connection'])
    expect(head.at(-1)).toEqual(['connection', 'close'])
    expect(names(uvicornHead([['content-length', '0']], { close: true, mayHaveBody: true }))).toEqual(['date', 'server', 'content-length', 'connection'])
  })

  it('adds transfer-encoding: chunked when a body may follow and no length is given', () => {
    expect(uvicornHead([['content-type', 'text/plain']], KEEP).at(-1)).toEqual(['transfer-encoding', 'chunked'])
    expect(names(uvicornHead([['content-type', 'text/plain']], { close: false, mayHaveBody: false }))).toEqual(['date', 'server', 'content-type'])
  })

  it('formats the date as IMF-fixdate', () => {
    expect(httpDate(Date.UTC(2026, 11, 5, 3, 4, 5, 678))).toBe('Sat, 05 Dec 2026 03:04:05 GMT')
  })

  it('hears connection: close in the request only as uvicorn does (exact value)', () => {
    expect(requestAsksClose(['Host', 'h', 'Connection', 'close'])).toBe(true)
    expect(requestAsksClose(['Host', 'h', 'Connection', 'Close'])).toBe(false)
    expect(requestAsksClose(['Host', 'h'])).toBe(false)
  })
})

const app = await testApp({ 'cors-origin': ['http://a.example'] })
const port = await listen(app)

describe('on a real socket', () => {
  const head = (answer: string) => answer.slice(0, answer.indexOf('\r\n\r\n')).split('\r\n').slice(1).map((line) => line.slice(0, line.indexOf(':')))
  const RUNS = `/pipelines/${FIXTURE.pipeline1}/runs/`

  it('keeps an HTTP/1.1 connection open without any connection or keep-alive header', async () => {
    const request = `GET ${RUNS} HTTP/1.1\r\nHost: h\r\nAuthorization: ${AUTH.authorization}\r\n\r\n`
    const { raw, closed } = await exchange(port, Buffer.from(request + request), 500)
    const text = raw.toString('latin1')
    expect(closed).toBe(false)
    expect(text.match(/HTTP\/1\.1 200 OK/g)).toHaveLength(2)
    expect(head(text)).toEqual(['date', 'server', 'content-length', 'content-type'])
  })

  it('closes an HTTP/1.0 connection without a header, as uvicorn', async () => {
    const answer = await rawExchange(port, `GET ${RUNS} HTTP/1.0\r\nHost: h\r\nAuthorization: ${AUTH.authorization}\r\n\r\n`)
    expect(head(answer)).toEqual(['date', 'server', 'content-length', 'content-type'])
  })

  it('writes CORS headers after content-type, as CORSMiddleware appends them', async () => {
    const answer = await rawExchange(port, `GET ${RUNS} HTTP/1.1\r\nHost: h\r\nOrigin: http://a.example\r\nConnection: close\r\n\r\n`)
    expect(answer).toMatch(/^HTTP\/1\.1 401 /)
    expect(head(answer)).toEqual(['date', 'server', 'www-authenticate', 'content-length', 'content-type', 'access-control-allow-origin', 'vary', 'connection'])
  })

  it('answers a request line the parser rejects with uvicorn\'s own 400, byte for byte', async () => {
    const answer = await rawExchange(port, 'GET /pipelines/caf\xc3\xa9/runs/ HTTP/1.1\r\nHost: h\r\n\r\n')
    expect(answer).toBe(`HTTP/1.1 400 Bad Request\r\ndate: ${/date: ([^\r]+)/.exec(answer)?.[1] ?? ''}\r\nserver: uvicorn\r\n` +
      'content-type: text/plain; charset=utf-8\r\ncontent-length: 30\r\nconnection: close\r\n\r\nInvalid HTTP request received.')
  })

  it('writes a preflight\'s CORS headers before content-length, as the headers PlainTextResponse was built with', async () => {
    const answer = await rawExchange(port, `OPTIONS ${RUNS} HTTP/1.1\r\nHost: h\r\nOrigin: http://a.example\r\n` +
      'Access-Control-Request-Method: GET\r\nConnection: close\r\n\r\n')
    expect(answer).toMatch(/^HTTP\/1\.1 200 /)
    expect(head(answer)).toEqual(['date', 'server', 'vary', 'access-control-allow-methods', 'access-control-max-age',
      'access-control-allow-origin', 'content-length', 'content-type', 'connection'])
  })

  it('writes the 307 as RedirectResponse: content-length 0 then location, no content-type', async () => {
    const answer = await rawExchange(port, 'HEAD /pipelines/x/runs HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n')
    expect(answer).toBe(`HTTP/1.1 307 Temporary Redirect\r\ndate: ${/date: ([^\r]+)/.exec(answer)?.[1] ?? ''}\r\nserver: uvicorn\r\n` +
      'content-length: 0\r\nlocation: http://h/pipelines/x/runs/\r\nconnection: close\r\n\r\n')
  })
})

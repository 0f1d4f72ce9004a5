// The runs fast path: which requests it takes, that it hands every other one to the server's own listener, and that
// the real app answers byte for byte the same through it as through Fastify.
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { createAuthenticator, createApiKeyCheck } from '../../src/auth.ts'
import { errors } from '../../src/errors.ts'
import { fastPathTarget, installRunsFastPath, type FastPathDeps } from '../../src/routes/runs-fast-path.ts'
import { exchange } from '../helpers/raw-http.ts'
import { buildTestApp, FIXTURE, listen, TOKEN } from '../helpers/test-app.ts'

const BODY = Buffer.from('[{"id":"fast"}]')
const KNOWN = FIXTURE.pipeline1
const deps = (over: Partial<FastPathDeps> = {}): FastPathDeps => ({
  authenticate: createAuthenticator({ tokens: [TOKEN], apiKeys: [] }),
  checkApiKey: createApiKeyCheck({ tokens: [TOKEN], apiKeys: [] }),
  runsBody: async (pipelineId) => pipelineId === KNOWN ? BODY : undefined,
  closing: () => false,
  ...over
})
const request = (url: string, headers: Record<string, string> = {}, method = 'GET') =>
  ({ method, url, headers: { authorization: `Bearer ${TOKEN}`, ...headers }, rawHeaders: Object.entries({ authorization: `Bearer ${TOKEN}`, ...headers }).flat() }) as unknown as IncomingMessage

describe('fastPathTarget', () => {
  it('takes a canonical GET with a token that passes, with or without version_id', () => {
    expect(fastPathTarget(request(`/pipelines/${KNOWN}/runs/`), deps())).toEqual({ pipelineId: KNOWN, versionId: undefined })
    expect(fastPathTarget(request(`/pipelines/${KNOWN}/runs/?version_id=${FIXTURE.version1a}`), deps())).toEqual({ pipelineId: KNOWN, versionId: FIXTURE.version1a })
  })

  it.each([
    ['an uppercase id', request(`/pipelines/${KNOWN.toUpperCase()}/runs/`)],
    ['no trailing slash', request(`/pipelines/${KNOWN}/runs`)],
    ['another query', request(`/pipelines/${KNOWN}/runs/?version_id=${FIXTURE.version1a}&x=1`)],
    ['a fragment', request(`/pipelines/${KNOWN}/runs/#x`)],
    ['HEAD', request(`/pipelines/${KNOWN}/runs/`, {}, 'HEAD')],
    ['an Origin (CORS)', request(`/pipelines/${KNOWN}/runs/`, { origin: 'http://localhost:5173' })],
    ['a Prefer header', request(`/pipelines/${KNOWN}/runs/`, { prefer: 'code=500' })],
    ['a body', request(`/pipelines/${KNOWN}/runs/`, { 'content-length': '2' })],
    ['Expect', request(`/pipelines/${KNOWN}/runs/`, { expect: '100-continue' })],
    ['a wrong token', request(`/pipelines/${KNOWN}/runs/`, { authorization: 'Bearer nope' })]
  ])('leaves %s to the full path', (_name, incoming) => {
    expect(fastPathTarget(incoming, deps())).toBeUndefined()
  })

  it('leaves everything to the full path while the server closes, or when the Api-key is refused', () => {
    expect(fastPathTarget(request(`/pipelines/${KNOWN}/runs/`), deps({ closing: () => true }))).toBeUndefined()
    const keyed = deps({ checkApiKey: (key) => key === 'k' ? undefined : errors.notAuthenticated })
    expect(fastPathTarget(request(`/pipelines/${KNOWN}/runs/`), keyed)).toBeUndefined()
    expect(fastPathTarget(request(`/pipelines/${KNOWN}/runs/`, { 'api-key': 'k' }), keyed)).toBeDefined()
  })
})

describe('installRunsFastPath on a real socket', () => {
  let server: Server | undefined
  afterEach(() => { server?.close() })

  async function start (): Promise<{ port: number, handled: string[] }> {
    const handled: string[] = []
    server = createServer((incoming, response) => {
      handled.push(incoming.url ?? '')
      response.end('full path')
    })
    installRunsFastPath(server, deps())
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve))
    return { port: (server.address() as AddressInfo).port, handled }
  }

  const get = (port: number, path: string, token = TOKEN) =>
    exchange(port, Buffer.from(`GET ${path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nConnection: close\r\n\r\n`))

  it('answers a known pipeline itself and hands the rest to the listener it was put in front of', async () => {
    const { port, handled } = await start()
    expect((await get(port, `/pipelines/${KNOWN}/runs/`)).raw.toString()).toMatch(/\r\n\r\n\[\{"id":"fast"\}\]$/)
    expect((await get(port, `/pipelines/${FIXTURE.pipeline2}/runs/`)).raw.toString()).toMatch(/full path$/)
    expect((await get(port, `/pipelines/${KNOWN}/runs/`, 'nope')).raw.toString()).toMatch(/full path$/)
    expect((await get(port, '/openapi.json')).raw.toString()).toMatch(/full path$/)
    expect(handled).toEqual([`/pipelines/${FIXTURE.pipeline2}/runs/`, `/pipelines/${KNOWN}/runs/`, '/openapi.json'])
  })
})

describe('the real app', () => {
  const cases = [
    `/pipelines/${FIXTURE.pipeline1}/runs/`,
    `/pipelines/${FIXTURE.pipeline2}/runs/?version_id=${FIXTURE.version2a}`
  ]

  it.each(cases)('answers %s byte for byte as the full path does (date aside), on a socket', async (path) => {
    const test = await buildTestApp({ 'log-level': 'silent' })
    const port = await listen(test.app)
    const send = async (extra: string) => (await exchange(port, Buffer.from(
      `GET ${path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TOKEN}\r\n${extra}Connection: close\r\n\r\n`), 1000)).raw.toString('utf8')
    const withoutDate = (raw: string) => raw.replace(/\r\ndate: [^\r]+/, '\r\ndate: -')
    // An empty body (Content-Length: 0) changes no answer but takes the full path.
    const fast = await send('')
    const full = await send('Content-Length: 0\r\n')
    expect(fast).toMatch(/^HTTP\/1\.1 200 OK\r\ndate: .+\r\nserver: uvicorn\r\ncontent-length: \d+\r\ncontent-type: application\/json\r\nconnection: close\r\n\r\n\[/)
    expect(withoutDate(fast)).toBe(withoutDate(full))
    const viaInject = await test.app.inject({ url: path, headers: { authorization: `Bearer ${TOKEN}` } })
    expect(fast.slice(fast.indexOf('\r\n\r\n') + 4)).toBe(viaInject.body)
    await test.close()
  })
})

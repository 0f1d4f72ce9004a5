// Limits on a real socket: slow clients are dropped while others are served; sizes, connections, Expect handling.
import type { Socket } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../src/app.ts'
import { loadConfig } from '../src/config.ts'
import { listen as listenOn, seededDb } from './helpers/test-app.ts'
import { pipelineIds } from './helpers/fixture-runs.ts'
import { exchange, openSocket, parseAnswer } from './helpers/raw-http.ts'
import { buildTestApp, TOKEN, type TestApp } from './helpers/test-app.ts'

const PARSER_TEXT = 'Invalid HTTP request received.'

async function listen (app: TestApp): Promise<number> {
  await app.app.listen({ host: '127.0.0.1', port: 0 })
  return (app.app.server.address() as { port: number }).port
}

/** Collects what the server sends; resolves when it closes the connection. */
function watch (socket: Socket): { received: () => string, closed: Promise<unknown> } {
  const chunks: Buffer[] = []
  socket.on('data', (chunk: Buffer) => chunks.push(chunk))
  socket.on('error', () => {})
  // Not events.once: that rejects when the socket errors first, and a server that drops a client mid-write may
  // reset the connection (ECONNRESET) before it closes.
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()))
  return { received: () => Buffer.concat(chunks).toString('latin1'), closed }
}

/** A listening test app with a body-reading echo route (the runs route never reads a body); its port and a pipeline id. */
async function echoApp (flags: Parameters<typeof buildTestApp>[0] = {}): Promise<{ app: TestApp, port: number, id: string }> {
  const app = await buildTestApp(flags)
  app.app.post('/__test/echo', async (request) => ({ bytes: JSON.stringify(request.body).length }))
  return { app, port: await listen(app), id: pipelineIds(app.runs)[0] as string }
}

function runsRequest (id: string, extra = ''): string {
  return `GET /pipelines/${id}/runs/ HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TOKEN}\r\n${extra}Connection: close\r\n\r\n`
}

describe('slow and idle clients', () => {
  let app: TestApp
  let port: number
  let id: string

  beforeAll(async () => {
    ;({ app, port, id } = await echoApp({ 'headers-timeout': '1000', 'request-timeout': '2000', 'keep-alive-timeout': '500' }))
  })
  afterAll(async () => app.close())

  it('drops a client that sends its headers byte by byte (slowloris) and serves others meanwhile', async () => {
    const slow = await openSocket(port)
    const { received, closed } = watch(slow)
    const head = `GET /pipelines/${id}/runs/ HTTP/1.1\r\nHost: x\r\nX-Slow: ${'a'.repeat(10_000)}`
    let sent = 0
    const trickle = setInterval(() => { if (slow.writable) slow.write(head[sent++] as string) }, 20)
    try {
      const during = await exchange(port, Buffer.from(runsRequest(id)))
      expect(parseAnswer(during.raw)?.status).toBe(200)
      await closed
    } finally {
      clearInterval(trickle)
    }
    expect(sent).toBeLessThan(head.length)
    expect(received()).toBe('')
  })

  it('drops a connection that never sends a byte', async () => {
    const idle = await openSocket(port)
    const { received, closed } = watch(idle)
    await closed
    expect(received()).toBe('')
  })

  it('drops a client that sends a body byte by byte (request timeout)', async () => {
    const slow = await openSocket(port)
    const { received, closed } = watch(slow)
    slow.write('POST /__test/echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n"')
    let sent = 0
    const trickle = setInterval(() => { if (slow.writable && sent++ < 4_000) slow.write('a') }, 20)
    try {
      await closed
    } finally {
      clearInterval(trickle)
    }
    expect(sent).toBeLessThan(4_000)
    expect(received()).toBe('')
  })

  it('closes an idle keep-alive connection after the keep-alive timeout', async () => {
    const socket = await openSocket(port)
    const { received, closed } = watch(socket)
    socket.write('GET /__admin/health HTTP/1.1\r\nHost: x\r\n\r\n')
    await closed
    expect(parseAnswer(Buffer.from(received(), 'latin1'))?.status).toBe(200)
  })
})

describe('sizes', () => {
  let app: TestApp
  let port: number
  let id: string

  beforeAll(async () => {
    ;({ app, port, id } = await echoApp())
  })
  afterAll(async () => app.close())

  it('answers headers over 16 KiB with uvicorn\'s 400 (as h11 refuses them), and serves 15 KiB', async () => {
    const big = parseAnswer((await exchange(port, Buffer.from(runsRequest(id, `X-Big: ${'b'.repeat(17_000)}\r\n`)))).raw)
    expect([big?.status, big?.headers['content-type'], big?.body.toString()]).toEqual([400, 'text/plain; charset=utf-8', PARSER_TEXT])
    const fits = parseAnswer((await exchange(port, Buffer.from(runsRequest(id, `X-Big: ${'b'.repeat(15_000)}\r\n`)))).raw)
    expect(fits?.status).toBe(200)
  })

  it('bounds the URL by the same limit: a 10 KiB pipeline id gets its 422, a 20 KiB one the parser\'s 400', async () => {
    const long = parseAnswer((await exchange(port, Buffer.from(runsRequest('z'.repeat(10_240))))).raw)
    expect(long?.status).toBe(422)
    expect(JSON.parse(long?.body.toString() ?? '').detail[0].input).toBe('z'.repeat(10_240))
    const tooLong = parseAnswer((await exchange(port, Buffer.from(runsRequest('z'.repeat(20_480))))).raw)
    expect([tooLong?.status, tooLong?.body.toString()]).toEqual([400, PARSER_TEXT])
  })

  it('refuses a body over the limit where one is read, and never reads one on a contract path', async () => {
    const body = JSON.stringify({ big: 'x'.repeat(10 * 1024 * 1024) })
    const echo = await app.app.inject({ method: 'POST', url: '/__test/echo', headers: { 'content-type': 'application/json' }, payload: body })
    expect([echo.statusCode, echo.json()]).toEqual([413, { detail: 'Payload Too Large' }])
    const contract = await app.app.inject({ method: 'POST', url: `/pipelines/${id}/runs/`, headers: { 'content-type': 'application/json' }, payload: body })
    expect([contract.statusCode, contract.json()]).toEqual([405, { detail: 'Method Not Allowed' }])
  })
})

describe('Expect headers (uvicorn ignores them unless the app reads a body)', () => {
  let app: TestApp
  let port: number
  let id: string

  beforeAll(async () => {
    ;({ app, port, id } = await echoApp())
  })
  afterAll(async () => app.close())

  it('serves a request with an unknown expectation instead of Node\'s 417', async () => {
    const answer = parseAnswer((await exchange(port, Buffer.from(runsRequest(id, 'Expect: something\r\n')))).raw)
    expect(answer?.status).toBe(200)
  })

  it('answers 100-continue on a contract path directly, with no interim answer', async () => {
    const { raw } = await exchange(port, Buffer.from(runsRequest(id, 'Expect: 100-continue\r\n')))
    expect(raw.toString('latin1')).toMatch(/^HTTP\/1\.1 200 OK\r\n/)
  })

  it('sends "100 Continue" once a route reads the body', async () => {
    const socket = await openSocket(port)
    const { received, closed } = watch(socket)
    socket.write('POST /__test/echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 7\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n')
    while (!received().includes('100 Continue')) await sleep(10)
    socket.write('"hello"')
    await closed
    expect(received()).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 OK\r\n/)
  })
})

describe('connection cap', () => {
  let app: TestApp
  let port: number

  beforeAll(async () => {
    app = await buildTestApp({ 'max-connections': '3' })
    port = await listen(app)
  })
  afterAll(async () => app.close())

  const connections = async () => new Promise<number>((resolve, reject) => {
    app.app.server.getConnections((error, count) => error === null ? resolve(count) : reject(error))
  })

  it('closes connections beyond --max-connections and accepts again once one ends', async () => {
    const held = await Promise.all([openSocket(port), openSocket(port), openSocket(port)])
    held.forEach((socket) => socket.on('error', () => {}))
    while (await connections() < 3) await sleep(10)
    const extra = await exchange(port, Buffer.from('GET /__admin/health HTTP/1.1\r\nHost: x\r\n\r\n'))
    expect([extra.closed, extra.raw.length]).toEqual([true, 0])

    const first = held.shift() as Socket
    first.destroy()
    while (await connections() > 2) await sleep(10)
    const again = await exchange(port, Buffer.from('GET /__admin/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'))
    expect(parseAnswer(again.raw)?.status).toBe(200)
    held.forEach((socket) => socket.destroy())
  })
})

describe('connection cap, logged', () => {
  it('a flood of refused connections writes one warning, not one per connection', async () => {
    const lines: string[] = []
    const app = await buildApp({ config: loadConfig({ 'max-connections': '2' }, {}), db: seededDb(), logger: { level: 'warn', stream: { write: (line: string) => { lines.push(line) } } } })
    const port = await listenOn(app)
    try {
      const held = await Promise.all([openSocket(port), openSocket(port)])
      held.forEach((socket) => socket.on('error', () => {}))
      while (await new Promise<number>((resolve) => app.server.getConnections((_e, n) => resolve(n))) < 2) await sleep(10)
      const refused = await Promise.all(Array.from({ length: 40 }, async () => await exchange(port, Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'))))
      expect(refused.every((answer) => answer.closed && answer.raw.length === 0)).toBe(true)
      const warnings = lines.map((line) => (JSON.parse(line) as { msg: string }).msg)
      expect(warnings).toEqual(['connection refused: 2 connections open (--max-connections)'])
      held.forEach((socket) => socket.destroy())
    } finally {
      await app.close()
    }
  })
})

// The HTTP client of verify and record: retries what a retry may cure (network, timeouts, 502-504), nothing else.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createClient, UnreachableError } from '../../src/verify/client.ts'

let server: Server
let hits = 0
beforeAll(async () => {
  server = createServer((_request, response) => { hits++; response.writeHead(503).end('busy') })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
})
afterAll(async () => { await new Promise((resolve) => server.close(resolve)) })
const url = () => `http://127.0.0.1:${(server.address() as AddressInfo).port}`

describe('createClient', () => {
  it('retries a 503 and then hands it back', async () => {
    hits = 0
    const send = createClient({ baseUrl: url(), timeoutMs: 2_000, retries: 2, userAgent: 'test' })
    expect((await send({ method: 'GET', path: '/' })).status).toBe(503)
    expect(hits).toBe(3)
  })

  it('does not retry what is not a network error: a header fetch refuses fails at once, as itself', async () => {
    hits = 0
    const send = createClient({ baseUrl: url(), timeoutMs: 2_000, retries: 3, userAgent: 'test' })
    const failure = await send({ method: 'GET', path: '/', headers: { authorization: 'Bearer a\nb' } }).catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(TypeError)
    expect(failure).not.toBeInstanceOf(UnreachableError)
    expect(hits).toBe(0)
  })
})

// Clients that send their request and then half-close (FIN) still get every answer, delayed ones included, as from uvicorn.
import { connect } from 'node:net'
import { afterAll, describe, expect, it } from 'vitest'
import { AUTH, FIXTURE, listen, testApp } from './helpers/test-app.ts'

/** Writes `request`, ends the client's side at once, and returns everything the server sends until it closes. */
async function halfClosedExchange (port: number, request: string): Promise<string> {
  return await new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    const chunks: Buffer[] = []
    socket.on('data', (chunk: Buffer) => chunks.push(chunk))
    socket.on('error', reject)
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')))
    socket.end(request)
  })
}

const get = (path: string, headers = '') =>
  `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${AUTH.authorization}\r\n${headers}\r\n`
const RUNS = `/pipelines/${FIXTURE.pipeline1}/runs/`

describe('a client that half-closes after its request', () => {
  const apps: Array<Awaited<ReturnType<typeof testApp>>> = []
  afterAll(async () => { for (const app of apps) await app.close() })
  const serve = async (flags: Parameters<typeof testApp>[0] = {}) => {
    const app = await testApp(flags)
    apps.push(app)
    return await listen(app)
  }

  it('gets the runs', async () => {
    const answer = await halfClosedExchange(await serve(), get(RUNS))
    expect(answer).toMatch(/^HTTP\/1\.1 200 OK\r\n/)
    expect(answer).toContain('"pipeline_config_version_id"')
  })

  it('gets an answer delayed by Prefer: delay', async () => {
    const answer = await halfClosedExchange(await serve(), get(RUNS, 'Prefer: delay=150\r\n'))
    expect(answer).toMatch(/^HTTP\/1\.1 200 OK\r\n/)
    expect(answer).toContain('\r\npreference-applied: delay=150\r\n')
    expect(answer).toContain('"pipeline_config_version_id"')
  })

  it('gets an answer delayed by --latency', async () => {
    const answer = await halfClosedExchange(await serve({ latency: '150' }), get(RUNS))
    expect(answer).toMatch(/^HTTP\/1\.1 200 OK\r\n/)
    expect(answer).toContain('"pipeline_config_version_id"')
  })

  it('gets the first /docs, which builds the Swagger UI before it answers', async () => {
    const answer = await halfClosedExchange(await serve(), get('/docs'))
    expect(answer).toMatch(/^HTTP\/1\.1 200 OK\r\n/)
    expect(answer).toContain('<html')
  })

  it('gets every pipelined answer, the delayed one included, in order', async () => {
    const answer = await halfClosedExchange(await serve(), get(RUNS, 'Prefer: delay=100\r\n') + get('/pipelines/x/runs'))
    expect(answer.match(/HTTP\/1\.1 \d{3}/g)).toEqual(['HTTP/1.1 200', 'HTTP/1.1 307'])
  })
})

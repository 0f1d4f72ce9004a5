// Tokens outside Latin-1, over a real socket: the configured token's UTF-8 bytes are what a client must send, and
// look-alikes made by truncating each character to one byte (what a latin1 comparison would accept) are refused.
import { describe, expect, it } from 'vitest'
import { FIXTURE, listen, seededDb, testApp } from './helpers/test-app.ts'
import { exchange, parseAnswer } from './helpers/raw-http.ts'

const TOKEN = 'пароль'
const ADMIN = 'ŁŁŁŁŁŁŁŁ'

/** Each character cut to its low byte: 'пароль' → '?0@>;L', 'Ł' → 'A'. */
const truncated = (text: string) => Buffer.from(text, 'latin1').toString('latin1')

async function status (port: number, path: string, token: Buffer): Promise<number | undefined> {
  const head = Buffer.concat([Buffer.from(`GET ${path} HTTP/1.1\r\nHost: t\r\nConnection: close\r\nAuthorization: Bearer `), token, Buffer.from('\r\n\r\n')])
  return parseAnswer((await exchange(port, head)).raw)?.status
}

describe('tokens outside Latin-1', () => {
  it('--token and --admin-token accept their UTF-8 bytes and refuse their latin1 truncations', async () => {
    const port = await listen(await testApp({ token: [TOKEN], 'admin-token': ADMIN }, seededDb()))
    const runs = `/pipelines/${FIXTURE.pipeline1}/runs/`
    expect(truncated(TOKEN)).toBe('?0@>;L')
    expect(truncated(ADMIN)).toBe('AAAAAAAA')
    expect(await status(port, runs, Buffer.from(TOKEN, 'utf8'))).toBe(200)
    expect(await status(port, runs, Buffer.from(truncated(TOKEN), 'latin1'))).toBe(401)
    expect(await status(port, runs, Buffer.from(TOKEN, 'utf8').subarray(0, 6))).toBe(401)
    expect(await status(port, '/__admin/requests', Buffer.from(ADMIN, 'utf8'))).toBe(200)
    expect(await status(port, '/__admin/requests', Buffer.from(truncated(ADMIN), 'latin1'))).toBe(401)
    expect(await status(port, '/__admin/requests', Buffer.from(TOKEN, 'utf8'))).toBe(401)
  })
})

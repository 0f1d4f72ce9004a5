// The serve process at --log-level trace: bearer tokens, API keys and the admin token never reach its output.
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { serve } from './helpers/cli.ts'
import { shapedRuns, pipelineIds } from './helpers/fixture-runs.ts'
import { exchange } from './helpers/raw-http.ts'
import { seededDb, tempDir } from './helpers/test-app.ts'

const SECRETS = { token: 'tok-5ecret-bearer-77', apiKey: 'key-5ecret-api-88', admin: 'adm-5ecret-admin-99' }

/** Every form a secret could take in a log line: as is, hex, base64, and as the byte arrays pino writes for Buffers. */
function leaks (output: string, secret: string): string[] {
  const found: string[] = []
  const bytes = Buffer.from(secret)
  const forms = { text: secret, hex: bytes.toString('hex'), base64: bytes.toString('base64').replace(/=+$/, ''), 'byte array': [...bytes].join(',') }
  for (const [name, form] of Object.entries(forms)) if (output.includes(form)) found.push(name)
  return found
}

describe('logs at --log-level trace', () => {
  it('carry requests and errors but none of the secrets, whatever path a request takes', async () => {
    const path = join(tempDir(), 'db.sqlite')
    const runs = shapedRuns()
    seededDb(runs, path).close()
    const pipeline = pipelineIds(runs)[0] as string
    const server = await serve(['--db', path, '--log-level', 'trace', '--log-format', 'json', '--token', SECRETS.token, '--api-key', SECRETS.apiKey, '--admin-token', SECRETS.admin])
    const bearer = `Bearer ${SECRETS.token}`
    const headers = { authorization: bearer, 'api-key': SECRETS.apiKey, 'x-admin-token': SECRETS.admin }
    const statuses: number[] = []
    const ask = async (url: string, init: RequestInit = {}) => {
      const response = await fetch(`${server.url}${url}`, { redirect: 'manual', ...init, headers: { ...headers, ...init.headers as Record<string, string> } })
      await response.arrayBuffer()
      statuses.push(response.status)
    }
    await ask(`/pipelines/${pipeline}/runs/`)
    await ask(`/pipelines/${pipeline}/runs/`, { headers: { authorization: `Bearer not-${SECRETS.token}` } })
    await ask(`/pipelines/${pipeline}/runs/`, { headers: { 'api-key': `not-${SECRETS.apiKey}` } })
    await ask('/pipelines/not-a-uuid/runs/?version_id=nope')
    await ask(`/pipelines/${'0'.repeat(32)}/runs/`)
    await ask(`/pipelines/${pipeline}/runs`)
    await ask(`/pipelines/${pipeline}/runs/`, { method: 'POST', body: JSON.stringify(SECRETS), headers: { 'content-type': 'application/json' } })
    await ask('/pipelines/%E0%A4%A/runs/')
    await ask('/__admin/health')
    await ask('/nowhere')
    // Requests Node's parser rejects: its error carries the raw request bytes, headers included.
    const raw = (extra: string) => exchange(server.port, Buffer.from(`GET / HTTP/1.1\r\nHost: x\r\nAuthorization: ${bearer}\r\nApi-key: ${SECRETS.apiKey}\r\nX-Admin-Token: ${SECRETS.admin}\r\n${extra}\r\n`))
    await raw('Bad Header: x\r\n')
    await raw(`X-Big: ${'b'.repeat(17_000)}\r\n`)
    expect(statuses).toEqual([200, 401, 401, 422, 404, 307, 405, 422, 200, 404])
    expect(await server.stop()).toEqual({ code: 0, signal: null })

    const output = server.stdout() + server.stderr()
    const lines = output.split('\n').filter((line) => line.startsWith('{'))
    for (const [name, secret] of Object.entries(SECRETS)) expect(leaks(output, secret), name).toEqual([])
    expect(lines.filter((line) => line.includes('"incoming request"'))).toHaveLength(10)
    expect(lines.filter((line) => line.includes('"request rejected by the HTTP parser"'))).toHaveLength(2)
  })
})

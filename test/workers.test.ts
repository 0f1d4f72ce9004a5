// `serve --workers N` spawned with plain node: N processes answer on one port, a killed worker is replaced, and
// SIGTERM stops them all with exit code 0.
import { get } from 'node:http'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runCli, startCli } from './helpers/cli.ts'
import { socketRequest } from './helpers/raw-http.ts'
import { tempDir } from './helpers/temp.ts'
import { AUTH, FIXTURE, seededDb } from './helpers/test-app.ts'

/**
 * The pid in the health body, over a new connection each time (the primary hands connections out in turn); undefined
 * when the connection went to a worker as it was killed, which leaves it unanswered.
 */
async function answeringPid (port: number): Promise<number | undefined> {
  return await new Promise((resolve) => {
    const req = get({ host: '127.0.0.1', port, path: '/__admin/health', agent: false, timeout: 2000 }, (res) => {
      let body = ''
      res.on('data', (chunk: Buffer) => { body += chunk.toString() })
      res.on('end', () => resolve((JSON.parse(body) as { pid: number }).pid))
      res.on('error', () => resolve(undefined))
    })
    req.on('timeout', () => req.destroy())
    req.on('error', () => resolve(undefined))
  })
}

/** Pids seen over new connections until `wanted` holds or `seconds` pass (a new worker takes a while to start). */
async function pidsSeen (port: number, wanted: (pids: Set<number>) => boolean, seconds = 30): Promise<Set<number>> {
  const pids = new Set<number>()
  const deadline = Date.now() + seconds * 1000
  while (!wanted(pids) && Date.now() < deadline) {
    const pid = await answeringPid(port)
    if (pid !== undefined) pids.add(pid)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  return pids
}

function fixtureDbPath (): string {
  const dir = tempDir()
  seededDb(undefined, join(dir, 'test.sqlite')).close()
  return join(dir, 'test.sqlite')
}

describe('serve --workers', () => {
  it('serves from N processes on one port, replaces a dead worker and exits 0 on SIGTERM', async () => {
    const server = await startCli(['serve', '--port', '0', '--db', fixtureDbPath(), '--workers', '2', '--log-level', 'warn'])
    const first = await pidsSeen(server.port, (pids) => pids.size >= 2)
    expect(first.size).toBe(2)
    const runs = await socketRequest(server.port, 'GET', `/pipelines/${FIXTURE.pipeline1}/runs/`, AUTH)
    expect(runs.status).toBe(200)

    const [victim] = [...first] as [number]
    process.kill(victim, 'SIGKILL')
    const after = await pidsSeen(server.port, (pids) => pids.size >= 2 && !pids.has(victim))
    expect(after.has(victim)).toBe(false)
    expect(after.size).toBe(2)

    const stopped = await server.stop()
    expect(stopped.code).toBe(0)
    expect(server.stderr()).toContain(`worker ${victim} exited (SIGKILL); starting another`)
    for (const pid of [...first, ...after]) expect(() => process.kill(pid, 0)).toThrow()
  }, 90_000)

  it('refuses a worker count out of range in one line', async () => {
    const result = await runCli(['serve', '--workers', '65'], { env: { PIPELINES_MOCK_DB: join(tempDir(), 'x.sqlite') } })
    expect(result.code).toBe(2)
    expect(result.stderr).toBe('pipelines-mock: --workers: expected a whole number from 1 to 64, got "65"\n')
  })
})

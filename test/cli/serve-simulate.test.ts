// `serve --simulate` and `serve --read-only`, spawned with plain node against a real SQLite file.
import { createHash } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { checkRunRules } from '../../src/contract/rules.ts'
import { readDemoRuns } from '../../src/db/seed-demo.ts'
import type { RunRead } from '../../src/schemas/runs.ts'
import { runCli, startCli } from '../helpers/cli.ts'
import { socketRequest } from '../helpers/raw-http.ts'
import { tempDir } from '../helpers/temp.ts'
import { AUTH } from '../helpers/test-app.ts'

const PIPELINE = readDemoRuns()[0]?.pipeline_version.pipeline_id ?? 'missing'

async function runs (port: number): Promise<RunRead[]> {
  const response = await socketRequest(port, 'GET', `/pipelines/${PIPELINE}/runs/`, AUTH)
  expect(response.status).toBe(200)
  return JSON.parse(response.body) as RunRead[]
}

describe('pipelines-mock serve --simulate', () => {
  it('answers with runs that move on as the clock runs (--speed), consistent at each look', async () => {
    const db = join(tempDir(), 'sim.sqlite')
    const server = await startCli(['serve', '--port', '0', '--db', db, '--simulate', '--speed', '600', '--simulate-interval', '60', '--random-seed', '5', '--log-level', 'silent'])
    const first = await runs(server.port)
    expect(checkRunRules(first, { pipelineId: PIPELINE })).toEqual([])
    let later = first
    // Up to 15 s of real time (each second is 10 simulated minutes), until the answer changes.
    for (let i = 0; i < 60 && JSON.stringify(later) === JSON.stringify(first); i++) {
      await new Promise((resolve) => setTimeout(resolve, 250))
      later = await runs(server.port)
    }
    expect(later).not.toEqual(first)
    expect(checkRunRules(later, { pipelineId: PIPELINE })).toEqual([])
    expect((await server.stop()).code).toBe(0)

    // A restart over the same file continues from what was served: every run finished then is still there, unchanged.
    const finished = later.filter((run) => run.finished_at !== null)
    const again = await startCli(['serve', '--port', '0', '--db', db, '--simulate', '--speed', '600', '--simulate-interval', '60', '--random-seed', '5', '--log-level', 'silent'])
    const resumed = new Map((await runs(again.port)).map((run) => [run.id, run]))
    for (const run of finished.slice(0, 10)) expect(resumed.get(run.id)).toEqual(run)
    await again.stop()
  })

  it('refuses --simulate with --read-only, and --speed without --simulate, in one line', async () => {
    const both = await runCli(['serve', '--simulate', '--read-only', '--db', join(tempDir(), 'x.sqlite')])
    expect({ code: both.code, stderr: both.stderr }).toEqual({ code: 2, stderr: 'pipelines-mock: --simulate writes runs to the database, so it cannot be combined with --read-only\n' })
    const stray = await runCli(['serve', '--speed', '3'])
    expect({ code: stray.code, stderr: stray.stderr }).toEqual({ code: 2, stderr: 'pipelines-mock: --speed only applies with --simulate\n' })
  })
})

describe('pipelines-mock serve --read-only', () => {
  it('serves a seeded database without writing a byte to it', async () => {
    const dir = tempDir()
    const db = join(dir, 'demo.sqlite')
    expect((await runCli(['seed', 'demo', '--db', db])).code).toBe(0)
    const before = createHash('sha256').update(readFileSync(db)).digest('hex')
    const server = await startCli(['serve', '--read-only', '--port', '0', '--db', db, '--log-level', 'silent'])
    expect((await runs(server.port)).length).toBeGreaterThan(0)
    expect((await server.stop()).code).toBe(0)
    expect(createHash('sha256').update(readFileSync(db)).digest('hex')).toBe(before)
  })

  it('fails in one line when the database does not exist (nothing is created)', async () => {
    const db = join(tempDir(), 'missing.sqlite')
    const result = await runCli(['serve', '--read-only', '--db', db])
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/^pipelines-mock: .*missing\.sqlite.*\n$/)
    expect(existsSync(db)).toBe(false)
  })
})

// `pipelines-mock pipelines`, spawned: lists what seed demo, seed generate and seed import wrote, as text and JSON,
// reading only (no -wal/-shm left); the writers end by naming a few ids and this command.
import { existsSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { readDemoRuns } from '../../src/db/seed-demo.ts'
import type { RunRead } from '../../src/schemas/runs.ts'
import { runCli } from '../helpers/cli.ts'
import { tempDir } from '../helpers/temp.ts'

vi.setConfig({ testTimeout: 60_000 })

interface Listed { pipeline_id: string, runs: number, newest_run_at: string | null, versions: Array<{ version_id: string, runs: number }> }

async function listed (db: string): Promise<Listed[]> {
  const result = await runCli(['pipelines', '--db', db, '--json'])
  expect(result.code, result.stderr).toBe(0)
  return JSON.parse(result.stdout) as Listed[]
}

/** Pipelines → versions → run counts, as the runs themselves say. */
function countsOf (runs: RunRead[]): Record<string, Record<string, number>> {
  const counts: Record<string, Record<string, number>> = {}
  for (const run of runs) {
    const versions = counts[run.pipeline_version.pipeline_id] ??= {}
    versions[run.pipeline_config_version_id] = (versions[run.pipeline_config_version_id] ?? 0) + 1
  }
  return counts
}
const countsListed = (pipelines: Listed[]) => Object.fromEntries(pipelines.map((p) => [p.pipeline_id, Object.fromEntries(p.versions.map((v) => [v.version_id, v.runs]))]))

describe('pipelines-mock pipelines', () => {
  it('lists what seed demo wrote: every pipeline, its versions and run counts, newest run; text and JSON', async () => {
    const db = join(tempDir(), 'demo.sqlite')
    expect((await runCli(['seed', 'demo', '--db', db])).code).toBe(0)
    const demo = readDemoRuns()
    const pipelines = await listed(db)
    expect(countsListed(pipelines)).toEqual(countsOf(demo))
    const newest = demo.filter((r) => r.pipeline_version.pipeline_id === pipelines[0]?.pipeline_id).map((r) => r.created_at).sort((a, b) => Date.parse(b) - Date.parse(a))[0]
    expect(pipelines[0]?.newest_run_at).toBe(newest)
    const text = await runCli(['pipelines', '--db', db])
    expect(text.code).toBe(0)
    for (const pipeline of pipelines) expect(text.stdout).toContain(`${pipeline.pipeline_id}  3 versions, ${pipeline.runs} runs, newest`)
    expect(readdirSync(join(db, '..'))).toEqual(['demo.sqlite'])
  })

  it('lists what seed import wrote, and the import ends with a few ids and this command', async () => {
    const dir = tempDir()
    const db = join(dir, 'imported.sqlite')
    const runs = readDemoRuns().slice(0, 7)
    writeFileSync(join(dir, 'runs.json'), JSON.stringify(runs))
    const imported = await runCli(['seed', 'import', join(dir, 'runs.json'), '--db', db])
    expect(imported.code, imported.stderr).toBe(0)
    expect(imported.stdout).toContain(`list them with their versions: npx pipelines-mock pipelines --db ${db}`)
    expect(countsListed(await listed(db))).toEqual(countsOf(runs))
    for (const id of Object.keys(countsOf(runs))) expect(imported.stdout).toContain(id)
  })

  it('lists what seed generate wrote; generating over runs needs --append or --replace (exit 2 otherwise, nothing changed)', async () => {
    const db = join(tempDir(), 'generated.sqlite')
    const first = await runCli(['seed', 'generate', '--db', db, '--pipelines', '2', '--runs', '6', '--versions', '2', '--random-seed', '9'])
    expect(first.code, first.stderr).toBe(0)
    const pipelines = await listed(db)
    expect(pipelines.map((p) => [p.versions.length, p.runs])).toEqual([[2, 6], [2, 6]])
    expect(first.stdout).toContain(`pipelines: ${pipelines.map((p) => p.pipeline_id).join(', ')}`)

    const refused = await runCli(['seed', 'generate', '--db', db, '--pipelines', '0'])
    expect([refused.code, refused.stderr.trim().split('\n').length]).toEqual([2, 1])
    expect(refused.stderr).toContain(`${db} already holds 12 runs: add --append to keep them or --replace to replace them`)
    expect(await listed(db)).toEqual(pipelines)

    const appended = await runCli(['seed', 'generate', '--db', db, '--pipelines', '1', '--runs', '3', '--random-seed', '10', '--append'])
    expect(appended.code, appended.stderr).toBe(0)
    expect((await listed(db)).length).toBe(3)
    const replaced = await runCli(['seed', 'generate', '--db', db, '--pipelines', '1', '--runs', '3', '--random-seed', '10', '--replace'])
    expect(replaced.code, replaced.stderr).toBe(0)
    expect((await listed(db)).length).toBe(1)
    expect((await runCli(['seed', 'generate', '--db', db, '--append', '--replace'])).code).toBe(2)
  })

  it('says so for an empty database, and fails in one line for a missing one', async () => {
    const db = join(tempDir(), 'empty.sqlite')
    expect((await runCli(['seed', 'generate', '--db', db, '--pipelines', '0'])).code).toBe(0)
    expect((await runCli(['pipelines', '--db', db])).stdout).toBe(`no pipelines in ${db}\n`)
    const missing = await runCli(['pipelines', '--db', join(tempDir(), 'nothing-here.sqlite')])
    expect(missing.code).toBe(1)
    expect(missing.stderr.trim().split('\n')).toHaveLength(1)
    expect(existsSync(join(tempDir(), 'nothing-here.sqlite'))).toBe(false)
  })
})

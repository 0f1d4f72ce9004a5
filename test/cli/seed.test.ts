// `pipelines-mock seed demo`, spawned: replaces the data with seed/demo.json; bad usage and bad paths fail cleanly.
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { openDatabase } from '../../src/db/open.ts'
import type { RunRead } from '../../src/schemas/runs.ts'
import { FIXTURE, readJson, runCli, seededDb, tempDir } from '../helpers.ts'

// Each test spawns node processes; on a loaded 2-core machine that can take a while.
vi.setConfig({ testTimeout: 60_000 })

const demo = readJson<RunRead[]>('seed/demo.json')
const pipelines = (path: string): string[] => {
  const db = openDatabase(path, { readOnly: true })
  try {
    return db.prepare('SELECT id FROM pipelines ORDER BY id').pluck().all() as string[]
  } finally {
    db.close()
  }
}
const demoPipelines = [...new Set(demo.map((r) => r.pipeline_version.pipeline_id))].sort()

describe('pipelines-mock seed demo', () => {
  it('creates and migrates the database, then loads the demo set', async () => {
    const path = join(tempDir(), 'nested', 'demo.sqlite')
    expect(await runCli(['seed', 'demo', '--db', path])).toEqual({ code: 0, stdout: `loaded the demo data set (${demo.length} runs) into ${path}\n`, stderr: '' })
    expect(pipelines(path)).toEqual(demoPipelines)
  })

  it('replaces whatever the database held', async () => {
    const db = seededDb()
    const path = db.name
    db.close()
    expect((await runCli(['seed', 'demo', '--db', path])).code).toBe(0)
    expect(pipelines(path)).toEqual(demoPipelines)
    expect(pipelines(path)).not.toContain(FIXTURE.pipeline1)
  })

  it('reads the path from PIPELINES_MOCK_DB', async () => {
    const path = join(tempDir(), 'env.sqlite')
    expect((await runCli(['seed', 'demo'], { env: { PIPELINES_MOCK_DB: path } })).code).toBe(0)
    expect(pipelines(path)).toEqual(demoPipelines)
  })

  it.each([
    ['no data set', ['seed'], 'unknown seed command ""'],
    ['an unknown data set', ['seed', 'everything'], 'unknown seed command "everything"'],
    ['an unknown flag', ['seed', 'demo', '--force'], "Unknown option '--force'"]
  ])('%s is bad usage: exit 2', async (_name, args, message) => {
    const result = await runCli(args)
    expect(result.code).toBe(2)
    expect(result.stderr).toContain(message)
  })

  it('a database path that is a directory fails with one line, exit 1', async () => {
    const dir = join(tempDir(), 'dir.sqlite')
    mkdirSync(dir)
    const result = await runCli(['seed', 'demo', '--db', dir])
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(new RegExp(`^pipelines-mock: cannot open database ${dir}: [^\\n]+\\n$`))
  })
})

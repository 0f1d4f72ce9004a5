// createRunsCache: the same bytes for a repeat request; any change, from this process or another, seen by the next
// request; the "Pipeline not found" answer cached and dropped the same way; the byte budget kept.
import { execFileSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { createChangeTracker } from '../../src/db/changes.ts'
import { openDatabase, type Db } from '../../src/db/open.ts'
import { createRunWriter } from '../../src/db/write-runs.ts'
import { createRunQueries } from '../../src/queries/runs.ts'
import { createRunsCache } from '../../src/queries/runs-cache.ts'
import type { RunRead } from '../../src/schemas/runs.ts'
import { FIXTURE, fixtureRuns, seededDb } from '../helpers/test-app.ts'

const NEW_PIPELINE = 'a1b2c3d4-0003-4c1e-9f7a-2d3b8e5a6c03'
const MB = 1024 * 1024

function cacheOver (db: Db, maxBytes = MB) {
  return createRunsCache({ queries: createRunQueries(db), changes: createChangeTracker(db), maxBytes })
}

/** A fixture run of pipeline 1, renamed, with a new id. */
function renamedRun (name: string): RunRead {
  const [run] = fixtureRuns() as [RunRead]
  return { ...run, id: 'a1b2c3d4-ffff-4c1e-9f7a-2d3b8e5a6c01', name }
}

const runNames = (body: Buffer | undefined) => (JSON.parse(body?.toString() ?? 'null') as RunRead[]).map((r) => r.name)

describe('createRunsCache', () => {
  it('answers a repeat request with the very same bytes, equal to the uncached body', async () => {
    const db = seededDb()
    const cache = cacheOver(db)
    const first = await cache.runsBody(FIXTURE.pipeline1)
    expect(await cache.runsBody(FIXTURE.pipeline1)).toBe(first)
    expect(first).toEqual(createRunQueries(db).runsBody(FIXTURE.pipeline1))
    const ofVersion = await cache.runsBody(FIXTURE.pipeline1, FIXTURE.version1a)
    expect(ofVersion).not.toEqual(first)
    expect(await cache.runsBody(FIXTURE.pipeline1, FIXTURE.version1a)).toBe(ofVersion)
    expect(cache.size()).toBeGreaterThan((first?.length ?? 0) + (ofVersion?.length ?? 0))
  })

  it('sees a write through the run writer on the next request', async () => {
    const db = seededDb()
    const cache = cacheOver(db)
    expect(runNames(await cache.runsBody(FIXTURE.pipeline1))).not.toContain('written-here')
    db.transaction(() => createRunWriter(db).writeRuns([renamedRun('written-here')]))()
    expect(runNames(await cache.runsBody(FIXTURE.pipeline1))).toContain('written-here')
  })

  it('sees a commit by another connection on the next request', async () => {
    const db = seededDb()
    const cache = cacheOver(db)
    await cache.runsBody(FIXTURE.pipeline1)
    const other = openDatabase(db.name)
    other.transaction(() => createRunWriter(other).writeRuns([renamedRun('written-elsewhere')]))()
    other.close()
    expect(runNames(await cache.runsBody(FIXTURE.pipeline1))).toContain('written-elsewhere')
  })

  it('sees a commit by another process on the next request', async () => {
    const db = seededDb()
    const cache = cacheOver(db)
    await cache.runsBody(FIXTURE.pipeline1)
    execFileSync(process.execPath, ['-e', `
      const Database = require('better-sqlite3')
      const db = new Database(process.argv[1])
      db.pragma('busy_timeout = 5000')
      db.prepare("UPDATE runs SET name = 'renamed-by-another-process' WHERE pipeline_id = ?").run(process.argv[2])
      db.close()`, db.name, FIXTURE.pipeline1])
    expect(new Set(runNames(await cache.runsBody(FIXTURE.pipeline1)))).toEqual(new Set(['renamed-by-another-process']))
  })

  it('caches "no such pipeline" until the pipeline appears, and forgets a deleted one', async () => {
    const db = seededDb()
    const cache = cacheOver(db)
    expect(await cache.runsBody(NEW_PIPELINE)).toBeUndefined()
    expect(await cache.runsBody(NEW_PIPELINE)).toBeUndefined()
    db.prepare('INSERT INTO pipelines (id) VALUES (?)').run(NEW_PIPELINE)
    expect((await cache.runsBody(NEW_PIPELINE))?.toString()).toBe('[]')
    expect(createRunWriter(db).deletePipeline(FIXTURE.pipeline2)).toBe(true)
    expect(await cache.runsBody(FIXTURE.pipeline2)).toBeUndefined()
  })

  it('stays within its byte budget, still answering bodies larger than the budget', async () => {
    const db = seededDb()
    const body = createRunQueries(db).runsBody(FIXTURE.pipeline1) as Buffer
    const budget = body.length * 2 + 1000
    const cache = cacheOver(db, budget)
    for (let i = 0; i < 50; i++) {
      const unknown = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`
      expect(await cache.runsBody(unknown)).toBeUndefined()
      expect(await cache.runsBody(FIXTURE.pipeline1, i % 2 === 0 ? undefined : FIXTURE.version1a)).toBeDefined()
      expect(cache.size()).toBeLessThanOrEqual(budget)
    }
    const tiny = cacheOver(db, 100)
    expect(await tiny.runsBody(FIXTURE.pipeline1)).toEqual(body)
    expect(tiny.size()).toBe(0)
  })

  it('with a budget of 0 reads every answer afresh', async () => {
    const db = seededDb()
    const cache = cacheOver(db, 0)
    const first = await cache.runsBody(FIXTURE.pipeline1)
    const second = await cache.runsBody(FIXTURE.pipeline1)
    expect(second).toEqual(first)
    expect(second).not.toBe(first)
    expect(cache.size()).toBe(0)
  })
})

// The demo data set: seed/demo.json loads whole, round-trips through the endpoint, and covers what the issue asks.
import { describe, expect, it } from 'vitest'
import { formatTimestamp, parseTimestamp } from '../../src/contract/timestamps.ts'
import { isEmpty, loadDemo, readDemoRuns } from '../../src/db/seed-demo.ts'
import { createRunQueries } from '../../src/queries/runs.ts'
import { RUN_STATUSES, RUN_STEP_STATUSES, type RunRead } from '../../src/schemas/runs.ts'
import { fixtureRuns, seededDb } from '../helpers/test-app.ts'

const demo = readDemoRuns()
const byPipeline = new Map<string, RunRead[]>()
for (const run of demo) byPipeline.set(run.pipeline_version.pipeline_id, [...byPipeline.get(run.pipeline_version.pipeline_id) ?? [], run])
// What the endpoint returns: newest created_at first, then id descending.
const served = (runs: RunRead[]) => [...runs].sort((a, b) =>
  (parseTimestamp(b.created_at) ?? 0) - (parseTimestamp(a.created_at) ?? 0) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))

describe('loadDemo', () => {
  it('fills an empty database and replaces any data already there', () => {
    const db = seededDb([])
    expect(isEmpty(db)).toBe(true)
    expect(loadDemo(db)).toBe(demo.length)
    expect(isEmpty(db)).toBe(false)
    const withFixtures = seededDb(fixtureRuns())
    loadDemo(withFixtures)
    expect(withFixtures.prepare('SELECT count(*) FROM runs').pluck().get()).toBe(demo.length)
  })

  it('serves every demo run back exactly as the file has it', () => {
    const db = seededDb([])
    loadDemo(db)
    const queries = createRunQueries(db)
    for (const [pipelineId, runs] of byPipeline) {
      expect(JSON.parse(queries.listRunsJson(pipelineId))).toStrictEqual(served(runs))
    }
  })
})

describe('seed/demo.json', () => {
  it('has 3+ pipelines with 2+ versions each and 30+ runs', () => {
    expect(byPipeline.size).toBeGreaterThanOrEqual(3)
    for (const runs of byPipeline.values()) expect(new Set(runs.map((r) => r.pipeline_config_version_id)).size).toBeGreaterThanOrEqual(2)
    expect(demo.length).toBeGreaterThanOrEqual(30)
  })

  it('covers every run status and every run step status', () => {
    expect(new Set(demo.map((r) => r.status))).toEqual(new Set(RUN_STATUSES))
    expect(new Set(demo.flatMap((r) => r.run_steps.map((s) => s.status)))).toEqual(new Set(RUN_STEP_STATUSES))
  })

  it('leaves finished_at null while running and started_at null while pending', () => {
    for (const run of demo) {
      if (run.status === 'Running' || run.status === 'Pending') expect(run.finished_at).toBeNull()
      for (const step of run.run_steps) if (step.status === 'Pending') expect(step.started_at).toBeNull()
    }
    expect(demo.some((r) => r.status === 'Running')).toBe(true)
  })

  it('writes timestamps as pydantic would, some with microseconds and some without', () => {
    const stamps = demo.flatMap((r) => [r.created_at, r.finished_at, ...r.run_steps.flatMap((s) => [s.started_at, s.finished_at])])
      .filter((t): t is string => t !== null)
    for (const stamp of stamps) expect(formatTimestamp(parseTimestamp(stamp) ?? -1)).toBe(stamp)
    expect(stamps.some((t) => t.includes('.'))).toBe(true)
    expect(stamps.some((t) => !t.includes('.'))).toBe(true)
  })
})

// createRunWriter: runs in response shape become rows; upserts, replacement of steps, deletes, refusal of contradictions.
import { describe, expect, it } from 'vitest'
import { createRunWriter } from '../../src/db/write-runs.ts'
import { createRunQueries } from '../../src/queries/runs.ts'
import type { RunRead } from '../../src/schemas/runs.ts'
import { FIXTURE, fixtureRuns, seededDb } from '../helpers/test-app.ts'

const count = (db: ReturnType<typeof seededDb>, table: string) => db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number
const listed = (db: ReturnType<typeof seededDb>, pipelineId: string) => JSON.parse(createRunQueries(db).listRunsJson(pipelineId)) as RunRead[]

describe('createRunWriter', () => {
  it('writes pipelines, versions, steps, runs and run steps once each', () => {
    const runs = fixtureRuns()
    const db = seededDb(runs)
    expect([count(db, 'pipelines'), count(db, 'pipeline_versions'), count(db, 'steps'), count(db, 'runs'), count(db, 'run_steps')])
      .toEqual([2, 3, 6, runs.length, runs.reduce((n, r) => n + r.run_steps.length, 0)])
  })

  it('upserts by run id: writing a run again updates it and replaces its run steps', () => {
    const db = seededDb()
    const [run] = fixtureRuns().filter((r) => r.status === 'Running') as [RunRead]
    const finished: RunRead = {
      ...run,
      status: 'Succeeded',
      finished_at: '2026-02-02T12:05:00Z',
      run_steps: run.run_steps.slice(0, 1).map((s) => ({ ...s, status: 'Succeeded', finished_at: '2026-02-02T12:04:00Z' }))
    }
    const before = count(db, 'runs')
    db.transaction(() => createRunWriter(db).writeRuns([finished]))()
    expect(count(db, 'runs')).toBe(before)
    const served = listed(db, FIXTURE.pipeline1).find((r) => r.id === run.id)
    expect(served).toMatchObject({ status: 'Succeeded', finished_at: '2026-02-02T12:05:00Z' })
    expect(served?.run_steps).toEqual([{ ...run.run_steps[0], status: 'Succeeded', finished_at: '2026-02-02T12:04:00Z' }])
  })

  it('rewrites a version\'s steps from the first run that carries it in a call', () => {
    const db = seededDb()
    const [run] = fixtureRuns().filter((r) => r.pipeline_config_version_id === FIXTURE.version1b) as [RunRead]
    const steps = [...run.pipeline_version.steps].reverse()
    db.transaction(() => createRunWriter(db).writeRuns([{ ...run, pipeline_version: { ...run.pipeline_version, steps } }]))()
    const served = listed(db, FIXTURE.pipeline1).filter((r) => r.pipeline_config_version_id === FIXTURE.version1b)
    for (const r of served) expect(r.pipeline_version.steps.map((s) => s.name)).toEqual(steps.map((s) => s.name))
  })

  it('normalises timestamps to UTC and pydantic\'s format', () => {
    const db = seededDb()
    const run = listed(db, FIXTURE.pipeline2)[0]
    expect(run?.finished_at).toBe('2026-01-01T01:00:00Z') // written as 2026-01-01T02:00:00+01:00
    expect(run?.created_at).toBe('2026-01-01T00:00:00.100000Z') // written as …00.1Z
  })

  it('deletes a pipeline with everything below it, or all data', () => {
    const db = seededDb()
    const writer = createRunWriter(db)
    expect(writer.deletePipeline(FIXTURE.pipeline2)).toBe(true)
    expect(writer.deletePipeline(FIXTURE.pipeline2)).toBe(false)
    expect(createRunQueries(db).pipelineExists(FIXTURE.pipeline2)).toBe(false)
    expect(count(db, 'pipeline_versions')).toBe(2)
    writer.deleteAll()
    for (const table of ['pipelines', 'pipeline_versions', 'steps', 'runs', 'run_steps']) expect(count(db, table)).toBe(0)
  })

  it.each([
    ['a run whose pipeline_config_version_id is not its pipeline_version.id', (r: RunRead): RunRead => ({ ...r, pipeline_config_version_id: FIXTURE.version1b }), /is not its pipeline_version.id/],
    ['a run that finishes before it is created', (r: RunRead): RunRead => ({ ...r, finished_at: '2000-01-01T00:00:00Z' }), /CHECK constraint failed/],
    ['a step that finishes before it starts', (r: RunRead): RunRead => ({ ...r, run_steps: [{ ...r.run_steps[0] as RunRead['run_steps'][0], finished_at: '2000-01-01T00:00:00Z' }] }), /CHECK constraint failed/],
    ['a status Argo does not have', (r: RunRead): RunRead => ({ ...r, status: 'Done' }), /CHECK constraint failed/],
    ['a timestamp that is not RFC 3339', (r: RunRead): RunRead => ({ ...r, created_at: 'yesterday' }), /invalid timestamp yesterday/]
  ])('refuses %s, leaving the transaction to roll back', (_name, change, message) => {
    const db = seededDb()
    const [run] = fixtureRuns().filter((r) => r.pipeline_config_version_id === FIXTURE.version1a && r.status === 'Succeeded') as [RunRead]
    const before = createRunQueries(db).listRunsJson(FIXTURE.pipeline1)
    const writer = createRunWriter(db)
    expect(() => db.transaction(() => writer.writeRuns([change(run)]))()).toThrow(message)
    expect(createRunQueries(db).listRunsJson(FIXTURE.pipeline1)).toBe(before)
  })
})

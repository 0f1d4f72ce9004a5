// createRunQueries: the endpoint's JSON from SQLite (order, filters, JSON columns), statements prepared once, index-only plans.
import { describe, expect, it, vi } from 'vitest'
import { createRunWriter } from '../../src/db/write-runs.ts'
import { BODY_STATEMENTS, createRunQueries, RUN_STATEMENTS } from '../../src/queries/runs.ts'
import type { RunRead } from '../../src/schemas/runs.ts'
import { readJson } from '../helpers/temp.ts'
import { FIXTURE, fixtureRuns, seededDb } from '../helpers/test-app.ts'

const responses = readJson<Array<{ pipeline_id: string, version_id: string | null, body: string }>>('test/fixtures/pydantic/responses.json')

describe('createRunQueries', () => {
  const db = seededDb()
  const queries = createRunQueries(db)

  it.each(responses.map((r) => [`${r.pipeline_id} ? ${String(r.version_id)}`, r] as const))('builds pydantic\'s exact JSON for %s', (_name, r) => {
    expect(queries.listRunsJson(r.pipeline_id, r.version_id ?? undefined)).toBe(r.body)
  })

  it('gives the same runs one row each, newest first', () => {
    for (const r of responses) {
      const rows = r.version_id === null ? db.prepare(RUN_STATEMENTS.ofPipeline).pluck().all(r.pipeline_id) : db.prepare(RUN_STATEMENTS.ofVersion).pluck().all(r.pipeline_id, r.version_id)
      expect(`[${(rows as string[]).join(',')}]`).toBe(queries.listRunsJson(r.pipeline_id, r.version_id ?? undefined))
    }
  })

  it('returns [] for a pipeline without runs, and for a version that has none', () => {
    db.prepare('INSERT INTO pipelines (id) VALUES (?)').run('a1b2c3d4-0003-4c1e-9f7a-2d3b8e5a6c03')
    expect(queries.pipelineExists('a1b2c3d4-0003-4c1e-9f7a-2d3b8e5a6c03')).toBe(true)
    expect(queries.listRunsJson('a1b2c3d4-0003-4c1e-9f7a-2d3b8e5a6c03')).toBe('[]')
    expect(queries.listRunsJson(FIXTURE.pipeline1, FIXTURE.version2a)).toBe('[]')
    expect(queries.pipelineExists('00000000-0000-0000-0000-000000000000')).toBe(false)
  })

  it('keeps every run consistent with its nesting', () => {
    for (const pipelineId of [FIXTURE.pipeline1, FIXTURE.pipeline2]) {
      for (const run of JSON.parse(queries.listRunsJson(pipelineId)) as RunRead[]) {
        expect(run.pipeline_version.id).toBe(run.pipeline_config_version_id)
        expect(run.pipeline_version.pipeline_id).toBe(pipelineId)
        const stepNames = run.pipeline_version.steps.map((s) => s.name)
        for (const step of run.run_steps) expect(stepNames).toContain(step.name)
      }
    }
  })

  it('returns free-form JSON whole: unicode, escapes, empty containers, nulls, numbers', () => {
    const [run] = fixtureRuns() as [RunRead]
    const manifest = {
      text: 'caf\u00e9 \u2603 "quoted" \\ back\nslash / tab\t \u0001 \u2028',
      empty: {},
      list: [],
      nested: [[{ a: null }], true, false],
      numbers: [0, -1, 1.5, 1e21, 2 ** 53 - 1, -0.000001],
      'key with spaces': 'v',
      '': 'empty key'
    }
    const edited = { ...run, id: 'a1b2c3d4-ffff-4c1e-9f7a-2d3b8e5a6c01', argo_manifest: manifest, argo_metadata: { labels: { 'a/b': 'c' } } }
    db.transaction(() => createRunWriter(db).writeRuns([edited]))()
    const served = (JSON.parse(queries.listRunsJson(FIXTURE.pipeline1)) as RunRead[]).find((r) => r.id === edited.id)
    expect(served?.argo_manifest).toStrictEqual(manifest)
    expect(served?.argo_metadata).toStrictEqual(edited.argo_metadata)
  })

  it('prepares its statements once, not per request', () => {
    const fresh = seededDb()
    const runQueries = createRunQueries(fresh)
    const prepare = vi.spyOn(fresh, 'prepare')
    for (let i = 0; i < 5; i++) {
      runQueries.pipelineExists(FIXTURE.pipeline1)
      runQueries.listRunsJson(FIXTURE.pipeline1)
      runQueries.listRunsJson(FIXTURE.pipeline1, FIXTURE.version1a)
    }
    expect(prepare).not.toHaveBeenCalled()
  })
})

describe('query plans: a request costs the same whatever the size of the database', () => {
  const db = seededDb()
  const plan = (sql: string, ...params: string[]) =>
    (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as Array<{ detail: string }>).map((row) => row.detail)

  it.each([
    ['all runs of a pipeline', BODY_STATEMENTS.ofPipeline, [FIXTURE.pipeline1], /SEARCH r USING INDEX runs_by_\w+ \(pipeline_id=\?/],
    ['the runs of one version', BODY_STATEMENTS.ofVersion, [FIXTURE.pipeline1, FIXTURE.version1a], /SEARCH r USING INDEX runs_by_version \(pipeline_id=\? AND version_id=\?\)/]
  ])('the body of %s: searches an index and scans no table', (_name, sql, params, search) => {
    const details = plan(sql, ...params)
    expect(details.join('\n')).toMatch(search)
    // The one scan is of the subquery that yields the runs in the index's order: nothing is sorted.
    expect(details.filter((d) => d.startsWith('SCAN') && !/^SCAN \(subquery-\d+\)$/.test(d))).toEqual([])
    expect(details.filter((d) => d.includes('TEMP B-TREE'))).toEqual([])
  })

  it.each([
    ['all runs of a pipeline', RUN_STATEMENTS.ofPipeline, [FIXTURE.pipeline1], 'runs_by_pipeline'],
    ['the runs of one version', RUN_STATEMENTS.ofVersion, [FIXTURE.pipeline1, FIXTURE.version1a], 'runs_by_version']
  ])('run by run, %s: walks an index in order and scans no table', (_name, sql, params, index) => {
    const details = plan(sql, ...params)
    expect(details.join('\n')).toContain(`SEARCH r USING INDEX ${index}`)
    expect(details.filter((d) => d.startsWith('SCAN'))).toEqual([])
    expect(details.filter((d) => d.includes('TEMP B-TREE') && !d.includes('group_concat(ORDER BY)'))).toEqual([])
  })
})

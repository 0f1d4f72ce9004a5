// migrations/004: manifests stored once, and runs.tail_json equal to its one definition (the view run_tail_json)
// after every kind of write; databases written before the migration serve the same bytes after it.
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { generateIntoDatabase } from '../../src/data/generate-into.ts'
import { loadMigrations, migrate } from '../../src/db/migrate.ts'
import { openDatabase, type Db } from '../../src/db/open.ts'
import { createRunWriter } from '../../src/db/write-runs.ts'
import { createRunQueries } from '../../src/queries/runs.ts'
import type { RunRead } from '../../src/schemas/runs.ts'
import { tempDir } from '../helpers/temp.ts'
import { FIXTURE, fixtureRuns, seededDb } from '../helpers/test-app.ts'
import { writeRunsAtSchema3 } from '../helpers/legacy-schema.ts'

/** Runs whose stored tail differs from the view's (or is missing). */
const staleTails = (db: Db) => db.prepare(`SELECT r.id FROM runs r JOIN run_tail_json t ON t.id = r.id
  WHERE r.tail_json IS NOT t.json`).pluck().all()
const count = (db: Db, sql: string) => db.prepare(sql).pluck().get() as number
const bodies = (db: Db) => (db.prepare('SELECT id FROM pipelines ORDER BY id').pluck().all() as string[])
  .map((id) => createRunQueries(db).listRunsJson(id))

function emptyDb (): Db {
  const db = openDatabase(join(tempDir(), 'test.sqlite'))
  migrate(db)
  return db
}

/** A fixture run with names and times that test the rendering: escapes, non-ASCII, a lone surrogate, offsets. */
function oddRun (): RunRead {
  const run = fixtureRuns().find((r) => r.run_steps.length > 0 && r.finished_at !== null) as RunRead
  const [first, ...rest] = run.run_steps
  return {
    ...run,
    created_at: '2026-01-01T03:00:00.5+02:00',
    finished_at: '2026-01-01T02:00:00.000000Z',
    run_steps: [{ ...first as RunRead['run_steps'][number], name: 'quote " back \\ tab \t nl \n ctl \u0001 é 😀 \ud800', run_name: '\u007f\u2028', started_at: '2026-01-01T00:30:00-01:30' }, ...rest]
  }
}

describe('runs.tail_json', () => {
  it('is what the view renders, for runs from the writer, the generator thread and the demo-style batch', async () => {
    const db = seededDb([...fixtureRuns(), oddRun()].filter((run, i, all) => all.findIndex((r) => r.id === run.id) === i || run === all.at(-1)))
    expect(count(db, 'SELECT count(*) FROM runs')).toBeGreaterThan(0)
    expect(staleTails(db)).toEqual([])
    const generated = emptyDb()
    await generateIntoDatabase(generated, { pipelines: 2, versions: 2, runs: 30, steps: 4, randomSeed: 5 })
    expect(count(generated, 'SELECT count(*) FROM runs')).toBe(60)
    expect(staleTails(generated)).toEqual([])
  })

  it('follows edits made with plain SQL to runs and their steps', () => {
    const db = seededDb()
    const [run] = fixtureRuns().filter((r) => r.run_steps.length > 1) as [RunRead]
    db.prepare("UPDATE run_steps SET status = 'Failed', started_at = 1, finished_at = 2000001 WHERE run_id = ? AND position = 0").run(run.id)
    db.prepare('DELETE FROM run_steps WHERE run_id = ? AND position = 1').run(run.id)
    db.prepare("INSERT INTO run_steps (run_id, position, name, run_name, status) VALUES (?, 9, 'late', 'n', 'Pending')").run(run.id)
    db.prepare('UPDATE runs SET finished_at = created_at + 7, created_at = created_at + 1 WHERE id = ?').run(run.id)
    expect(staleTails(db)).toEqual([])
    const served = (JSON.parse(createRunQueries(db).listRunsJson(run.pipeline_version.pipeline_id)) as RunRead[]).find((r) => r.id === run.id)
    expect(served?.run_steps.map((s) => [s.name, s.status])).toEqual([[run.run_steps[0]?.name, 'Failed'], ...run.run_steps.slice(2).map((s) => [s.name, s.status]), ['late', 'Pending']])
    expect(served?.run_steps[0]).toMatchObject({ started_at: '1970-01-01T00:00:00.000001Z', finished_at: '1970-01-01T00:00:02.000001Z' })
  })

  it('stays equal to its definition as run steps come in one at a time, at the end, in the middle and first', () => {
    const db = seededDb()
    const [run] = fixtureRuns().filter((r) => r.run_steps.length > 2) as [RunRead]
    const steps = db.prepare('SELECT * FROM run_steps WHERE run_id = ? ORDER BY position').all(run.id) as Array<Record<string, unknown>>
    db.prepare('DELETE FROM run_steps WHERE run_id = ?').run(run.id)
    expect(staleTails(db)).toEqual([])
    const insert = db.prepare(`INSERT INTO run_steps (run_id, position, name, run_name, status, started_at, finished_at)
      VALUES (@run_id, @position, @name, @run_name, @status, @started_at, @finished_at)`)
    for (const index of [1, 2, 0, ...steps.keys()].filter((i, at, all) => i < steps.length && all.indexOf(i) === at)) {
      insert.run(steps[index])
      expect(staleTails(db)).toEqual([])
    }
    const served = (JSON.parse(createRunQueries(db).listRunsJson(run.pipeline_version.pipeline_id)) as RunRead[]).find((r) => r.id === run.id)
    expect(served?.run_steps).toEqual(run.run_steps)
  })

  it('is rendered by SQL for a run inserted without one', () => {
    const db = seededDb()
    const [run] = fixtureRuns() as [RunRead]
    db.prepare(`INSERT INTO runs (id, pipeline_id, version_id, name, status, manifest_id, argo_metadata, created_at)
      SELECT '00000000-0000-4000-8000-000000000001', pipeline_id, version_id, 'by-hand', 'Pending', manifest_id, '{}', created_at + 1
      FROM runs WHERE id = ?`).run(run.id)
    expect(count(db, "SELECT count(*) FROM runs WHERE name = 'by-hand' AND tail_json IS NOT NULL")).toBe(1)
    expect(staleTails(db)).toEqual([])
  })
})

describe('argo_manifests', () => {
  it('holds each distinct manifest once, however often runs are written', () => {
    const runs = fixtureRuns()
    const db = seededDb(runs)
    const distinct = new Set(runs.map((r) => JSON.stringify(r.argo_manifest))).size
    expect(count(db, 'SELECT count(*) FROM argo_manifests')).toBe(distinct)
    db.transaction(() => createRunWriter(db).writeRuns(runs))()
    expect(count(db, 'SELECT count(*) FROM argo_manifests')).toBe(distinct)
    createRunWriter(db).deleteAll()
    expect(count(db, 'SELECT count(*) FROM argo_manifests')).toBe(0)
  })
})

describe('the migration from schema 3', () => {
  it('keeps every run and step, stores manifests once, and serves the same bytes as data written now', () => {
    const runs = fixtureRuns()
    const old = openDatabase(join(tempDir(), 'old.sqlite'))
    migrate(old, loadMigrations().filter((m) => m.version <= 3))
    writeRunsAtSchema3(old, runs)
    const stepsBefore = count(old, 'SELECT count(*) FROM run_steps')
    expect(migrate(old)).toContain('004_shared_manifests_and_run_tails')
    expect(count(old, 'SELECT count(*) FROM runs')).toBe(runs.length)
    expect(count(old, 'SELECT count(*) FROM run_steps')).toBe(stepsBefore)
    expect(count(old, 'SELECT count(*) FROM argo_manifests')).toBe(new Set(runs.map((r) => JSON.stringify(r.argo_manifest))).size)
    expect(staleTails(old)).toEqual([])
    expect(old.pragma('foreign_key_check')).toEqual([])
    const indexes = (db: Db) => (db.pragma('index_list(runs)') as Array<{ name: string }>).map((i) => i.name).sort()
    expect(indexes(old)).toEqual(indexes(seededDb(runs)))
    expect(old.prepare("SELECT count(*) FROM sqlite_schema WHERE sql LIKE '%old_runs%'").pluck().get()).toBe(0)
    expect(bodies(old)).toEqual(bodies(seededDb(runs)))
    expect(JSON.parse(createRunQueries(old).listRunsJson(FIXTURE.pipeline1)).length).toBeGreaterThan(0)
    old.close()
  })
})

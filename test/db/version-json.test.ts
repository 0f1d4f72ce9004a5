// migrations/003_version_json.sql: pipeline_versions.json equals its one definition after any write, and is filled
// in for versions written before the migration.
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadMigrations, migrate } from '../../src/db/migrate.ts'
import { openDatabase, type Db } from '../../src/db/open.ts'
import { createRunWriter } from '../../src/db/write-runs.ts'
import type { RunRead } from '../../src/schemas/runs.ts'
import { readJson, tempDir } from '../helpers/temp.ts'
import { FIXTURE, fixtureRuns, seededDb } from '../helpers/test-app.ts'
import { writeRunsAtSchema3 } from '../helpers/legacy-schema.ts'

/** Versions whose stored JSON differs from the view's (or is missing). */
const staleVersions = (db: Db) => db.prepare(`SELECT v.id FROM pipeline_versions v JOIN pipeline_version_json j ON j.id = v.id
  WHERE v.json IS NOT j.json`).pluck().all()
const storedVersion = (db: Db, id: string) => JSON.parse(db.prepare('SELECT json FROM pipeline_versions WHERE id = ?').pluck().get(id) as string) as RunRead['pipeline_version']

describe('pipeline_versions.json', () => {
  it('holds each version exactly as pydantic shows it in a run', () => {
    const db = seededDb()
    expect(staleVersions(db)).toEqual([])
    for (const response of readJson<Array<{ body: string }>>('test/fixtures/pydantic/responses.json')) {
      for (const run of JSON.parse(response.body) as RunRead[]) {
        expect(db.prepare('SELECT json FROM pipeline_versions WHERE id = ?').pluck().get(run.pipeline_version.id))
          .toBe(JSON.stringify(run.pipeline_version))
      }
    }
  })

  it('follows edits to steps and versions made with plain SQL', () => {
    const db = seededDb()
    db.prepare("UPDATE steps SET query = 'SELECT 2' WHERE version_id = ?").run(FIXTURE.version1a)
    db.prepare('UPDATE pipeline_versions SET created_at = created_at + 1 WHERE id = ?').run(FIXTURE.version1b)
    db.prepare('DELETE FROM steps WHERE version_id = ? AND position = 0').run(FIXTURE.version2a)
    expect(staleVersions(db)).toEqual([])
    expect(storedVersion(db, FIXTURE.version1a).steps.map((s) => s.config.query)).toContain('SELECT 2')
    expect(storedVersion(db, FIXTURE.version1b).created_at).toMatch(/\.\d{6}Z$/)
  })

  it('follows the run writer rewriting a version\'s steps', () => {
    const db = seededDb()
    const run = fixtureRuns().find((r) => r.pipeline_version.id === FIXTURE.version1a) as RunRead
    const steps = run.pipeline_version.steps.slice(0, 1).map((s) => ({ ...s, name: 'only-step' }))
    const edited = { ...run, pipeline_version: { ...run.pipeline_version, steps }, run_steps: [] }
    db.transaction(() => createRunWriter(db).writeRuns([edited]))()
    expect(staleVersions(db)).toEqual([])
    expect(storedVersion(db, FIXTURE.version1a).steps.map((s) => s.name)).toEqual(['only-step'])
  })

  it('stays equal to its definition as steps come in one at a time, at the end, in the middle and first', () => {
    const db = seededDb()
    const version = db.prepare('SELECT id, created_at FROM pipeline_versions WHERE id = ?').get(FIXTURE.version1a) as { id: string, created_at: number }
    const steps = db.prepare('SELECT * FROM steps WHERE version_id = ? ORDER BY position').all(version.id) as Array<Record<string, unknown>>
    db.prepare('DELETE FROM steps WHERE version_id = ?').run(version.id)
    expect(storedVersion(db, version.id).steps).toEqual([])
    const insert = db.prepare(`INSERT INTO steps (id, version_id, position, name, query_type, query, input_datasets, output_datasets, job_type, created_at)
      VALUES (@id, @version_id, @position, @name, @query_type, @query, @input_datasets, @output_datasets, @job_type, @created_at)`)
    const order = [1, 2, 0, ...steps.keys()].filter((index, at, all) => index < steps.length && all.indexOf(index) === at)
    for (const index of order) {
      insert.run(steps[index])
      expect(staleVersions(db)).toEqual([])
    }
    expect(storedVersion(db, version.id).steps.map((s) => s.id)).toEqual(steps.map((s) => s.id))
    insert.run({ ...steps[0], id: 'appended-step', name: 'appended', position: 1000 })
    expect(staleVersions(db)).toEqual([])
    expect(storedVersion(db, version.id).steps.at(-1)?.name).toBe('appended')
  })

  it('is filled in for versions written before the migration', () => {
    const db = openDatabase(join(tempDir(), 'old.sqlite'))
    const migrations = loadMigrations()
    migrate(db, migrations.filter((m) => m.version < 3))
    writeRunsAtSchema3(db, fixtureRuns())
    expect(migrate(db, migrations)).toContain('003_version_json')
    expect(staleVersions(db)).toEqual([])
    expect(db.prepare('SELECT count(*) FROM pipeline_versions WHERE json IS NULL').pluck().get()).toBe(0)
    db.close()
  })
})

// Migrations: a fresh database reaches the latest version, re-runs change nothing, each file is all or nothing.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { currentVersion, loadMigrations, migrate, MigrationError } from '../../src/db/migrate.ts'
import { openDatabase } from '../../src/db/open.ts'
import { tempDir } from '../helpers/temp.ts'

const dir = tempDir()
let count = 0
const freshDb = () => openDatabase(join(dir, `db-${++count}.sqlite`))
const latest = loadMigrations().at(-1)?.version ?? 0

function migrationsDir (files: Record<string, string>): string {
  const path = join(dir, `migrations-${++count}`)
  mkdirSync(path)
  for (const [name, sql] of Object.entries(files)) writeFileSync(join(path, name), sql)
  return path
}

const tables = (db: ReturnType<typeof freshDb>) =>
  db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").pluck().all() as string[]

describe('migrate', () => {
  it('brings a fresh database to the latest version and records each migration', () => {
    const db = freshDb()
    expect(migrate(db)).toEqual(loadMigrations().map((m) => m.name))
    expect(currentVersion(db)).toBe(latest)
    expect(tables(db)).toEqual(expect.arrayContaining(['pipelines', 'pipeline_versions', 'steps', 'runs', 'run_steps', 'schema_migrations']))
    const rows = db.prepare('SELECT version, name, applied_at FROM schema_migrations').all() as Array<{ version: number, name: string, applied_at: string }>
    expect(rows.map((r) => [r.version, r.name])).toEqual(loadMigrations().map((m) => [m.version, m.name]))
    for (const row of rows) expect(Number.isNaN(Date.parse(row.applied_at))).toBe(false)
    db.close()
  })

  it('is a no-op on a database that is up to date, and keeps its data', () => {
    const db = freshDb()
    migrate(db)
    db.prepare('INSERT INTO pipelines (id) VALUES (?)').run('a1b2c3d4-0001-4c1e-9f7a-2d3b8e5a6c01')
    expect(migrate(db)).toEqual([])
    expect(db.prepare('SELECT count(*) FROM schema_migrations').pluck().get()).toBe(loadMigrations().length)
    expect(db.prepare('SELECT count(*) FROM pipelines').pluck().get()).toBe(1)
    db.close()
  })

  it('applies only the missing migrations, in version order (not file-name order)', () => {
    const db = freshDb()
    const path = migrationsDir({ '1_a.sql': 'CREATE TABLE a (x) STRICT;', '2_b.sql': 'CREATE TABLE b (x ANY) STRICT;', '10_c.sql': 'CREATE TABLE c (x ANY) STRICT;' })
    expect(migrate(db, loadMigrations(path).slice(0, 1).map((m) => ({ ...m, sql: 'CREATE TABLE a (x ANY) STRICT;' })))).toEqual(['1_a'])
    expect(migrate(db, loadMigrations(path))).toEqual(['2_b', '10_c'])
    expect(currentVersion(db)).toBe(10)
    db.close()
  })

  it('rolls back a failing migration whole, names it, and keeps the ones before it', () => {
    const db = freshDb()
    const path = migrationsDir({
      '001_good.sql': 'CREATE TABLE good (x ANY) STRICT;',
      '002_bad.sql': 'CREATE TABLE half (x ANY) STRICT;\nINSERT INTO good VALUES (1);\nINSERT INTO missing_table VALUES (1);'
    })
    expect(() => migrate(db, loadMigrations(path))).toThrow(MigrationError)
    expect(() => migrate(db, loadMigrations(path))).toThrow(/^migration 002_bad failed: no such table: missing_table$/)
    expect(tables(db)).not.toContain('half')
    expect(db.prepare('SELECT count(*) FROM good').pluck().get()).toBe(0)
    expect(currentVersion(db)).toBe(1)
    db.close()
  })

  describe('a migration declared `-- foreign_keys: off`', () => {
    const parentAndChild = {
      '001_tables.sql': 'CREATE TABLE parent (id INTEGER PRIMARY KEY) STRICT;\n' +
      'CREATE TABLE child (parent_id INTEGER NOT NULL REFERENCES parent (id) ON DELETE CASCADE) STRICT;\n' +
      'INSERT INTO parent VALUES (1); INSERT INTO child VALUES (1);'
    }

    it('rebuilds a table others refer to without cascading, then turns foreign keys back on', () => {
      const db = freshDb()
      const path = migrationsDir({
        ...parentAndChild,
        '002_rebuild.sql': '-- foreign_keys: off\nCREATE TABLE new_parent (id INTEGER PRIMARY KEY, note TEXT) STRICT;\n' +
          'INSERT INTO new_parent (id) SELECT id FROM parent;\nDROP TABLE parent;\nALTER TABLE new_parent RENAME TO parent;'
      })
      expect(migrate(db, loadMigrations(path))).toEqual(['001_tables', '002_rebuild'])
      expect(db.prepare('SELECT count(*) FROM child').pluck().get()).toBe(1)
      expect(db.pragma('foreign_keys', { simple: true })).toBe(1)
      db.close()
    })

    it('is rolled back when it leaves a broken key, and says where', () => {
      const db = freshDb()
      const path = migrationsDir({ ...parentAndChild, '002_break.sql': '-- foreign_keys: off\nDELETE FROM parent;' })
      expect(() => migrate(db, loadMigrations(path))).toThrow(/^migration 002_break failed: 1 row\(s\) break a foreign key, first in child \(to parent\)$/)
      expect(db.prepare('SELECT count(*) FROM parent').pluck().get()).toBe(1)
      expect(db.pragma('foreign_keys', { simple: true })).toBe(1)
      db.close()
    })
  })

  it('refuses a database newer than the code, with a clear message', () => {
    const db = freshDb()
    migrate(db)
    db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, 'future', '2030-01-01')").run(latest + 1)
    expect(() => migrate(db)).toThrow(`database schema version ${latest + 1} is newer than this pipelines-mock supports (${latest}); upgrade pipelines-mock or use another --db`)
    db.close()
  })

  it('refuses two migration files with the same version', () => {
    const path = migrationsDir({ '001_a.sql': '', '1_b.sql': '' })
    expect(() => loadMigrations(path)).toThrow(MigrationError)
  })
})

describe('the schema', () => {
  const db = freshDb()
  migrate(db)
  const insertPipeline = db.prepare('INSERT INTO pipelines (id) VALUES (?)')
  const insertVersion = db.prepare('INSERT INTO pipeline_versions (id, pipeline_id, created_at) VALUES (?, ?, 0)')
  const insertRun = db.prepare(`INSERT INTO runs (id, pipeline_id, version_id, name, status, manifest_id, argo_metadata, created_at, finished_at)
    VALUES (?, ?, ?, 'n', ?, 1, ?, 10, ?)`)
  db.prepare("INSERT INTO argo_manifests (id, json) VALUES (1, '{}')").run()
  insertPipeline.run('p1')
  insertPipeline.run('p2')
  insertVersion.run('v1', 'p1')

  it('has foreign keys on', () => {
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1)
    expect(() => insertVersion.run('v2', 'no-such-pipeline')).toThrow(/FOREIGN KEY/)
    expect(() => db.prepare("INSERT INTO run_steps (run_id, position, name, run_name, status) VALUES ('none', 0, 'a', 'b', 'Pending')").run()).toThrow(/FOREIGN KEY/)
  })

  it('keeps a run\'s pipeline equal to its version\'s pipeline', () => {
    expect(() => insertRun.run('r1', 'p2', 'v1', 'Running', '{}', null)).toThrow(/FOREIGN KEY/)
    insertRun.run('r1', 'p1', 'v1', 'Running', '{}', null)
  })

  it.each([
    ['metadata that is not JSON', ['r2', 'p1', 'v1', 'Running', '{oops', null]],
    ['metadata that is an array', ['r2', 'p1', 'v1', 'Running', '[]', null]],
    ['a status Argo does not have', ['r2', 'p1', 'v1', 'Done', '{}', null]],
    ['a run finished before it was created', ['r2', 'p1', 'v1', 'Failed', '{}', 5]]
  ])('rejects %s', (_name, values) => {
    expect(() => insertRun.run(...values)).toThrow(/CHECK constraint failed/)
  })

  it.each([
    ['a manifest that is not JSON', '{oops'],
    ['a manifest that is an array', '[]']
  ])('rejects %s', (_name, json) => {
    expect(() => db.prepare('INSERT INTO argo_manifests (json) VALUES (?)').run(json)).toThrow(/CHECK constraint failed/)
  })

  it('refuses a run whose manifest does not exist', () => {
    expect(() => db.prepare(`INSERT INTO runs (id, pipeline_id, version_id, name, status, manifest_id, argo_metadata, created_at)
      VALUES ('r3', 'p1', 'v1', 'n', 'Running', 99, '{}', 10)`).run()).toThrow(/FOREIGN KEY/)
  })

  it('cascades a pipeline delete to everything below it', () => {
    db.prepare("INSERT INTO run_steps (run_id, position, name, run_name, status) VALUES ('r1', 0, 'a', 'n', 'Pending')").run()
    db.prepare("DELETE FROM pipelines WHERE id = 'p1'").run()
    for (const table of ['pipeline_versions', 'runs', 'run_steps']) expect(db.prepare(`SELECT count(*) FROM ${table}`).pluck().get()).toBe(0)
  })
})

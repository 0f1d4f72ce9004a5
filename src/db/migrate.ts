// Applies migrations/NNN_name.sql in order, each in its own transaction, recorded in schema_migrations.
import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { Db } from './open.ts'

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations/', import.meta.url))

export interface Migration {
  version: number
  name: string
  sql: string
  /** Declared by a first line `-- foreign_keys: off`: a migration that rebuilds a table others refer to. */
  foreignKeysOff: boolean
}

const FOREIGN_KEYS_OFF = /^-- foreign_keys: off\r?\n/

export class MigrationError extends Error {}

export function loadMigrations (dir = MIGRATIONS_DIR): Migration[] {
  const migrations = readdirSync(dir)
    .filter((file) => /^\d+_.+\.sql$/.test(file))
    .map((file) => ({
      version: Number(file.slice(0, file.indexOf('_'))),
      name: file.replace(/\.sql$/, ''),
      sql: readFileSync(`${dir}/${file}`, 'utf8')
    }))
    .map((migration) => ({ ...migration, foreignKeysOff: FOREIGN_KEYS_OFF.test(migration.sql) }))
    .sort((a, b) => a.version - b.version)
  migrations.forEach((migration, index) => {
    if (index > 0 && migrations[index - 1]?.version === migration.version) {
      throw new MigrationError(`two migrations share version ${migration.version} in ${dir}`)
    }
  })
  return migrations
}

/** Applies what is missing and returns the names applied; refuses a database newer than the code. */
export function migrate (db: Db, migrations = loadMigrations()): string[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL
  ) STRICT`)
  const current = currentVersion(db)
  refuseNewer(current, migrations)
  const applied: string[] = []
  for (const migration of migrations.filter((m) => m.version > current)) {
    applyOne(db, migration)
    applied.push(migration.name)
  }
  return applied
}

/** For a database that must not be written (--read-only): the schema must be exactly the one the code knows. */
export function assertCurrentSchema (db: Db, migrations = loadMigrations()): void {
  const hasTable = db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'schema_migrations'").get() !== undefined
  const current = hasTable ? currentVersion(db) : 0
  refuseNewer(current, migrations)
  const latest = latestVersion(migrations)
  if (current < latest) {
    throw new MigrationError(`schema version ${current} is older than this pipelines-mock needs (${latest}) and --read-only cannot migrate it; serve it once without --read-only to migrate it`)
  }
}

function latestVersion (migrations: readonly Migration[]): number {
  return migrations.at(-1)?.version ?? 0
}

function refuseNewer (current: number, migrations: readonly Migration[]): void {
  const latest = latestVersion(migrations)
  if (current > latest) {
    throw new MigrationError(`database schema version ${current} is newer than this pipelines-mock supports (${latest}); upgrade pipelines-mock or use another --db`)
  }
}

export function currentVersion (db: Db): number {
  const row = db.prepare('SELECT max(version) AS version FROM schema_migrations').get() as { version: number | null }
  return row.version ?? 0
}

function applyOne (db: Db, migration: Migration): void {
  // SQLite's way to rebuild a table (sqlite.org/lang_altertable.html#otheralter): foreign keys off around the
  // transaction (the pragma is a no-op inside one), dropping the old table does not cascade, and every key is
  // checked before the commit.
  const restoreForeignKeys = migration.foreignKeysOff && db.pragma('foreign_keys', { simple: true }) === 1
  if (restoreForeignKeys) db.pragma('foreign_keys = OFF')
  try {
    db.transaction(() => {
      db.exec(migration.sql)
      if (migration.foreignKeysOff) refuseBrokenForeignKeys(db)
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)')
        .run(migration.version, migration.name, new Date().toISOString())
    }).immediate()
  } catch (error) {
    throw new MigrationError(`migration ${migration.name} failed: ${error instanceof Error ? error.message : String(error)}`)
  } finally {
    if (restoreForeignKeys) db.pragma('foreign_keys = ON')
  }
}

function refuseBrokenForeignKeys (db: Db): void {
  const broken = db.pragma('foreign_key_check') as Array<{ table: string, parent: string }>
  const first = broken[0]
  if (first !== undefined) throw new Error(`${broken.length} row(s) break a foreign key, first in ${first.table} (to ${first.parent})`)
}

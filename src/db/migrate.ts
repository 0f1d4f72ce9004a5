// Applies migrations/NNN_name.sql in order, each in its own transaction, recorded in schema_migrations.
import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { Db } from './open.ts'

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations/', import.meta.url))

export interface Migration {
  version: number
  name: string
  sql: string
}

export class MigrationError extends Error {}

export function loadMigrations (dir = MIGRATIONS_DIR): Migration[] {
  const migrations = readdirSync(dir)
    .filter((file) => /^\d+_.+\.sql$/.test(file))
    .map((file) => ({
      version: Number(file.slice(0, file.indexOf('_'))),
      name: file.replace(/\.sql$/, ''),
      sql: readFileSync(`${dir}/${file}`, 'utf8')
    }))
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
  const latest = migrations.at(-1)?.version ?? 0
  if (current > latest) {
    throw new MigrationError(`database schema version ${current} is newer than this pipelines-mock supports (${latest}); upgrade pipelines-mock or use another --db`)
  }
  const applied: string[] = []
  for (const migration of migrations.filter((m) => m.version > current)) {
    applyOne(db, migration)
    applied.push(migration.name)
  }
  return applied
}

export function currentVersion (db: Db): number {
  const row = db.prepare('SELECT max(version) AS version FROM schema_migrations').get() as { version: number | null }
  return row.version ?? 0
}

function applyOne (db: Db, migration: Migration): void {
  try {
    db.transaction(() => {
      db.exec(migration.sql)
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)')
        .run(migration.version, migration.name, new Date().toISOString())
    }).immediate()
  } catch (error) {
    throw new MigrationError(`migration ${migration.name} failed: ${error instanceof Error ? error.message : String(error)}`)
  }
}

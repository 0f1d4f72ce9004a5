// Opens the SQLite database with the pragmas every connection needs; creates the parent directory.
import Database from 'better-sqlite3'
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'

export type Db = Database.Database

export interface OpenOptions {
  readOnly?: boolean
}

export class DatabaseOpenError extends Error {}

export function openDatabase (path: string, options: OpenOptions = {}): Db {
  const readOnly = options.readOnly === true
  if (path !== ':memory:' && !readOnly) mkdirSync(dirname(path), { recursive: true })
  let db: Db
  try {
    db = new Database(path, { readonly: readOnly, fileMustExist: readOnly })
    db.pragma('busy_timeout = 5000')
    if (!readOnly && path !== ':memory:') db.pragma('journal_mode = WAL')
    db.pragma('synchronous = NORMAL')
    db.pragma('foreign_keys = ON')
    // Reading the schema proves this is an SQLite file before anything is written to it.
    db.prepare('SELECT count(*) FROM sqlite_schema').get()
  } catch (error) {
    throw new DatabaseOpenError(`cannot open database ${path}: ${describe(error)}`)
  }
  return db
}

function describe (error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

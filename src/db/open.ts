// Opens the SQLite database with the pragmas every connection needs; creates the parent directory.
import Database from 'better-sqlite3'
import { existsSync, mkdirSync } from 'node:fs'
import { dirname } from 'node:path'

export type Db = Database.Database

export interface OpenOptions {
  readOnly?: boolean
}

export class DatabaseOpenError extends Error {}

export function openDatabase (path: string, options: OpenOptions = {}): Db {
  const readOnly = options.readOnly === true
  let db: Db
  if (path !== ':memory:' && !readOnly) createParentDirectory(path)
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

function createParentDirectory (path: string): void {
  const parent = dirname(path)
  try {
    mkdirSync(parent, { recursive: true })
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    // mkdir -p reports EEXIST or ENOTDIR when a file stands where a directory of the path should be.
    const reason = code === 'EEXIST' || code === 'ENOTDIR' ? `${existingAncestor(parent)} is not a directory` : describe(error)
    throw new DatabaseOpenError(`cannot open database ${path}: ${reason}`)
  }
}

function existingAncestor (path: string): string {
  let current = path
  while (!existsSync(current) && dirname(current) !== current) current = dirname(current)
  return current
}

function describe (error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

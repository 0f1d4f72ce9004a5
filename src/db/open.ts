// Opens the SQLite database with the pragmas every connection needs; creates the parent directory; one clear line
// naming the file, SQLite's words and the way out when it cannot.
import Database from 'better-sqlite3'
import { accessSync, constants, existsSync, mkdirSync } from 'node:fs'
import { dirname } from 'node:path'

export type Db = Database.Database

export interface OpenOptions {
  readOnly?: boolean
}

export class DatabaseOpenError extends Error {}

export function openDatabase (path: string, options: OpenOptions = {}): Db {
  const readOnly = options.readOnly === true
  let db: Db | undefined
  if (path !== ':memory:' && !readOnly) {
    createParentDirectory(path)
    refuseUnwritable(path)
  }
  if (path !== ':memory:' && readOnly && !existsSync(path)) {
    throw new DatabaseOpenError(`cannot open database ${path}: it does not exist (--read-only serves an existing database)`)
  }
  try {
    db = new Database(path, { readonly: readOnly, fileMustExist: readOnly })
    db.pragma('busy_timeout = 5000')
    if (!readOnly && path !== ':memory:') db.pragma('journal_mode = WAL')
    db.pragma('synchronous = NORMAL')
    db.pragma('foreign_keys = ON')
    // Reading the schema proves this is an SQLite file before anything is written to it.
    db.prepare('SELECT count(*) FROM sqlite_schema').get()
  } catch (error) {
    db?.close()
    throw databaseError(path, error, options)
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

// SQLite would quietly open an unwritable file read-only, and the first write would fail much later.
function refuseUnwritable (path: string): void {
  if (!existsSync(path)) return
  try {
    accessSync(path, constants.W_OK)
  } catch {
    throw new DatabaseOpenError(`cannot open database ${path}: no write permission (serve it with --read-only, or fix its permissions)`)
  }
}

/** One line naming the database, SQLite's words and the likely way out. */
export function databaseError (path: string, error: unknown, options: OpenOptions = {}): DatabaseOpenError {
  if (error instanceof DatabaseOpenError) return error
  const hint = hintFor((error as { code?: unknown }).code, path, options.readOnly === true)
  return new DatabaseOpenError(`cannot open database ${path}: ${describe(error)}${hint === undefined ? '' : ` (${hint})`}`)
}

function hintFor (code: unknown, path: string, readOnly: boolean): string | undefined {
  if (typeof code !== 'string') return undefined
  if (code === 'SQLITE_NOTADB') return 'not an SQLite database: point --db at another file'
  if (code.startsWith('SQLITE_CORRUPT')) return 'the file is damaged: restore it or start a new one'
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return 'another process holds a lock on it: stop it or use another --db'
  if (code.startsWith('SQLITE_READONLY') && readOnly) {
    return `a WAL database needs ${path}-shm beside it: make the directory writable, or once run sqlite3 ${path} 'PRAGMA journal_mode=DELETE'`
  }
  if (code.startsWith('SQLITE_READONLY')) return 'no permission to write the file or its directory: fix the permissions, or serve it with --read-only'
  if (code.startsWith('SQLITE_CANTOPEN')) return 'the path must name a file in a directory this process can use'
  if (code === 'SQLITE_FULL') return 'the disk is full'
  return undefined
}

function describe (error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

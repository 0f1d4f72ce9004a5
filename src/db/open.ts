// Opens the SQLite database with the pragmas every connection needs; creates the parent directory; one clear line
// naming the file, SQLite's words and the way out when it cannot.
import Database from 'better-sqlite3'
import { accessSync, constants, existsSync, mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { lockHolders } from './busy.ts'

export type Db = Database.Database

export interface OpenOptions {
  readOnly?: boolean
}

export class DatabaseOpenError extends Error {}

/** How long a connection waits for another process's lock before SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 5000

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
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`)
    if (!readOnly && path !== ':memory:') useWal(db)
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

/**
 * Switches to WAL once no other process writes. The journal mode pragma reads first and then needs the write lock,
 * and SQLite never waits to upgrade a read to a write (it could deadlock), so a bulk `seed` command in another
 * process would make it fail at once. Taking the write lock first, from no lock, waits with the busy handler.
 */
function useWal (db: Db): void {
  if (db.pragma('journal_mode', { simple: true }) === 'wal') return
  db.exec('BEGIN IMMEDIATE')
  db.exec('COMMIT')
  db.pragma('journal_mode = WAL')
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
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return lockedHint(path)
  if (code.startsWith('SQLITE_READONLY') && readOnly) {
    return `a WAL database needs ${path}-shm beside it: make the directory writable, or once run sqlite3 ${path} 'PRAGMA journal_mode=DELETE'`
  }
  if (code.startsWith('SQLITE_READONLY')) return 'no permission to write the file or its directory: fix the permissions, or serve it with --read-only'
  if (code.startsWith('SQLITE_CANTOPEN')) return 'the path must name a file in a directory this process can use'
  if (code === 'SQLITE_FULL') return 'the disk is full'
  return undefined
}

/** Who holds the lock, where the system can tell, and the way out. */
export function lockedHint (path: string): string {
  const holders = lockHolders(path)
  const who = holders.length === 0 ? 'another process holds a lock on it' : `locked by process ${holders.join(', ')}`
  return `${who}; waited ${BUSY_TIMEOUT_MS / 1000} s: let it finish, stop it or use another --db`
}

function describe (error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

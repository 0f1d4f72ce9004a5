// The database of a CLI command: a scoped connection, and no -wal/-shm left behind by a read-only one.
import { existsSync } from 'node:fs'
import Database from 'better-sqlite3'
import { migrate } from '../db/migrate.ts'
import { isBusy } from '../db/busy.ts'
import { lockedHint, openDatabase, type Db } from '../db/open.ts'

/** Opens (and unless read-only, migrates) the database, runs `work`, and closes it whatever happens. */
export async function withDatabase<T> (path: string, work: (db: Db) => T | Promise<T>, options: { readOnly?: boolean } = {}): Promise<T> {
  const readOnly = options.readOnly === true
  const hadWal = existsSync(`${path}-wal`)
  const db = openDatabase(path, { readOnly })
  try {
    if (!readOnly) migrate(db)
    return await work(db)
  } catch (error) {
    if (isBusy(error)) throw new Error(`cannot write ${path}: database is locked (${lockedHint(path)})`)
    throw error
  } finally {
    db.close()
    if (readOnly && !hadWal) removeWalFiles(path)
  }
}

/**
 * A read-only connection to a WAL database creates -wal and -shm files it may not remove. The last connection that
 * can write removes them when it closes, so one is opened and closed at once; while another process (a server) still
 * has the database open, SQLite leaves the files to it.
 */
function removeWalFiles (path: string): void {
  if (!existsSync(`${path}-wal`)) return
  try {
    const db = new Database(path, { fileMustExist: true })
    db.prepare('SELECT count(*) FROM sqlite_schema').get()
    db.close()
  } catch {}
}

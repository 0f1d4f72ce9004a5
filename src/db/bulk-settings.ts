// Connection settings for one big write transaction (seed generate, seed import): a big page cache, no row-by-row
// re-checks, statement journals in memory, rollback journal when alone.
import { withBusyTimeout } from './busy.ts'
import type { Db } from './open.ts'

// Keeps the random-UUID primary-key B-trees in memory (value in KiB); SQLite allocates it only as pages are used.
const BULK_CACHE_KIB = 512 * 1024

/**
 * Switches the connection to bulk-insert settings; returns the function that switches back. Call both outside
 * a transaction. CHECK constraints (json_valid over ~7 KB of Argo JSON per run) and foreign keys are not
 * re-checked row by row, so the caller must have validated what it writes. When no other connection has the
 * database open, the rollback journal writes new pages once instead of twice (WAL, then checkpoint).
 */
export function bulkSettings (db: Db): () => void {
  const cache = db.pragma('cache_size', { simple: true }) as number
  const foreignKeys = db.pragma('foreign_keys', { simple: true }) as number
  const tempStore = db.pragma('temp_store', { simple: true }) as number
  db.pragma(`cache_size = -${BULK_CACHE_KIB}`)
  // Statements that fire triggers keep a statement journal of the pages they change; past 64 KiB in a transaction
  // SQLite moves it to a temporary file, and then every insert costs a dozen writes to it. In memory it is a copy.
  db.pragma('temp_store = MEMORY')
  db.pragma('foreign_keys = OFF')
  db.pragma('ignore_check_constraints = ON')
  const journal = String(db.pragma('journal_mode', { simple: true }))
  const switched = journal === 'wal' && switchJournal(db, 'delete')
  return () => {
    if (switched) switchJournal(db, 'wal')
    db.pragma('ignore_check_constraints = OFF')
    db.pragma(`foreign_keys = ${foreignKeys}`)
    db.pragma(`cache_size = ${cache}`)
    db.pragma(`temp_store = ${tempStore}`)
  }
}

/**
 * One bulk write: `work` inside BEGIN IMMEDIATE under bulkSettings, committed if it resolves, rolled back if it
 * throws, the settings restored either way. The transaction is held across awaits: use the connection for nothing
 * else meanwhile.
 */
export async function withBulkTransaction<T> (db: Db, work: () => Promise<T>): Promise<T> {
  const restore = bulkSettings(db)
  try {
    db.exec('BEGIN IMMEDIATE')
    const result = await work()
    db.exec('COMMIT')
    return result
  } catch (error) {
    if (db.inTransaction) db.exec('ROLLBACK')
    throw error
  } finally {
    restore()
  }
}

/** Leaving WAL needs the only connection: with a server reading the file this fails at once and WAL stays. */
function switchJournal (db: Db, mode: 'delete' | 'wal'): boolean {
  try {
    return withBusyTimeout(db, 0, () => db.pragma(`journal_mode = ${mode}`, { simple: true }) === mode)
  } catch {
    return false
  }
}

// `seed generate`'s write side: the generator's records bulk-inserted in one transaction, statements prepared once.
import type { Db } from '../db/open.ts'
import { createRunWriter } from '../db/write-runs.ts'
import { generateRunRecords, type GenerateOptions } from './generator.ts'

export interface GenerateIntoOptions extends GenerateOptions {
  /** Keep the data already there (runs with the same ids are replaced); default: replace everything. */
  append?: boolean
  /** Called every `progressEvery` runs and at the end with the runs written so far. */
  onProgress?: (runs: number) => void
  progressEvery?: number
}

export interface GenerateResult {
  runs: number
  pipelines: number
}

// A bigger page cache for the bulk insert keeps the random-UUID primary-key B-trees in memory (value in KiB).
const BULK_CACHE_KIB = 512 * 1024

/**
 * Generates runs into `db` atomically: readers see the old data until the one commit. The generator's
 * output is consistent by construction (its tests check every rule), so CHECK constraints (json_valid
 * over ~7 KB of Argo JSON per run) and foreign keys are not re-checked row by row: that is 3× faster.
 * When no other connection has the database open, the insert runs under a rollback journal, which writes
 * new pages once instead of twice (WAL, then checkpoint); WAL is restored afterwards.
 */
export function generateIntoDatabase (db: Db, options: GenerateIntoOptions): GenerateResult {
  const every = options.progressEvery ?? 10_000
  const restore = bulkSettings(db)
  try {
    return db.transaction(() => {
      const writer = createRunWriter(db)
      if (options.append !== true) writer.deleteAll()
      const write = writer.startJsonBatch()
      let runs = 0
      for (const record of generateRunRecords(options)) {
        write(record.run, record.manifestJson, record.metadataJson)
        if (++runs % every === 0) options.onProgress?.(runs)
      }
      options.onProgress?.(runs)
      return { runs, pipelines: options.pipelines }
    }).immediate()
  } finally {
    restore()
  }
}

/** Switches the connection to bulk-insert settings; returns the function that switches back. */
function bulkSettings (db: Db): () => void {
  const cache = db.pragma('cache_size', { simple: true }) as number
  const foreignKeys = db.pragma('foreign_keys', { simple: true }) as number
  db.pragma(`cache_size = -${BULK_CACHE_KIB}`)
  db.pragma('foreign_keys = OFF')
  db.pragma('ignore_check_constraints = ON')
  const journal = String(db.pragma('journal_mode', { simple: true }))
  const switched = journal === 'wal' && switchJournal(db, 'delete')
  return () => {
    if (switched) switchJournal(db, 'wal')
    db.pragma('ignore_check_constraints = OFF')
    db.pragma(`foreign_keys = ${foreignKeys}`)
    db.pragma(`cache_size = ${cache}`)
  }
}

/** Leaving WAL needs the only connection: with a server reading the file this fails at once and WAL stays. */
function switchJournal (db: Db, mode: 'delete' | 'wal'): boolean {
  const timeout = db.pragma('busy_timeout', { simple: true }) as number
  db.pragma('busy_timeout = 0')
  try {
    return db.pragma(`journal_mode = ${mode}`, { simple: true }) === mode
  } catch {
    return false
  } finally {
    db.pragma(`busy_timeout = ${timeout}`)
  }
}

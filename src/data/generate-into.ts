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

/** Generates runs into `db` atomically: readers see the old data until the one commit. */
export function generateIntoDatabase (db: Db, options: GenerateIntoOptions): GenerateResult {
  const every = options.progressEvery ?? 10_000
  const previousCache = db.pragma('cache_size', { simple: true }) as number
  db.pragma(`cache_size = -${BULK_CACHE_KIB}`)
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
    db.pragma(`cache_size = ${previousCache}`)
  }
}

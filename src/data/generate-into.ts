// `seed generate`'s write side: row batches from a generator thread bulk-inserted in one transaction, statements prepared once.
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'
import type { Db } from '../db/open.ts'
import { createRunWriter, RUN_ROW_FIELDS, type RowBatch } from '../db/write-runs.ts'
import { generateRowBatches } from './generate-rows.ts'
import type { GenerateWorkerData, GenerateWorkerMessage } from './generate-worker.ts'
import type { GenerateOptions } from './generator.ts'

export interface GenerateIntoOptions extends GenerateOptions {
  /** Keep the data already there (runs with the same ids are replaced); default: replace everything. */
  append?: boolean
  /** Called every `progressEvery` runs and at the end with the runs written so far. */
  onProgress?: (runs: number) => void
  progressEvery?: number
  /** Generate in a worker thread while this one writes; default true. */
  threads?: boolean
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
 * new pages once instead of twice (WAL, then checkpoint); WAL is restored afterwards. With `threads` (the
 * default) a worker thread generates row batches while this thread inserts them. The write transaction is
 * held across awaits: use the connection for nothing else meanwhile.
 */
export async function generateIntoDatabase (db: Db, options: GenerateIntoOptions): Promise<GenerateResult> {
  const every = options.progressEvery ?? 10_000
  const restore = bulkSettings(db)
  const writer = createRunWriter(db)
  let runs = 0
  let reported = 0
  const write = (batch: RowBatch): void => {
    writer.writeRows(batch, options.append === true)
    runs += batch.runs.length / RUN_ROW_FIELDS
    if (runs - reported >= every) {
      reported = runs - (runs % every)
      options.onProgress?.(runs)
    }
  }
  try {
    db.exec('BEGIN IMMEDIATE')
    if (options.append !== true) writer.deleteAll()
    if (options.threads === false) {
      for (const batch of generateRowBatches(options, BATCH_SIZE)) write(batch)
    } else {
      await generateInWorker(options, write)
    }
    options.onProgress?.(runs)
    db.exec('COMMIT')
    return { runs, pipelines: options.pipelines }
  } catch (error) {
    if (db.inTransaction) db.exec('ROLLBACK')
    throw error
  } finally {
    restore()
  }
}

const BATCH_SIZE = 1000
const BATCHES_AHEAD = 4
// The generator makes short-lived strings fast; with V8's default young generation (16 MB semi-spaces) the
// scavenges took over half its time. 192 MB (64 MB semi-spaces) halves its CPU time (measured: 100k runs, 9.4 → 4.5 s).
const WORKER_YOUNG_GENERATION_MB = 192

async function generateInWorker (options: GenerateOptions, write: (batch: RowBatch) => void): Promise<void> {
  const worker = startWorker({ options: generatorOptions(options), batchSize: BATCH_SIZE, ahead: BATCHES_AHEAD })
  try {
    await new Promise<void>((resolve, reject) => {
      worker.on('message', (message: GenerateWorkerMessage) => {
        try {
          if (message.kind === 'batch') {
            write(message.batch)
            worker.postMessage('ack')
          } else if (message.kind === 'done') resolve()
          else reject(new Error(`generator thread failed: ${message.message}`))
        } catch (error) {
          reject(error)
        }
      })
      worker.on('error', reject)
      worker.on('exit', (code) => { reject(new Error(`generator thread exited with code ${code}`)) })
    })
  } finally {
    await worker.terminate()
  }
}

/** The built worker; from the TypeScript sources (tests, tsx) a worker that loads tsx's hooks first, then the source. */
function startWorker (workerData: GenerateWorkerData): Worker {
  const options = { workerData, resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB } }
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./generate-worker.js', import.meta.url), options)
  // tsx's ESM entry (its `import` export), found from its package.json: `require.resolve` would give the CommonJS one.
  const tsx = pathToFileURL(join(dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist/esm/api/index.mjs')).href
  const source = new URL('./generate-worker.ts', import.meta.url).href
  const code = `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(source)}) })`
  return new Worker(code, { ...options, eval: true })
}

/** Only what the generator reads: callbacks cannot cross to another thread. */
function generatorOptions (options: GenerateOptions): GenerateOptions {
  const { pipelines, versions, runs, steps, randomSeed, now } = options
  return now === undefined ? { pipelines, versions, runs, steps, randomSeed } : { pipelines, versions, runs, steps, randomSeed, now }
}

/** Switches the connection to bulk-insert settings; returns the function that switches back. */
function bulkSettings (db: Db): () => void {
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

// `seed generate`'s write side: row batches from a generator thread bulk-inserted in one transaction, statements prepared once.
import { withBulkTransaction } from '../db/bulk-settings.ts'
import type { Db } from '../db/open.ts'
import { decodeRowBatch } from '../db/row-batch-codec.ts'
import type { RowBatch } from '../db/rows.ts'
import { createRunWriter, type WriteSession } from '../db/write-runs.ts'
import { generateRowBatches } from './generate-rows.ts'
import type { GenerateWorkerData, GenerateWorkerMessage } from './generate-worker.ts'
import type { GenerateOptions } from './generator.ts'
import { runDataWorker } from './start-worker.ts'

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
  const writer = createRunWriter(db)
  let runs = 0
  let reported = 0
  const write = (session: WriteSession, batch: RowBatch): void => {
    session.writeRows(batch)
    runs += batch.runs.length
    if (runs - reported >= every) {
      reported = runs - (runs % every)
      options.onProgress?.(runs)
    }
  }
  return await withBulkTransaction(db, async () => {
    if (options.append !== true) writer.deleteAll()
    const session = writer.session({ mayExist: options.append === true })
    if (options.threads === false) {
      for (const batch of generateRowBatches(options, BATCH_SIZE)) write(session, batch)
    } else {
      await generateInWorker(options, (batch) => { write(session, batch) })
    }
    options.onProgress?.(runs)
    return { runs, pipelines: options.pipelines }
  })
}

const BATCH_SIZE = 1000
const BATCHES_AHEAD = 4

async function generateInWorker (options: GenerateOptions, write: (batch: RowBatch) => void): Promise<void> {
  const workerData: GenerateWorkerData = { options: generatorOptions(options), batchSize: BATCH_SIZE, ahead: BATCHES_AHEAD }
  await runDataWorker('generate-worker', workerData, 'generator thread', (message: GenerateWorkerMessage) => {
    if (message.kind === 'error') throw new Error(`generator thread failed: ${message.message}`)
    if (message.kind === 'done') return true
    write(decodeRowBatch(message.batch))
    return false
  })
}

/** Only what the generator reads: callbacks cannot cross to another thread. */
function generatorOptions (options: GenerateOptions): GenerateOptions {
  const { pipelines, versions, runs, steps, randomSeed, now } = options
  return now === undefined ? { pipelines, versions, runs, steps, randomSeed } : { pipelines, versions, runs, steps, randomSeed, now }
}

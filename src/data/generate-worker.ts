// Worker thread of `seed generate`: builds row batches and posts them, at most a few ahead of the writer's acks.
import { parentPort, workerData } from 'node:worker_threads'
import { encodeRowBatch, type FlatRowBatch } from '../db/row-batch-codec.ts'
import { generateRowBatches } from './generate-rows.ts'
import { ackWindow } from './worker-acks.ts'
import type { GenerateOptions } from './generator.ts'

export interface GenerateWorkerData { options: GenerateOptions, batchSize: number, ahead: number }
export type GenerateWorkerMessage = { kind: 'batch', batch: FlatRowBatch } | { kind: 'done' } | { kind: 'error', message: string }

async function produce (port: NonNullable<typeof parentPort>, { options, batchSize, ahead }: GenerateWorkerData): Promise<void> {
  const acks = ackWindow(port, ahead)
  for (const batch of generateRowBatches(options, batchSize)) {
    port.postMessage({ kind: 'batch', batch: encodeRowBatch(batch) } satisfies GenerateWorkerMessage)
    acks.posted()
    await acks.room()
  }
  port.postMessage({ kind: 'done' } satisfies GenerateWorkerMessage)
  acks.close()
}

if (parentPort !== null) {
  const port = parentPort
  produce(port, workerData as GenerateWorkerData).catch((error: unknown) => {
    port.postMessage({ kind: 'error', message: error instanceof Error ? error.message : String(error) } satisfies GenerateWorkerMessage)
  })
}

// Worker thread of `seed import`: reads one file, splits, parses and checks its elements, posts them in batches a few ahead of the writer.
import { createReadStream } from 'node:fs'
import { parentPort, workerData } from 'node:worker_threads'
import { checkElement, type CheckedElement } from './import-checks.ts'
import { JsonArrayError, JsonArraySplitter } from './json-array-stream.ts'

export interface ImportWorkerData { path: string, chunkBytes: number, batchSize: number, ahead: number }
export type ImportWorkerMessage =
  | { kind: 'batch', elements: CheckedElement[], bytes: number }
  | { kind: 'done', bytes: number }
  | { kind: 'error', message: string, json: boolean, notArray: boolean }

async function produce (port: NonNullable<typeof parentPort>, { path, chunkBytes, batchSize, ahead }: ImportWorkerData): Promise<void> {
  let inFlight = 0
  let wake: (() => void) | undefined
  port.on('message', () => {
    inFlight--
    const resume = wake
    wake = undefined
    resume?.()
  })
  const splitter = new JsonArraySplitter()
  let batch: CheckedElement[] = []
  let bytes = 0
  const add = (value: unknown, index: number): void => {
    batch.push(checkElement(value, index))
    if (batch.length >= batchSize) batch = post(batch, bytes)
  }
  try {
    // A chunk at a time (a few hundred elements), in batches; the last batch of a chunk carries the bytes read so far.
    for await (const chunk of createReadStream(path, { highWaterMark: chunkBytes }) as AsyncIterable<Buffer>) {
      bytes += chunk.length
      splitter.push(chunk, add)
      batch = post(batch, bytes)
      if (inFlight >= ahead) await new Promise<void>((resolve) => { wake = resolve })
    }
    splitter.end()
  } catch (error) {
    // The elements before a syntax error are reported too.
    if (batch.length > 0) post(batch, bytes)
    throw error
  }
  port.postMessage({ kind: 'done', bytes } satisfies ImportWorkerMessage)
  port.removeAllListeners('message')

  function post (elements: CheckedElement[], bytesRead: number): CheckedElement[] {
    port.postMessage({ kind: 'batch', elements, bytes: bytesRead } satisfies ImportWorkerMessage)
    inFlight++
    return []
  }
}

if (parentPort !== null) {
  const port = parentPort
  produce(port, workerData as ImportWorkerData).catch((error: unknown) => {
    port.postMessage({
      kind: 'error',
      message: error instanceof Error ? error.message : String(error),
      json: error instanceof JsonArrayError,
      notArray: error instanceof JsonArrayError && error.notArray
    } satisfies ImportWorkerMessage)
  })
}

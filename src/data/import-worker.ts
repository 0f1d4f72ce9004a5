// Worker thread of `seed import`: reads one file, splits, parses and checks its elements, posts them in batches a few ahead of the writer.
import { createReadStream } from 'node:fs'
import { parentPort, workerData } from 'node:worker_threads'
import type { RunWithoutArgo } from '../db/rows.ts'
import type { PipelineVersionRead } from '../schemas/runs.ts'
import { checkElement, type CheckedElement } from './import-checks.ts'
import { JsonArrayError, JsonArraySplitter } from './json-array-stream.ts'
import { ackWindow } from './worker-acks.ts'

export interface ImportWorkerData { path: string, chunkBytes: number, batchSize: number, ahead: number }
/**
 * A checked element as posted. Runs of one version repeat the same pipeline_version: it is posted with the first
 * run that has it, under a number, and named by that number after (copying between threads costs by the object).
 */
export interface PostedElement extends Omit<CheckedElement, 'run'> {
  run?: Omit<RunWithoutArgo, 'pipeline_version'> & { pipeline_version?: PipelineVersionRead }
  version?: number
}
export type ImportWorkerMessage =
  | { kind: 'batch', elements: PostedElement[], bytes: number }
  | { kind: 'done', bytes: number }
  | { kind: 'error', message: string, json: boolean, notArray: boolean }

async function produce (port: NonNullable<typeof parentPort>, { path, chunkBytes, batchSize, ahead }: ImportWorkerData): Promise<void> {
  const acks = ackWindow(port, ahead)
  const splitter = new JsonArraySplitter()
  const versions = new Map<string, number>()
  let batch: PostedElement[] = []
  let bytes = 0
  const add = (value: unknown, index: number): void => {
    batch.push(sharingVersions(checkElement(value, index), versions))
    if (batch.length >= batchSize) batch = post(batch, bytes)
  }
  try {
    // A chunk at a time (a few hundred elements), in batches; the last batch of a chunk carries the bytes read so far.
    for await (const chunk of createReadStream(path, { highWaterMark: chunkBytes }) as AsyncIterable<Buffer>) {
      bytes += chunk.length
      splitter.push(chunk, add)
      batch = post(batch, bytes)
      await acks.room()
    }
    splitter.end()
  } catch (error) {
    // The elements before a syntax error are reported too.
    if (batch.length > 0) post(batch, bytes)
    throw error
  }
  port.postMessage({ kind: 'done', bytes } satisfies ImportWorkerMessage)
  acks.close()

  function post (elements: PostedElement[], bytesRead: number): PostedElement[] {
    port.postMessage({ kind: 'batch', elements, bytes: bytesRead } satisfies ImportWorkerMessage)
    acks.posted()
    return []
  }
}

function sharingVersions (element: CheckedElement, versions: Map<string, number>): PostedElement {
  const run = element.run
  if (run === undefined) return element
  const key = JSON.stringify(run.pipeline_version)
  const known = versions.get(key)
  if (known === undefined) {
    versions.set(key, versions.size)
    return { ...element, version: versions.size - 1 }
  }
  const { pipeline_version: _shared, ...rest } = run
  return { ...element, run: rest, version: known }
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

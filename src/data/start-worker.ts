// Runs one of src/data's worker threads (built, or in tests and under tsx from its TypeScript source) to its end.
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { Worker, type WorkerOptions } from 'node:worker_threads'

// Worker threads that make many short-lived strings: with V8's default young generation (16 MB semi-spaces) the
// scavenges took over half of the generator's time. 192 MB (64 MB semi-spaces) halved its CPU time (measured:
// 100,000 runs, 9.4 → 4.5 s).
const YOUNG_GENERATION_MB = 192

/** `name` is the worker's module in this folder without extension, e.g. `generate-worker`. */
function startDataWorker (name: string, workerData: unknown): Worker {
  const options: WorkerOptions = { workerData, resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB } }
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL(`./${name}.js`, import.meta.url), options)
  // tsx's ESM entry (its `import` export), found from its package.json: `require.resolve` would give the CommonJS one.
  const tsx = pathToFileURL(join(dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist/esm/api/index.mjs')).href
  const source = new URL(`./${name}.ts`, import.meta.url).href
  const code = `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(source)}) })`
  return new Worker(code, { ...options, eval: true })
}

/**
 * Starts the worker and resolves once `handle` says a message was its last (returns true). Every other message is a
 * batch it has taken: it is acknowledged (worker-acks.ts). A throw in `handle`, a worker error or an early exit
 * rejects; the worker is terminated either way. `label` names the thread in errors.
 */
export async function runDataWorker<Message> (name: string, workerData: unknown, label: string, handle: (message: Message) => boolean): Promise<void> {
  const worker = startDataWorker(name, workerData)
  try {
    await new Promise<void>((resolve, reject) => {
      worker.on('message', (message: Message) => {
        try {
          if (handle(message)) resolve()
          else worker.postMessage('ack')
        } catch (error) {
          reject(error)
        }
      })
      worker.on('error', reject)
      worker.on('exit', (code) => { reject(new Error(`${label} exited with code ${code}`)) })
    })
  } finally {
    await worker.terminate()
  }
}

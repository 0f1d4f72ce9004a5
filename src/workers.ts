// `serve --workers N`: the primary prepares the database once, forks N workers that share one port (node:cluster),
// starts another when one dies, and on SIGTERM/SIGINT stops them all and exits 0 once every one has closed.
import cluster, { type Worker } from 'node:cluster'
import type { Config } from './config.ts'
import { migrate } from './db/migrate.ts'
import { openDatabase } from './db/open.ts'
import { isEmpty, loadDemo } from './db/seed-demo.ts'

interface ListeningMessage { type: 'pipelines-mock:listening', url: string }

// A worker that dies sooner than this after starting is restarted after this long, so a crash loop does not spin.
const RESTART_DELAY_MS = 1000

export const isWorker = (): boolean => cluster.isWorker

/** In a worker: tells the primary the URL it listens on. */
export function reportListening (url: string): void {
  const message: ListeningMessage = { type: 'pipelines-mock:listening', url }
  process.send?.(message)
}

/** Migrates and seeds once, so that workers find the database ready instead of racing to prepare it; the runs seeded. */
function prepareDatabase (config: Config): number | undefined {
  if (config.readOnly) return undefined
  const db = openDatabase(config.dbPath)
  try {
    migrate(db)
    return config.seedDemo && isEmpty(db) ? loadDemo(db) : undefined
  } finally {
    db.close()
  }
}

export interface PrimaryEvents {
  /** Once, when all workers listen; `seededRuns` when the primary filled an empty database with the demo data. */
  listening: (url: string, seededRuns: number | undefined) => void
  log: (level: 'info' | 'warn', line: string) => void
}

/** Resolves with the exit code once the primary has stopped every worker after a signal. */
export async function runPrimary (config: Config, events: PrimaryEvents): Promise<number> {
  const seededRuns = prepareDatabase(config)
  const startedAt = new Map<Worker, number>()
  const listening = new Set<Worker>()
  let stopping = false
  let announced = false

  const fork = (): void => {
    const worker = cluster.fork()
    startedAt.set(worker, Date.now())
    worker.on('message', (message: ListeningMessage) => {
      if (message?.type !== 'pipelines-mock:listening') return
      listening.add(worker)
      events.log('info', `worker ${worker.process.pid ?? '?'} listening on ${message.url}`)
      if (!announced && listening.size === config.workers) {
        announced = true
        events.listening(message.url, seededRuns)
      }
    })
  }

  return await new Promise((resolve) => {
    let exitCode = 0
    cluster.on('exit', (worker, code, signal) => {
      listening.delete(worker)
      const lifetime = Date.now() - (startedAt.get(worker) ?? 0)
      startedAt.delete(worker)
      if (stopping) {
        if (code !== 0 && signal !== 'SIGTERM') exitCode = 1
        if (Object.keys(cluster.workers ?? {}).length === 0) resolve(exitCode)
        return
      }
      events.log('warn', `worker ${worker.process.pid ?? '?'} exited (${signal ?? `code ${code}`}); starting another`)
      if (lifetime < RESTART_DELAY_MS) setTimeout(() => { if (!stopping) fork() }, RESTART_DELAY_MS)
      else fork()
    })
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) return
      stopping = true
      events.log('info', `${signal}: stopping ${Object.keys(cluster.workers ?? {}).length} workers`)
      const workers = Object.values(cluster.workers ?? {})
      if (workers.length === 0) resolve(exitCode)
      for (const worker of workers) worker?.process.kill('SIGTERM')
    }
    process.on('SIGTERM', stop)
    process.on('SIGINT', stop)
    for (let i = 0; i < config.workers; i++) fork()
  })
}

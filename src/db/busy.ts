// Lock waits: a server write that fails at once instead of freezing the event loop, and who holds a lock.
import { readFileSync, statSync } from 'node:fs'
import type { Db } from './open.ts'

/** Runs `work` with SQLite's busy timeout set to `ms`, then restores it. */
export function withBusyTimeout<T> (db: Db, ms: number, work: () => T): T {
  const timeout = db.pragma('busy_timeout', { simple: true }) as number
  db.pragma(`busy_timeout = ${ms}`)
  try {
    return work()
  } finally {
    db.pragma(`busy_timeout = ${timeout}`)
  }
}

/**
 * A write transaction that takes the write lock now or fails with SQLITE_BUSY: better-sqlite3 waits for a lock on
 * the event loop, so a server that waited would stop answering every client for as long as another process writes.
 */
export function writeWithoutWaiting<T> (db: Db, work: () => T): T {
  return withBusyTimeout(db, 0, () => db.transaction(work).immediate())
}

export function isBusy (error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY')
}

/**
 * The processes holding a POSIX lock on `path` (SQLite's locks), from /proc/locks, with their command lines:
 * "12345 (node pipelines-mock seed import runs.json)". Empty where /proc is not there to ask.
 */
export function lockHolders (path: string): string[] {
  try {
    const { ino } = statSync(path)
    const pids = new Set<number>()
    for (const line of readFileSync('/proc/locks', 'utf8').split('\n')) {
      const fields = line.trim().split(/\s+/)
      // "1: POSIX  ADVISORY  WRITE 12345 08:01:1234567 1073741824 1073741825"
      const [, kind, , , pid, device] = fields
      if (kind === 'POSIX' && device?.split(':')[2] === String(ino) && Number(pid) !== process.pid) pids.add(Number(pid))
    }
    return [...pids].map((pid) => `${pid} (${commandOf(pid)})`)
  } catch {
    return []
  }
}

function commandOf (pid: number): string {
  try {
    const words = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((part) => part !== '')
    const line = words.join(' ').replace(/\s+/g, ' ')
    return line.length > 200 ? `${line.slice(0, 199)}…` : line
  } catch {
    return 'unknown command'
  }
}

// Another process holding SQLite's write lock on a file, as a `seed` command does, until told to let go.
import { once } from 'node:events'
import { spawn, type ChildProcess } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { tempDir } from './test-app.ts'

const SCRIPT = `
const Database = require(process.env.BETTER_SQLITE3)
const [path, journal, releaseAfterMs] = process.argv.slice(2)
const db = new Database(path)
db.pragma('journal_mode = ' + journal)
db.exec('CREATE TABLE IF NOT EXISTS lock_holder (n INTEGER)')
db.exec('BEGIN IMMEDIATE')
db.exec('INSERT INTO lock_holder VALUES (1)')
process.stdout.write('locked\\n')
const release = () => { db.exec('COMMIT'); db.close(); process.stdout.write('released\\n'); process.exit(0) }
process.stdin.once('data', release)
if (Number(releaseAfterMs) > 0) setTimeout(release, Number(releaseAfterMs))
`

export interface LockHolder {
  pid: number
  /** What the holder printed so far: "locked\n", then "released\n". */
  output: () => string
  release: () => Promise<void>
}

/**
 * Resolves once the child holds the write lock; `journal` is the mode it puts the file in first. With
 * `releaseAfterMs` it lets go by itself, for a test whose own thread is blocked waiting for the lock.
 */
export async function holdWriteLock (path: string, journal: 'wal' | 'delete', releaseAfterMs = 0): Promise<LockHolder> {
  const script = join(tempDir(), 'lock-holder.cjs')
  writeFileSync(script, SCRIPT)
  const env = { ...process.env, BETTER_SQLITE3: createRequire(import.meta.url).resolve('better-sqlite3') }
  const child: ChildProcess = spawn(process.execPath, [script, path, journal, String(releaseAfterMs)], { stdio: ['pipe', 'pipe', 'inherit'], env })
  child.stdin?.on('error', () => {})
  let output = ''
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => { output += chunk })
  while (!output.includes('locked')) await once(child.stdout as NodeJS.ReadableStream, 'data')
  const exited = once(child, 'exit')
  exited.catch(() => {})
  return {
    pid: child.pid as number,
    output: () => output,
    release: async () => {
      if (child.exitCode === null) child.stdin?.end('go\n')
      await exited
    }
  }
}

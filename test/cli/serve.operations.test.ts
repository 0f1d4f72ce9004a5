// `serve` as a process: bad database files and bad config give one clear line and exit 1; --read-only serves as is.
import Database from 'better-sqlite3'
import { createHash } from 'node:crypto'
import { chmodSync, closeSync, existsSync, openSync, readFileSync, statSync, writeFileSync, writeSync } from 'node:fs'
import { createRequire } from 'node:module'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { loadMigrations, migrate } from '../../src/db/migrate.ts'
import { openDatabase } from '../../src/db/open.ts'
import { shapedRuns, pipelineIds } from '../helpers/fixture-runs.ts'
import { runCli, serve, spawnNode, UNPRIVILEGED_UID } from '../helpers/cli.ts'
import { seededDb, tempDir, TOKEN } from '../helpers/test-app.ts'

let dir: string
beforeEach(() => {
  dir = tempDir()
  chmodSync(dir, 0o777)
})
afterEach(() => {
  chmodSync(dir, 0o777)
})

/** A migrated database holding the fixture runs; returns its path and one pipeline id. */
function fixtureDb (name = 'db.sqlite'): { path: string, pipeline: string } {
  const path = join(dir, name)
  const runs = shapedRuns()
  seededDb(runs, path).close()
  return { path, pipeline: pipelineIds(runs)[0] as string }
}

const LATEST = loadMigrations().at(-1)?.version as number
const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex')

/** One line; exit 1 when the work failed, 2 for a bad value (bad usage). */
async function expectOneLineFailure (args: string[], pattern: RegExp, extras: Parameters<typeof runCli>[1] = {}, code = 1): Promise<void> {
  const result = await runCli(['serve', '--port', '0', '--no-seed', ...args], extras)
  expect(result.code, result.stderr).toBe(code)
  const lines = result.stderr.trimEnd().split('\n')
  expect(lines).toHaveLength(1)
  expect(lines[0]).toMatch(/^pipelines-mock: /)
  expect(lines[0]).toMatch(pattern)
  expect(result.stderr).not.toMatch(/\n\s+at /)
}

async function getRuns (url: string, pipeline: string): Promise<{ status: number, body: unknown }> {
  const response = await fetch(`${url}/pipelines/${pipeline}/runs/`, { headers: { authorization: `Bearer ${TOKEN}` } })
  return { status: response.status, body: await response.json() }
}

describe('bad database files', () => {
  it('creates a missing database directory', async () => {
    const path = join(dir, 'a', 'b', 'c', 'db.sqlite')
    const server = await serve(['--db', path, '--no-seed', '--token', TOKEN])
    expect(existsSync(path)).toBe(true)
    expect((await fetch(`${server.url}/__admin/health`)).status).toBe(200)
    expect(await server.stop()).toEqual({ code: 0, signal: null })
  })

  it('refuses a file that is not SQLite', async () => {
    const path = join(dir, 'notes.sqlite')
    writeFileSync(path, 'these are my notes, not a database\n'.repeat(200))
    await expectOneLineFailure(['--db', path], /^pipelines-mock: cannot open database .*notes\.sqlite: file is not a database \(not an SQLite database/)
    expect(readFileSync(path, 'utf8')).toBe('these are my notes, not a database\n'.repeat(200))
  })

  it('refuses a damaged database', async () => {
    const { path } = fixtureDb()
    const fd = openSync(path, 'r+')
    writeSync(fd, Buffer.alloc(8192, 0xab), 0, 8192, 4096)
    closeSync(fd)
    await expectOneLineFailure(['--db', path], /database disk image is malformed \(the file is damaged/)
  })

  it('refuses a database from a newer pipelines-mock', async () => {
    const { path } = fixtureDb()
    const db = new Database(path)
    db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, ?, ?)').run('999_future', new Date().toISOString())
    db.close()
    await expectOneLineFailure(['--db', path], new RegExp(`schema version 999 is newer than this pipelines-mock supports \\(${LATEST}\\)`))
  })

  it('refuses a directory given as the database', async () => {
    await expectOneLineFailure(['--db', dir], /unable to open database file \(the path must name a file/)
  })

  it('refuses a database another process holds an exclusive lock on', async () => {
    const { path } = fixtureDb()
    const holder = spawnNode(['-e', `
      const Database = require(${JSON.stringify(createRequire(import.meta.url).resolve('better-sqlite3'))})
      const db = new Database(${JSON.stringify(path)})
      db.pragma('locking_mode = EXCLUSIVE')
      db.exec('BEGIN EXCLUSIVE')
      db.exec("INSERT INTO pipelines VALUES ('lock')")
      console.log('locked')
      setInterval(() => {}, 1000)`])
    while (!holder.stdout().includes('locked')) await new Promise((resolve) => setTimeout(resolve, 20))
    try {
      await expectOneLineFailure(['--db', path], new RegExp(`database is locked \\(locked by process ${holder.child.pid ?? ''} \\(.*\\); waited 5 s`))
    } finally {
      holder.child.kill('SIGKILL')
    }
  })

  it.runIf(UNPRIVILEGED_UID !== undefined || process.getuid?.() !== 0)('refuses a read-only file without --read-only, and serves it with it', async () => {
    const { path, pipeline } = fixtureDb()
    chmodSync(path, 0o444)
    const extras = UNPRIVILEGED_UID === undefined ? {} : { uid: UNPRIVILEGED_UID }
    await expectOneLineFailure(['--db', path], /cannot open database .*db\.sqlite: no write permission \(serve it with --read-only, or fix its permissions\)$/, extras)
    const server = await serve(['--db', path, '--read-only', '--token', TOKEN], extras)
    expect((await getRuns(server.url, pipeline)).status).toBe(200)
    expect(await server.stop()).toEqual({ code: 0, signal: null })
  })
})

describe('bad config', () => {
  it.each([
    [['--port', 'eighty'], /--port: expected a whole number from 0 to 65535, got "eighty"/],
    [['--max-connections', '0'], /--max-connections: expected a whole number from 1 to 2147483647, got "0"/],
    [['--cors-origin', 'localhost:5173'], /--cors-origin: expected .*, got "localhost:5173"/],
    [['--headers-timeout', '9000', '--request-timeout', '1000'], /--headers-timeout \(9000\) must not exceed --request-timeout \(1000\)/]
  ])('%j: one line, exit 2', async (args, pattern) => {
    await expectOneLineFailure(['--db', join(dir, 'db.sqlite'), ...args], pattern, {}, 2)
  })

  it('refuses a port in use with a line saying so', async () => {
    const blocker = createServer()
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve))
    const port = (blocker.address() as { port: number }).port
    try {
      const result = await runCli(['serve', '--port', String(port), '--db', join(dir, 'db.sqlite'), '--no-seed'])
      expect([result.code, result.stderr.trim()]).toEqual([1, `pipelines-mock: cannot listen on 127.0.0.1:${port}: listen EADDRINUSE: address already in use 127.0.0.1:${port} (choose another --port, or 0 for a free one)`])
    } finally {
      blocker.close()
    }
  })
})

describe('--read-only', () => {
  it('serves an existing database without changing a byte of it; admin writes get a clear 403', async () => {
    const { path, pipeline } = fixtureDb()
    const before = sha(path)
    const admin = 'admin-token-123'
    const server = await serve(['--db', path, '--read-only', '--token', TOKEN, '--admin-token', admin])
    const runs = await getRuns(server.url, pipeline)
    expect([runs.status, (runs.body as unknown[]).length]).toEqual([200, 6])
    const reset = await fetch(`${server.url}/__admin/reset`, { method: 'POST', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, body: '{"dataset":"empty"}' })
    expect([reset.status, await reset.json()]).toEqual([403, { detail: 'The database is read-only (serve --read-only): data cannot be changed' }])
    const wrongToken = await fetch(`${server.url}/__admin/pipelines/${pipeline}`, { method: 'DELETE', headers: { authorization: 'Bearer nope' } })
    expect(wrongToken.status).toBe(401)
    expect((await getRuns(server.url, pipeline)).status).toBe(200)
    expect(await server.stop()).toEqual({ code: 0, signal: null })
    expect(sha(path)).toBe(before)
  })

  it('is also set by PIPELINES_MOCK_READ_ONLY, and never seeds an empty database', async () => {
    const path = join(dir, 'empty.sqlite')
    const db = openDatabase(path)
    migrate(db)
    db.close()
    const before = sha(path)
    const server = await serve(['--db', path, '--token', TOKEN], { env: { PIPELINES_MOCK_READ_ONLY: 'true' } })
    const response = await fetch(`${server.url}/pipelines/${'0'.repeat(32)}/runs/`, { headers: { authorization: `Bearer ${TOKEN}` } })
    expect([response.status, await response.json()]).toEqual([404, { detail: 'Pipeline not found' }])
    expect(await server.stop()).toEqual({ code: 0, signal: null })
    expect(sha(path)).toBe(before)
  })

  it('refuses a database it would have to migrate, and one that does not exist', async () => {
    const path = join(dir, 'blank.sqlite')
    new Database(path).close()
    await expectOneLineFailure(['--db', path, '--read-only'], new RegExp(`schema version 0 is older than this pipelines-mock needs \\(${LATEST}\\) and --read-only cannot migrate it`))
    expect(statSync(path).size).toBe(0)
    await expectOneLineFailure(['--db', join(dir, 'missing.sqlite'), '--read-only'], /missing\.sqlite: it does not exist \(--read-only serves an existing database\)/)
    expect(existsSync(join(dir, 'missing.sqlite'))).toBe(false)
  })

  it.runIf(UNPRIVILEGED_UID !== undefined || process.getuid?.() !== 0)('in a directory it cannot write: serves a rollback-journal file, explains what a WAL file needs', async () => {
    const extras = UNPRIVILEGED_UID === undefined ? {} : { uid: UNPRIVILEGED_UID }
    const wal = fixtureDb('wal.sqlite')
    const rollback = fixtureDb('rollback.sqlite')
    const db = new Database(rollback.path)
    db.pragma('journal_mode = DELETE')
    db.close()
    chmodSync(dir, 0o555)
    await expectOneLineFailure(['--db', wal.path, '--read-only'], /a WAL database needs .*wal\.sqlite-shm beside it: make the directory writable, or once run sqlite3 .*'PRAGMA journal_mode=DELETE'/, extras)
    const server = await serve(['--db', rollback.path, '--read-only', '--token', TOKEN], extras)
    expect((await getRuns(server.url, rollback.pipeline)).status).toBe(200)
    expect(await server.stop()).toEqual({ code: 0, signal: null })
  })
})

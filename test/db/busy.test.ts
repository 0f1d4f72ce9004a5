// Lock waits between processes: a writer waits for another (in either journal mode) and names it when it gives up;
// the server's own writes never wait, so one process writing the file cannot freeze every client.
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { isBusy, lockHolders } from '../../src/db/busy.ts'
import { migrate } from '../../src/db/migrate.ts'
import { openDatabase } from '../../src/db/open.ts'
import { readDemoRuns } from '../../src/db/seed-demo.ts'
import { manualClock } from '../../src/simulation/clock.ts'
import { createSimulationRunner } from '../../src/simulation/runner.ts'
import { runCli } from '../helpers/cli.ts'
import { holdWriteLock, type LockHolder } from '../helpers/lock-holder.ts'
import { buildTestApp, seededDb, tempDir, TOKEN } from '../helpers/test-app.ts'

const ADMIN_TOKEN = 'admin-token-for-locks'
let holder: LockHolder | undefined
afterEach(async () => { await holder?.release() })

function migratedFile (): string {
  const path = join(tempDir(), 'locked.sqlite')
  const db = openDatabase(path)
  migrate(db)
  db.close()
  return path
}

describe('a writer in another process', () => {
  it('is waited for by openDatabase, in rollback-journal mode too (the journal switch alone would fail at once)', async () => {
    const path = migratedFile()
    holder = await holdWriteLock(path, 'delete', 1000)
    const db = openDatabase(path)
    expect(db.prepare('SELECT count(*) FROM lock_holder').pluck().get()).toBe(1)
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
    db.close()
  })

  it('is named by lockHolders, with its command line', async () => {
    const path = migratedFile()
    holder = await holdWriteLock(path, 'delete')
    const [named] = lockHolders(path)
    expect(named).toMatch(new RegExp(`^${holder.pid} \\(.*${path.replace(/[.]/g, '\\.')}`))
  })

  it('makes a seed command wait, then fail with one line naming it and nothing written', async () => {
    const path = migratedFile()
    holder = await holdWriteLock(path, 'delete')
    const result = await runCli(['seed', 'import', 'test/fixtures/runs.json', '--db', path])
    expect(result.code).toBe(1)
    expect(result.stderr.trim().split('\n')).toHaveLength(1)
    expect(result.stderr).toContain(`database is locked (locked by process ${holder.pid} (`)
    expect(result.stderr).toContain('waited 5 s')
    await holder.release()
    const db = openDatabase(path, { readOnly: true })
    expect(db.prepare('SELECT count(*) FROM runs').pluck().get()).toBe(0)
    db.close()
  })
})

describe('the server while another process writes', () => {
  it('answers an admin write with the contract 503 at once, and keeps serving reads from the last commit', async () => {
    const test = await buildTestApp({ 'admin-token': ADMIN_TOKEN })
    // Released after 3 s: a server that waited for the lock (up to 5 s) would get it and answer 200 instead.
    holder = await holdWriteLock(join(test.dir, 'test.sqlite'), 'wal', 3000)
    const reset = await test.app.inject({ method: 'POST', url: '/__admin/reset', headers: { authorization: `Bearer ${ADMIN_TOKEN}` }, payload: { dataset: 'empty' } })
    expect({ status: reset.statusCode, body: reset.json() }).toEqual({ status: 503, body: { detail: 'Database is busy with another write; try again' } })
    expect(holder.output()).not.toContain('released')
    const pipeline = test.runs[0]?.pipeline_version.pipeline_id ?? ''
    const read = await test.app.inject({ url: `/pipelines/${pipeline}/runs/`, headers: { authorization: `Bearer ${TOKEN}` } })
    expect(read.statusCode).toBe(200)
    expect(read.json()).toHaveLength(test.runs.filter((run) => run.pipeline_version.pipeline_id === pipeline).length)
    await test.close()
  })

  it('skips a simulation tick instead of waiting, and the next tick catches up', async () => {
    const path = join(tempDir(), 'sim.sqlite')
    const db = seededDb(readDemoRuns(), path)
    const clock = manualClock(Date.UTC(2026, 10, 6, 12) * 1000)
    const runner = createSimulationRunner({ db, clock, randomSeed: 3, intervalSeconds: 60, keep: 0, tickMs: 60_000 })
    holder = await holdWriteLock(path, 'wal', 3000)
    let thrown: unknown
    try { runner.tick() } catch (error) { thrown = error }
    expect(isBusy(thrown)).toBe(true)
    expect(() => { runner.start() }).not.toThrow()
    runner.stop()
    expect(holder.output()).not.toContain('released')
    await holder.release()
    expect(runner.tick().written).toBeGreaterThan(0)
    db.close()
  })
})

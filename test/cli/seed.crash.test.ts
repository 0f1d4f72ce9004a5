// SIGKILL in the middle of `seed generate` or `seed import` leaves the database as it was; a restart serves it.
import Database from 'better-sqlite3'
import { copyFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { beforeAll, describe, expect, it } from 'vitest'
import { openDatabase } from '../../src/db/open.ts'
import { serve, spawnCli } from '../helpers/cli.ts'
import { shapedRuns, pipelineIds } from '../helpers/fixture-runs.ts'
import { seededDb, tempDir, TOKEN } from '../helpers/test-app.ts'

const TABLES = ['pipelines', 'pipeline_versions', 'steps', 'runs', 'run_steps']

/** Every row of every data table, in a stable order: equal digests mean equal data. */
function contents (path: string): string {
  const db = openDatabase(path)
  try {
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok')
    return JSON.stringify(TABLES.map((table) => db.prepare(`SELECT * FROM ${table}`).all().map((row) => JSON.stringify(row)).sort()))
  } finally {
    db.close()
  }
}

async function served (path: string, pipeline: string): Promise<string> {
  const server = await serve(['--db', path, '--token', TOKEN, '--log-level', 'warn'])
  try {
    const response = await fetch(`${server.url}/pipelines/${pipeline}/runs/`, { headers: { authorization: `Bearer ${TOKEN}` } })
    expect(response.status).toBe(200)
    return await response.text()
  } finally {
    expect(await server.stop()).toEqual({ code: 0, signal: null })
  }
}

/** A rollback journal holds the original pages of an open write transaction (seed generate writes with one). */
// The journal may come and go between two looks (the command switches journal modes), so one stat decides.
function hotJournal (path: string): boolean {
  try {
    return statSync(`${path}-journal`).size > 0
  } catch {
    return false
  }
}

describe('SIGKILL in the middle of a bulk write', () => {
  const runs = shapedRuns()
  const pipeline = pipelineIds(runs)[0] as string
  let dir: string
  let original: string
  let before: { contents: string, served: string }

  beforeAll(async () => {
    dir = tempDir()
    original = join(dir, 'original.sqlite')
    seededDb(runs, original).close()
    before = { contents: contents(original), served: await served(original, pipeline) }
  })

  /** Runs the command on a copy of the database and kills it once `midway` says its transaction is under way. */
  async function killMidway (name: string, args: (path: string) => string[], midway: (path: string, stderr: string) => boolean): Promise<string> {
    const path = join(dir, `${name}.sqlite`)
    copyFileSync(original, path)
    const writer = spawnCli(args(path))
    const state = { exited: false }
    writer.exited.then(() => { state.exited = true }, () => {})
    while (!state.exited && !midway(path, writer.stderr())) await sleep(10)
    expect(state.exited, `${name} finished before it could be killed:\n${writer.stderr()}`).toBe(false)
    writer.child.kill('SIGKILL')
    expect(await writer.exited).toEqual({ code: null, signal: 'SIGKILL' })
    return path
  }

  it('seed generate (replacing all data): the old data survives, whole', async () => {
    // 100,000 runs, so the command prints a line per 10%: a progress line below 100% with a hot journal means rows
    // are being written inside the transaction (the journal alone also appears while the journal mode switches).
    const inserting = (path: string, stderr: string) => /^generating runs: .*\((\d|[1-9]\d)%\)$/m.test(stderr) && hotJournal(path)
    const path = await killMidway('generate', (db) => ['seed', 'generate', '--db', db, '--pipelines', '20', '--runs', '5000', '--steps', '5', '--replace'], inserting)
    expect(hotJournal(path)).toBe(true)
    expect(contents(path)).toBe(before.contents)
    expect(await served(path, pipeline)).toBe(before.served)
  })

  it('seed import: none of the imported runs appear, the old data survives', async () => {
    const file = join(dir, 'big.json')
    // Over 50 MB, so the command prints its progress; runs are written as they are read, all in one transaction.
    writeFileSync(file, JSON.stringify(shapedRuns({ pipelines: 1, versionsPerPipeline: 2, runsPerVersion: 12_000, stepsPerVersion: 4, tag: 'import' })))
    const path = await killMidway('import', (db) => ['seed', 'import', file, '--db', db], (_path, stderr) => /^importing: .*\(\d+%\)$/m.test(stderr))
    expect(contents(path)).toBe(before.contents)
    expect(await served(path, pipeline)).toBe(before.served)
    const db = new Database(path, { readonly: true })
    expect(db.prepare('SELECT count(*) FROM runs').pluck().get()).toBe(runs.length)
    db.close()
  })
})

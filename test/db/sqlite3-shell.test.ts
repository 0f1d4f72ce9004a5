// The database file in the sqlite3 people already have: Debian 12's sqlite3 (3.40) and Python's sqlite3 module open,
// check, query and edit what every writer leaves (demo seed, seed generate, seed import, admin writes, the
// simulation), and the server then serves the same bytes.
import { execFile } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it, vi } from 'vitest'
import { openDatabase } from '../../src/db/open.ts'
import { readDemoRuns } from '../../src/db/seed-demo.ts'
import { runCli, startCli } from '../helpers/cli.ts'
import { socketRequest } from '../helpers/raw-http.ts'
import { tempDir } from '../helpers/temp.ts'
import { AUTH } from '../helpers/test-app.ts'
import { hasTool } from '../helpers/tools.ts'

vi.setConfig({ testTimeout: 60_000 })

const SQLITE3 = '/usr/bin/sqlite3'
const PYTHON3 = '/usr/bin/python3'
const hasSqlite3 = hasTool(SQLITE3, 'apt-get install -y sqlite3')
const run = promisify(execFile)

async function sqlite3 (file: string, ...statements: string[]): Promise<string> {
  const { stdout } = await run(SQLITE3, ['-batch', '-bail', file, ...statements])
  return stdout.trim()
}

/** Every pipeline's 200 body, as the server answers it on a real socket. */
async function servedBodies (file: string): Promise<Record<string, string>> {
  const server = await startCli(['serve', '--port', '0', '--db', file, '--no-seed', '--log-level', 'silent'])
  try {
    const db = openDatabase(file, { readOnly: true })
    const ids = db.prepare('SELECT id FROM pipelines ORDER BY id').pluck().all() as string[]
    db.close()
    const bodies: Record<string, string> = {}
    for (const id of ids) {
      const response = await socketRequest(server.port, 'GET', `/pipelines/${id}/runs/`, AUTH)
      expect(response.status).toBe(200)
      bodies[id] = response.body
    }
    return bodies
  } finally {
    await server.stop()
  }
}

type Writer = (file: string) => Promise<void>

async function cli (args: string[]): Promise<void> {
  const result = await runCli(args)
  expect(result.code, result.stderr).toBe(0)
}

const WRITERS: Record<string, Writer> = {
  'seed demo': async (file) => await cli(['seed', 'demo', '--db', file]),
  'seed generate': async (file) => await cli(['seed', 'generate', '--db', file, '--pipelines', '2', '--versions', '2', '--runs', '12', '--steps', '3', '--random-seed', '7']),
  'seed import': async (file) => {
    const input = join(tempDir(), 'runs.json')
    writeFileSync(input, JSON.stringify(readDemoRuns()))
    await cli(['seed', 'import', input, '--db', file])
  },
  'admin writes': async (file) => {
    const server = await startCli(['serve', '--port', '0', '--db', file, '--no-seed', '--admin-token', 'admin-secret', '--log-level', 'silent'])
    try {
      const body = JSON.stringify(readDemoRuns())
      const response = await fetch(`${server.url}/__admin/runs`, { method: 'POST', headers: { authorization: 'Bearer admin-secret', 'content-type': 'application/json' }, body })
      expect(response.status).toBe(200)
    } finally {
      await server.stop()
    }
  },
  simulation: async (file) => {
    // The first simulation step runs before the server listens; stopping it leaves what it wrote.
    const server = await startCli(['serve', '--port', '0', '--db', file, '--simulate', '--speed', '600', '--simulate-interval', '60', '--random-seed', '3', '--log-level', 'silent'])
    await server.stop()
  }
}

describe.skipIf(!hasSqlite3)(`${SQLITE3} on a database written by each writer`, () => {
  for (const [writer, write] of Object.entries(WRITERS)) {
    it(`${writer}: integrity ok, every view queryable, a trigger-firing UPDATE, journal_mode=DELETE; the same bytes served after`, async () => {
      const file = join(tempDir(), 'pipelines-mock.sqlite')
      await write(file)
      const before = await servedBodies(file)
      expect(Object.keys(before).length).toBeGreaterThan(0)

      expect(await sqlite3(file, 'PRAGMA integrity_check')).toBe('ok')
      const views = (await sqlite3(file, "SELECT name FROM sqlite_schema WHERE type = 'view' ORDER BY name")).split('\n')
      expect(views).toContain('pipeline_version_json')
      expect(views).toContain('run_tail_json')
      for (const view of views) expect(Number(await sqlite3(file, `SELECT count(*) FROM "${view}"`))).toBeGreaterThan(0)
      // Each statement fires the triggers that re-render the stored JSON; then nothing stored differs from the views.
      await sqlite3(file,
        'UPDATE steps SET name = name',
        'UPDATE run_steps SET status = status',
        'UPDATE pipeline_versions SET created_at = created_at + 1',
        'UPDATE pipeline_versions SET created_at = created_at - 1')
      expect(await sqlite3(file, `SELECT (SELECT count(*) FROM pipeline_versions v JOIN pipeline_version_json j ON j.id = v.id WHERE v.json IS NOT j.json)
        + (SELECT count(*) FROM runs r JOIN run_tail_json t ON t.id = r.id WHERE r.tail_json IS NOT t.json)`)).toBe('0')
      expect(await sqlite3(file, 'PRAGMA journal_mode=DELETE')).toBe('delete')

      expect(await servedBodies(file)).toEqual(before)
    })
  }
})

describe.skipIf(!hasTool(PYTHON3, 'apt-get install -y python3'))(`Python's sqlite3 module (${PYTHON3})`, () => {
  it('reads every view of a demo database', async () => {
    const file = join(tempDir(), 'pipelines-mock.sqlite')
    await WRITERS['seed demo']?.(file)
    const script = `import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
print(db.execute('PRAGMA integrity_check').fetchone()[0])
for (name,) in db.execute("SELECT name FROM sqlite_schema WHERE type = 'view' ORDER BY name").fetchall():
    print(name, db.execute('SELECT count(*) FROM "%s"' % name).fetchone()[0] > 0)`
    const { stdout } = await run(PYTHON3, ['-c', script, file])
    const [integrity, ...views] = stdout.trim().split('\n')
    expect(integrity).toBe('ok')
    expect(views.length).toBeGreaterThanOrEqual(2)
    for (const line of views) expect(line).toMatch(/ True$/)
  })
})

describe('the stored schema', () => {
  // Functions and syntax SQLite added after 3.37 (sqlite.org/changes.html): 3.38 ->, ->>, unixepoch(), format(),
  // 3.44 concat(), concat_ws(), ORDER BY inside an aggregate, string_agg(); 3.45 jsonb functions.
  const NEWER_THAN_3_37 = [/->/, /\bunixepoch\s*\(/i, /\bformat\s*\(/i, /\bconcat(_ws)?\s*\(/i, /\bstring_agg\s*\(/i, /\bjsonb\w*\s*\(/i, /'\s*ORDER\s+BY\b/i]

  it('uses nothing newer than SQLite 3.37 in any table, index, view or trigger', async () => {
    const file = join(tempDir(), 'pipelines-mock.sqlite')
    await WRITERS['seed demo']?.(file)
    const db = openDatabase(file, { readOnly: true })
    const objects = db.prepare('SELECT type, name, sql FROM sqlite_schema WHERE sql IS NOT NULL').all() as Array<{ type: string, name: string, sql: string }>
    db.close()
    expect(objects.map((o) => o.type)).toEqual(expect.arrayContaining(['table', 'index', 'view', 'trigger']))
    const newer = objects.flatMap((o) => NEWER_THAN_3_37.filter((pattern) => pattern.test(o.sql)).map((pattern) => `${o.type} ${o.name}: ${String(pattern)}`))
    expect(newer).toEqual([])
  })
})

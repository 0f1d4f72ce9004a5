// startServer: migrates, seeds the demo set into an empty database only, listens, and closes app then database.
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadConfig } from '../src/config.ts'
import { readDemoRuns } from '../src/db/seed-demo.ts'
import { startServer } from '../src/server.ts'
import { socketRequest } from './helpers/raw-http.ts'
import { tempDir } from './helpers/temp.ts'
import { AUTH, FIXTURE, seededDb } from './helpers/test-app.ts'

const demoPipeline = readDemoRuns()[0]?.pipeline_version.pipeline_id ?? 'missing'

async function serve (dbPath: string, flags: Record<string, unknown> = {}) {
  return await startServer(loadConfig({ port: '0', db: dbPath, ...flags }, {}), false)
}

const runCount = (server: Awaited<ReturnType<typeof serve>>) => server.db.prepare('SELECT count(*) FROM runs').pluck().get()

describe('startServer', () => {
  it('loads the demo set into a new database on first start and serves it', async () => {
    const server = await serve(join(tempDir(), 'first.sqlite'))
    try {
      expect(runCount(server)).toBe(readDemoRuns().length)
      const port = Number(new URL(server.url).port)
      expect((await socketRequest(port, 'GET', `/pipelines/${demoPipeline}/runs/`, AUTH)).status).toBe(200)
    } finally {
      await server.close()
    }
  })

  it('leaves a database that holds data as it is', async () => {
    const db = seededDb()
    const path = db.name
    db.close()
    const server = await serve(path)
    try {
      expect(server.db.prepare('SELECT id FROM pipelines ORDER BY id').pluck().all()).toEqual([FIXTURE.pipeline1, FIXTURE.pipeline2])
    } finally {
      await server.close()
    }
  })

  it('keeps an empty database empty with --no-seed', async () => {
    const server = await serve(join(tempDir(), 'empty.sqlite'), { 'no-seed': true })
    try {
      expect(runCount(server)).toBe(0)
    } finally {
      await server.close()
    }
  })

  it('does not seed again on the next start, even after the data was changed', async () => {
    const path = join(tempDir(), 'restart.sqlite')
    const first = await serve(path)
    first.db.prepare('DELETE FROM pipelines WHERE id = ?').run(demoPipeline)
    const left = runCount(first)
    await first.close()
    const second = await serve(path)
    try {
      expect(runCount(second)).toBe(left)
    } finally {
      await second.close()
    }
  })

  it('closes the database after the server, once, however often close is called', async () => {
    const server = await serve(join(tempDir(), 'close.sqlite'))
    await Promise.all([server.close(), server.close()])
    expect(server.db.open).toBe(false)
    expect(server.app.server.listening).toBe(false)
  })
})

// The one app and database kit: the token, the fixture runs, a migrated SQLite file holding them, the real app over it.
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/app.ts'
import { loadConfig, type Config, type ConfigFlags } from '../../src/config.ts'
import { migrate } from '../../src/db/migrate.ts'
import { openDatabase, type Db } from '../../src/db/open.ts'
import type { RunRead } from '../../src/schemas/runs.ts'
import { writeFixtureRuns } from './fixture-runs.ts'
import { afterFile, readJson, tempDir } from './temp.ts'

/** The server's default token: the app, the CLI's serve and the Docker image all accept it unless told otherwise. */
export const TOKEN = 'demo-token'
export const AUTH = { authorization: `Bearer ${TOKEN}` }

/** Fixture pipelines in test/fixtures/runs.json (P3 exists only when added by a test). */
export const FIXTURE = {
  pipeline1: 'a1b2c3d4-0001-4c1e-9f7a-2d3b8e5a6c01',
  pipeline2: 'a1b2c3d4-0002-4c1e-9f7a-2d3b8e5a6c02',
  version1a: 'b1b2c3d4-0001-4b6e-8f21-7a9c0d4e3b61',
  version1b: 'b1b2c3d4-0002-4b6e-8f21-7a9c0d4e3b62',
  version2a: 'b1b2c3d4-0003-4b6e-8f21-7a9c0d4e3b63'
}

/** The hand-written runs of test/fixtures/runs.json; shaped data in bulk comes from shapedRuns (fixture-runs.ts). */
export const fixtureRuns = (): RunRead[] => readJson<RunRead[]>('test/fixtures/runs.json')

/** A migrated SQLite file holding `runs` (in a temp dir unless `path` is given), closed after the file's tests. */
export function seededDb (runs: RunRead[] = fixtureRuns(), path = join(tempDir(), 'test.sqlite')): Db {
  const db = openDatabase(path)
  migrate(db)
  writeFixtureRuns(db, runs)
  afterFile(() => { if (db.open) db.close() })
  return db
}

export interface TestApp {
  app: FastifyInstance
  db: Db
  config: Config
  runs: RunRead[]
  dir: string
  close: () => Promise<void>
}

export interface TestAppOptions {
  runs?: RunRead[]
  /** A database to serve instead of a new one holding `runs`. */
  db?: Db
  configure?: (config: Config) => Config
}

/** The real app (never listening) over a real SQLite file; closed after the file's tests if not before. */
export async function buildTestApp (flags: ConfigFlags = {}, options: TestAppOptions = {}): Promise<TestApp> {
  const dir = tempDir()
  const runs = options.runs ?? fixtureRuns()
  const db = options.db ?? seededDb(runs, join(dir, 'test.sqlite'))
  const loaded = loadConfig(flags, {})
  const config = options.configure === undefined ? loaded : options.configure(loaded)
  const app = await buildApp({ config, db })
  let closed = false
  const close = async (): Promise<void> => {
    if (closed) return
    closed = true
    await app.close()
    if (options.db === undefined && db.open) db.close()
  }
  afterFile(close)
  return { app, db, config, runs, dir, close }
}

/** buildTestApp's app alone, for tests that only send requests. */
export async function testApp (flags: ConfigFlags = {}, db?: Db): Promise<FastifyInstance> {
  return (await buildTestApp(flags, db === undefined ? {} : { db })).app
}

/** Listens on 127.0.0.1, a free port; returns the port. */
export async function listen (app: FastifyInstance): Promise<number> {
  await app.listen({ host: '127.0.0.1', port: 0 })
  const address = app.server.address()
  if (address === null || typeof address === 'string') throw new Error('no port')
  return address.port
}

export { tempDir }

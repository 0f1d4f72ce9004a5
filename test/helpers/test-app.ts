// A real app over a real SQLite file in a temp dir, filled with fixture runs; closed by the returned function.
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/app.ts'
import { loadConfig, type Config, type ConfigFlags } from '../../src/config.ts'
import { migrate } from '../../src/db/migrate.ts'
import { openDatabase, type Db } from '../../src/db/open.ts'
import type { RunRead } from '../../src/schemas/runs.ts'
import { tempDir } from '../helpers.ts'
import { fixtureRuns, writeFixtureRuns } from './fixture-runs.ts'

export const TOKEN = 'test-token-1'

export interface TestApp {
  app: FastifyInstance
  db: Db
  config: Config
  runs: RunRead[]
  dir: string
  close: () => Promise<void>
}

export { tempDir }

/** A migrated database file holding the fixture runs. */
export function createTestDb (path: string, runs: RunRead[] = fixtureRuns()): Db {
  const db = openDatabase(path)
  migrate(db)
  writeFixtureRuns(db, runs)
  return db
}

export async function buildTestApp (flags: ConfigFlags = {}, configure?: (config: Config) => Config): Promise<TestApp> {
  const dir = tempDir()
  const runs = fixtureRuns()
  const db = createTestDb(join(dir, 'test.sqlite'), runs)
  const loaded = loadConfig({ token: [TOKEN], ...flags }, {})
  const config = configure === undefined ? loaded : configure(loaded)
  const app = await buildApp({ config, db })
  return {
    app,
    db,
    config,
    runs,
    dir,
    close: async () => {
      await app.close()
      db.close()
    }
  }
}

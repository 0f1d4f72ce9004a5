// The demo data set (seed/demo.json): loaded into an empty database on first start, or on `seed demo`.
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { RunRead } from '../schemas/runs.ts'
import type { Db } from './open.ts'
import { createRunWriter } from './write-runs.ts'

export const DEMO_FILE = fileURLToPath(new URL('../../seed/demo.json', import.meta.url))

export function readDemoRuns (): RunRead[] {
  return JSON.parse(readFileSync(DEMO_FILE, 'utf8')) as RunRead[]
}

export function isEmpty (db: Db): boolean {
  return db.prepare('SELECT NOT EXISTS (SELECT 1 FROM pipelines)').pluck().get() === 1
}

/** Replaces every row with the demo set, in one transaction; returns the number of runs written. */
export function loadDemo (db: Db): number {
  const writer = createRunWriter(db)
  const runs = readDemoRuns()
  return db.transaction(() => {
    writer.deleteAll()
    return writer.writeRuns(runs)
  }).immediate()
}

// generateIntoDatabase: same seed → same served bytes, another seed differs; replace vs append; valid by import's rules.
import { describe, expect, it } from 'vitest'
import { buildApp } from '../../src/app.ts'
import { loadConfig } from '../../src/config.ts'
import { createRunExporter } from '../../src/data/export.ts'
import { generateIntoDatabase } from '../../src/data/generate-into.ts'
import { describePipelines, type GenerateOptions } from '../../src/data/generator.ts'
import { importRuns } from '../../src/data/import.ts'
import type { Db } from '../../src/db/open.ts'
import type { RunRead } from '../../src/schemas/runs.ts'
import { socketRequest } from '../helpers/raw-http.ts'
import { readJson } from '../helpers/temp.ts'
import { AUTH, listen, seededDb } from '../helpers/test-app.ts'

const OPTIONS: GenerateOptions = { pipelines: 3, versions: 2, runs: 40, steps: 4, randomSeed: 7 }

/** Every pipeline's body as a listening server sends it. */
async function servedBodies (db: Db, options: GenerateOptions): Promise<string[]> {
  const app = await buildApp({ config: loadConfig({}, {}), db })
  try {
    const port = await listen(app)
    const bodies: string[] = []
    for (const pipeline of describePipelines(options)) {
      bodies.push((await socketRequest(port, 'GET', `/pipelines/${pipeline.id}/runs/`, AUTH)).body)
    }
    return bodies
  } finally {
    await app.close()
  }
}

async function generated (options: GenerateOptions, db: Db = seededDb([]), threads = true): Promise<Db> {
  await generateIntoDatabase(db, { ...options, threads })
  return db
}

describe('generateIntoDatabase', () => {
  it('the same seed serves the same bytes from two databases; another seed serves other bytes', async () => {
    const first = await servedBodies(await generated(OPTIONS), OPTIONS)
    const second = await servedBodies(await generated(OPTIONS), OPTIONS)
    expect(first.every((body) => body.startsWith('[{"id":'))).toBe(true)
    expect(second).toEqual(first)
    const other = { ...OPTIONS, randomSeed: 8 }
    const third = await servedBodies(await generated(other), other)
    expect(third).not.toEqual(first)
  })

  it('a generator thread and the same thread write the same bytes', async () => {
    const inline = await servedBodies(await generated(OPTIONS, seededDb([]), false), OPTIONS)
    expect(await servedBodies(await generated(OPTIONS), OPTIONS)).toEqual(inline)
  })

  it('writes the counts asked for and reports progress', async () => {
    const seen: number[] = []
    const db = seededDb([])
    expect(await generateIntoDatabase(db, { ...OPTIONS, onProgress: (runs) => seen.push(runs), progressEvery: 50, threads: false })).toEqual({ runs: 120, pipelines: 3 })
    expect(seen).toEqual([120, 120])
    const count = (table: string) => db.prepare(`SELECT count(*) FROM ${table}`).pluck().get()
    expect([count('pipelines'), count('pipeline_versions'), count('steps'), count('runs'), count('run_steps')]).toEqual([3, 6, 24, 120, 480])
  })

  it('replaces the data by default and keeps it with append', async () => {
    const demo = readJson<RunRead[]>('seed/demo.json')
    const replaced = await generated(OPTIONS, seededDb(demo))
    expect(replaced.prepare('SELECT count(*) FROM runs').pluck().get()).toBe(120)
    const appended = seededDb(demo)
    await generateIntoDatabase(appended, { ...OPTIONS, append: true })
    expect(appended.prepare('SELECT count(*) FROM runs').pluck().get()).toBe(120 + demo.length)
  })

  it('leaves the connection as it found it: foreign keys and CHECK constraints on, WAL journal', async () => {
    const db = await generated(OPTIONS)
    expect([db.pragma('foreign_keys', { simple: true }), db.pragma('ignore_check_constraints', { simple: true }), db.pragma('journal_mode', { simple: true })])
      .toEqual([1, 0, 'wal'])
    expect(db.pragma('foreign_key_check')).toEqual([])
  })

  it('what it writes passes every import rule, and exports then imports to the same bytes', async () => {
    const db = await generated(OPTIONS)
    const exporter = createRunExporter(db)
    const copy = seededDb([])
    for (const pipeline of describePipelines(OPTIONS)) {
      const body = [...exporter.chunks({ pipelineId: pipeline.id })].join('')
      importRuns(copy, JSON.parse(body) as RunRead[])
      expect([...createRunExporter(copy).chunks({ pipelineId: pipeline.id })].join('')).toBe(body)
    }
  })
})

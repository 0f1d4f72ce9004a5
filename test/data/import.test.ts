// importRuns / importRunFiles: every rule with its message and path, atomicity, idempotence, UUID and timestamp forms.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { formatFinding, importRunFiles, importRuns, ImportValidationError, MAX_FINDINGS } from '../../src/data/import.ts'
import type { Db } from '../../src/db/open.ts'
import { createRunQueries } from '../../src/queries/runs.ts'
import type { RunRead } from '../../src/schemas/runs.ts'
import { readJson, tempDir } from '../helpers/temp.ts'
import { seededDb } from '../helpers/test-app.ts'

type Mutable = any // tests break runs on purpose

const demo = (): RunRead[] => readJson<RunRead[]>('seed/demo.json')
const demoPipelineIds = () => [...new Set(demo().map((run) => run.pipeline_version.pipeline_id))].sort()
const emptyDb = (): Db => seededDb([])
const pipelineIds = (runs: RunRead[]) => [...new Set(runs.map((r) => r.pipeline_version.pipeline_id))]

/** Every served body, so a test can show that nothing changed, byte for byte. */
function servedBodies (db: Db, runs: RunRead[] = demo()): string[] {
  const queries = createRunQueries(db)
  return pipelineIds(runs).map((id) => queries.listRunsJson(id))
}

function findingsOf (work: () => unknown): string[] {
  try {
    work()
  } catch (error) {
    if (error instanceof ImportValidationError) return error.findings.map(formatFinding)
    throw error
  }
  throw new Error('expected an ImportValidationError')
}

function broken (mutate: (runs: Mutable[]) => void): RunRead[] {
  const runs = demo() as Mutable[]
  mutate(runs)
  return runs as RunRead[]
}

const RUNNING = 1 // demo run 1: Running, steps S S R P P
const FAILED = 5 // demo run 5: Failed, steps S F O O O

describe('importRuns', () => {
  it('refuses lone surrogates in any string or key, naming each path (the writer would turn them into U+FFFD)', () => {
    const db = emptyDb()
    const runs = broken((r) => {
      r[0].name = 'run-\ud800'
      r[0].argo_manifest = { ...r[0].argo_manifest, 'k\udc00': 'v', ok: 'é 😀' }
    })
    expect(findingsOf(() => importRuns(db, runs))).toEqual([
      'runs: [0].name: string has a lone surrogate, which UTF-8 cannot carry',
      `runs: [0].argo_manifest[${JSON.stringify('k\udc00')}]: key has a lone surrogate, which UTF-8 cannot carry`
    ])
  })

  it('refuses numbers the stored JSON would not give back as sent, naming each path; keeps the exact ones', () => {
    const db = emptyDb()
    const runs = broken((r) => {
      r[0].argo_metadata = { ...r[0].argo_metadata, big: 2 ** 64, inf: Infinity, neg: -0, nested: [{ 'a/b': -0 }], exact: [1.5, -2, 9007199254740991, 0.1] }
    })
    expect(findingsOf(() => importRuns(db, runs))).toEqual([
      'runs: [0].argo_metadata.big: number is an integer beyond 2^53: its digits cannot be kept exactly',
      'runs: [0].argo_metadata.inf: number is out of range for a JSON number the server can give back',
      'runs: [0].argo_metadata.neg: number is -0, which would be served as 0',
      'runs: [0].argo_metadata.nested[0]["a/b"]: number is -0, which would be served as 0'
    ])
    expect(db.prepare('SELECT count(*) FROM runs').pluck().get()).toBe(0)
  })

  it('imports an array into an empty database: served bodies equal the same runs imported by the writer', () => {
    const db = emptyDb()
    expect(importRuns(db, demo())).toEqual({ runs: 36, pipelines: 3 })
    expect(servedBodies(db)).toEqual(servedBodies(seededDb(demo())))
  })

  it('importing the same runs twice changes nothing (upsert by id)', () => {
    const db = emptyDb()
    importRuns(db, demo())
    const before = servedBodies(db)
    const counts = db.prepare('SELECT (SELECT count(*) FROM runs), (SELECT count(*) FROM steps), (SELECT count(*) FROM run_steps)').raw().get()
    expect(importRuns(db, demo())).toEqual({ runs: 36, pipelines: 3 })
    expect(servedBodies(db)).toEqual(before)
    expect(db.prepare('SELECT (SELECT count(*) FROM runs), (SELECT count(*) FROM steps), (SELECT count(*) FROM run_steps)').raw().get()).toEqual(counts)
  })

  it('an updated run replaces the stored one', () => {
    const db = seededDb(demo())
    const runs = demo()
    const running = runs[RUNNING] as Mutable
    const finished = {
      ...running,
      status: 'Succeeded',
      finished_at: '2026-11-04T10:00:00Z',
      run_steps: running.run_steps.map((s: Mutable) => ({ ...s, status: 'Succeeded', started_at: s.started_at ?? '2026-11-04T09:40:00Z', finished_at: '2026-11-04T09:50:00Z' }))
    }
    importRuns(db, [finished])
    const served = JSON.parse(createRunQueries(db).listRunsJson(running.pipeline_version.pipeline_id)) as RunRead[]
    expect(served.find((r) => r.id === running.id)).toMatchObject({ status: 'Succeeded', finished_at: '2026-11-04T10:00:00Z' })
  })

  it('accepts every UUID form the endpoint accepts and stores it lowercase and hyphenated', () => {
    const db = emptyDb()
    const runs = broken((r) => {
      r[0].id = r[0].id.toUpperCase()
      r[0].pipeline_version.pipeline_id = `{${r[0].pipeline_version.pipeline_id as string}}`
      for (const run of r) if (run.pipeline_version.id === r[0].pipeline_version.id) run.pipeline_version.pipeline_id = r[0].pipeline_version.pipeline_id
      r[0].pipeline_config_version_id = `urn:uuid:${r[0].pipeline_config_version_id as string}`
    })
    importRuns(db, runs)
    expect(servedBodies(db)).toEqual(servedBodies(seededDb(demo())))
  })

  it('accepts any RFC 3339 timestamp and serves it as pydantic writes it', () => {
    const db = emptyDb()
    importRuns(db, broken((r) => {
      r[3].created_at = '2026-11-04T06:36:55.313759+01:00'
      r[3].finished_at = '2026-11-04T05:42:25.000Z'
    }))
    expect(servedBodies(db)).toEqual(servedBodies(seededDb(demo())))
  })

  it('an empty array imports nothing', () => {
    expect(importRuns(emptyDb(), [])).toEqual({ runs: 0, pipelines: 0 })
  })

  it.each<[string, (runs: Mutable[]) => void, string[]]>([
    ['not a list', () => {}, []],
    ['a missing field', (r) => { delete r[0].name }, ['runs: [0].name: missing required field']],
    ['an unknown field', (r) => { r[0].finshed_at = null }, ['runs: [0].finshed_at: unknown field']],
    ['a wrong type', (r) => { r[2].status = 7 }, ['runs: [2].status: expected string, got 7']],
    ['a nested wrong type', (r) => { r[2].pipeline_version.steps[1].config.input_datasets = 'raw.orders' },
      ['runs: [2].pipeline_version.steps[1].config.input_datasets: expected array, got "raw.orders"']],
    ['an object that is not an object', (r) => { r[4].argo_metadata = [] }, ['runs: [4].argo_metadata: expected object, got an array']],
    ['a bad UUID', (r) => { r[1].id = 'run-1' }, ['runs: [1].id: "run-1" is not a valid UUID: invalid character: found `r` at 1']],
    ['a bad timestamp', (r) => { r[3].created_at = '2026-11-04 soon' }, ['runs: [3].created_at: "2026-11-04 soon" is not an RFC 3339 date-time']],
    ['a bad nullable timestamp', (r) => { r[3].run_steps[2].finished_at = '2026-13-01T00:00:00Z' },
      ['runs: [3].run_steps[2].finished_at: "2026-13-01T00:00:00Z" is not an RFC 3339 date-time']],
    ['an element that is not an object', (r) => { r[6] = 'run' }, ['runs: [6]: expected object, got "run"']]
  ])('schema: %s', (name, mutate, expected) => {
    if (name === 'not a list') {
      expect(findingsOf(() => importRuns(emptyDb(), { runs: [] } as unknown as unknown[]))).toEqual(['runs: expected a JSON array of runs'])
      return
    }
    expect(findingsOf(() => importRuns(emptyDb(), broken(mutate), { source: 'runs.json' }))).toEqual(expected.map((line) => line.replace(/^runs:/, 'runs.json:')))
  })

  it.each<[string, (runs: Mutable[]) => void, string]>([
    ['a step finishes before it starts', (r) => { r[3].run_steps[0].finished_at = '2026-11-04T05:00:00Z' },
      '[3].run_steps[0].finished_at: finished_at 2026-11-04T05:00:00Z is before started_at 2026-11-04T05:36:57Z'],
    ['a run finishes before it was created', (r) => { r[3].finished_at = '2026-11-04T05:00:00Z' },
      '[3].finished_at: finished_at 2026-11-04T05:00:00Z is before created_at 2026-11-04T05:36:55.313759Z'],
    ['a run created before its version', (r) => { r[3].created_at = '2020-01-01T00:00:00Z' },
      `[3].created_at: created_at 2020-01-01T00:00:00Z is before its version's created_at ${demo()[3]?.pipeline_version.created_at ?? ''}`],
    ['a run step that is not a step of the version', (r) => { r[3].run_steps[1].name = 'deploy' },
      `[3].run_steps[1].name: run step "deploy" is not a step of version ${demo()[3]?.pipeline_version.id ?? ''}`],
    ['a run step twice', (r) => { r[3].run_steps[1].name = r[3].run_steps[0].name }, `[3].run_steps[1].name: run step "${demo()[3]?.run_steps[0]?.name ?? ''}" appears more than once`],
    ['run steps out of order', (r) => { r[3].run_steps.reverse() }, `[3].run_steps[1].name: run step "${demo()[3]?.run_steps[3]?.name ?? ''}" comes after a later step of the pipeline`],
    ['pipeline_config_version_id differs from pipeline_version.id', (r) => { r[3].pipeline_config_version_id = r[4].pipeline_config_version_id },
      `[3].pipeline_config_version_id: pipeline_config_version_id ${demo()[4]?.pipeline_config_version_id ?? ''} differs from pipeline_version.id ${demo()[3]?.pipeline_version.id ?? ''}`],
    ['an unknown run status', (r) => { r[3].status = 'Done' }, '[3].status: status "Done" is not a workflow phase (Pending, Running, Succeeded, Failed, Error)'],
    ['an unknown step status', (r) => { r[3].run_steps[0].status = 'Done' }, '[3].run_steps[0].status: status "Done" is not a node phase (Pending, Running, Succeeded, Skipped, Failed, Error, Omitted)'],
    ['a finished run without finished_at', (r) => { r[3].finished_at = null }, '[3].finished_at: finished_at is null but the run is Succeeded'],
    ['a running run with finished_at', (r) => { r[RUNNING].finished_at = '2026-11-04T09:59:00Z' }, `[${RUNNING}].finished_at: finished_at is set but the run is still Running`],
    ['a pending step with started_at', (r) => { r[RUNNING].run_steps[4].started_at = '2026-11-04T09:29:00Z' }, `[${RUNNING}].run_steps[4].started_at: started_at is set but the step is still Pending`],
    ['an omitted step without times', (r) => { r[FAILED].run_steps[2].started_at = null }, `[${FAILED}].run_steps[2].started_at: started_at is null but the step is Omitted`],
    ['a step started before its run was created', (r) => { r[3].run_steps[0].started_at = '2026-11-04T05:36:54Z' },
      '[3].run_steps[0].started_at: started_at 2026-11-04T05:36:54Z is before the run\'s created_at 2026-11-04T05:36:55.313759Z'],
    ['a run id twice', (r) => { r[4].id = r[3].id }, `[4].id: run id ${demo()[3]?.id ?? ''} already appears at runs: [3]`],
    ['one version with two pipelines', (r) => { r[7].pipeline_version.pipeline_id = r[4].pipeline_version.pipeline_id },
      `[7].pipeline_version.pipeline_id: version ${demo()[7]?.pipeline_version.id ?? ''} has another pipeline_id (${demo()[4]?.pipeline_version.pipeline_id ?? ''}) than runs: [0] (${demo()[0]?.pipeline_version.pipeline_id ?? ''})`],
    ['one version with other steps', (r) => { r[7].pipeline_version.steps[0].config.query = 'SELECT 1' },
      `[7].pipeline_version.steps: version ${demo()[7]?.pipeline_version.id ?? ''} has other steps (id, name, config or created_at) than runs: [0]`],
    ['one version created twice', (r) => { r[7].pipeline_version.created_at = '2026-01-01T00:00:00Z' },
      `[7].pipeline_version.created_at: version ${demo()[7]?.pipeline_version.id ?? ''} has another created_at (2026-01-01T00:00:00Z) than runs: [0]`],
    ['a step id in two versions', (r) => {
      for (const run of r) if (run.pipeline_version.id === r[8].pipeline_version.id) run.pipeline_version.steps[0].id = r[0].pipeline_version.steps[0].id
    }, `[8].pipeline_version.steps[0].id: step id ${demo()[0]?.pipeline_version.steps[0]?.id ?? ''} also belongs to version ${demo()[0]?.pipeline_version.id ?? ''}`]
  ])('rule: %s', (_name, mutate, expected) => {
    expect(findingsOf(() => importRuns(emptyDb(), broken(mutate)))).toContain(`runs: ${expected}`)
  })

  it('rejects a version the database holds with other steps or another pipeline, and a step id it holds elsewhere', () => {
    const db = seededDb(demo())
    const [run] = demo() as [Mutable]
    const otherSteps = { ...run, id: '00000000-0000-4000-8000-000000000001', pipeline_version: { ...run.pipeline_version, steps: run.pipeline_version.steps.slice(1) } }
    otherSteps.run_steps = otherSteps.run_steps.slice(1)
    const otherPipeline = { ...run, id: '00000000-0000-4000-8000-000000000002', pipeline_version: { ...run.pipeline_version, pipeline_id: '00000000-0000-4000-8000-0000000000ff' } }
    const newVersion = '00000000-0000-4000-8000-0000000000aa'
    const stolenStep = { ...run, id: '00000000-0000-4000-8000-000000000003', pipeline_config_version_id: newVersion, pipeline_version: { ...run.pipeline_version, id: newVersion } }
    expect(findingsOf(() => importRuns(db, [otherSteps, otherPipeline, stolenStep], { source: 'mine.json' }))).toEqual([
      `mine.json: [0].pipeline_version.steps: version ${run.pipeline_version.id as string} has other steps (id, name, config or created_at) than in the database`,
      `mine.json: [1].pipeline_version.pipeline_id: version ${run.pipeline_version.id as string} has another pipeline_id (00000000-0000-4000-8000-0000000000ff) than in the database (${run.pipeline_version.pipeline_id as string})`,
      ...run.pipeline_version.steps.map((step: Mutable, i: number) => `mine.json: [2].pipeline_version.steps[${i}].id: step id ${step.id as string} also belongs to version ${run.pipeline_version.id as string}`)
    ])
  })

  it('reports every problem at once, up to MAX_FINDINGS, then counts the rest; the database is unchanged', () => {
    const db = seededDb(demo())
    const before = servedBodies(db)
    const runs = broken((r) => { for (const run of r) { run.status = 'Done'; run.run_steps[0].status = 'Done' } })
    try {
      importRuns(db, runs)
      throw new Error('no error')
    } catch (error) {
      if (!(error instanceof ImportValidationError)) throw error
      expect(error.total).toBe(72)
      expect(error.findings).toHaveLength(MAX_FINDINGS)
      expect(error.findings[0]).toEqual({ source: 'runs', path: '[0].status', message: 'status "Done" is not a workflow phase (Pending, Running, Succeeded, Failed, Error)', type: 'run-status' })
      expect(error.message.split('\n')).toEqual(['72 problems, nothing imported:', ...error.findings.map(formatFinding), '… and 22 more'])
    }
    expect(servedBodies(db)).toEqual(before)
  })

  it('a bad run after good ones leaves the served bodies byte-identical', () => {
    const db = seededDb(demo())
    const before = servedBodies(db)
    const runs = broken((r) => {
      for (const run of r) run.name = `${run.name as string}-changed`
      r[35].run_steps[0].finished_at = '2000-01-01T00:00:00Z'
    })
    expect(() => importRuns(db, runs)).toThrow(ImportValidationError)
    expect(servedBodies(db)).toEqual(before)
  })
})

describe('importRunFiles', () => {
  function writeRuns (name: string, content: unknown): string {
    const path = join(tempDir(), name)
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content))
    return path
  }

  async function fileFindings (db: Db, paths: string[]): Promise<string[]> {
    const error = await importRunFiles(db, paths).then(() => undefined, (e: unknown) => e)
    if (!(error instanceof ImportValidationError)) throw new Error(`expected an ImportValidationError, got ${String(error)}`)
    return error.findings.map(formatFinding)
  }

  it('streams several files into one import and reports progress in bytes', async () => {
    const runs = demo()
    const first = writeRuns('first.json', runs.slice(0, 20))
    const second = writeRuns('second.json', runs.slice(20))
    const db = emptyDb()
    const seen: number[] = []
    expect(await importRunFiles(db, [first, second], { onProgress: (bytes) => seen.push(bytes) })).toEqual({ runs: 36, pipelines: 3, pipelineIds: demoPipelineIds() })
    expect(servedBodies(db)).toEqual(servedBodies(seededDb(demo())))
    expect(seen.at(-1)).toBeGreaterThan(0)
    expect(seen).toEqual([...seen].sort((a, b) => a - b))
  })

  it('a bad second file leaves the database byte-identical, and names the file and path', async () => {
    const db = seededDb(demo())
    const before = servedBodies(db)
    const good = writeRuns('good.json', demo().slice(0, 18).map((r) => ({ ...r, name: `${r.name}-x` })))
    const bad = writeRuns('bad.json', broken((r) => { r[20].run_steps[0].finished_at = '2000-01-01T00:00:00Z' }).slice(18))
    expect(await fileFindings(db, [good, bad])).toEqual([
      `bad.json: [2].run_steps[0].finished_at: finished_at 2000-01-01T00:00:00Z is before started_at ${demo()[20]?.run_steps[0]?.started_at ?? ''}`
    ])
    expect(servedBodies(db)).toEqual(before)
    expect(db.inTransaction).toBe(false)
  })

  it('finds run ids repeated across files', async () => {
    const runs = demo()
    const first = writeRuns('a.json', runs.slice(0, 2))
    const second = writeRuns('b.json', runs.slice(1, 3))
    expect(await fileFindings(emptyDb(), [first, second])).toEqual([`b.json: [0].id: run id ${runs[1]?.id ?? ''} already appears at a.json: [1]`])
  })

  it.each([
    ['not JSON', '[{"id": 1}, {', 'invalid JSON: '],
    ['not an array', '{"runs": []}', 'expected a JSON array of runs'],
    ['empty', '', 'invalid JSON: ']
  ])('a file that is %s is named in the finding', async (_name, content, message) => {
    const path = writeRuns('broken.json', content)
    const findings = await fileFindings(emptyDb(), [path])
    expect(findings.at(-1)).toMatch(new RegExp(`^broken\\.json: ${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`))
  })

  it('a missing file fails before anything is read', async () => {
    const db = seededDb(demo())
    const path = join(tempDir(), 'missing.json')
    await expect(importRunFiles(db, [writeRuns('ok.json', []), path])).rejects.toThrow(`${path}: no such file`)
    expect(db.inTransaction).toBe(false)
  })

  it('times before 1970, which the tables cannot hold, are findings', async () => {
    const path = writeRuns('old.json', broken((r) => {
      r[3].pipeline_version.steps[0].created_at = '1970-01-01T00:30:00+01:00'
      r[3].run_steps[0].started_at = '1969-12-31T23:59:59.999999Z'
    }).slice(3, 4))
    expect((await fileFindings(emptyDb(), [path])).filter((f) => f.endsWith('cannot be stored'))).toEqual([
      'old.json: [0].pipeline_version.steps[0].created_at: created_at 1970-01-01T00:30:00+01:00 is before 1970-01-01T00:00:00Z, which cannot be stored',
      'old.json: [0].run_steps[0].started_at: started_at 1969-12-31T23:59:59.999999Z is before 1970-01-01T00:00:00Z, which cannot be stored'
    ])
  })

  it('the connection\'s settings are back after an import, good or bad', async () => {
    const db = emptyDb()
    const settings = () => ['cache_size', 'foreign_keys', 'journal_mode', 'temp_store'].map((name) => db.pragma(name, { simple: true }))
    const before = settings()
    await importRunFiles(db, [writeRuns('good.json', demo())])
    expect(settings()).toEqual(before)
    await expect(importRunFiles(db, [writeRuns('bad.json', '[1')])).rejects.toThrow(ImportValidationError)
    expect(settings()).toEqual(before)
    const insert = db.prepare("INSERT INTO runs (id, pipeline_id, version_id, name, status, manifest_id, argo_metadata, created_at) VALUES ('x', 'p', 'v', 'n', 'Done', 1, '{}', 0)")
    expect(() => insert.run()).toThrow(/CHECK/)
  })

  describe('in a worker thread (files from workerFrom bytes on)', () => {
    const inWorker = { workerFrom: 0 }

    it('imports like the in-thread path and reports progress', async () => {
      const db = emptyDb()
      const seen: number[] = []
      const files = [writeRuns('first.json', demo().slice(0, 20)), writeRuns('second.json', demo().slice(20))]
      expect(await importRunFiles(db, files, { ...inWorker, onProgress: (bytes) => seen.push(bytes) })).toEqual({ runs: 36, pipelines: 3, pipelineIds: demoPipelineIds() })
      expect(servedBodies(db)).toEqual(servedBodies(seededDb(demo())))
      expect(seen).toEqual([...seen].sort((a, b) => a - b))
    })

    it('gives the same findings, in the same order, as the in-thread path', async () => {
      const runs = broken((r) => {
        r[3].run_steps[0].finished_at = '2000-01-01T00:00:00Z'
        r[4].id = r[3].id
        r[7].pipeline_version.steps[0].config.query = 'SELECT 1'
        delete r[9].name
      })
      const paths = [writeRuns('a.json', runs.slice(0, 20)), writeRuns('b.json', `${JSON.stringify(runs.slice(20)).slice(0, -1)}, {`)]
      const findings = async (options: { workerFrom?: number }) => await importRunFiles(seededDb(demo()), paths, options).then(
        () => { throw new Error('no error') }, (error: unknown) => (error as ImportValidationError).findings.map(formatFinding))
      const expected = await findings({})
      expect(expected).toHaveLength(5)
      expect(expected.at(-1)).toMatch(/^b\.json: invalid JSON: unexpected end of input at byte \d+$/)
      expect(await findings(inWorker)).toEqual(expected)
    })

    it('a file that is not an array', async () => {
      const error = await importRunFiles(emptyDb(), [writeRuns('obj.json', '{}')], inWorker).catch((e: unknown) => e)
      expect((error as ImportValidationError).findings.map(formatFinding)).toEqual(['obj.json: expected a JSON array of runs'])
    })
  })

  it('two files with the same base name are told apart by their paths', async () => {
    const one = writeRuns('runs.json', broken((r) => { r[0].status = 'x' }).slice(0, 1))
    const two = writeRuns('runs.json', broken((r) => { r[1].status = 'y' }).slice(1, 2))
    const findings = await fileFindings(emptyDb(), [one, two])
    expect(findings.map((f) => f.split(': [')[0])).toEqual([one, two])
  })
})

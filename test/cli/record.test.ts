// `record`: a live server's runs into a database through import (validated, atomic, upsert), redacted, no tokens.
import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../../src/app.ts'
import { record, parseRecordArgs } from '../../src/cli/record.ts'
import { loadConfig } from '../../src/config.ts'
import { openDatabase } from '../../src/db/open.ts'
import { runVerify } from '../../src/verify/run.ts'
import { startBrokenServer, type BrokenServer } from '../fixtures/broken-server.ts'
import { FIXTURE_PIPELINE, FIXTURE_RUNS, startTestServer, TOKEN, type TestServer } from '../fixtures/contract-server.ts'

const BIN = new URL('../../bin/pipelines-mock.js', import.meta.url).pathname
const PIPELINES = [...new Set(FIXTURE_RUNS.map((run) => run.pipeline_version.pipeline_id))]
const OTHER_PIPELINE = PIPELINES.find((id) => id !== FIXTURE_PIPELINE) as string

async function cli (args: string[]): Promise<{ code: number, stdout: string, stderr: string }> {
  return await new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH ?? '' }, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr })
    })
  })
}

/** Serves `dbPath` with the real app on a real port and returns the body of each pipeline's runs. */
async function served (dbPath: string, pipelineIds: string[]): Promise<string[]> {
  const db = openDatabase(dbPath, { readOnly: true })
  const app = await buildApp({ config: { ...loadConfig({}, {}), tokens: [TOKEN] }, db })
  try {
    return await Promise.all(pipelineIds.map(async (id) => (await app.inject({ url: `/pipelines/${id}/runs/`, headers: { authorization: `Bearer ${TOKEN}` } })).body))
  } finally {
    await app.close()
    db.close()
  }
}

describe('pipelines-mock record', () => {
  let source: TestServer
  let dir: string
  beforeAll(async () => {
    source = await startTestServer()
    dir = mkdtempSync(join(tmpdir(), 'pipelines-mock-record-'))
  })
  afterAll(async () => {
    await source.close()
    rmSync(dir, { recursive: true, force: true })
  })
  const args = (dbPath: string, ...extra: string[]) => ['--base-url', source.url, '--token', TOKEN, '--pipeline', FIXTURE_PIPELINE, '--pipeline', OTHER_PIPELINE, '--db', dbPath, ...extra]

  it('records every pipeline (spawned): the database then serves the same bytes as the source', async () => {
    const dbPath = join(dir, 'copy.sqlite')
    const run = await cli(['record', ...args(dbPath)])
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(run.stdout).toBe(`recorded 24 runs of 2 pipelines from ${source.url} into ${dbPath}\n`)
    const original = await Promise.all([FIXTURE_PIPELINE, OTHER_PIPELINE].map(async (id) => (await fetch(`${source.url}/pipelines/${id}/runs/`, { headers: { authorization: `Bearer ${TOKEN}` } })).text()))
    expect(await served(dbPath, [FIXTURE_PIPELINE, OTHER_PIPELINE])).toEqual(original)
  })

  it('is an upsert: recording again changes nothing', async () => {
    const dbPath = join(dir, 'twice.sqlite')
    await record(parseRecordArgs(args(dbPath), {}))
    const first = await served(dbPath, [FIXTURE_PIPELINE])
    expect(await record(parseRecordArgs(args(dbPath), {}))).toMatchObject({ runs: 24, pipelines: 2 })
    expect(await served(dbPath, [FIXTURE_PIPELINE])).toEqual(first)
  })

  it('--redact-sql --redact-labels: no SQL or label values stored, and the recorded data still passes verify', async () => {
    const dbPath = join(dir, 'redacted.sqlite')
    await record(parseRecordArgs(args(dbPath, '--redact-sql', '--redact-labels'), {}))
    const [body] = await served(dbPath, [FIXTURE_PIPELINE])
    for (const query of FIXTURE_RUNS.flatMap((r) => r.pipeline_version.steps.map((s) => s.config.query))) expect(body).not.toContain(JSON.stringify(query).slice(1, -1))
    expect(body).toContain(`"pipeline-id":"${FIXTURE_PIPELINE}"`)
    expect(body).toMatch(/"query":"(INSERT|SELECT) … \/\* redacted [0-9a-f]{8} \*\/"/)

    const db = openDatabase(dbPath)
    const copy = await buildApp({ config: { ...loadConfig({}, {}), tokens: [TOKEN] }, db })
    try {
      const url = await copy.listen({ host: '127.0.0.1', port: 0 })
      const report = await runVerify({ baseUrl: url, token: TOKEN, pipelineId: FIXTURE_PIPELINE, compat: 'current', timeoutMs: 5000, retries: 0 })
      expect(report.failed_rules).toEqual([])
    } finally {
      await copy.close()
      db.close()
    }
  })

  describe('with a server that leaks or breaks things', () => {
    let leaky: BrokenServer
    let invalid: BrokenServer
    beforeAll(async () => {
      leaky = await startBrokenServer({
        rule: '',
        response: (a, e) => a.status === 200 ? { ...a, body: a.body.replaceAll('"namespace":"pipelines"', `"namespace":"${String(e.headers.authorization).slice(7)}"`) } : a
      })
      invalid = await startBrokenServer({
        rule: '',
        response: (a, e) => a.status === 200 && e.url.includes(OTHER_PIPELINE) ? { ...a, body: a.body.replace(/"finished_at":"[^"]+","run_steps"/, '"finished_at":null,"run_steps"') } : a
      })
    })
    afterAll(async () => Promise.all([leaky.close(), invalid.close()]))

    it('never stores the token, even when the server echoes it', async () => {
      const dbPath = join(dir, 'leaky.sqlite')
      await record(parseRecordArgs(['--base-url', leaky.url, '--token', TOKEN, '--pipeline', FIXTURE_PIPELINE, '--db', dbPath], {}))
      const [body] = await served(dbPath, [FIXTURE_PIPELINE])
      expect(body).toContain('"namespace":"[redacted]"')
      for (const file of [dbPath, `${dbPath}-wal`]) if (existsSync(file)) expect(readFileSync(file).includes(TOKEN)).toBe(false)
    })

    it('writes nothing when any pipeline fails validation (spawned: exit 1, the source and JSON path named)', async () => {
      const dbPath = join(dir, 'invalid.sqlite')
      const run = await cli(['record', '--base-url', invalid.url, '--token', TOKEN, '--pipeline', FIXTURE_PIPELINE, '--pipeline', OTHER_PIPELINE, '--db', dbPath])
      expect(run.code).toBe(1)
      expect(run.stdout).toBe('')
      expect(run.stderr).toMatch(new RegExp(`^pipelines-mock: 1 problem, nothing imported:\\nGET /pipelines/${OTHER_PIPELINE}/runs/: \\[\\d+\\]\\.finished_at: finished_at is null but the run is \\w+\\n$`))
      const db = openDatabase(dbPath, { readOnly: true })
      try {
        expect(db.prepare('SELECT count(*) FROM runs').pluck().get()).toBe(0)
      } finally {
        db.close()
      }
    })
  })

  it('fails with one line for a pipeline the server does not know', async () => {
    const unknown = '00000000-0000-4000-8000-000000000000'
    const run = await cli(['record', '--base-url', source.url, '--token', TOKEN, '--pipeline', unknown, '--db', join(dir, 'none.sqlite')])
    expect(run.code).toBe(1)
    expect(run.stderr).toBe(`pipelines-mock: GET /pipelines/${unknown}/runs/ answered 404: {"detail":"Pipeline not found"}\n`)
    expect(existsSync(join(dir, 'none.sqlite'))).toBe(false)
  })
})

describe('parseRecordArgs', () => {
  it('reads every option, deduplicating and normalising pipeline ids', () => {
    expect(parseRecordArgs(['--base-url', 'http://x', '--pipeline', FIXTURE_PIPELINE.toUpperCase(), '--pipeline', FIXTURE_PIPELINE,
      '--db', 'x.sqlite', '--redact-sql', '--api-key', 'k', '--timeout', '50', '--retries', '0'], { PIPELINES_MOCK_REMOTE_TOKEN: 'env-token' })).toEqual({
      remote: { baseUrl: 'http://x', token: 'env-token', apiKey: 'k', timeoutMs: 50, retries: 0 },
      pipelineIds: [FIXTURE_PIPELINE],
      dbPath: 'x.sqlite',
      redact: { sql: true, labels: false }
    })
  })

  it.each([
    [['--base-url', 'http://x', '--token', 't'], '--pipeline is required (repeat it for more)'],
    [['--base-url', 'http://x', '--token', 't', '--pipeline', 'x'], '--pipeline: expected a UUID, got "x"'],
    [['--token', 't', '--pipeline', FIXTURE_PIPELINE], '--base-url is required']
  ])('rejects %j', (argv, message) => {
    expect(() => parseRecordArgs(argv, {})).toThrow(message)
  })

  it('defaults the database like the other commands', () => {
    expect(parseRecordArgs(['--base-url', 'http://x', '--token', 't', '--pipeline', FIXTURE_PIPELINE], { PIPELINES_MOCK_DB: '/tmp/env.sqlite' }).dbPath).toBe('/tmp/env.sqlite')
  })
})

// GET /pipelines/{pipeline_id}/runs/ over inject and a real socket: auth, 422 bodies, lookups, the 200 body byte for byte.
import { execFileSync } from 'node:child_process'
import { beforeAll, describe, expect, it } from 'vitest'
import { createRunWriter } from '../../src/db/write-runs.ts'
import type { RunRead } from '../../src/schemas/runs.ts'
import { type RawResponse, socketRequest, transports } from '../helpers/raw-http.ts'
import { readJson } from '../helpers/temp.ts'
import { AUTH, FIXTURE, fixtureRuns, listen, seededDb, testApp } from '../helpers/test-app.ts'

const app = await testApp({ token: ['demo-token', 'second-token'] })
let port = 0
beforeAll(async () => { port = await listen(app) })

const runsPath = (pipelineId: string, query = '') => `/pipelines/${pipelineId}/runs/${query}`
const P1 = runsPath(FIXTURE.pipeline1)
const NOT_AUTHENTICATED = '{"detail":"Not authenticated"}'
const INVALID_CREDENTIALS = '{"detail":"Could not validate credentials"}'

interface ResponseCase { pipeline_id: string, version_id: string | null, body: string }
interface UuidCase { input: string, ok: boolean, uuid?: string, error?: string, msg?: string }
interface ValidationCase { pipeline_id: string, version_id: string | null, body: string | null }
const responses = readJson<ResponseCase[]>('test/fixtures/pydantic/responses.json')
const uuidCases = readJson<{ cases: UuidCase[] }>('test/fixtures/pydantic/uuid.json').cases
const validationCases = readJson<ValidationCase[]>('test/fixtures/pydantic/validation.json')
const expectedBody = (pipelineId: string, versionId: string | null = null): string =>
  responses.find((r) => r.pipeline_id === pipelineId && r.version_id === versionId)?.body ?? 'missing oracle case'

function expectJson (response: RawResponse, status: number, body: string): void {
  expect({ status: response.status, body: response.body }).toEqual({ status, body })
  expect(response.headers['content-type']).toBe('application/json')
  expect(response.headers['content-length']).toBe(String(Buffer.byteLength(body)))
}

describe.each(transports(app, () => port))('over %s', (_transport, send) => {
  describe('bearer auth (FastAPI HTTPBearer >= 0.128.1)', () => {
    it.each([
      ['no Authorization header', undefined],
      ['an empty header', ''],
      ['the scheme alone', 'Bearer'],
      ['whitespace-only credentials', 'Bearer \t  '],
      ['credentials Python strips away (no-break space)', 'Bearer \u00a0'],
      ['another scheme', 'Basic ZGVtbzpkZW1v'],
      ['the token alone', 'demo-token'],
      ['a tab instead of the space', 'Bearer\tdemo-token']
    ])('%s → 401 Not authenticated with www-authenticate: Bearer', async (_name, authorization) => {
      const response = await send('GET', P1, authorization === undefined ? {} : { authorization })
      expectJson(response, 401, NOT_AUTHENTICATED)
      expect(response.headers['www-authenticate']).toBe('Bearer')
    })

    it.each([
      ['lower-case scheme', 'bearer demo-token'],
      ['upper-case scheme', 'BEARER demo-token'],
      ['mixed-case scheme', 'bEaReR demo-token'],
      ['two spaces before the token', 'Bearer  demo-token'],
      ['a second configured token', 'Bearer second-token']
    ])('%s → 200', async (_name, authorization) => {
      const response = await send('GET', P1, { authorization })
      expectJson(response, 200, expectedBody(FIXTURE.pipeline1))
    })

    it.each([
      ['an unknown token', 'Bearer not-the-token'],
      ['a token with a suffix', 'Bearer demo-token2'],
      ['a token followed by more words', 'Bearer demo-token extra']
    ])('%s → 401 Could not validate credentials with www-authenticate: Bearer', async (_name, authorization) => {
      const response = await send('GET', P1, { authorization })
      expectJson(response, 401, INVALID_CREDENTIALS)
      expect(response.headers['www-authenticate']).toBe('Bearer')
    })

    it('answers 401 before 422 and before 404', async () => {
      expectJson(await send('GET', runsPath('not-a-uuid', '?version_id=')), 401, NOT_AUTHENTICATED)
      expectJson(await send('GET', runsPath('not-a-uuid'), { authorization: 'Bearer wrong' }), 401, INVALID_CREDENTIALS)
      expectJson(await send('GET', runsPath('00000000-0000-0000-0000-000000000000')), 401, NOT_AUTHENTICATED)
    })
  })

  describe('422 bodies (test/fixtures/pydantic/validation.json)', () => {
    it.each(validationCases.map((c) => [`${c.pipeline_id} ? ${String(c.version_id)}`, c] as const))('%s', async (_name, c) => {
      const query = c.version_id === null ? '' : `?version_id=${encodeURIComponent(c.version_id)}`
      const response = await send('GET', runsPath(encodeURIComponent(c.pipeline_id), query), AUTH)
      if (c.body === null) expect(response.status).toBe(404) // both valid: the pipeline is not in the fixture
      else expectJson(response, 422, c.body)
    })
  })

  describe('every UUID input pydantic was asked about (test/fixtures/pydantic/uuid.json)', () => {
    it.each(uuidCases.map((c) => [JSON.stringify(c.input), c] as const))('path %s', async (_name, c) => {
      const response = await send('GET', runsPath(encodeURIComponent(c.input)), AUTH)
      if (c.input === '') expectJson(response, 404, '{"detail":"Not Found"}') // `[^/]+` needs one character
      else if (c.ok) expectJson(response, 404, '{"detail":"Pipeline not found"}')
      else {
        const body = JSON.stringify({ detail: [{ type: 'uuid_parsing', loc: ['path', 'pipeline_id'], msg: c.msg, input: c.input, ctx: { error: c.error } }] })
        expectJson(response, 422, body)
      }
    })

    it.each(uuidCases.map((c) => [JSON.stringify(c.input), c] as const))('query %s', async (_name, c) => {
      const response = await send('GET', `${P1}?version_id=${encodeURIComponent(c.input)}`, AUTH)
      if (c.ok) expectJson(response, 200, '[]')
      else {
        const body = JSON.stringify({ detail: [{ type: 'uuid_parsing', loc: ['query', 'version_id'], msg: c.msg, input: c.input, ctx: { error: c.error } }] })
        expectJson(response, 422, body)
      }
    })

    it('keeps a percent sign that is no escape, as Starlette\'s unquote does', async () => {
      const body = '{"detail":[{"type":"uuid_parsing","loc":["path","pipeline_id"],"msg":"Input should be a valid UUID, invalid character: found `%` at 1","input":"%zz","ctx":{"error":"invalid character: found `%` at 1"}}]}'
      expectJson(await send('GET', runsPath('%zz'), AUTH), 422, body)
    })

    it('validates a pipeline_id longer than the router\'s parameter limit like any other', async () => {
      const long = 'a'.repeat(150)
      const error = 'invalid length: expected length 32 for simple format, found 150'
      const body = JSON.stringify({ detail: [{ type: 'uuid_parsing', loc: ['path', 'pipeline_id'], msg: `Input should be a valid UUID, ${error}`, input: long, ctx: { error } }] })
      expectJson(await send('GET', runsPath(long), AUTH), 422, body)
    })

    it('reads `+` in the query as a space', async () => {
      const response = await send('GET', `${P1}?version_id=a+b`, AUTH)
      expect(JSON.parse(response.body).detail[0].input).toBe('a b')
    })
  })

  describe('UUID forms and version_id', () => {
    const id = FIXTURE.pipeline1
    it.each([
      ['upper case', id.toUpperCase()],
      ['32 hex digits', id.replaceAll('-', '')],
      ['braced', `{${id}}`],
      ['urn:uuid:', `urn:uuid:${id.toUpperCase()}`]
    ])('a %s pipeline_id is the same pipeline', async (_name, form) => {
      expectJson(await send('GET', runsPath(encodeURIComponent(form)), AUTH), 200, expectedBody(id))
    })

    it.each([FIXTURE.version1a, FIXTURE.version1b])('version_id %s keeps only that version\'s runs', async (version) => {
      expectJson(await send('GET', `${P1}?version_id=${version}`, AUTH), 200, expectedBody(id, version))
    })

    it('accepts version_id in any UUID form', async () => {
      const braced = encodeURIComponent(`{${FIXTURE.version1b.toUpperCase()}}`)
      expectJson(await send('GET', `${P1}?version_id=${braced}`, AUTH), 200, expectedBody(id, FIXTURE.version1b))
    })

    it('uses the last version_id when it is repeated', async () => {
      expectJson(await send('GET', `${P1}?version_id=bad&version_id=${FIXTURE.version1b}`, AUTH), 200, expectedBody(id, FIXTURE.version1b))
      const response = await send('GET', `${P1}?version_id=${FIXTURE.version1b}&version_id=bad`, AUTH)
      expect(response.status).toBe(422)
      expect(JSON.parse(response.body).detail[0].input).toBe('bad')
    })

    it.each(['?version_id=', '?version_id', '?other=1&version_id='])('an empty version_id (%s) is a 422', async (query) => {
      const response = await send('GET', `${P1}${query}`, AUTH)
      expectJson(response, 422, validationCases.find((c) => c.version_id === '')?.body ?? 'missing oracle case')
    })

    it('matches nothing for another pipeline\'s version or an unknown one', async () => {
      expectJson(await send('GET', `${P1}?version_id=${FIXTURE.version2a}`, AUTH), 200, '[]')
      expectJson(await send('GET', `${P1}?version_id=00000000-0000-0000-0000-000000000000`, AUTH), 200, '[]')
    })

    it('ignores other query parameters', async () => {
      expectJson(await send('GET', `${P1}?limit=1&version_id=${FIXTURE.version1a}&x`, AUTH), 200, expectedBody(id, FIXTURE.version1a))
    })

    it('answers 404 Pipeline not found for a valid but unknown pipeline, with or without version_id', async () => {
      const unknown = runsPath('a1b2c3d4-0003-4c1e-9f7a-2d3b8e5a6c03')
      expectJson(await send('GET', unknown, AUTH), 404, '{"detail":"Pipeline not found"}')
      expectJson(await send('GET', `${unknown}?version_id=${FIXTURE.version1a}`, AUTH), 404, '{"detail":"Pipeline not found"}')
    })
  })

  describe('the 200 body', () => {
    it.each(responses.map((r) => [`${r.pipeline_id} ? ${String(r.version_id)}`, r] as const))(
      'is byte for byte what pydantic serialises for %s', async (_name, r) => {
        const query = r.version_id === null ? '' : `?version_id=${r.version_id}`
        expectJson(await send('GET', runsPath(r.pipeline_id, query), AUTH), 200, r.body)
      })

    it('lists runs newest first, id descending on equal created_at, with fields in contract order', async () => {
      const runs = JSON.parse((await send('GET', P1, AUTH)).body) as Array<Record<string, unknown>>
      expect(runs.map((r) => r.name)).toEqual(['sql-pipeline-g6h3j', 'sql-pipeline-f5w7t', 'sql-pipeline-d2q8r', 'sql-pipeline-c9m4p', 'sql-pipeline-b7k2x'])
      const first = runs[0] as Record<string, Record<string, unknown>>
      expect(Object.keys(first)).toEqual(['id', 'pipeline_config_version_id', 'name', 'status', 'argo_manifest', 'argo_metadata',
        'pipeline_version', 'created_at', 'finished_at', 'run_steps'])
      expect(Object.keys(first.pipeline_version ?? {})).toEqual(['id', 'pipeline_id', 'steps', 'created_at'])
      const step = (first.pipeline_version?.steps as Array<Record<string, unknown>>)[0] ?? {}
      expect(Object.keys(step)).toEqual(['name', 'config', 'created_at', 'id'])
      expect(Object.keys(step.config as object)).toEqual(['query_type', 'query', 'input_datasets', 'output_datasets', 'job_type'])
      expect(Object.keys((first.run_steps as unknown as object[])[0] ?? {})).toEqual(['name', 'run_name', 'status', 'started_at', 'finished_at'])
    })

    it('returns the Argo objects whole, nested empties and nulls included', async () => {
      const runs = JSON.parse((await send('GET', P1, AUTH)).body) as Array<{ id: string, argo_manifest: unknown, argo_metadata: unknown }>
      for (const run of readJson<typeof runs>('test/fixtures/runs.json').filter((r) => runs.some((x) => x.id === r.id))) {
        const served = runs.find((x) => x.id === run.id)
        expect(served?.argo_manifest).toStrictEqual(run.argo_manifest)
        expect(served?.argo_metadata).toStrictEqual(run.argo_metadata)
      }
    })

    it('writes timestamps as pydantic does and null while unfinished', async () => {
      const runs = JSON.parse((await send('GET', P1, AUTH)).body) as Array<{ status: string, created_at: string, finished_at: string | null, run_steps: Array<{ status: string, started_at: string | null }> }>
      for (const run of runs) expect(run.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?Z$/)
      expect(runs.filter((r) => r.finished_at === null).map((r) => r.status).sort()).toEqual(['Pending', 'Running'])
      expect(runs.flatMap((r) => r.run_steps).filter((s) => s.started_at === null).map((s) => s.status).sort())
        .toEqual(['Omitted', 'Pending', 'Pending', 'Pending'])
      expect(runs.map((r) => r.created_at)).toContain('2026-02-03T00:00:00.000001Z')
      expect(runs.map((r) => r.created_at)).toContain('2026-01-06T10:00:00Z')
    })
  })

  describe('Api-key header', () => {
    it('is ignored when no API keys are configured', async () => {
      expectJson(await send('GET', P1, { ...AUTH, 'api-key': 'anything at all' }), 200, expectedBody(FIXTURE.pipeline1))
    })
  })
})

describe('Api-key with --api-key configured', async () => {
  const keyed = await testApp({ 'api-key': ['key-one', 'key-two'] })
  let keyedPort = 0
  beforeAll(async () => { keyedPort = await listen(keyed) })

  describe.each(transports(keyed, () => keyedPort))('over %s', (_transport, send) => {
    it.each([
      ['absent', {}],
      ['a configured key', { 'Api-key': 'key-one' }],
      ['another configured key, header in upper case', { 'API-KEY': 'key-two' }]
    ])('%s → 200', async (_name, headers) => {
      expectJson(await send('GET', P1, { ...AUTH, ...headers }), 200, expectedBody(FIXTURE.pipeline1))
    })

    it('answers 401 Invalid API key, without a bearer challenge, for any other key', async () => {
      const response = await send('GET', P1, { ...AUTH, 'api-key': 'key-three' })
      expectJson(response, 401, '{"detail":"Invalid API key"}')
      expect(response.headers['www-authenticate']).toBeUndefined()
    })

    it('checks the key after auth and validation, before the pipeline lookup', async () => {
      expectJson(await send('GET', P1, { 'api-key': 'bad' }), 401, NOT_AUTHENTICATED)
      expect((await send('GET', runsPath('nope'), { ...AUTH, 'api-key': 'bad' })).status).toBe(422)
      expectJson(await send('GET', runsPath('00000000-0000-0000-0000-000000000000'), { ...AUTH, 'api-key': 'bad' }), 401, '{"detail":"Invalid API key"}')
    })
  })

  it('takes the first of repeated Api-key headers, as Starlette does', async () => {
    expect((await socketRequest(keyedPort, 'GET', P1, { ...AUTH, 'api-key': ['key-one', 'bad'] })).status).toBe(200)
    expect((await socketRequest(keyedPort, 'GET', P1, { ...AUTH, 'api-key': ['bad', 'key-one'] })).status).toBe(401)
  })
})

describe('repeated Authorization headers', () => {
  it('uses the first, as Starlette does', async () => {
    expect((await socketRequest(port, 'GET', P1, { authorization: ['Bearer demo-token', 'Bearer wrong'] })).status).toBe(200)
    expect((await socketRequest(port, 'GET', P1, { authorization: ['Bearer wrong', 'Bearer demo-token'] })).status).toBe(401)
  })
})

describe('the next request after a change (response cache on)', async () => {
  const db = seededDb()
  const cached = await testApp({}, db)
  let cachedPort = 0
  beforeAll(async () => { cachedPort = await listen(cached) })
  const NEW_PIPELINE = 'a1b2c3d4-0003-4c1e-9f7a-2d3b8e5a6c03'
  const names = (response: RawResponse) => (JSON.parse(response.body) as Array<{ name: string }>).map((r) => r.name)

  describe.each(transports(cached, () => cachedPort))('over %s', (transport, send) => {
    it('shows a run written through the run writer (as the admin endpoints write)', async () => {
      const name = `written-in-process-${transport}`
      expect(names(await send('GET', P1, AUTH))).not.toContain(name)
      const [run] = fixtureRuns() as [RunRead]
      db.transaction(() => createRunWriter(db).writeRuns([{ ...run, id: `a1b2c3d4-fff${transport.length}-4c1e-9f7a-2d3b8e5a6c01`, name }]))()
      expect(names(await send('GET', P1, AUTH))).toContain(name)
    })

    it('shows a commit by another process', async () => {
      await send('GET', P1, AUTH)
      const name = `renamed-by-another-process-${transport}`
      execFileSync(process.execPath, ['-e', `
        const db = new (require('better-sqlite3'))(process.argv[1])
        db.pragma('busy_timeout = 5000')
        db.prepare('UPDATE runs SET name = ? WHERE pipeline_id = ?').run(process.argv[2], process.argv[3])
        db.close()`, db.name, name, FIXTURE.pipeline1])
      expect(new Set(names(await send('GET', P1, AUTH)))).toEqual(new Set([name]))
    })

    it('answers a pipeline created by another process after a cached "Pipeline not found"', async () => {
      const path = runsPath(transport === 'inject' ? NEW_PIPELINE : NEW_PIPELINE.replace('0003', '0004'))
      const id = path.split('/')[2] as string
      expectJson(await send('GET', path, AUTH), 404, '{"detail":"Pipeline not found"}')
      expectJson(await send('GET', path, AUTH), 404, '{"detail":"Pipeline not found"}')
      execFileSync(process.execPath, ['-e', `
        const db = new (require('better-sqlite3'))(process.argv[1])
        db.prepare('INSERT INTO pipelines (id) VALUES (?)').run(process.argv[2])
        db.close()`, db.name, id])
      expectJson(await send('GET', path, AUTH), 200, '[]')
    })

    it('still checks auth and validation on every request for a cached body', async () => {
      expect((await send('GET', P1, AUTH)).status).toBe(200)
      expectJson(await send('GET', P1, {}), 401, NOT_AUTHENTICATED)
      expectJson(await send('GET', P1, { authorization: 'Bearer wrong' }), 401, INVALID_CREDENTIALS)
      expect((await send('GET', runsPath(FIXTURE.pipeline1, '?version_id=nope'), AUTH)).status).toBe(422)
    })
  })
})

describe('with the response cache off (--cache-mb 0)', async () => {
  const uncached = await testApp({ 'cache-mb': '0' })
  it('answers the same bytes', async () => {
    for (const r of responses) {
      const response = await uncached.inject({ url: runsPath(r.pipeline_id, r.version_id === null ? '' : `?version_id=${r.version_id}`), headers: AUTH })
      expect(response.body).toBe(r.body)
    }
  })
})

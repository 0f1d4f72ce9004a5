// The /__admin data endpoints over inject and a real socket: auth, off without a token, 422 paths, atomicity, reset, delete.
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http'
import { beforeEach, describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { importRunFiles } from '../../src/data/import.ts'
import { openDatabase, type Db } from '../../src/db/open.ts'
import type { RunRead } from '../../src/schemas/runs.ts'
import { type RawResponse } from '../helpers/raw-http.ts'
import { readJson, tempDir } from '../helpers/temp.ts'
import { AUTH, listen, seededDb, testApp } from '../helpers/test-app.ts'

const ADMIN_TOKEN = 'admin-secret-1'
const ADMIN = { authorization: `Bearer ${ADMIN_TOKEN}` }
const demo = (): RunRead[] => readJson<RunRead[]>('seed/demo.json')
const pipelineIds = [...new Set(demo().map((r) => r.pipeline_version.pipeline_id))]

type Send = (method: string, path: string, body?: unknown, headers?: Record<string, string>) => Promise<RawResponse>

/** A JSON request over a real socket (no inject), so the body limit and parsers run as they do in production. */
async function socketSend (port: number, method: string, path: string, body: unknown, headers: Record<string, string>): Promise<RawResponse> {
  const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body)
  const all = { ...(payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) }), ...headers }
  return await new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path, headers: all, agent: false }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }))
    })
    req.on('error', reject)
    req.end(payload)
  })
}

function senders (app: FastifyInstance, port: () => number): Array<[string, Send]> {
  const inject: Send = async (method, path, body, headers = {}) => {
    const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body)
    const response = await app.inject({
      method: method as 'POST',
      url: path,
      headers: { ...(payload === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      ...(payload === undefined ? {} : { payload })
    })
    return { status: response.statusCode, headers: response.headers as IncomingHttpHeaders, body: response.body }
  }
  const socket: Send = async (method, path, body, headers = {}) => await socketSend(port(), method, path, body, headers)
  return [['inject', inject], ['socket', socket]]
}

async function served (app: FastifyInstance): Promise<string[]> {
  const bodies: string[] = []
  for (const id of pipelineIds) bodies.push((await app.inject({ url: `/pipelines/${id}/runs/`, headers: AUTH })).body)
  return bodies
}

describe.each(['inject', 'socket'])('admin endpoints over %s', (transport) => {
  let db: Db
  let app: FastifyInstance
  let send: Send
  beforeEach(async () => {
    db = seededDb(demo())
    app = await testApp({ 'admin-token': ADMIN_TOKEN, 'admin-body-limit': '1mb' }, db)
    const port = await listen(app)
    send = (senders(app, () => port).find(([name]) => name === transport) as [string, Send])[1]
  })

  it.each([
    ['POST', '/__admin/runs', []],
    ['POST', '/__admin/reset', { dataset: 'empty' }],
    ['DELETE', `/__admin/pipelines/${pipelineIds[0] ?? ''}`, undefined]
  ])('%s %s: no token → 401 Not authenticated, wrong token → 401 Invalid admin token, the API token is not the admin token', async (method, path, body) => {
    const before = await served(app)
    for (const [headers, detail] of [
      [{}, 'Not authenticated'],
      [{ authorization: 'Basic abc' }, 'Not authenticated'],
      [{ authorization: 'Bearer wrong-token' }, 'Invalid admin token'],
      [AUTH, 'Invalid admin token']
    ] as const) {
      const response = await send(method, path, body, headers)
      expect({ status: response.status, type: response.headers['content-type'], challenge: response.headers['www-authenticate'], body: response.body })
        .toEqual({ status: 401, type: 'application/json', challenge: 'Bearer', body: JSON.stringify({ detail }) })
    }
    expect(await served(app)).toEqual(before)
  })

  it('POST /__admin/runs upserts the runs atomically, answers the counts, and the served bodies change at once', async () => {
    const runs = demo()
    const changed = runs.map((r) => ({ ...r, name: `${r.name}-v2`, run_steps: r.run_steps.map((s) => ({ ...s, run_name: `${r.name}-v2` })) }))
    const response = await send('POST', '/__admin/runs', changed, ADMIN)
    expect({ status: response.status, type: response.headers['content-type'], body: response.body })
      .toEqual({ status: 200, type: 'application/json', body: '{"runs":36,"pipelines":3}' })
    const served0 = JSON.parse((await served(app))[0] as string) as RunRead[]
    expect(served0.every((r) => r.name.endsWith('-v2'))).toBe(true)
  })

  it('POST /__admin/runs keeps __proto__ and constructor keys as data, as seed import does: the same bytes served', async () => {
    const [run] = demo() as [RunRead]
    const text = JSON.stringify([run]).replace('"argo_metadata":{', '"argo_metadata":{"__proto__":{"polluted":true},"constructor":{"prototype":{"x":1}},')
    const response = await send('POST', '/__admin/runs', text, { ...ADMIN, 'content-type': 'application/json' })
    expect([response.status, response.body]).toEqual([200, '{"runs":1,"pipelines":1}'])
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    const pipeline = run.pipeline_version.pipeline_id
    const body = (await app.inject({ url: `/pipelines/${pipeline}/runs/`, headers: AUTH })).body
    expect(body).toContain('"argo_metadata":{"__proto__":{"polluted":true},"constructor":{"prototype":{"x":1}},')

    const file = join(tempDir(), 'proto.json')
    writeFileSync(file, text)
    const imported = seededDb([])
    await importRunFiles(imported, [file])
    const other = await testApp({}, imported)
    expect((await other.inject({ url: `/pipelines/${pipeline}/runs/`, headers: AUTH })).body).toBe(JSON.stringify(JSON.parse(body).filter((r: RunRead) => r.id === run.id)))
  })

  it('POST /__admin/runs refuses numbers it could not give back exactly, as seed import does: 422 naming the path', async () => {
    const before = await served(app)
    const text = JSON.stringify(demo().slice(0, 1)).replace('"argo_metadata":{', '"argo_metadata":{"big":12345678901234567890123,"huge":1e309,')
    const response = await send('POST', '/__admin/runs', text, { ...ADMIN, 'content-type': 'application/json' })
    expect(response.status).toBe(422)
    const detail = (JSON.parse(response.body) as { detail: Array<{ loc: unknown[], msg: string }> }).detail
    expect(detail.map((item) => [item.loc.slice(-2), item.msg])).toEqual([
      [['argo_metadata', 'big'], 'number is an integer beyond 2^53: its digits cannot be kept exactly'],
      [['argo_metadata', 'huge'], 'number is out of range for a JSON number the server can give back']
    ])
    expect(await served(app)).toEqual(before)
  })

  it('POST /__admin/runs with bad runs: 422 listing every path in FastAPI\'s shape, nothing written', async () => {
    const before = await served(app)
    const runs = demo() as any[]
    runs[3].run_steps[0].finished_at = '2000-01-01T00:00:00Z'
    runs[4].id = 'not-a-uuid'
    delete runs[5].name
    const response = await send('POST', '/__admin/runs', runs, ADMIN)
    expect(response.status).toBe(422)
    expect(response.headers['content-type']).toBe('application/json')
    expect(JSON.parse(response.body)).toEqual({
      detail: [
        { type: 'finished-before-started', loc: ['body', 3, 'run_steps', 0, 'finished_at'], msg: `finished_at 2000-01-01T00:00:00Z is before started_at ${demo()[3]?.run_steps[0]?.started_at ?? ''}` },
        { type: 'uuid_parsing', loc: ['body', 4, 'id'], msg: '"not-a-uuid" is not a valid UUID: invalid character: found `n` at 1' },
        { type: 'missing', loc: ['body', 5, 'name'], msg: 'missing required field' }
      ]
    })
    expect(await served(app)).toEqual(before)
  })

  it('POST /__admin/runs with more than 50 problems lists 50 and counts the rest', async () => {
    const runs = demo().map((r) => ({ ...r, status: 'Done', run_steps: r.run_steps.map((s) => ({ ...s, status: 'Done' })) }))
    const response = await send('POST', '/__admin/runs', runs, ADMIN)
    const detail = (JSON.parse(response.body) as { detail: Array<{ type: string, msg: string }> }).detail
    expect(detail).toHaveLength(51)
    expect(detail.at(-1)).toEqual({ type: 'too_many_errors', loc: ['body'], msg: 'and 166 more problems' })
  })

  it.each([
    ['not JSON', '[{"id":', 'json_invalid'],
    ['not a list', '{"runs": []}', 'list_type'],
    ['an empty body', '', 'missing']
  ])('POST /__admin/runs with %s: 422 %s', async (_name, body, type) => {
    const response = await send('POST', '/__admin/runs', body, { ...ADMIN, 'content-type': 'application/json' })
    expect(response.status).toBe(422)
    expect((JSON.parse(response.body) as { detail: Array<{ type: string, loc: unknown[] }> }).detail[0]).toMatchObject({ type, loc: ['body'] })
  })

  it('POST /__admin/runs over the body limit: 413, nothing written', async () => {
    const before = await served(app)
    const big = demo().map((r) => ({ ...r, name: 'x'.repeat(40_000) }))
    const response = await send('POST', '/__admin/runs', big, ADMIN)
    expect({ status: response.status, body: response.body }).toEqual({ status: 413, body: '{"detail":"Request Entity Too Large"}' })
    expect(await served(app)).toEqual(before)
  })

  it('POST /__admin/reset {"dataset":"empty"} empties the database; {"dataset":"demo"} restores the demo set', async () => {
    const demoBodies = await served(app)
    const emptied = await send('POST', '/__admin/reset', { dataset: 'empty' }, ADMIN)
    expect({ status: emptied.status, body: emptied.body }).toEqual({ status: 200, body: '{"dataset":"empty","runs":0}' })
    expect((await app.inject({ url: `/pipelines/${pipelineIds[0] ?? ''}/runs/`, headers: AUTH })).body).toBe('{"detail":"Pipeline not found"}')
    const restored = await send('POST', '/__admin/reset', { dataset: 'demo' }, ADMIN)
    expect({ status: restored.status, body: restored.body }).toEqual({ status: 200, body: '{"dataset":"demo","runs":36}' })
    expect(await served(app)).toEqual(demoBodies)
  })

  it.each([
    [{ dataset: 'everything' }, { type: 'literal_error', loc: ['body', 'dataset'], msg: "Input should be 'demo' or 'empty'", input: 'everything', ctx: { expected: "'demo' or 'empty'" } }],
    [{}, { type: 'missing', loc: ['body', 'dataset'], msg: 'Field required', input: {} }],
    [undefined, { type: 'missing', loc: ['body'], msg: 'Field required', input: null }],
    [['demo'], { type: 'model_attributes_type', loc: ['body'], msg: 'Input should be a valid dictionary or object to extract fields from', input: ['demo'] }]
  ])('POST /__admin/reset %j: 422', async (body, problem) => {
    const response = await send('POST', '/__admin/reset', body, ADMIN)
    expect({ status: response.status, body: JSON.parse(response.body) as unknown }).toEqual({ status: 422, body: { detail: [problem] } })
  })

  it('DELETE /__admin/pipelines/{id} removes the pipeline (any UUID form), then 404; a bad id is 422 like the endpoint', async () => {
    const id = pipelineIds[0] as string
    const count = demo().filter((r) => r.pipeline_version.pipeline_id === id).length
    const deleted = await send('DELETE', `/__admin/pipelines/${id.toUpperCase()}`, undefined, ADMIN)
    expect({ status: deleted.status, body: deleted.body }).toEqual({ status: 200, body: JSON.stringify({ pipeline_id: id, runs: count }) })
    expect((await app.inject({ url: `/pipelines/${id}/runs/`, headers: AUTH })).statusCode).toBe(404)
    expect(db.prepare('SELECT count(*) FROM runs WHERE pipeline_id = ?').pluck().get(id)).toBe(0)
    const again = await send('DELETE', `/__admin/pipelines/${id}`, undefined, ADMIN)
    expect({ status: again.status, body: again.body }).toEqual({ status: 404, body: '{"detail":"Pipeline not found"}' })
    const bad = await send('DELETE', '/__admin/pipelines/nope', undefined, ADMIN)
    expect(bad.status).toBe(422)
    expect(JSON.parse(bad.body)).toEqual({ detail: [{ type: 'uuid_parsing', loc: ['path', 'pipeline_id'], msg: 'Input should be a valid UUID, invalid character: found `n` at 1', input: 'nope', ctx: { error: 'invalid character: found `n` at 1' } }] })
  })
})

describe('admin endpoints while another process writes', () => {
  it('answer 503 when the write lock stays taken past the busy timeout, and work once it is released', async () => {
    const db = seededDb(demo())
    db.pragma('busy_timeout = 50')
    const app = await testApp({ 'admin-token': ADMIN_TOKEN }, db)
    const other = openDatabase(db.name)
    other.exec('BEGIN IMMEDIATE')
    try {
      const busy = await app.inject({ method: 'POST', url: '/__admin/reset', headers: ADMIN, payload: { dataset: 'empty' } })
      expect({ status: busy.statusCode, body: busy.body }).toEqual({ status: 503, body: '{"detail":"Database is busy with another write; try again"}' })
    } finally {
      other.exec('ROLLBACK')
      other.close()
    }
    expect((await app.inject({ method: 'POST', url: '/__admin/reset', headers: ADMIN, payload: { dataset: 'empty' } })).statusCode).toBe(200)
  })
})

describe('admin endpoints without an admin token', () => {
  it.each([
    ['POST', '/__admin/runs'],
    ['POST', '/__admin/reset'],
    ['DELETE', `/__admin/pipelines/${pipelineIds[0] ?? ''}`]
  ])('%s %s answers 404 like any unknown path, with or without a token', async (method, path) => {
    const app = await testApp({}, seededDb(demo()))
    for (const headers of [{}, ADMIN]) {
      const response = await app.inject({ method: method as 'POST', url: path, headers, payload: { dataset: 'empty' } })
      expect({ status: response.statusCode, body: response.body }).toEqual({ status: 404, body: '{"detail":"Not Found"}' })
    }
    expect((await app.inject({ url: '/__admin/health' })).statusCode).toBe(200)
  })

  it('are never in /openapi.json', async () => {
    const app = await testApp({ 'admin-token': ADMIN_TOKEN }, seededDb(demo()))
    expect((await app.inject({ url: '/openapi.json' })).body).not.toContain('__admin')
  })
})

describe('admin endpoints on a read-only database', () => {
  it('answer 403 with a clear detail and change nothing', async () => {
    const dir = tempDir()
    seededDb(demo(), join(dir, 'test.sqlite')).close()
    const db = openDatabase(join(dir, 'test.sqlite'), { readOnly: true })
    const app = await testApp({ 'admin-token': ADMIN_TOKEN, 'read-only': true }, db)
    const before = await served(app)
    for (const [method, url, payload] of [
      ['POST', '/__admin/reset', { dataset: 'empty' }],
      ['DELETE', `/__admin/pipelines/${pipelineIds[0] as string}`, undefined],
      ['POST', '/__admin/runs', demo().slice(0, 1)]
    ] as const) {
      const response = await app.inject({ method, url, headers: ADMIN, ...(payload === undefined ? {} : { payload }) })
      expect(response.statusCode, `${method} ${url}`).toBe(403)
      expect(response.json()).toEqual({ detail: 'The database is read-only (serve --read-only): data cannot be changed' })
    }
    expect(await served(app)).toEqual(before)
    db.close()
  })
})

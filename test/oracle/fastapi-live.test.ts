// A live FastAPI beside the mock: test/oracle/app.py on uvicorn and `pipelines-mock serve` over the same runs get the
// same seeded random raw requests. Debian's FastAPI 0.92 (pydantic 1) is held to `--compat fastapi-0.110` on what the
// generations share (status, content-type, allow, www-authenticate, location, 200 bodies with timestamps compared as
// instants, 422 items by loc); a current FastAPI (0.141, where importable) to the default profile, byte for byte.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli, type Served, startCli } from '../helpers/cli.ts'
import { ROOT, tempDir } from '../helpers/temp.ts'
import { exchange, parseAnswer, type ParsedAnswer } from '../helpers/raw-http.ts'
import { IN_CI } from '../helpers/tools.ts'

const RUNS_FILE = join(ROOT, 'test/fixtures/fastapi-oracle/runs.json')
const APP_DIR = join(ROOT, 'test/oracle')
const TOKEN = 'demo-token'
const REQUESTS = 400
const SEED = 4242
const COMPARED_HEADERS = ['content-type', 'allow', 'www-authenticate', 'location'] as const

interface Python { path: string, fastapi: string }

/** The FastAPI version `python` imports, with uvicorn and httptools, or undefined. */
function fastapiOf (python: string): Python | undefined {
  const probe = spawnSync(python, ['-c', 'import fastapi, uvicorn, httptools; print(fastapi.__version__)'], { encoding: 'utf8' })
  return probe.status === 0 ? { path: python, fastapi: probe.stdout.trim() } : undefined
}

const majorMinor = (version: string) => version.split('.').slice(0, 2).map(Number) as [number, number]
const debian = fastapiOf('/usr/bin/python3')
const onPath = fastapiOf('python3')
const current = onPath !== undefined && majorMinor(onPath.fastapi)[1] >= 141 ? onPath : undefined
const legacy = debian !== undefined && majorMinor(debian.fastapi)[1] < 100 ? debian : undefined

function missing (what: string, required: boolean): void {
  if (required) throw new Error(`${IN_CI ? 'CI=true' : 'required'}: ${what}`)
  console.warn(`skipping: ${what}`)
}
if (legacy === undefined) missing('Debian\'s FastAPI is missing (apt-get install -y python3-fastapi python3-uvicorn python3-httptools; .ci/run installs them)', IN_CI)
if (current === undefined) missing('no current FastAPI (>= 0.141) on python3 (pip install fastapi==0.141.1 "uvicorn[standard]")', process.env.ORACLE_REQUIRE_CURRENT === 'true')

async function freePort (): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  await new Promise((resolve) => server.close(resolve))
  if (address === null || typeof address === 'string') throw new Error('no port')
  return address.port
}

interface Uvicorn { port: number, process: ChildProcess }

async function startUvicorn (python: Python): Promise<Uvicorn> {
  const port = await freePort()
  const child = spawn(python.path, ['-m', 'uvicorn', 'app:app', '--app-dir', APP_DIR, '--host', '127.0.0.1', '--port', String(port), '--http', 'httptools', '--log-level', 'warning'], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ORACLE_RUNS: RUNS_FILE, ORACLE_TOKEN: TOKEN },
    stdio: ['ignore', 'ignore', 'pipe']
  })
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => { stderr += chunk.toString() })
  for (let attempt = 0; attempt < 100; attempt++) {
    const answer = await exchange(port, Buffer.from('GET /openapi.json HTTP/1.1\r\nHost: oracle\r\nConnection: close\r\n\r\n'), 1_000)
    if (parseAnswer(answer.raw)?.status === 200) return { port, process: child }
    if (child.exitCode !== null) break
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  child.kill()
  throw new Error(`uvicorn (${python.path}, FastAPI ${python.fastapi}) did not start: ${stderr}`)
}

async function startMock (compat: string): Promise<Served> {
  const db = join(tempDir(), 'oracle.sqlite')
  const imported = await runCli(['seed', 'import', RUNS_FILE, '--db', db])
  if (imported.code !== 0) throw new Error(imported.stderr)
  return await startCli(['serve', '--port', '0', '--db', db, '--no-seed', '--compat', compat, '--log-level', 'silent'])
}

const runs = JSON.parse(readFileSync(RUNS_FILE, 'utf8')) as Array<{ pipeline_config_version_id: string, pipeline_version: { pipeline_id: string } }>
const PIPELINES = [...new Set(runs.map((r) => r.pipeline_version.pipeline_id))]
const VERSIONS = [...new Set(runs.map((r) => r.pipeline_config_version_id))]

const uuidForm = (uuid: string) => fc.constantFrom(uuid, uuid.toUpperCase(), uuid.replaceAll('-', ''), `{${uuid}}`, `urn:uuid:${uuid}`)
const known = (ids: string[]) => fc.constantFrom(...ids).chain(uuidForm)
const garbage = fc.constantFrom('not-a-uuid', '123', '%20', '%00', '%C3%A9', 'x%2Fy', '%2e%2e', "'%20OR%201=1--", 'a'.repeat(300), '%0A', '67e55044-10b1-426f-9247-bb680e5fe0cz')
const idSegment = fc.oneof({ weight: 5, arbitrary: known(PIPELINES) }, { weight: 2, arbitrary: fc.uuid() }, { weight: 3, arbitrary: garbage })
const versionValue = fc.oneof(known(VERSIONS), known(PIPELINES), fc.uuid(), garbage, fc.constant(''))
const query = fc.oneof(
  { weight: 4, arbitrary: fc.constant('') },
  { weight: 4, arbitrary: versionValue.map((v) => `?version_id=${v}`) },
  { weight: 1, arbitrary: fc.tuple(versionValue, versionValue).map(([a, b]) => `?version_id=${a}&version_id=${b}`) },
  { weight: 1, arbitrary: fc.constantFrom('?', '?x=1', '?version_id', '?VERSION_ID=1', '?version_id=%zz') })
const path = fc.oneof(
  { weight: 8, arbitrary: idSegment.map((id) => `/pipelines/${id}/runs/`) },
  { weight: 2, arbitrary: idSegment.map((id) => `/pipelines/${id}/runs`) },
  { weight: 1, arbitrary: fc.constantFrom('/', '/pipelines', '/pipelines/', '/nowhere', '/openapi.json', '/docs', '/pipelines//runs/') },
  { weight: 1, arbitrary: idSegment.map((id) => `/pipelines/${id}/runs//`) })
const method = fc.oneof({ weight: 8, arbitrary: fc.constant('GET') }, { weight: 2, arbitrary: fc.constantFrom('HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH') })
const authorization = fc.constantFrom(`Bearer ${TOKEN}`, `Bearer ${TOKEN}`, `Bearer ${TOKEN}`, `bearer ${TOKEN}`, 'Bearer wrong', 'Bearer', 'Bearer ', `Basic ${TOKEN}`, `Bearer  ${TOKEN}`, undefined)
const apiKey = fc.constantFrom(undefined, undefined, 'k1', '')

interface Request { method: string, target: string, bytes: Buffer }
const requests: Request[] = fc.sample(fc.record({ method, path, query, authorization, apiKey }), { seed: SEED, numRuns: REQUESTS })
  .map(({ method, path, query, authorization, apiKey }) => {
    const headers = ['Host: testserver', authorization === undefined ? '' : `Authorization: ${authorization}`, apiKey === undefined ? '' : `Api-key: ${apiKey}`, 'Connection: close']
    const target = `${path}${query}`
    return { method, target, bytes: Buffer.from(`${method} ${target} HTTP/1.1\r\n${headers.filter((h) => h !== '').join('\r\n')}\r\n\r\n`, 'latin1') }
  })

async function ask (port: number, request: Request): Promise<ParsedAnswer> {
  const { raw } = await exchange(port, request.bytes, 10_000)
  const answer = parseAnswer(raw, request.method)
  if (answer === undefined) throw new Error(`no answer on port ${port} to ${request.method} ${request.target}`)
  return answer
}

/** Answers of both servers to every request, a few connections at a time. */
async function askBoth (oraclePort: number, mockPort: number): Promise<Array<[Request, ParsedAnswer, ParsedAnswer]>> {
  const results: Array<[Request, ParsedAnswer, ParsedAnswer]> = []
  for (let start = 0; start < requests.length; start += 8) {
    const batch = requests.slice(start, start + 8)
    results.push(...await Promise.all(batch.map(async (request) =>
      [request, await ask(oraclePort, request), await ask(mockPort, request)] as [Request, ParsedAnswer, ParsedAnswer])))
  }
  return results
}

// pydantic 1 writes 2026-11-04T09:27:34.088931+00:00, pydantic 2 ...Z: both as the instant, to the microsecond.
const TIMESTAMP = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))?(?:Z|\+00:00)$/
function asInstants (value: unknown): unknown {
  if (typeof value === 'string') {
    const match = TIMESTAMP.exec(value)
    return match === null ? value : `${match[1] as string}.${(match[2] ?? '').padEnd(6, '0')}`
  }
  if (Array.isArray(value)) return value.map(asInstants)
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, asInstants(v)]))
  return value
}

/** What the two generations share in one answer. */
function comparable (answer: ParsedAnswer): unknown {
  const headers: Record<string, unknown> = Object.fromEntries(COMPARED_HEADERS.map((name) => [name, answer.headers[name]]))
  // Starlette before 0.30 built `allow` from a Python set, whose order changes with each process's hash seed.
  if (typeof headers.allow === 'string') headers.allow = headers.allow.split(', ').sort().join(', ')
  const text = answer.body.toString('utf8')
  let body: unknown = text
  if (answer.status === 200 && text.startsWith('[')) body = JSON.stringify(asInstants(JSON.parse(text)))
  if (answer.status === 422) body = (JSON.parse(text) as { detail: Array<{ loc: unknown }> }).detail.map((item) => item.loc)
  if (answer.status === 200 && !text.startsWith('[')) body = '(a 200 that is not a runs list: the docs pages differ by generation)'
  return { status: answer.status, headers, body }
}

describe.skipIf(legacy === undefined)(`Debian's FastAPI ${legacy?.fastapi ?? ''} (pydantic 1) against serve --compat fastapi-0.110`, () => {
  let oracle: Uvicorn
  let mock: Served
  beforeAll(async () => {
    [oracle, mock] = await Promise.all([startUvicorn(legacy as Python), startMock('fastapi-0.110')])
  }, 60_000)
  afterAll(async () => {
    oracle?.process.kill()
    await mock?.stop()
  })

  it(`${REQUESTS} seeded random raw requests: status, content-type, allow, www-authenticate, location, 200 bodies as instants, 422 locs`, async () => {
    const answers = await askBoth(oracle.port, mock.port)
    const statuses = new Set(answers.map(([, a]) => a.status))
    for (const status of [200, 307, 403, 401, 404, 405, 422]) expect(statuses).toContain(status)
    const differences = answers.filter(([, a, b]) => JSON.stringify(comparable(a)) !== JSON.stringify(comparable(b)))
      .map(([request, a, b]) => `${request.method} ${request.target}: FastAPI ${JSON.stringify(comparable(a)).slice(0, 300)} / mock ${JSON.stringify(comparable(b)).slice(0, 300)}`)
    expect(differences.slice(0, 5)).toEqual([])
  }, 180_000)
})

describe.skipIf(current === undefined)(`a current FastAPI ${current?.fastapi ?? ''} against the default profile, byte for byte`, () => {
  let oracle: Uvicorn
  let mock: Served
  beforeAll(async () => {
    [oracle, mock] = await Promise.all([startUvicorn(current as Python), startMock('current')])
  }, 60_000)
  afterAll(async () => {
    oracle?.process.kill()
    await mock?.stop()
  })

  it(`${REQUESTS} seeded random raw requests: every header (date's value aside) and every body byte`, async () => {
    const answers = await askBoth(oracle.port, mock.port)
    const exact = (answer: ParsedAnswer) => ({ status: answer.status, headers: { ...answer.headers, date: '<date>' }, body: answer.body.toString('latin1') })
    const differences = answers.filter(([, a, b]) => JSON.stringify(exact(a)) !== JSON.stringify(exact(b)))
      .map(([request, a, b]) => `${request.method} ${request.target}: FastAPI ${JSON.stringify(exact(a)).slice(0, 300)} / mock ${JSON.stringify(exact(b)).slice(0, 300)}`)
    expect(differences.slice(0, 5)).toEqual([])
  }, 180_000)
})

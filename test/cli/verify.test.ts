// The real `verify` CLI, spawned: exit codes 0/1/2, every reporter (JUnit XML validated), --out, colour policy.
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { XMLParser, XMLValidator } from 'fast-xml-parser'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseVerifyArgs } from '../../src/cli/verify.ts'
import { UsageError } from '../../src/cli/usage.ts'
import { SCENARIOS, startBrokenServer, type BrokenServer } from '../fixtures/broken-server.ts'
import { FIXTURE_PIPELINE, startTestServer, TOKEN, type TestServer } from '../fixtures/contract-server.ts'

const BIN = new URL('../../bin/pipelines-mock.js', import.meta.url).pathname

interface Run { code: number, stdout: string, stderr: string }

async function cli (args: string[], env: Record<string, string> = {}): Promise<Run> {
  return await new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH ?? '', ...env }, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr })
    })
  })
}

const verifyArgs = (baseUrl: string, ...extra: string[]) => ['verify', '--base-url', baseUrl, '--token', TOKEN, '--pipeline', FIXTURE_PIPELINE, ...extra]

describe('pipelines-mock verify (spawned)', () => {
  let mock: TestServer
  let broken: BrokenServer
  let dir: string
  beforeAll(async () => {
    mock = await startTestServer()
    broken = await startBrokenServer(SCENARIOS['oldest run first'] as NonNullable<typeof SCENARIOS[string]>)
    dir = mkdtempSync(join(tmpdir(), 'pipelines-mock-verify-'))
  })
  afterAll(async () => {
    await Promise.all([mock.close(), broken.close()])
    rmSync(dir, { recursive: true, force: true })
  })

  it('exits 0 with a human report when the contract holds, without colour off a terminal', async () => {
    const run = await cli(verifyArgs(mock.url))
    expect(run.code).toBe(0)
    expect(run.stdout).toContain(`pipelines-mock verify ${mock.url} (pipeline ${FIXTURE_PIPELINE}, profile current)`)
    expect(run.stdout).toMatch(/\n\d+ checks: \d+ passed, 0 failed, 0 skipped \([\d.]+ s\)\ncontract holds\n$/)
    expect(run.stdout).not.toContain('\u001b[')
    expect(run.stdout).not.toContain(TOKEN)
  })

  it('exits 1 with one line when the server refuses the token', async () => {
    const run = await cli(['verify', '--base-url', mock.url, '--token', 'not-the-token', '--pipeline', FIXTURE_PIPELINE])
    expect(run).toEqual({ code: 1, stdout: '', stderr: `pipelines-mock: the server refused the token: GET /pipelines/${FIXTURE_PIPELINE}/runs/ answered 401 {"detail":"Could not validate credentials"}\n` })
  })

  it('exits 1 and names the rule, the request and the JSON path', async () => {
    const run = await cli(verifyArgs(broken.url))
    expect(run.code).toBe(1)
    expect(run.stdout).toMatch(/✗ newest created_at first, ties by id descending\n\s+run-order GET \/pipelines\/[0-9a-f-]+\/runs\/ \$\[1\]\.created_at: /)
    expect(run.stdout).toContain('rules broken: run-order')
  })

  it('--reporter json: one JSON document with every check and finding', async () => {
    const run = await cli(verifyArgs(broken.url, '--reporter', 'json'))
    expect(run.code).toBe(1)
    const report = JSON.parse(run.stdout) as { tool: string, ok: boolean, failed_rules: string[], summary: { checks: number, failed: number }, checks: Array<{ id: string, status: string, findings: unknown[] }> }
    expect(report).toMatchObject({ tool: 'pipelines-mock verify', ok: false, failed_rules: ['run-order'] })
    expect(report.summary.checks).toBe(report.checks.length)
    expect(report.checks.find((c) => c.id === 'runs.ordering')).toMatchObject({ status: 'failed' })
    expect(report.summary.failed).toBe(report.checks.filter((c) => c.status === 'failed').length)
  })

  it('--reporter junit --out FILE: valid JUnit XML with a testcase per check and a failure per failed check', async () => {
    const out = join(dir, 'verify.xml')
    const run = await cli([...verifyArgs(broken.url, '--reporter', 'junit', '--out', out)])
    expect(run.code).toBe(1)
    expect(run.stdout).toBe('')
    const xml = readFileSync(out, 'utf8')
    expect(XMLValidator.validate(xml)).toBe(true)
    const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (name) => ['testsuite', 'testcase', 'failure'].includes(name) }).parse(xml) as {
      testsuites: { tests: string, failures: string, testsuite: Array<{ name: string, tests: string, failures: string, testcase: Array<{ name: string, classname: string, failure?: Array<{ message: string, type: string, '#text'?: string }> }> }> }
    }
    const suites = parsed.testsuites.testsuite
    expect(suites.map((s) => s.name)).toEqual(['pipelines-mock verify: runs', 'pipelines-mock verify: routing', 'pipelines-mock verify: auth', 'pipelines-mock verify: validation'])
    const cases = suites.flatMap((s) => s.testcase)
    expect(Number(parsed.testsuites.tests)).toBe(cases.length)
    const failed = cases.filter((c) => c.failure !== undefined)
    expect(failed.map((c) => c.name)).toEqual(['runs.ordering: newest created_at first, ties by id descending'])
    expect(Number(parsed.testsuites.failures)).toBe(1)
    expect(failed[0]?.failure?.[0]?.type).toBe('run-order')
    expect(failed[0]?.failure?.[0]?.message).toMatch(/^run-order GET \/pipelines\/.+\/runs\/ \$\[1\]\.created_at: /)
    expect(cases.every((c) => c.classname.startsWith('pipelines-mock.verify.'))).toBe(true)
  })

  it('--reporter junit passes on the mock (token from PIPELINES_MOCK_REMOTE_TOKEN): no failure elements', async () => {
    const run = await cli(['verify', '--base-url', mock.url, '--pipeline', FIXTURE_PIPELINE, '--reporter', 'junit'], { PIPELINES_MOCK_REMOTE_TOKEN: TOKEN })
    expect(run.code).toBe(0)
    expect(XMLValidator.validate(run.stdout)).toBe(true)
    expect(run.stdout).toMatch(/<testsuites name="pipelines-mock verify" tests="\d+" failures="0" errors="0" skipped="0">/)
    expect(run.stdout).not.toContain('<failure')
  })

  it('exits 1 with one line when nothing listens on the port', async () => {
    const closed = createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const { port } = closed.address() as AddressInfo
    await new Promise<void>((resolve) => closed.close(() => resolve()))
    const run = await cli(verifyArgs(`http://127.0.0.1:${port}`, '--retries', '1', '--reporter', 'json'))
    expect(run.code).toBe(1)
    expect(run.stdout).toBe('')
    expect(run.stderr).toBe(`pipelines-mock: cannot reach http://127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port} (GET /pipelines/${FIXTURE_PIPELINE}/runs/, 2 attempts)\n`)
  })

  it.each([['verify'], ['record']])('%s: a --base-url with credentials is bad usage, and the password is never printed', async (command) => {
    const run = await cli([command, '--base-url', 'http://user:s3cret-pass@127.0.0.1:1/api', '--token', TOKEN, '--pipeline', FIXTURE_PIPELINE])
    expect(run).toEqual({ code: 2, stdout: '', stderr: 'pipelines-mock: --base-url: expected an http:// or https:// URL without user:password@, got "http://127.0.0.1:1/api" (give the bearer token with --token)\n' })
  })

  it('exits 2 with one line on bad usage', async () => {
    const run = await cli(['verify', '--base-url', 'http://x', '--token', 't', '--pipeline', 'nope'])
    expect(run.code).toBe(2)
    expect(run.stderr).toBe('pipelines-mock: --pipeline: expected a UUID, got "nope" (invalid character: found `n` at 1)\n')
  })

  it('--help documents every option', async () => {
    const run = await cli(['verify', '--help'])
    expect(run.code).toBe(0)
    for (const flag of ['--base-url', '--token', '--pipeline', '--version', '--api-key', '--compat', '--reporter', '--out', '--timeout', '--retries']) expect(run.stdout).toContain(flag)
  })
})

describe('parseVerifyArgs', () => {
  const base = ['--base-url', 'http://127.0.0.1:8000/api/', '--token', 't', '--pipeline', FIXTURE_PIPELINE.toUpperCase()]

  it('reads every option, normalising ids', () => {
    expect(parseVerifyArgs([...base, '--version', `{${FIXTURE_PIPELINE}}`, '--api-key', 'k', '--compat', 'fastapi-0.121',
      '--reporter', 'junit', '--out', 'x.xml', '--timeout', '500', '--retries', '0'], {})).toEqual({
      verify: {
        baseUrl: 'http://127.0.0.1:8000/api/',
        token: 't',
        pipelineId: FIXTURE_PIPELINE,
        versionId: FIXTURE_PIPELINE,
        apiKey: 'k',
        compat: 'fastapi-0.121',
        timeoutMs: 500,
        retries: 0
      },
      reporter: 'junit',
      out: 'x.xml'
    })
  })

  it('defaults: human reporter, current profile, 10 s timeout, 2 retries; the token may come from the environment', () => {
    const args = parseVerifyArgs(['--base-url', 'http://x', '--pipeline', FIXTURE_PIPELINE], { PIPELINES_MOCK_REMOTE_TOKEN: 'from-env' })
    expect(args).toMatchObject({ reporter: 'human', out: undefined, verify: { token: 'from-env', compat: 'current', timeoutMs: 10_000, retries: 2, versionId: undefined } })
  })

  it.each([
    [['--token', 't', '--pipeline', FIXTURE_PIPELINE], '--base-url is required'],
    [['--base-url', 'ftp://x', '--token', 't', '--pipeline', FIXTURE_PIPELINE], '--base-url: expected an http:// or https:// URL without user:password@, got "ftp://x"'],
    [['--base-url', 'http://x', '--pipeline', FIXTURE_PIPELINE], '--token is required (or set PIPELINES_MOCK_REMOTE_TOKEN)'],
    [['--base-url', 'http://x', '--token', 't'], '--pipeline is required'],
    [[...base, '--version', '12'], '--version: expected a UUID, got "12" (invalid length: expected length 32 for simple format, found 2)'],
    [[...base, '--reporter', 'tap'], '--reporter: expected one of human, json, junit, got "tap"'],
    [[...base, '--compat', 'old'], '--compat: expected one of auto, current, pydantic-2.12, fastapi-0.128, fastapi-0.121, fastapi-0.110, got "old"'],
    [[...base, '--timeout', '0'], '--timeout: expected a whole number from 1 to 300000, got "0"'],
    [[...base, '--retries', '11'], '--retries: expected a whole number from 0 to 10, got "11"'],
    [[...base, '--bogus'], "Unknown option '--bogus'"]
  ])('rejects %j', (args, message) => {
    expect(() => parseVerifyArgs(args, {})).toThrow(UsageError)
    expect(() => parseVerifyArgs(args, {})).toThrow(message)
  })
})

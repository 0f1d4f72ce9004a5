// runVerify against real servers on real ports: the mock under every profile, and servers that break one rule each.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { COMPAT_NAMES } from '../../src/contract/compat.ts'
import { TokenRefusedError, UnreachableError } from '../../src/verify/client.ts'
import * as packageRoot from '../../src/index.ts'
import { runVerify, type VerifyOptions } from '../../src/verify/run.ts'
import { SCENARIOS, startBrokenServer, type BrokenServer } from '../fixtures/broken-server.ts'
import { FIXTURE_PIPELINE, FIXTURE_VERSION, startTestServer, TOKEN, type TestServer } from '../fixtures/contract-server.ts'

const options = (baseUrl: string, extra: Partial<VerifyOptions> = {}): VerifyOptions =>
  ({ baseUrl, token: TOKEN, pipelineId: FIXTURE_PIPELINE, compat: 'current', timeoutMs: 5000, retries: 0, ...extra })

describe.each(COMPAT_NAMES)('verify against the mock serving profile %s', (profile) => {
  let server: TestServer
  beforeAll(async () => { server = await startTestServer({ compat: profile }) })
  afterAll(async () => server.close())

  it('passes every check when expecting the same profile', async () => {
    const report = await runVerify(options(server.url, { compat: profile }))
    expect(report.checks.filter((c) => c.status !== 'passed')).toEqual([])
    expect(report.ok).toBe(true)
    expect(report.summary.checks).toBeGreaterThanOrEqual(30)
  })

  it('detects the profile with --compat auto, then passes', async () => {
    let announced: unknown
    const report = await runVerify(options(server.url, { compat: 'auto', onStart: (target) => { announced = target } }))
    expect(report.target).toMatchObject({ profile, profileSource: 'detected' })
    expect(announced).toEqual(report.target)
    expect(report.ok).toBe(true)
  })

  // Two profiles far apart are enough to show that only the differing rules are named.
  if (profile === 'current' || profile === 'fastapi-0.110') {
    it('fails when expecting another profile, naming only the rules that differ', async () => {
      const other = profile === 'current' ? 'fastapi-0.110' : 'current'
      const report = await runVerify(options(server.url, { compat: other }))
      expect(report.ok).toBe(false)
      expect(report.failed_rules).toEqual(['auth', 'validation'])
    })
  }
})

describe('verify details', () => {
  it('is part of the package\'s API', () => {
    expect(packageRoot.runVerify).toBe(runVerify)
    expect(packageRoot.UnreachableError).toBe(UnreachableError)
  })

  let server: TestServer
  beforeAll(async () => { server = await startTestServer() })
  afterAll(async () => server.close())

  it('checks the version filter for the given --version only', async () => {
    const report = await runVerify(options(server.url, { versionId: FIXTURE_VERSION }))
    const check = report.checks.find((c) => c.id === 'runs.version-filter')
    expect(check?.status).toBe('passed')
    expect(check?.requests).toEqual([
      `GET /pipelines/${FIXTURE_PIPELINE}/runs/?version_id=${FIXTURE_VERSION}`,
      `GET /pipelines/${FIXTURE_PIPELINE}/runs/`
    ])
  })

  it('skips body checks, and says why, for a pipeline without runs', async () => {
    const empty = await startTestServer()
    try {
      empty.db.exec('DELETE FROM runs')
      const report = await runVerify(options(empty.url))
      expect(report.ok).toBe(true)
      expect(report.checks.filter((c) => c.status === 'skipped').map((c) => c.id)).toEqual([
        'runs.schema', 'runs.field-order', 'runs.uuid-format', 'runs.timestamps', 'runs.ordering', 'runs.relations',
        'runs.version-filter', 'runs.version-last-wins'
      ])
      expect(report.checks.find((c) => c.id === 'runs.schema')?.reason).toBe('the pipeline has no runs: pick one with runs to check bodies')
    } finally {
      await empty.close()
    }
  })

  it('fails on the list check, and skips what needs the list, for a pipeline that does not exist', async () => {
    const report = await runVerify(options(server.url, { pipelineId: '00000000-0000-4000-8000-000000000000' }))
    expect(report.failed_rules).toEqual(['runs-status'])
    expect(report.checks.find((c) => c.id === 'runs.schema')).toMatchObject({ status: 'skipped', reason: expect.stringContaining('answered 404') })
  })

  it('stops with one TokenRefusedError for a token the server does not accept, instead of a finding per check', async () => {
    await expect(runVerify(options(server.url, { token: 'wrong-token' }))).rejects.toThrow(new TokenRefusedError(
      `the server refused the token: GET /pipelines/${FIXTURE_PIPELINE}/runs/ answered 401 {"detail":"Could not validate credentials"}`))
  })

  it('throws UnreachableError when nothing listens', async () => {
    const closed = createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const { port } = closed.address() as AddressInfo
    await new Promise<void>((resolve) => closed.close(() => resolve()))
    await expect(runVerify(options(`http://127.0.0.1:${port}`, { retries: 1 }))).rejects.toThrow(UnreachableError)
  })

  it('gives up after the timeout and retries on a server that never answers', async () => {
    const silent = createServer(() => undefined)
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
    const { port } = silent.address() as AddressInfo
    try {
      await expect(runVerify(options(`http://127.0.0.1:${port}`, { timeoutMs: 100, retries: 1 })))
        .rejects.toThrow(/no answer within 100 ms .*2 attempts/)
    } finally {
      silent.closeAllConnections()
      await new Promise<void>((resolve) => silent.close(() => resolve()))
    }
  })
})

describe('verify against a server that breaks one rule', () => {
  it.each(Object.entries(SCENARIOS))('%s: reports exactly that rule', async (_name, scenario) => {
    const broken: BrokenServer = await startBrokenServer(scenario)
    try {
      const report = await runVerify(options(broken.url))
      expect(report.ok).toBe(false)
      expect(report.failed_rules).toEqual([scenario.rule])
      for (const finding of report.checks.flatMap((c) => c.findings)) {
        expect(finding.request).toMatch(/^(GET|HEAD|POST) \//)
        expect(finding.path).toMatch(/^(status|headers\.[a-z-]+|\$.*)$/)
      }
    } finally {
      await broken.close()
    }
  })

  it('never prints the token, even when the server echoes it', async () => {
    const broken = await startBrokenServer({
      rule: 'auth',
      response: (a, e) => a.status === 401 ? { ...a, body: JSON.stringify({ detail: `bad ${String(e.headers.authorization)}` }) } : a
    })
    try {
      const refused = await runVerify(options(broken.url, { token: 'sekrit-token-value' })).catch((error: unknown) => error)
      expect(refused).toBeInstanceOf(TokenRefusedError)
      expect(String(refused)).not.toContain('sekrit-token-value')
      expect(String(refused)).toContain('[redacted]')
    } finally {
      await broken.close()
    }
  })
})

describe('verify --compat auto', () => {
  it('says when no profile matches, and checks against the default', async () => {
    const broken = await startBrokenServer(SCENARIOS['no www-authenticate'] as NonNullable<typeof SCENARIOS[string]>)
    try {
      const report = await runVerify(options(broken.url, { compat: 'auto' }))
      expect(report.target).toMatchObject({ profile: 'current', profileSource: 'no profile matched' })
      expect(report.failed_rules).toEqual(['www-authenticate'])
    } finally {
      await broken.close()
    }
  })
})

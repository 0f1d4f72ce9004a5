// Runs the verify suite against a live server, one check after another, and builds the report.
import { performance } from 'node:perf_hooks'
import { compatProfile, DEFAULT_COMPAT, type CompatName } from '../contract/compat.ts'
import { PACKAGE_VERSION } from '../version.ts'
import { CHECKS, type Check, type SuiteContext, type SuiteState } from './checks.ts'
import { assertTokenAccepted, createClient, runsRequest, type Send } from './client.ts'
import { detectProfile } from './detect.ts'
import { Probe } from './probe.ts'
import { summarise, type CheckResult, type Finding, type VerifyReport, type VerifyTarget } from './report.ts'

export interface VerifyOptions {
  baseUrl: string
  token: string
  pipelineId: string
  versionId?: string | undefined
  apiKey?: string | undefined
  /** 'auto' detects the profile from the server's answers first. */
  compat: CompatName | 'auto'
  timeoutMs: number
  retries: number
  /** Called once the profile is known, then as each check ends, for reporters that print as they go. */
  onStart?: (target: VerifyTarget) => void
  onCheck?: (result: CheckResult) => void
  /** Replaces the HTTP client (tests). */
  send?: Send
  checks?: Check[]
}

/**
 * Throws UnreachableError when the server cannot be reached and TokenRefusedError when it refuses the token (one
 * line instead of a finding from every check); every other problem is a finding.
 */
export async function runVerify (options: VerifyOptions): Promise<VerifyReport> {
  const started = performance.now()
  const send = options.send ?? createClient({ baseUrl: options.baseUrl, timeoutMs: options.timeoutMs, retries: options.retries, userAgent: `pipelines-mock-verify/${PACKAGE_VERSION}` })
  const base = {
    baseUrl: new URL(options.baseUrl),
    pipelineId: options.pipelineId,
    versionId: options.versionId,
    token: options.token,
    apiKey: options.apiKey
  }
  const credentials = runsRequest(options.pipelineId, options.token, options.apiKey)
  assertTokenAccepted(await send(credentials), credentials)
  const detected = options.compat === 'auto' ? await detectProfile(send, base) : undefined
  const profile = options.compat === 'auto' ? detected ?? DEFAULT_COMPAT : options.compat
  const context: SuiteContext = { ...base, profile: compatProfile(profile) }
  const target: VerifyTarget = {
    baseUrl: options.baseUrl,
    pipelineId: options.pipelineId,
    versionId: options.versionId,
    profile,
    profileSource: options.compat !== 'auto' ? 'given' : detected === undefined ? 'no profile matched' : 'detected'
  }
  options.onStart?.(target)
  const state: SuiteState = { list: undefined, listProblem: 'not fetched' }
  const results: CheckResult[] = []
  for (const check of options.checks ?? CHECKS) {
    const result = scrubbed(await runCheck(check, send, context, state), [options.token, options.apiKey])
    results.push(result)
    options.onCheck?.(result)
  }
  return summarise(target, results, performance.now() - started)
}

async function runCheck (check: Check, send: Send, context: SuiteContext, state: SuiteState): Promise<CheckResult> {
  const probe = new Probe(send)
  const started = performance.now()
  await check.run(probe, context, state)
  const status = probe.findings.length > 0 ? 'failed' : probe.skipped !== undefined ? 'skipped' : 'passed'
  return {
    id: check.id,
    group: check.group,
    title: check.title,
    status,
    ...(status === 'skipped' ? { reason: probe.skipped } : {}),
    requests: probe.requests,
    findings: probe.findings,
    duration_ms: Math.round((performance.now() - started) * 10) / 10
  }
}

// A server that echoes credentials must not get them into a CI log through a finding.
function scrubbed (result: CheckResult, secrets: Array<string | undefined>): CheckResult {
  const words = secrets.filter((s): s is string => s !== undefined && s.length >= 4)
  const scrub = (text: string) => words.reduce((out, word) => out.replaceAll(word, '[redacted]'), text)
  const findings = result.findings.map((f): Finding => ({ ...f, request: scrub(f.request), message: scrub(f.message) }))
  return { ...result, findings, requests: result.requests.map(scrub) }
}

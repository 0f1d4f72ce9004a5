// What a verify run produces: findings (rule, request, JSON path), checks and the report the reporters print.
export interface Finding {
  /** The contract rule that does not hold, e.g. `auth`, `schema`, `ordering`. */
  rule: string
  /** Method and path of the request whose answer broke it, e.g. `GET /pipelines/…/runs/`. */
  request: string
  /** Where in the answer: `status`, `headers.<name>`, or a JSON path into the body (`$[0].run_steps[1].status`). */
  path: string
  message: string
}

export type CheckStatus = 'passed' | 'failed' | 'skipped'

export interface CheckResult {
  id: string
  group: string
  title: string
  status: CheckStatus
  /** Why a check was skipped. */
  reason?: string
  requests: string[]
  findings: Finding[]
  duration_ms: number
}

export interface VerifyTarget {
  baseUrl: string
  pipelineId: string
  versionId: string | undefined
  profile: string
  /** How the profile was chosen: given with --compat, detected (--compat auto), or the default when none matched. */
  profileSource: 'given' | 'detected' | 'no profile matched'
}

export interface VerifyReport {
  target: VerifyTarget
  ok: boolean
  checks: CheckResult[]
  summary: { checks: number, passed: number, failed: number, skipped: number, findings: number, duration_ms: number }
  /** The distinct rules that do not hold, sorted. */
  failed_rules: string[]
}

export function summarise (target: VerifyTarget, checks: CheckResult[], durationMs: number): VerifyReport {
  const count = (status: CheckStatus) => checks.filter((c) => c.status === status).length
  const findings = checks.flatMap((c) => c.findings)
  return {
    target,
    ok: count('failed') === 0,
    checks,
    summary: {
      checks: checks.length,
      passed: count('passed'),
      failed: count('failed'),
      skipped: count('skipped'),
      findings: findings.length,
      duration_ms: Math.round(durationMs)
    },
    failed_rules: [...new Set(findings.map((f) => f.rule))].sort()
  }
}

// `pipelines-mock verify`: check a live server (the real backend or this mock) against the contract.
import { writeFileSync } from 'node:fs'
import { COMPAT_NAMES, DEFAULT_COMPAT, isCompatName, type CompatName } from '../contract/compat.ts'
import { TokenRefusedError, UnreachableError } from '../verify/client.ts'
import { createHumanReporter, renderCheck, renderSummary, wantsColor } from '../verify/reporters/human.ts'
import { renderJson } from '../verify/reporters/json.ts'
import { renderJunit } from '../verify/reporters/junit.ts'
import type { VerifyReport } from '../verify/report.ts'
import { runVerify, type VerifyOptions } from '../verify/run.ts'
import { parseRemote, REMOTE_HELP, remoteOptions, required, uuidFlag } from './remote.ts'
import { parseFlags, printError, UsageError, type Command } from './usage.ts'
const REPORTERS = ['human', 'json', 'junit'] as const
type Reporter = typeof REPORTERS[number]

const options = {
  ...remoteOptions,
  pipeline: { type: 'string' },
  version: { type: 'string' },
  compat: { type: 'string' },
  reporter: { type: 'string' },
  out: { type: 'string', short: 'o' }
} as const

interface VerifyArgs {
  verify: VerifyOptions
  reporter: Reporter
  out: string | undefined
}

export function parseVerifyArgs (argv: string[], env: Record<string, string | undefined> = process.env): VerifyArgs {
  const { values } = parseFlags(argv, options)
  const remote = parseRemote(values, env)
  return {
    verify: {
      baseUrl: remote.baseUrl,
      token: remote.token,
      pipelineId: uuidFlag(required(values.pipeline, '--pipeline'), '--pipeline'),
      versionId: values.version === undefined ? undefined : uuidFlag(values.version, '--version'),
      apiKey: remote.apiKey,
      compat: compat(values.compat),
      timeoutMs: remote.timeoutMs,
      retries: remote.retries
    },
    reporter: reporter(values.reporter),
    out: values.out
  }
}

export const verify: Command = {
  name: 'verify',
  help: `Usage: pipelines-mock verify --base-url URL --token T --pipeline ID [options]

Checks a live server (the real backend, or this mock) against the contract: the schema, relational
rules, ordering and timestamps of 200 bodies, the version_id filter, and the 401, 422, 404, 405 and
307 answers of docs/contract.md. Never sends a request that could change data (POST goes without credentials).
Exit code 0: every check holds; 1: a check failed; 2: the server cannot be reached, or bad usage.

Options:
${REMOTE_HELP}
  --pipeline ID       a pipeline that exists, ideally with runs
  --version ID        a version to check the version_id filter with (default: up to 3 from the runs)
  --compat PROFILE    the FastAPI/pydantic generation to expect: ${COMPAT_NAMES.join(', ')} (default ${DEFAULT_COMPAT});
                      auto: find the profile the server answers like, then check against it
  --reporter NAME     human (default; colour on a terminal unless NO_COLOR), json, junit
  --out, -o FILE      write the report to FILE instead of standard output
  -h, --help          show this help`,
  async run (argv) {
    const args = parseVerifyArgs(argv)
    const streaming = args.reporter === 'human' && args.out === undefined
    const human = createHumanReporter((text) => process.stdout.write(text), wantsColor(process.stdout, process.env))
    let report: VerifyReport
    try {
      report = await runVerify({ ...args.verify, ...(streaming ? { onStart: human.start, onCheck: human.check } : {}) })
    } catch (error) {
      if (!(error instanceof UnreachableError) && !(error instanceof TokenRefusedError)) throw error
      printError(error.message)
      return 1
    }
    if (streaming) human.finish(report)
    else output(render(report, args.reporter), args.out)
    return report.ok ? 0 : 1
  }
}

function render (report: VerifyReport, reporter: Reporter): string {
  if (reporter === 'json') return renderJson(report)
  if (reporter === 'junit') return renderJunit(report)
  const plain = (_style: unknown, text: string) => text
  return report.checks.map((check) => renderCheck(check, plain)).join('') + renderSummary(report, plain) + '\n'
}

function output (text: string, out: string | undefined): void {
  if (out === undefined) process.stdout.write(text)
  else writeFileSync(out, text)
}

function compat (value: string | undefined): CompatName | 'auto' {
  if (value === undefined) return DEFAULT_COMPAT
  if (value !== 'auto' && !isCompatName(value)) throw new UsageError(`--compat must be auto or one of ${COMPAT_NAMES.join(', ')}, got "${value}"`)
  return value
}

function reporter (value: string | undefined): Reporter {
  if (value === undefined) return 'human'
  const found = REPORTERS.find((name) => name === value)
  if (found === undefined) throw new UsageError(`--reporter must be one of ${REPORTERS.join(', ')}, got "${value}"`)
  return found
}

// `pipelines-mock verify`: check a live server (the real backend or this mock) against the contract.
import { writeFileSync } from 'node:fs'
import { TokenRefusedError, UnreachableError } from '../verify/client.ts'
import { createHumanReporter, renderCheck, renderSummary, wantsColor } from '../verify/reporters/human.ts'
import { renderJson } from '../verify/reporters/json.ts'
import { renderJunit } from '../verify/reporters/junit.ts'
import type { VerifyReport } from '../verify/report.ts'
import { runVerify, type VerifyOptions } from '../verify/run.ts'
import { helpLines } from '../options/option.ts'
import { VERIFY, type REPORTERS } from '../options/table.ts'
import { remoteOf } from './remote.ts'
import { printError, readArgs, type Command } from './usage.ts'

type Reporter = typeof REPORTERS[number]

interface VerifyArgs {
  verify: VerifyOptions
  reporter: Reporter
  out: string | undefined
}

export function parseVerifyArgs (argv: string[], env: Record<string, string | undefined> = process.env): VerifyArgs {
  const { values } = readArgs(argv, VERIFY, env)
  const remote = remoteOf(values)
  return {
    verify: {
      baseUrl: remote.baseUrl,
      token: remote.token,
      pipelineId: values.pipeline,
      versionId: values.version,
      apiKey: remote.apiKey,
      compat: values.compat,
      timeoutMs: remote.timeoutMs,
      retries: remote.retries
    },
    reporter: values.reporter,
    out: values.out
  }
}

export const verify: Command = {
  name: 'verify',
  help: `Usage: pipelines-mock verify --base-url URL --token T --pipeline ID [options]

Checks a live server (the real backend, or this mock) against the contract: the schema, relational
rules, ordering and timestamps of 200 bodies, the version_id filter, and the 401, 422, 404, 405 and
307 answers of docs/contract.md. Never sends a request that could change data (POST goes without credentials).
Exit codes: 0 every check holds; 1 a check failed, the token was refused or the server cannot be reached;
2 bad usage or a bad value.

Options:
${helpLines(VERIFY)}`,
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

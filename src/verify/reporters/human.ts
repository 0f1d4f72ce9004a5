// The human reporter: a line per check as it ends, findings under failed ones, a summary; colour only on a terminal.
import { styleText } from 'node:util'
import type { CheckResult, VerifyReport, VerifyTarget } from '../report.ts'

type Style = Parameters<typeof styleText>[0]
export type Paint = (style: Style, text: string) => string

export interface HumanReporter {
  start: (target: VerifyTarget) => void
  check: (result: CheckResult) => void
  finish: (report: VerifyReport) => void
}

/** Colour when writing to a terminal and NO_COLOR is unset or empty (https://no-color.org). */
export function wantsColor (stream: { isTTY?: boolean }, env: Record<string, string | undefined>): boolean {
  return stream.isTTY === true && (env.NO_COLOR ?? '') === '' && env.TERM !== 'dumb'
}

export function createHumanReporter (write: (text: string) => void, color: boolean): HumanReporter {
  // styleText would decide from process.stdout itself; the caller has decided already.
  const paint: Paint = color ? (style, text) => styleText(style, text, { validateStream: false }) : (_style, text) => text
  let group = ''
  return {
    start (target) {
      const version = target.versionId === undefined ? '' : `, version ${target.versionId}`
      const source = target.profileSource === 'given' ? '' : target.profileSource === 'detected' ? ', detected' : paint('yellow', ': no profile matched, checking against it')
      write(`${paint('bold', 'pipelines-mock verify')} ${target.baseUrl} (pipeline ${target.pipelineId}${version}, profile ${target.profile}${source})\n`)
    },
    check (result) {
      if (result.group !== group) {
        group = result.group
        write(`\n${paint('bold', group)}\n`)
      }
      write(renderCheck(result, paint))
    },
    finish (report) {
      write(`\n${renderSummary(report, paint)}\n`)
    }
  }
}

export function renderCheck (result: CheckResult, paint: Paint): string {
  const mark = { passed: paint('green', '✓'), failed: paint('red', '✗'), skipped: paint('yellow', '-') }[result.status]
  const lines = [`  ${mark} ${result.title}${result.status === 'skipped' ? paint('dim', ` (skipped: ${result.reason ?? ''})`) : ''}`]
  for (const finding of result.findings) {
    lines.push(`      ${paint('red', finding.rule)} ${paint('dim', finding.request)} ${paint('cyan', finding.path)}: ${finding.message}`)
  }
  return lines.join('\n') + '\n'
}

export function renderSummary (report: VerifyReport, paint: Paint): string {
  const { checks, passed, failed, skipped, findings, duration_ms: ms } = report.summary
  const counts = `${checks} checks: ${passed} passed, ${failed} failed, ${skipped} skipped (${(ms / 1000).toFixed(2)} s)`
  if (report.ok) return paint('green', `${counts}\ncontract holds`)
  return paint('red', `${counts}\n${findings} finding${findings === 1 ? '' : 's'}; rules broken: ${report.failed_rules.join(', ')}`)
}

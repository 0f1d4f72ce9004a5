// The JSON reporter: the whole report as one JSON document, for scripts.
import { PACKAGE_VERSION } from '../../version.ts'
import type { VerifyReport } from '../report.ts'

export function renderJson (report: VerifyReport): string {
  return `${JSON.stringify({ tool: 'pipelines-mock verify', version: PACKAGE_VERSION, ...report }, null, 2)}\n`
}

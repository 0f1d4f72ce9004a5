// The JUnit reporter: a testsuite per group, a testcase per check, a failure listing its findings (for CI systems).
import junitModule, { type Builder, type TestCase } from 'junit-report-builder'
import type { CheckResult, Finding, VerifyReport } from '../report.ts'

// The package is CommonJS (`module.exports = builder`) while its types declare `export default`.
const junit = junitModule as unknown as Builder

// XML 1.0 cannot carry most control characters, which a server's answer may contain.
// eslint-disable-next-line no-control-regex -- exactly the characters XML forbids
const NOT_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g

export function renderJunit (report: VerifyReport): string {
  const builder = junit.newBuilder().name('pipelines-mock verify')
  const groups = [...new Set(report.checks.map((check) => check.group))]
  for (const group of groups) {
    const checks = report.checks.filter((check) => check.group === group)
    const suite = builder.testSuite().name(`pipelines-mock verify: ${group}`)
      .property('base_url', report.target.baseUrl)
      .property('pipeline_id', report.target.pipelineId)
      .property('profile', report.target.profile)
    for (const check of checks) addCase(suite.testCase(), check)
  }
  return `${builder.build()}\n`
}

function addCase (testCase: TestCase, check: CheckResult): void {
  testCase.className(`pipelines-mock.verify.${check.group}`).name(xmlSafe(`${check.id}: ${check.title}`)).time(Math.round(check.duration_ms) / 1000)
  if (check.status === 'skipped') {
    testCase.skipped()
    if (check.reason !== undefined) testCase.standardOutput(xmlSafe(`skipped: ${check.reason}`))
  }
  if (check.status === 'failed') {
    const first = check.findings[0] as Finding
    const rules = [...new Set(check.findings.map((f) => f.rule))].join(',')
    testCase.failure(xmlSafe(`${first.rule} ${first.request} ${first.path}: ${first.message}`), rules)
    testCase.stacktrace(xmlSafe(check.findings.map((f) => `${f.rule} ${f.request} ${f.path}: ${f.message}`).join('\n')))
  }
}

function xmlSafe (text: string): string {
  return text.replace(NOT_XML, '\ufffd')
}

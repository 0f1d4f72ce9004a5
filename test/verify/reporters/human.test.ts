// The human reporter: colour policy (terminal, NO_COLOR, TERM=dumb) and what a failed check prints.
import { describe, expect, it } from 'vitest'
import { createHumanReporter, wantsColor } from '../../../src/verify/reporters/human.ts'
import { summarise, type CheckResult } from '../../../src/verify/report.ts'

const failed: CheckResult = {
  id: 'auth.missing',
  group: 'auth',
  title: 'no Authorization header',
  status: 'failed',
  requests: ['GET /pipelines/x/runs/'],
  findings: [{ rule: 'auth', request: 'GET /pipelines/x/runs/', path: 'status', message: 'expected 401, got 403' }],
  duration_ms: 1
}
const target = { baseUrl: 'http://127.0.0.1:8000', pipelineId: 'p', versionId: undefined, profile: 'current', profileSource: 'given' as const }

describe('wantsColor', () => {
  it.each([
    [{ isTTY: true }, {}, true],
    [{ isTTY: false }, {}, false],
    [{}, {}, false],
    [{ isTTY: true }, { NO_COLOR: '1' }, false],
    [{ isTTY: true }, { NO_COLOR: '' }, true],
    [{ isTTY: true }, { TERM: 'dumb' }, false]
  ])('%j %j -> %s', (stream, env, expected) => expect(wantsColor(stream, env)).toBe(expected))
})

describe('createHumanReporter', () => {
  const render = (color: boolean) => {
    let text = ''
    const reporter = createHumanReporter((chunk) => { text += chunk }, color)
    reporter.start(target)
    reporter.check(failed)
    reporter.finish(summarise(target, [failed], 1234))
    return text
  }

  it('prints the rule, the request and the path under a failed check, plain without colour', () => {
    expect(render(false)).toBe([
      'pipelines-mock verify http://127.0.0.1:8000 (pipeline p, profile current)',
      '',
      'auth',
      '  ✗ no Authorization header',
      '      auth GET /pipelines/x/runs/ status: expected 401, got 403',
      '',
      '1 checks: 0 passed, 1 failed, 0 skipped (1.23 s)',
      '1 finding; rules broken: auth',
      ''
    ].join('\n'))
  })

  it('uses ANSI colour only when asked to', () => {
    expect(render(true)).toContain('\u001b[31m✗\u001b[39m')
    expect(render(false)).not.toContain('\u001b[')
  })
})

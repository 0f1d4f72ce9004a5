// Bounded work per admin body: nesting refused before parsing, counting stops, step lists capped; no 500, nothing written.
import { describe, expect, it } from 'vitest'
import { MAX_COUNTED_FINDINGS } from '../../src/data/import.ts'
import { MAX_LIST_ITEMS } from '../../src/data/import-checks.ts'
import { MAX_JSON_DEPTH, nestsDeeperThan } from '../../src/routes/admin-body.ts'
import type { RunRead } from '../../src/schemas/runs.ts'
import { buildTestApp } from '../helpers/test-app.ts'

const ADMIN_TOKEN = 'admin-token-for-bodies'

async function post (payload: string) {
  const test = await buildTestApp({ 'admin-token': ADMIN_TOKEN })
  const runsBefore = test.db.prepare('SELECT count(*) FROM runs').pluck().get()
  const response = await test.app.inject({
    method: 'POST',
    url: '/__admin/runs',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    payload
  })
  const runsAfter = test.db.prepare('SELECT count(*) FROM runs').pluck().get()
  await test.close()
  expect(runsAfter).toBe(runsBefore)
  return { status: response.statusCode, detail: (response.json() as { detail: Array<Record<string, unknown>> }).detail, runs: test.runs }
}

describe('nestsDeeperThan', () => {
  it.each([
    ['[[1]]', 2, false],
    ['[[[1]]]', 2, true],
    ['{"a":{"b":[]}}', 3, false],
    ['{"a":{"b":[{}]}}', 3, true],
    ['["[[[[", "{{{{"]', 1, false],
    ['["\\"[[[[", {}]', 1, true]
  ])('%s deeper than %i: %s', (text, max, deeper) => {
    expect(nestsDeeperThan(text, max)).toBe(deeper)
  })
})

describe('POST /__admin/runs, bounded', () => {
  it.each([
    ['an object', '{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000)],
    ['an array', '['.repeat(100_000) + ']'.repeat(100_000)]
  ])('answers %s nested 100,000 deep with a JSON error, not a 500', async (_kind, payload) => {
    const { status, detail } = await post(payload)
    expect(status).toBe(422)
    expect(detail).toEqual([{ type: 'json_invalid', loc: ['body'], msg: 'JSON decode error', input: {}, ctx: { error: `JSON nested deeper than ${MAX_JSON_DEPTH} levels` } }])
  })

  it('stops checking a body of a million bad elements once it has counted enough findings', async () => {
    const { status, detail } = await post(`[${Array(1_000_000).fill('{}').join(',')}]`)
    expect(status).toBe(422)
    expect(detail).toHaveLength(51)
    expect(detail.at(-1)).toEqual({ type: 'too_many_errors', loc: ['body'], msg: `and at least ${MAX_COUNTED_FINDINGS - 50} more problems (checking stops after ${MAX_COUNTED_FINDINGS})` })
  })

  it('refuses a run with more run steps than the cap before walking them', async () => {
    const test = await buildTestApp()
    const [run] = test.runs as [RunRead]
    await test.close()
    const steps = Array(MAX_LIST_ITEMS + 1).fill(run.run_steps[0])
    const { status, detail } = await post(JSON.stringify([{ ...run, run_steps: steps }]))
    expect(status).toBe(422)
    expect(detail).toEqual([{ type: 'too_long', loc: ['body', 0, 'run_steps'], msg: `List should have at most ${MAX_LIST_ITEMS} items, not ${MAX_LIST_ITEMS + 1}` }])
  })
})

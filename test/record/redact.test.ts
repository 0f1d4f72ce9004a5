// Redaction of recorded runs: no SQL or label values left, deterministic, relations kept, secrets gone.
import { describe, expect, it } from 'vitest'
import { redactLabelValue, redactRuns, redactSql } from '../../src/record/redact.ts'
import type { RunRead } from '../../src/schemas/runs.ts'
import { FIXTURE_RUNS } from '../fixtures/contract-server.ts'

const collect = (value: unknown, pick: (key: string, value: unknown) => boolean, out: unknown[] = []): unknown[] => {
  if (Array.isArray(value)) value.forEach((v) => collect(v, pick, out))
  else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      if (pick(k, v)) out.push(v)
      collect(v, pick, out)
    }
  }
  return out
}
const queries = FIXTURE_RUNS.flatMap((run) => run.pipeline_version.steps.map((step) => step.config.query))

// What teams add to their workflows: owner annotations and team labels (the demo data has none).
const withUserLabels = (run: RunRead): RunRead => {
  const manifest = structuredClone(run.argo_manifest) as { metadata: { labels: Record<string, string>, annotations?: Record<string, string> } }
  manifest.metadata.labels.team = 'payments'
  manifest.metadata.annotations = { owner: 'jane.doe@example.com', 'cost-center': '4711' }
  return { ...run, argo_manifest: manifest }
}
const LABELLED = FIXTURE_RUNS.map(withUserLabels)

describe('redactSql', () => {
  it.each([
    ['SELECT * FROM raw.orders', /^SELECT … \/\* redacted [0-9a-f]{8} \*\/$/],
    ['  insert into mart.orders select 1', /^INSERT … \/\* redacted [0-9a-f]{8} \*\/$/],
    ['WITH x AS (SELECT 1) SELECT * FROM x', /^WITH … /],
    ['-- comment first\nSELECT 1', /^SELECT … /]
  ])('%j', (query, pattern) => expect(redactSql(query)).toMatch(pattern))

  it('is deterministic and tells different queries apart', () => {
    expect(redactSql('SELECT 1')).toBe(redactSql('SELECT 1'))
    expect(redactSql('SELECT 1')).not.toBe(redactSql('SELECT 2'))
  })
})

describe('redactLabelValue', () => {
  it('gives a valid Kubernetes label value', () => {
    expect(redactLabelValue('data-team@example.com')).toMatch(/^redacted-[0-9a-f]{8}$/)
    expect(redactLabelValue('')).toBe('')
  })
})

describe('redactRuns', () => {
  it('--redact-sql: no query text is left anywhere, and equal queries stay equal', () => {
    const runs = redactRuns(FIXTURE_RUNS, { sql: true, labels: false, secrets: [] })
    const text = JSON.stringify(runs)
    for (const query of queries) expect(text).not.toContain(JSON.stringify(query))
    const redactedQueries = runs.flatMap((run) => run.pipeline_version.steps.map((step) => step.config.query))
    expect(redactedQueries).toEqual(queries.map(redactSql))
    const parameters = collect(runs.map((r) => r.argo_manifest), (k, v) => k === 'parameters' && Array.isArray(v)).flat() as Array<{ name: string, value?: string }>
    const values = parameters.filter((p) => p.name === 'query' && p.value !== undefined).map((p) => p.value)
    expect(values.length).toBeGreaterThan(0)
    for (const value of values) expect(value).toMatch(/ … \/\* redacted [0-9a-f]{8} \*\/$/)
  })

  it('--redact-labels: user label and annotation values replaced, controller labels, the run\'s own ids and keys kept', () => {
    const runs = redactRuns(LABELLED, { sql: false, labels: true, secrets: [] })
    const before = collect(LABELLED, (k) => k === 'labels' || k === 'annotations') as Array<Record<string, string>>
    const after = collect(runs, (k) => k === 'labels' || k === 'annotations') as Array<Record<string, string>>
    expect(after.length).toBe(before.length)
    expect(before.length).toBeGreaterThan(0)
    const ids = new Set(FIXTURE_RUNS.flatMap((run) => [run.id, run.pipeline_config_version_id, run.pipeline_version.pipeline_id]))
    let redacted = 0
    after.forEach((labels, i) => {
      const original = before[i] as Record<string, string>
      expect(Object.keys(labels)).toEqual(Object.keys(original))
      for (const [name, value] of Object.entries(labels)) {
        const kept = name.startsWith('workflows.argoproj.io/') || ids.has(original[name] as string)
        expect(value).toBe(kept ? original[name] : redactLabelValue(original[name] as string))
        if (!kept) redacted++
      }
    })
    expect(redacted).toBe(3 * FIXTURE_RUNS.length)
    expect(JSON.stringify(runs)).not.toContain('jane.doe@example.com')
    expect(JSON.stringify(runs.map((r) => r.pipeline_version))).toBe(JSON.stringify(FIXTURE_RUNS.map((r) => r.pipeline_version)))
  })

  it('removes secrets from every string and changes nothing without options', () => {
    const secret = FIXTURE_RUNS[0]?.name as string
    const runs = redactRuns(FIXTURE_RUNS, { sql: false, labels: false, secrets: [secret] })
    expect(JSON.stringify(runs)).not.toContain(secret)
    expect(runs[0]?.name).toBe('[redacted]')
    expect(redactRuns(FIXTURE_RUNS, { sql: false, labels: false, secrets: [] })).toEqual(FIXTURE_RUNS)
  })

  it('removes secrets from object keys too, wherever they sit, with labels and SQL redaction on', () => {
    const secret = 'tok-secret-key-1'
    const [first] = FIXTURE_RUNS as [RunRead]
    const keyed = { ...first, argo_metadata: { ...first.argo_metadata, [secret]: 'x', nested: { [`prefix-${secret}`]: [{ [secret]: secret }] } } }
    const [redacted] = redactRuns([keyed], { sql: true, labels: true, secrets: [secret] })
    expect(JSON.stringify(redacted)).not.toContain(secret)
    expect(redacted?.argo_metadata).toMatchObject({ '[redacted]': 'x', nested: { 'prefix-[redacted]': [{ '[redacted]': '[redacted]' }] } })
  })

  it('is deterministic and keeps every key in order', () => {
    const options = { sql: true, labels: true, secrets: [] }
    const once = redactRuns(FIXTURE_RUNS, options)
    expect(JSON.stringify(redactRuns(FIXTURE_RUNS, options))).toBe(JSON.stringify(once))
    const keys = (value: unknown) => collect(value, () => true).length
    expect(keys(once)).toBe(keys(FIXTURE_RUNS))
  })
})

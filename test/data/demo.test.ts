// seed/demo.json: what scripts/build-demo.ts builds, covering every status, valid by schema and by relational rules.
import { readFileSync } from 'node:fs'
import { FormatRegistry } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import { describe, expect, it } from 'vitest'
import { DEMO_PATH, buildDemoRuns, demoCoverageGaps, demoJson } from '../../scripts/build-demo.ts'
import { checkRunRules } from '../../src/contract/rules.ts'
import { parseTimestamp } from '../../src/contract/timestamps.ts'
import { PipelineVersionRead, RunRead, RunStepMetadata, StepConfig, StepRead } from '../../src/schemas/runs.ts'

const text = readFileSync(DEMO_PATH, 'utf8')
const runs = JSON.parse(text) as RunRead[]

FormatRegistry.Set('uuid', (value) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(value))
FormatRegistry.Set('date-time', (value) => parseTimestamp(value) !== undefined)

describe('seed/demo.json', () => {
  it('is exactly what scripts/build-demo.ts writes (run `npx tsx scripts/build-demo.ts` after changing the generator)', () => {
    expect(text).toBe(demoJson(buildDemoRuns()))
  })

  it('has 3 pipelines with 2+ versions each and 30+ runs', () => {
    expect(runs.length).toBeGreaterThanOrEqual(30)
    const versions = new Map<string, Set<string>>()
    for (const run of runs) versions.set(run.pipeline_version.pipeline_id, (versions.get(run.pipeline_version.pipeline_id) ?? new Set()).add(run.pipeline_version.id))
    expect(versions.size).toBe(3)
    for (const set of versions.values()) expect(set.size).toBeGreaterThanOrEqual(2)
    expect(new Set(runs.map((run) => run.name.replace(/-[^-]+$/, '')))).toEqual(new Set(['orders-daily', 'customer-360', 'revenue-reporting']))
  })

  it('covers every run and step status, unfinished runs, unstarted steps and both timestamp shapes', () => {
    expect(demoCoverageGaps(runs)).toEqual([])
  })

  it('breaks no relational rule, as a whole and per pipeline', () => {
    expect(checkRunRules(runs)).toEqual([])
    for (const pipelineId of new Set(runs.map((run) => run.pipeline_version.pipeline_id))) {
      expect(checkRunRules(runs.filter((run) => run.pipeline_version.pipeline_id === pipelineId), { pipelineId })).toEqual([])
    }
  })

  it('validates against the RunRead schema', () => {
    const references = [StepConfig, StepRead, PipelineVersionRead, RunStepMetadata]
    for (const run of runs) expect([...Value.Errors(RunRead, references, run)]).toEqual([])
    expect(Value.Check(RunRead, references, { ...runs[0], id: 'not-a-uuid' })).toBe(false)
  })
})

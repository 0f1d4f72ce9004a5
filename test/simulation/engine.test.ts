// The pure step function on single runs and schedules: phases in DAG order, failures omit the rest, `when` skips.
import { describe, expect, it } from 'vitest'
import { parseTimestamp } from '../../src/contract/timestamps.ts'
import { readDemoRuns } from '../../src/db/seed-demo.ts'
import type { RunRead } from '../../src/schemas/runs.ts'
import { advance, advanceRun, scheduledRuns, specFor, whenHolds, type PipelineState, type SimulationState } from '../../src/simulation/engine.ts'

const SECOND = 1_000_000
const MONDAY = Date.UTC(2026, 10, 9, 10, 0, 0) * 1000
const SATURDAY = Date.UTC(2026, 10, 14, 10, 0, 0) * 1000
const demo = readDemoRuns()
const newestRun = demo[0] as RunRead

function pipeline (overrides: Partial<PipelineState> = {}): PipelineState {
  return { id: newestRun.pipeline_version.pipeline_id, version: newestRun.pipeline_version, templateManifest: newestRun.argo_manifest, lastCreatedAt: null, active: [], ...overrides }
}

const options = { randomSeed: 3, intervalSeconds: 600 }

/** Steps one pipeline from `from` in 1-second ticks until its first run finishes; returns every distinct state. */
function lifeOfFirstRun (from: number, seed: number): RunRead[] {
  let state: SimulationState = { pipelines: [pipeline({ lastCreatedAt: from })] }
  const seen: RunRead[] = []
  for (let now = from; now < from + 4 * 3600 * SECOND; now += SECOND) {
    const result = advance(state, now, { ...options, randomSeed: seed })
    state = result.state
    const first = result.changed.find((run) => run.id === (seen[0]?.id ?? run.id))
    if (first !== undefined) seen.push(first)
    if (first !== undefined && first.finished_at !== null) return seen
  }
  throw new Error('no run finished')
}

describe('simulation engine', () => {
  it('moves a new run Pending → Running → finished, one step after another in DAG order', () => {
    const life = lifeOfFirstRun(MONDAY, 3)
    // First seen within a second of its creation: queued, or just picked up with at most its first step started.
    expect(['Pending', 'Running']).toContain(life[0]?.status)
    expect(life[0]?.run_steps.slice(1).every((step) => step.status === 'Pending')).toBe(true)
    expect(new Set(life.map((run) => run.status))).toContain('Running')
    expect(life.at(-1)?.finished_at).not.toBeNull()
    for (const run of life) {
      const statuses = run.run_steps.map((step) => step.status)
      // Steps are reached in order: no step is past Pending while an earlier one still is.
      const firstPending = statuses.indexOf('Pending')
      if (firstPending >= 0) expect(statuses.slice(firstPending).every((s) => s === 'Pending')).toBe(true)
      expect(statuses.filter((s) => s === 'Running').length).toBeLessThanOrEqual(1)
    }
    const starts = (life.at(-1) as RunRead).run_steps.map((step) => parseTimestamp(step.started_at ?? '') as number)
    expect([...starts].sort((a, b) => a - b)).toEqual(starts)
  })

  it('omits the steps after a failed one and fails the run; skips weekday-only steps on a Saturday', () => {
    const outcomes = Array.from({ length: 40 }, (_, seed) => lifeOfFirstRun(SATURDAY, seed).at(-1) as RunRead)
    const failed = outcomes.find((run) => run.status === 'Failed' || run.status === 'Error')
    expect(failed).toBeDefined()
    const steps = (failed as RunRead).run_steps
    const at = steps.findIndex((step) => step.status === 'Failed' || step.status === 'Error')
    expect(steps.slice(at + 1).every((step) => step.status === 'Omitted')).toBe(true)
    const succeeded = outcomes.find((run) => run.status === 'Succeeded') as RunRead
    expect(succeeded.run_steps.at(-1)?.status).toBe('Skipped')
  })

  it('advanceRun returns the same object when nothing is due, and a finished run never changes', () => {
    const life = lifeOfFirstRun(MONDAY, 5)
    const pending = life[0] as RunRead
    expect(advanceRun(pending, parseTimestamp(pending.created_at) as number, 5)).toBe(pending)
    const done = life.at(-1) as RunRead
    expect(advanceRun(done, MONDAY + 100 * 3600 * SECOND, 5)).toBe(done)
  })

  it('schedules one run per interval after the last one, and misses those older than the catch-up window', () => {
    const last = MONDAY
    const times = scheduledRuns(pipeline({ lastCreatedAt: last }), last + 3000 * SECOND, { ...options, catchUpIntervals: 10 })
    expect(times.length).toBeGreaterThanOrEqual(4)
    expect(times.length).toBeLessThanOrEqual(5)
    times.forEach((time, i) => {
      expect(time).toBeGreaterThan(i === 0 ? last : times[i - 1] as number)
      if (i > 0) expect(time - (times[i - 1] as number)).toBeGreaterThan(0.7 * 600 * SECOND)
    })
    const afterDowntime = scheduledRuns(pipeline({ lastCreatedAt: last }), last + 30 * 86_400 * SECOND, options)
    expect(afterDowntime.length).toBeLessThanOrEqual(4)
    expect(afterDowntime.every((time) => time > last + 30 * 86_400 * SECOND - 3 * 600 * SECOND)).toBe(true)
    expect(scheduledRuns(pipeline({ version: undefined }), last, options)).toEqual([])
  })

  it('never schedules a run before its version was created', () => {
    const created = parseTimestamp(newestRun.pipeline_version.created_at) as number
    const times = scheduledRuns(pipeline(), created + 1, { ...options, intervalSeconds: 1 })
    expect(times.every((time) => time > created)).toBe(true)
  })

  it('evaluates `when` comparisons after substituting workflow variables', () => {
    const monday = { name: 'wf-abcde', creationTimestamp: MONDAY }
    const saturday = { name: 'wf-abcde', creationTimestamp: SATURDAY }
    const task = { name: 'publish', query: 'q', when: '{{workflow.creationTimestamp.u}} < 6' }
    expect(whenHolds(task, monday)).toBe(true)
    expect(whenHolds(task, saturday)).toBe(false)
    expect(whenHolds({ ...task, when: 'false' }, monday)).toBe(false)
    expect(whenHolds({ ...task, when: '2 == 2' }, monday)).toBe(true)
    expect(whenHolds({ name: 'x', query: 'q' }, monday)).toBe(true)
  })

  it('takes generateName, namespace, image and `when` from a manifest, and falls back without one', () => {
    const spec = specFor(newestRun.pipeline_version, newestRun.argo_manifest, newestRun.pipeline_version.pipeline_id)
    expect(spec.generateName).toBe((newestRun.argo_manifest as { metadata: { generateName: string } }).metadata.generateName)
    expect(spec.tasks.map((task) => task.name)).toEqual(newestRun.pipeline_version.steps.map((step) => step.name))
    expect(spec.tasks.some((task) => task.when !== undefined)).toBe(true)
    const bare = specFor(newestRun.pipeline_version, undefined, 'abcdef12-0000-4000-8000-000000000000')
    expect(bare.generateName).toBe('pipeline-abcdef12-')
    expect(bare.tasks.every((task) => task.when === undefined)).toBe(true)
  })
})

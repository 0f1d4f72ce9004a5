// Simulation over a real SQLite file with a manual clock: invariants at many instants, determinism, restart continuity.
import { describe, expect, it } from 'vitest'
import { parseTimestamp } from '../../src/contract/timestamps.ts'
import { checkRunRules } from '../../src/contract/rules.ts'
import { workflowProgress, type NodePhase } from '../../src/data/argo.ts'
import type { Db } from '../../src/db/open.ts'
import { readDemoRuns } from '../../src/db/seed-demo.ts'
import { createRunQueries } from '../../src/queries/runs.ts'
import type { RunRead } from '../../src/schemas/runs.ts'
import { manualClock, type ManualClock } from '../../src/simulation/clock.ts'
import { createSimulationRunner, simulationClock, type SimulationRunner } from '../../src/simulation/runner.ts'
import { seededDb } from '../helpers/test-app.ts'

const SECOND = 1_000_000
/** 2026-11-06T12:00:00Z: two days after the demo data's instant. */
const START = Date.UTC(2026, 10, 6, 12, 0, 0) * 1000
const PIPELINES = [...new Set(readDemoRuns().map((run) => run.pipeline_version.pipeline_id))]

interface Sim { db: Db, clock: ManualClock, runner: SimulationRunner }

function simulation (options: { randomSeed?: number, keep?: number, db?: Db, clock?: ManualClock } = {}): Sim {
  const db = options.db ?? seededDb(readDemoRuns())
  const clock = options.clock ?? manualClock(START)
  const runner = createSimulationRunner({ db, clock, randomSeed: options.randomSeed ?? 7, intervalSeconds: 120, keep: options.keep ?? 40 })
  return { db, clock, runner }
}

/** Irregular steps (1 to 29 simulated seconds), the same sequence every time. */
function stepSizes (count: number): number[] {
  return Array.from({ length: count }, (_, i) => ((i * 7919) % 29 + 1) * SECOND + (i * 104_729) % SECOND)
}

function snapshot (db: Db): Map<string, RunRead[]> {
  const queries = createRunQueries(db)
  return new Map(PIPELINES.map((id) => [id, JSON.parse(queries.listRunsJson(id)) as RunRead[]]))
}

function bytes (db: Db): string {
  const queries = createRunQueries(db)
  return PIPELINES.map((id) => queries.listRunsJson(id)).join('\n')
}

const RUN_RANK: Record<string, number> = { Pending: 0, Running: 1, Succeeded: 2, Failed: 2, Error: 2 }
const STEP_RANK: Record<string, number> = { Pending: 0, Running: 1 }

interface ArgoNodeView { displayName: string, type: string, phase: string, startedAt: string | null, finishedAt: string | null }
interface MetadataView {
  metadata: { name: string, labels: Record<string, string> }
  status: { phase: string, finishedAt: string | null, progress: string, nodes?: Record<string, ArgoNodeView> }
}

/** argo_metadata says what run_steps say: phase, finish, progress N/M, one node per reached step with its phase and times. */
function metadataProblems (run: RunRead): string[] {
  const problems: string[] = []
  const metadata = run.argo_metadata as unknown as MetadataView
  const expect = (ok: boolean, what: string) => { if (!ok) problems.push(`${run.name}: ${what}`) }
  expect(metadata.metadata.name === run.name, 'metadata.name')
  expect(metadata.status.phase === run.status, 'status.phase')
  expect(metadata.metadata.labels['workflows.argoproj.io/phase'] === run.status, 'phase label')
  expect(metadata.status.finishedAt === run.finished_at, 'status.finishedAt')
  const tasks = run.run_steps.map((step) => ({ phase: step.status as NodePhase, startedAt: null, finishedAt: null }))
  expect(metadata.status.progress === workflowProgress({ tasks }), `progress ${metadata.status.progress}`)
  const nodes = Object.values(metadata.status.nodes ?? {}).filter((node) => node.type !== 'DAG')
  const reached = run.run_steps.filter((step) => step.status !== 'Pending')
  expect(nodes.length === reached.length, `${nodes.length} nodes for ${reached.length} reached steps`)
  for (const step of run.run_steps) {
    expect(step.run_name === run.name, 'run_name')
    const node = nodes.find((n) => n.displayName === step.name)
    if (step.status === 'Pending') continue
    expect(node !== undefined && node.phase === step.status && node.startedAt === step.started_at && node.finishedAt === step.finished_at,
      `node of ${step.name} disagrees with its run step`)
  }
  return problems
}

function timesNotAfter (run: RunRead, now: number): boolean {
  const times = [run.created_at, run.finished_at, ...run.run_steps.flatMap((step) => [step.started_at, step.finished_at])]
  return times.every((text) => text === null || (parseTimestamp(text) as number) <= now)
}

/** Phases only move forward; a time once set never changes; a finished run never changes at all. */
function progressionProblems (before: RunRead, after: RunRead): string[] {
  if (RUN_RANK[before.status] === 2) return JSON.stringify(before) === JSON.stringify(after) ? [] : [`${before.name} changed after finishing`]
  const problems: string[] = []
  if ((RUN_RANK[after.status] as number) < (RUN_RANK[before.status] as number)) problems.push(`${before.name}: ${before.status} → ${after.status}`)
  before.run_steps.forEach((step, i) => {
    const next = after.run_steps[i]
    if (next === undefined) return problems.push(`${before.name}: step ${step.name} vanished`)
    if ((STEP_RANK[next.status] ?? 2) < (STEP_RANK[step.status] ?? 2)) problems.push(`${before.name}.${step.name}: ${step.status} → ${next.status}`)
    if (step.started_at !== null && next.started_at !== step.started_at) problems.push(`${before.name}.${step.name}: started_at moved`)
    if (step.finished_at !== null && next.finished_at !== step.finished_at) problems.push(`${before.name}.${step.name}: finished_at moved`)
    if ((STEP_RANK[step.status] ?? 2) === 2 && next.status !== step.status) problems.push(`${before.name}.${step.name}: finished ${step.status} became ${next.status}`)
  })
  return problems
}

describe('simulation runner', () => {
  it('keeps every invariant at 80 instants (800 ticks) over ~3 simulated hours', () => {
    const { db, clock, runner } = simulation()
    let previous = snapshot(db)
    const seenStatuses = new Set<string>()
    const seenStepStatuses = new Set<string>()
    const problems: string[] = []
    let checks = 0
    for (const [i, size] of stepSizes(800).entries()) {
      clock.advance(size)
      runner.tick()
      if (i % 10 !== 0) continue
      const current = snapshot(db)
      for (const [pipelineId, runs] of current) {
        problems.push(...checkRunRules(runs, { pipelineId }).map((finding) => `${finding.rule} ${finding.path}: ${finding.message}`))
        const before = new Map((previous.get(pipelineId) ?? []).map((run) => [run.id, run]))
        for (const run of runs) {
          seenStatuses.add(run.status)
          for (const step of run.run_steps) seenStepStatuses.add(step.status)
          if (!timesNotAfter(run, clock.now())) problems.push(`${run.name}: a time after now`)
          problems.push(...metadataProblems(run))
          const earlier = before.get(run.id)
          if (earlier !== undefined) problems.push(...progressionProblems(earlier, run))
        }
      }
      checks++
      previous = current
    }
    expect(problems.slice(0, 10)).toEqual([])
    expect(checks).toBe(80)
    // The span is long enough for every workflow phase and every node phase to appear.
    expect([...seenStatuses].sort()).toEqual(['Error', 'Failed', 'Pending', 'Running', 'Succeeded'])
    expect([...seenStepStatuses].sort()).toEqual(['Error', 'Failed', 'Omitted', 'Pending', 'Running', 'Skipped', 'Succeeded'])
  }, 60_000)

  it('starts runs on a schedule for each pipeline with its newest version, and prunes to --simulate-keep', () => {
    const { db, clock, runner } = simulation({ keep: 15 })
    for (const size of stepSizes(300)) {
      clock.advance(size)
      runner.tick()
    }
    for (const [pipelineId, runs] of snapshot(db)) {
      const newestVersion = readDemoRuns().filter((run) => run.pipeline_version.pipeline_id === pipelineId)
        .map((run) => run.pipeline_version).sort((a, b) => b.created_at.localeCompare(a.created_at))[0]
      const simulated = runs.filter((run) => (parseTimestamp(run.created_at) as number) >= START - 360 * SECOND)
      expect(simulated.length).toBeGreaterThan(10)
      expect(new Set(simulated.map((run) => run.pipeline_config_version_id))).toEqual(new Set([newestVersion?.id]))
      expect(runs.length).toBeLessThanOrEqual(15 + runs.filter((run) => run.finished_at === null).length)
    }
  })

  it('is deterministic: same seed and instants give the same bytes; another seed gives others', () => {
    const a = simulation({ randomSeed: 42 })
    const b = simulation({ randomSeed: 42 })
    const c = simulation({ randomSeed: 43 })
    for (const size of stepSizes(120)) {
      for (const sim of [a, b, c]) {
        sim.clock.advance(size)
        sim.runner.tick()
      }
    }
    expect(bytes(a.db)).toBe(bytes(b.db))
    expect(bytes(a.db)).not.toBe(bytes(c.db))
  })

  it('continues after a restart: a new runner over the same database carries on exactly', () => {
    const continuous = simulation()
    const restarted = simulation()
    const sizes = stepSizes(200)
    sizes.forEach((size, i) => {
      if (i === 100) restarted.runner = simulation({ db: restarted.db, clock: restarted.clock }).runner
      for (const sim of [continuous, restarted]) {
        sim.clock.advance(size)
        sim.runner.tick()
      }
    })
    expect(bytes(restarted.db)).toBe(bytes(continuous.db))
  })

  it('gives the same data at an instant however time was split into ticks', () => {
    const fine = simulation({ keep: 0 })
    const coarse = simulation({ keep: 0 })
    // Both start at START: the first step's catch-up window (3 intervals back) depends on when it runs.
    fine.runner.tick()
    coarse.runner.tick()
    for (const size of stepSizes(240)) {
      fine.clock.advance(size)
      fine.runner.tick()
    }
    // Coarse steps of 100 s stay within the catch-up window (3 intervals of 120 s).
    while (coarse.clock.now() < fine.clock.now()) {
      coarse.clock.set(Math.min(fine.clock.now(), coarse.clock.now() + 100 * SECOND))
      coarse.runner.tick()
    }
    expect(bytes(coarse.db)).toBe(bytes(fine.db))
  })

  it('reports each committed change to onChange with the pipelines it touched', () => {
    const db = seededDb(readDemoRuns())
    const clock = manualClock(START)
    const calls: string[][] = []
    const runner = createSimulationRunner({ db, clock, randomSeed: 1, intervalSeconds: 120, keep: 0, onChange: (ids) => calls.push([...ids]) })
    const first = runner.tick()
    expect(first.written).toBeGreaterThan(0)
    expect(calls).toEqual([first.pipelineIds])
    expect(new Set(first.pipelineIds)).toEqual(new Set(PIPELINES))
    expect(runner.tick().written).toBe(0)
    expect(calls).toHaveLength(1)
  })

  it('starts its --speed clock at the latest stored instant when that is after the wall clock', () => {
    const db = seededDb(readDemoRuns())
    const wall = manualClock(Date.UTC(2026, 0, 1) * 1000)
    const clock = simulationClock(db, 10, wall)
    const latest = Math.max(...readDemoRuns().flatMap((run) => [run.created_at, run.finished_at, ...run.run_steps.flatMap((s) => [s.started_at, s.finished_at])])
      .filter((text): text is string => text !== null).map((text) => parseTimestamp(text) as number))
    expect(clock.now()).toBe(latest)
    wall.advance(3 * SECOND)
    expect(clock.now()).toBe(latest + 30 * SECOND)
  })
})

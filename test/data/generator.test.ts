// The data generator: deterministic, counts as asked, relationally consistent, realistic status mix and Argo objects.
import { describe, expect, it } from 'vitest'
import { checkRunRules } from '../../src/contract/rules.ts'
import { formatTimestamp, parseTimestamp } from '../../src/contract/timestamps.ts'
import { fnv1a32 } from '../../src/data/argo.ts'
import {
  DEFAULT_NOW, JOB_TYPE, QUERY_TYPE, type GenerateOptions, describePipelines, formatDbTimestamp, generateRunRecords, generateRuns, toRunRead
} from '../../src/data/generator.ts'
import { RUN_STATUSES, RUN_STEP_STATUSES, type RunRead } from '../../src/schemas/runs.ts'

const SMALL: GenerateOptions = { pipelines: 2, versions: 3, runs: 10, steps: 4, randomSeed: 1 }
// 12 pipelines × 250 runs: every theme once, enough runs for every status.
const LARGE: GenerateOptions = { pipelines: 12, versions: 4, runs: 250, steps: 6, randomSeed: 42 }
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
const large = [...generateRuns(LARGE)]

function byPipeline (runs: RunRead[]): Map<string, RunRead[]> {
  const groups = new Map<string, RunRead[]>()
  for (const run of runs) {
    const id = run.pipeline_version.pipeline_id
    groups.set(id, [...(groups.get(id) ?? []), run])
  }
  return groups
}

function micros (text: string | null): number {
  const value = text === null ? undefined : parseTimestamp(text)
  if (value === undefined) throw new Error(`bad time ${String(text)}`)
  return value
}

describe('determinism', () => {
  it('gives the same runs, byte for byte, for the same options', () => {
    expect(JSON.stringify([...generateRuns(SMALL)])).toBe(JSON.stringify([...generateRuns(SMALL)]))
  })

  it('gives other runs for another seed or another now', () => {
    const base = JSON.stringify([...generateRuns(SMALL)])
    expect(JSON.stringify([...generateRuns({ ...SMALL, randomSeed: 2 })])).not.toBe(base)
    expect(JSON.stringify([...generateRuns({ ...SMALL, now: DEFAULT_NOW + 3_600_000_000 })])).not.toBe(base)
  })

  it('keeps pipeline and version ids when only the number of runs changes', () => {
    const ids = (options: GenerateOptions): unknown => describePipelines(options).map((p) => [p.id, p.versions.map((v) => v.id)])
    expect(ids({ ...SMALL, runs: 500 })).toEqual(ids(SMALL))
  })

  it('validates options before the first run', () => {
    expect(() => generateRuns({ ...SMALL, runs: -1 })).toThrow(RangeError)
    expect(() => generateRuns({ ...SMALL, steps: 0 })).toThrow('steps must be at least 1')
    expect(() => generateRuns({ ...SMALL, versions: 0 })).toThrow(RangeError)
    expect(() => generateRuns({ ...SMALL, randomSeed: 0.5 })).toThrow(RangeError)
    expect([...generateRuns({ ...SMALL, pipelines: 0 })]).toEqual([])
    expect([...generateRuns({ ...SMALL, runs: 0 })]).toEqual([])
  })
})

describe('counts and shape', () => {
  it('makes runs per pipeline spread over its versions, steps per version', () => {
    const runs = [...generateRuns({ ...SMALL, pipelines: 3, runs: 11 })]
    expect(runs).toHaveLength(33)
    const pipelines = describePipelines({ ...SMALL, pipelines: 3, runs: 11 })
    for (const [index, [pipelineId, list]] of [...byPipeline(runs)].entries()) {
      expect(pipelineId).toBe(pipelines[index]?.id)
      expect(list).toHaveLength(11)
      const perVersion = new Map<string, number>()
      for (const run of list) perVersion.set(run.pipeline_version.id, (perVersion.get(run.pipeline_version.id) ?? 0) + 1)
      expect([...perVersion.values()].sort()).toEqual([3, 4, 4])
      expect(pipelines[index]?.versions.map((v) => v.runs)).toEqual([3, 4, 4])
      for (const run of list) expect(run.pipeline_version.steps).toHaveLength(4)
    }
  })

  it('uses lowercase version 4 UUIDs, unique across runs, versions and steps', () => {
    const ids = large.flatMap((run) => [run.id, run.pipeline_version.id, run.pipeline_version.pipeline_id, ...run.pipeline_version.steps.map((s) => s.id)])
    expect(ids.filter((id) => !UUID_V4.test(id))).toEqual([])
    expect(new Set(large.map((run) => run.id)).size).toBe(large.length)
    const stepOwners = new Map<string, Set<string>>()
    for (const run of large) for (const step of run.pipeline_version.steps) stepOwners.set(step.id, (stepOwners.get(step.id) ?? new Set()).add(run.pipeline_version.id))
    expect([...stepOwners.values()].filter((owners) => owners.size > 1)).toEqual([])
  })

  it('writes fields in the documented order', () => {
    const run = large[0] as RunRead
    expect(Object.keys(run)).toEqual(['id', 'pipeline_config_version_id', 'name', 'status', 'argo_manifest', 'argo_metadata', 'pipeline_version', 'created_at', 'finished_at', 'run_steps'])
    expect(Object.keys(run.pipeline_version)).toEqual(['id', 'pipeline_id', 'steps', 'created_at'])
    expect(Object.keys(run.pipeline_version.steps[0] ?? {})).toEqual(['name', 'config', 'created_at', 'id'])
    expect(Object.keys(run.pipeline_version.steps[0]?.config ?? {})).toEqual(['query_type', 'query', 'input_datasets', 'output_datasets', 'job_type'])
    expect(Object.keys(run.run_steps[0] ?? {})).toEqual(['name', 'run_name', 'status', 'started_at', 'finished_at'])
  })
})

describe('consistency', () => {
  it('passes every relational rule for each pipeline (3,000 runs)', () => {
    expect(large.length).toBeGreaterThanOrEqual(2000)
    for (const [pipelineId, runs] of byPipeline(large)) expect(checkRunRules(runs, { pipelineId })).toEqual([])
  })

  it('names each run after its workflow and lists the version steps in pipeline order', () => {
    const wrong = large.filter((run) =>
      run.pipeline_config_version_id !== run.pipeline_version.id ||
      run.run_steps.map((step) => step.name).join() !== run.pipeline_version.steps.map((step) => step.name).join() ||
      run.run_steps.some((step) => step.run_name !== run.name) ||
      !/^[a-z0-9-]+-[bcdfghjklmnpqrstvwxz2456789]{5}$/.test(run.name))
    expect(wrong).toEqual([])
    expect(new Set(large.map((run) => run.name)).size).toBe(large.length)
  })

  it('creates versions before their runs and steps with their version', () => {
    const wrong = large.filter((run) =>
      micros(run.pipeline_version.created_at) >= micros(run.created_at) ||
      run.pipeline_version.steps.some((step) => micros(step.created_at) > micros(run.pipeline_version.created_at)))
    expect(wrong).toEqual([])
  })

  it('starts steps after the run is created, finishes them before the run and before now', () => {
    const wrong = large.filter((run) => run.run_steps.some((step) =>
      (step.started_at !== null && micros(step.started_at) < micros(run.created_at)) ||
      (step.finished_at !== null && run.finished_at !== null && micros(step.finished_at) > micros(run.finished_at)) ||
      (step.finished_at !== null && micros(step.finished_at) > DEFAULT_NOW)))
    expect(wrong).toEqual([])
  })

  it('formats DB times exactly as formatTimestamp does', () => {
    const samples = [0, 1, 999_999, 1_000_000, DEFAULT_NOW, DEFAULT_NOW + 120_000, -1, -1_000_001]
    for (let i = 0; i < 2000; i++) samples.push(DEFAULT_NOW - i * 7_777_777_777 - (i % 3) * 123_457)
    expect(samples.filter((value) => formatDbTimestamp(value) !== formatTimestamp(value))).toEqual([])
  })

  it('mixes DB times with microseconds (some on a whole second) and second-precision Argo times', () => {
    const whole = large.filter((run) => /:\d{2}Z$/.test(run.created_at)).length
    expect(whole).toBeGreaterThan(0)
    expect(whole).toBeLessThan(large.length / 5)
    const argoTimes = large.flatMap((run) => [run.finished_at, ...run.run_steps.flatMap((step) => [step.started_at, step.finished_at])])
    expect(argoTimes.filter((text) => text !== null && !/T\d{2}:\d{2}:\d{2}Z$/.test(text))).toEqual([])
  })
})

describe('status mix', () => {
  it('contains every run and step status, mostly Succeeded', () => {
    const runStatuses = large.map((run) => run.status)
    const stepStatuses = large.flatMap((run) => run.run_steps.map((step) => step.status))
    for (const status of RUN_STATUSES) expect(runStatuses).toContain(status)
    for (const status of RUN_STEP_STATUSES) expect(stepStatuses).toContain(status)
    const succeeded = runStatuses.filter((status) => status === 'Succeeded').length / runStatuses.length
    expect(succeeded).toBeGreaterThan(0.8)
    const active = runStatuses.filter((status) => status === 'Pending' || status === 'Running').length
    expect(active).toBeLessThan(50)
  })

  it('keeps step statuses consistent with the run', () => {
    for (const run of large) {
      const statuses = run.run_steps.map((step) => step.status)
      const pattern = statuses.map((status) => status[0] === 'S' ? status.slice(0, 2) : status[0]).join('')
      switch (run.status) {
        case 'Pending': expect(pattern).toMatch(/^P+$/); break
        case 'Running': expect(pattern).toMatch(/^(Su|Sk)*R?P*$/); expect(pattern).toContain('R'); break
        case 'Succeeded': expect(pattern).toMatch(/^(Su|Sk)+$/); break
        case 'Failed': expect(pattern).toMatch(/^(Su|Sk)*FO*$/); break
        case 'Error': expect(pattern).toMatch(/^(Su|Sk)*EO*$/); break
      }
    }
  })

  it('skips only the conditional publish step, on weekend runs', () => {
    for (const run of large) {
      run.run_steps.forEach((step) => {
        if (step.status !== 'Skipped') return
        expect(step.name).toMatch(/^publish-/)
        const day = new Date(micros(run.created_at) / 1000).getUTCDay()
        expect([0, 6]).toContain(day)
      })
    }
  })

  it('puts the Pending and Running runs near now', () => {
    for (const run of large.filter((r) => r.status === 'Pending' || r.status === 'Running')) {
      expect(DEFAULT_NOW - micros(run.created_at)).toBeLessThan(2 * 3600 * 1e6)
      expect(run.finished_at).toBeNull()
    }
  })
})

describe('SQL steps', () => {
  it('declare the datasets their query reads and writes', () => {
    for (const run of large.slice(0, 400)) {
      for (const { config } of run.pipeline_version.steps) {
        expect(config.query_type).toBe(QUERY_TYPE)
        expect(config.job_type).toBe(JOB_TYPE)
        expect(config.query).toMatch(/^(INSERT INTO|SELECT) /)
        const written = /^INSERT INTO ([a-z_]+\.[a-z_0-9]+) /.exec(config.query)?.[1]
        expect(config.output_datasets).toEqual(written === undefined ? [] : [written])
        const read = [...config.query.matchAll(/(?:FROM|JOIN) ([a-z_]+\.[a-z_0-9]+)/g)].map((m) => m[1])
        expect(new Set(read)).toEqual(new Set(config.input_datasets))
        for (const dataset of [...config.input_datasets, ...config.output_datasets]) expect(dataset).toMatch(/^(shop|crm|billing|wms|psp|events|ads|helpdesk|logistics|pim|risk|raw|stg|int|mart|reporting|archive)\.[a-z_0-9]+$/)
      }
    }
  })

  it('chains each step to the dataset the step before wrote', () => {
    const steps = large[0]?.pipeline_version.steps ?? []
    expect(steps.map((s) => s.name)).toEqual(['extract-orders', 'stage-orders', 'enrich-orders', 'aggregate-orders', 'check-orders', 'publish-orders'])
    expect(steps[1]?.config.input_datasets).toEqual(steps[0]?.config.output_datasets)
    expect(steps[2]?.config.input_datasets).toContain(steps[1]?.config.output_datasets[0])
  })
})

describe('Argo objects', () => {
  it('submit the version\'s steps as a DAG of run-sql tasks, each depending on the one before', () => {
    for (const run of large.slice(0, 200)) {
      const manifest = run.argo_manifest as { metadata: { generateName: string, labels: Record<string, string> }, spec: { templates: Array<{ dag?: { tasks: Array<{ name: string, depends?: string, arguments: { parameters: Array<{ value: string }> } }> } }> } }
      expect(run.name.startsWith(manifest.metadata.generateName)).toBe(true)
      expect(manifest.metadata.labels).toEqual({ 'pipeline-id': run.pipeline_version.pipeline_id, 'pipeline-version-id': run.pipeline_version.id })
      const tasks = manifest.spec.templates[0]?.dag?.tasks ?? []
      expect(tasks.map((t) => t.name)).toEqual(run.pipeline_version.steps.map((s) => s.name))
      expect(tasks.map((t) => t.arguments.parameters[0]?.value)).toEqual(run.pipeline_version.steps.map((s) => s.config.query))
      tasks.forEach((t, i) => { expect(t.depends).toBe(i === 0 ? undefined : tasks[i - 1]?.name) })
    }
  })

  it('show the run\'s phase, times and steps in the workflow status', () => {
    const wrong = large.filter((run) => {
      const { metadata, status } = run.argo_metadata as { metadata: { name: string, creationTimestamp: string }, status: { phase: string, finishedAt: string | null, nodes?: Record<string, { displayName: string, phase: string, startedAt: string | null, finishedAt: string | null }> } }
      const nodes = status.nodes ?? {}
      const stepsAgree = run.run_steps.every((step) => {
        const node = nodes[`${run.name}-${fnv1a32(`${run.name}.${step.name}`)}`]
        if (step.status === 'Pending') return node === undefined
        return node?.displayName === step.name && node.phase === step.status && node.startedAt === step.started_at && node.finishedAt === step.finished_at
      })
      return !stepsAgree || metadata.name !== run.name || micros(metadata.creationTimestamp) > micros(run.created_at) ||
        status.phase !== run.status || status.finishedAt !== run.finished_at
    })
    expect(wrong.map((run) => run.id)).toEqual([])
  })

  it('come as JSON text from generateRunRecords, equal to the objects', () => {
    const records = [...generateRunRecords(SMALL)]
    const runs = [...generateRuns(SMALL)]
    expect(records.map(toRunRead)).toEqual(runs)
    records.forEach((record, i) => {
      expect(record.manifestJson).toBe(JSON.stringify(runs[i]?.argo_manifest))
      expect(record.metadataJson).toBe(JSON.stringify(runs[i]?.argo_metadata))
    })
  })

  it('share one frozen manifest and version object per version', () => {
    const versions = new Map<string, RunRead>()
    for (const run of large) {
      const first = versions.get(run.pipeline_version.id)
      if (first === undefined) versions.set(run.pipeline_version.id, run)
      else {
        expect(run.pipeline_version).toBe(first.pipeline_version)
        expect(run.argo_manifest).toBe(first.argo_manifest)
      }
    }
    expect(Object.isFrozen(large[0]?.argo_manifest)).toBe(true)
  })
})

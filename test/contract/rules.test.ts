// Each relational rule: a valid list of runs, one thing broken, exactly that rule reported at that path.
import { describe, expect, it } from 'vitest'
import { RULES, type RuleName, checkRunRules } from '../../src/contract/rules.ts'
import { formatTimestamp, parseTimestamp } from '../../src/contract/timestamps.ts'
import { generateRuns } from '../../src/data/generator.ts'
import type { RunRead } from '../../src/schemas/runs.ts'

// One pipeline whose 8 runs cover every run status (seed chosen for that), newest first.
const VALID: readonly RunRead[] = [...generateRuns({ pipelines: 1, versions: 2, runs: 8, steps: 5, randomSeed: 45 })]
const PIPELINE_ID = VALID[0]?.pipeline_version.pipeline_id as string
const OTHER_UUID = '3c90c3cc-0d44-4b50-8888-8dd25736052a'

function fresh (): RunRead[] {
  return JSON.parse(JSON.stringify(VALID)) as RunRead[]
}

function indexWhere (runs: RunRead[], test: (run: RunRead) => boolean): number {
  const index = runs.findIndex(test)
  if (index < 0) throw new Error('fixture lacks the run this test needs')
  return index
}

function micros (text: string | null): number {
  const value = text === null ? undefined : parseTimestamp(text)
  if (value === undefined) throw new Error(`bad time ${String(text)}`)
  return value
}

function expectOnly (runs: RunRead[], rule: RuleName, path: string, options = {}): string {
  const findings = checkRunRules(runs, options)
  expect(findings).toEqual([{ rule, path, message: expect.any(String) }])
  return findings[0]?.message ?? ''
}

/** Applies `change` to the version of `runs[index]` in every run that carries it. */
function changeVersion (runs: RunRead[], index: number, change: (version: RunRead['pipeline_version']) => void): void {
  const id = runs[index]?.pipeline_version.id
  for (const run of runs) if (run.pipeline_version.id === id) change(run.pipeline_version)
}

describe('checkRunRules', () => {
  it('finds nothing in a valid list, with or without the pipeline id', () => {
    expect(new Set(VALID.map((run) => run.status))).toEqual(new Set(['Pending', 'Running', 'Succeeded', 'Failed', 'Error']))
    expect(checkRunRules(VALID)).toEqual([])
    expect(checkRunRules(VALID, { pipelineId: PIPELINE_ID })).toEqual([])
    expect(checkRunRules([])).toEqual([])
  })

  it('exports every rule name once', () => {
    const names = Object.values(RULES)
    expect(new Set(names).size).toBe(names.length)
  })

  it(RULES.runIdUnique, () => {
    const runs = fresh()
    runs[3]!.id = runs[1]!.id
    expect(expectOnly(runs, RULES.runIdUnique, '[3].id')).toBe(`run id ${runs[1]!.id} already appears at [1]`)
  })

  it(RULES.versionIdMatches, () => {
    const runs = fresh()
    runs[2]!.pipeline_config_version_id = OTHER_UUID
    expectOnly(runs, RULES.versionIdMatches, '[2].pipeline_config_version_id')
  })

  describe(RULES.versionConsistent, () => {
    const laterRunOfSameVersion = (runs: RunRead[]): number =>
      indexWhere(runs, (run) => runs.findIndex((other) => other.pipeline_version.id === run.pipeline_version.id) < runs.indexOf(run))

    it('pipeline_id', () => {
      const runs = fresh()
      const index = laterRunOfSameVersion(runs)
      runs[index]!.pipeline_version.pipeline_id = OTHER_UUID
      expectOnly(runs, RULES.versionConsistent, `[${index}].pipeline_version.pipeline_id`)
    })

    it('created_at', () => {
      const runs = fresh()
      const index = laterRunOfSameVersion(runs)
      runs[index]!.pipeline_version.created_at = formatTimestamp(micros(runs[index]!.pipeline_version.created_at) - 1)
      expectOnly(runs, RULES.versionConsistent, `[${index}].pipeline_version.created_at`)
    })

    it('steps', () => {
      const runs = fresh()
      const index = laterRunOfSameVersion(runs)
      runs[index]!.pipeline_version.steps[1]!.config.query += ' LIMIT 10'
      expectOnly(runs, RULES.versionConsistent, `[${index}].pipeline_version.steps`)
    })
  })

  describe(RULES.stepInOneVersion, () => {
    it('a step of another version', () => {
      const runs = fresh()
      const older = indexWhere(runs, (run) => run.pipeline_version.id !== runs[0]!.pipeline_version.id)
      const stolen = runs[0]!.pipeline_version.steps[2]!.id
      changeVersion(runs, older, (version) => { version.steps[2]!.id = stolen })
      expectOnly(runs, RULES.stepInOneVersion, `[${older}].pipeline_version.steps[2].id`)
    })

    it('twice in one version', () => {
      const runs = fresh()
      changeVersion(runs, 0, (version) => { version.steps[3]!.id = version.steps[1]!.id })
      expectOnly(runs, RULES.stepInOneVersion, '[0].pipeline_version.steps[3].id')
    })
  })

  it(RULES.pipelineIdMatches, () => {
    const message = expectOnly(fresh().slice(0, 1), RULES.pipelineIdMatches, '[0].pipeline_version.pipeline_id', { pipelineId: OTHER_UUID })
    expect(message).toBe(`pipeline_id ${PIPELINE_ID} is not the requested pipeline ${OTHER_UUID}`)
  })

  it(RULES.runStepKnown, () => {
    const runs = fresh()
    runs[4]!.run_steps[2]!.name = 'vacuum-everything'
    expectOnly(runs, RULES.runStepKnown, '[4].run_steps[2].name')
  })

  it(RULES.runStepOnce, () => {
    const runs = fresh()
    runs[4]!.run_steps[2]!.name = runs[4]!.run_steps[1]!.name
    expectOnly(runs, RULES.runStepOnce, '[4].run_steps[2].name')
  })

  it(RULES.runStepOrder, () => {
    const runs = fresh()
    const steps = runs[4]!.run_steps
    ;[steps[1], steps[2]] = [steps[2]!, steps[1]!]
    expectOnly(runs, RULES.runStepOrder, '[4].run_steps[2].name')
  })

  it(RULES.runStatus, () => {
    const runs = fresh()
    runs[5]!.status = 'Completed'
    expect(expectOnly(runs, RULES.runStatus, '[5].status')).toMatch(/^status "Completed" is not a workflow phase/)
  })

  it(RULES.runStepStatus, () => {
    const runs = fresh()
    runs[5]!.run_steps[0]!.status = 'Done'
    expectOnly(runs, RULES.runStepStatus, '[5].run_steps[0].status')
  })

  describe(RULES.finishedAtIffDone, () => {
    it('a finished run without finished_at', () => {
      const runs = fresh()
      const index = indexWhere(runs, (run) => run.status === 'Succeeded')
      runs[index]!.finished_at = null
      expect(expectOnly(runs, RULES.finishedAtIffDone, `[${index}].finished_at`)).toBe('finished_at is null but the run is Succeeded')
    })

    it('a running run with finished_at', () => {
      const runs = fresh()
      const index = indexWhere(runs, (run) => run.status === 'Running')
      runs[index]!.finished_at = runs[index]!.run_steps[0]!.started_at
      expect(expectOnly(runs, RULES.finishedAtIffDone, `[${index}].finished_at`)).toBe('finished_at is set but the run is still Running')
    })

    it('a finished step without finished_at', () => {
      const runs = fresh()
      const index = indexWhere(runs, (run) => run.status === 'Failed')
      const step = runs[index]!.run_steps.findIndex((s) => s.status === 'Omitted')
      runs[index]!.run_steps[step]!.finished_at = null
      expectOnly(runs, RULES.finishedAtIffDone, `[${index}].run_steps[${step}].finished_at`)
    })

    it('a running step with finished_at', () => {
      const runs = fresh()
      const index = indexWhere(runs, (run) => run.run_steps.some((s) => s.status === 'Running'))
      const step = runs[index]!.run_steps.findIndex((s) => s.status === 'Running')
      runs[index]!.run_steps[step]!.finished_at = runs[index]!.run_steps[step]!.started_at
      expectOnly(runs, RULES.finishedAtIffDone, `[${index}].run_steps[${step}].finished_at`)
    })
  })

  describe(RULES.startedAtIffStarted, () => {
    it('a Succeeded step without started_at', () => {
      const runs = fresh()
      const index = indexWhere(runs, (run) => run.status === 'Succeeded')
      runs[index]!.run_steps[0]!.started_at = null
      expect(expectOnly(runs, RULES.startedAtIffStarted, `[${index}].run_steps[0].started_at`)).toBe('started_at is null but the step is Succeeded')
    })

    it('an Omitted step without started_at (Argo stamps Omitted nodes)', () => {
      const runs = fresh()
      const index = indexWhere(runs, (run) => run.run_steps.some((s) => s.status === 'Omitted'))
      const step = runs[index]!.run_steps.findIndex((s) => s.status === 'Omitted')
      runs[index]!.run_steps[step]!.started_at = null
      expectOnly(runs, RULES.startedAtIffStarted, `[${index}].run_steps[${step}].started_at`)
    })

    it('a Pending step with started_at', () => {
      const runs = fresh()
      const index = indexWhere(runs, (run) => run.run_steps.some((s) => s.status === 'Pending'))
      const step = runs[index]!.run_steps.findIndex((s) => s.status === 'Pending')
      runs[index]!.run_steps[step]!.started_at = formatTimestamp(Math.ceil(micros(runs[index]!.created_at) / 1e6) * 1e6)
      expect(expectOnly(runs, RULES.startedAtIffStarted, `[${index}].run_steps[${step}].started_at`)).toBe('started_at is set but the step is still Pending')
    })
  })

  it(RULES.finishedBeforeStarted, () => {
    const runs = fresh()
    const index = indexWhere(runs, (run) => run.status === 'Succeeded')
    const step = runs[index]!.run_steps[1]!
    const started = step.started_at as string
    step.finished_at = formatTimestamp(micros(started) - 6_000_000)
    expect(expectOnly(runs, RULES.finishedBeforeStarted, `[${index}].run_steps[1].finished_at`))
      .toBe(`finished_at ${step.finished_at} is before started_at ${started}`)
  })

  it(RULES.runFinishedBeforeCreated, () => {
    const runs = fresh()
    const index = indexWhere(runs, (run) => run.status === 'Failed')
    const run = runs[index]!
    run.finished_at = formatTimestamp(Math.floor(micros(run.created_at) / 1e6) * 1e6 - 1e6)
    expect(expectOnly(runs, RULES.runFinishedBeforeCreated, `[${index}].finished_at`))
      .toBe(`finished_at ${run.finished_at} is before created_at ${run.created_at}`)
  })

  it(RULES.runCreatedBeforeVersion, () => {
    const runs = fresh()
    const last = runs.length - 1
    runs[last]!.created_at = formatTimestamp(micros(runs[last]!.pipeline_version.created_at) - 1)
    expectOnly(runs, RULES.runCreatedBeforeVersion, `[${last}].created_at`)
  })

  describe(RULES.stepStartedBeforeRunCreated, () => {
    it('a step that starts a second before its run exists', () => {
      const runs = fresh()
      const index = indexWhere(runs, (run) => run.status === 'Succeeded')
      const step = runs[index]!.run_steps[0]!
      step.started_at = formatTimestamp(Math.floor(micros(runs[index]!.created_at) / 1e6) * 1e6 - 1e6)
      expectOnly(runs, RULES.stepStartedBeforeRunCreated, `[${index}].run_steps[0].started_at`)
    })

    it('tolerates a start in the same second (Argo drops the microseconds)', () => {
      const runs = fresh()
      const index = indexWhere(runs, (run) => run.status === 'Succeeded' && !run.created_at.endsWith(':00Z'))
      runs[index]!.run_steps[0]!.started_at = formatTimestamp(Math.floor(micros(runs[index]!.created_at) / 1e6) * 1e6)
      expect(checkRunRules(runs)).toEqual([])
    })
  })

  describe(RULES.runOrder, () => {
    it('an older run before a newer one', () => {
      const runs = fresh()
      ;[runs[2], runs[3]] = [runs[3]!, runs[2]!]
      expectOnly(runs, RULES.runOrder, '[3].created_at')
    })

    it('equal created_at with ids ascending', () => {
      const runs = fresh()
      runs[2]!.created_at = runs[3]!.created_at
      runs[2]!.id = '00000000-0000-4000-8000-000000000000'
      expect(expectOnly(runs, RULES.runOrder, '[3].id')).toMatch(/ties go by id descending$/)
    })

    it('can be switched off', () => {
      const runs = fresh().reverse()
      expect(checkRunRules(runs, { ordered: false })).toEqual([])
    })
  })

  describe(RULES.timestampFormat, () => {
    it('an offset instead of Z', () => {
      const runs = fresh()
      const index = indexWhere(runs, (run) => run.status === 'Succeeded')
      const step = runs[index]!.run_steps[0]!
      step.started_at = (step.started_at as string).replace('Z', '+00:00')
      expect(expectOnly(runs, RULES.timestampFormat, `[${index}].run_steps[0].started_at`))
        .toBe(`started_at "${step.started_at}" is not written as pydantic writes it (${step.started_at.replace('+00:00', 'Z')})`)
    })

    it('a zero fraction and milliseconds', () => {
      const runs = fresh()
      changeVersion(runs, 0, (version) => { version.created_at = version.created_at.replace(/(\.\d+)?Z$/, '.000Z') })
      const findings = checkRunRules(runs)
      expect(findings.every((finding) => finding.rule === RULES.timestampFormat && finding.path.endsWith('created_at'))).toBe(true)
      expect(findings.map((finding) => finding.path)).toContain('[0].pipeline_version.created_at')
    })

    it('not a date at all', () => {
      const runs = fresh()
      runs[1]!.created_at = 'yesterday'
      expect(expectOnly(runs, RULES.timestampFormat, '[1].created_at')).toBe('created_at "yesterday" is not an RFC 3339 date-time')
    })
  })
})

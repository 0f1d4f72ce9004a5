// Relational rules over a list of runs in the response shape, each violation reported with a JSON path.
import { RUN_STATUSES, RUN_STEP_STATUSES, type RunRead, type RunStepMetadata, type StepRead } from '../schemas/runs.ts'
import { formatTimestamp, parseTimestamp } from './timestamps.ts'

export interface RuleFinding {
  rule: string
  /** JSON path into the list, e.g. `[3].run_steps[0].finished_at`. */
  path: string
  message: string
}

export interface RuleOptions {
  /** The pipeline of the request: every run's `pipeline_version.pipeline_id` must equal it. */
  pipelineId?: string
  /** Check the endpoint's order (newest `created_at` first, ties by `id` descending); default true. */
  ordered?: boolean
  /** Accept any RFC 3339 timestamp (an offset, 1–6 fraction digits), not only pydantic's form; default false. */
  anyRfc3339?: boolean
}

export const RULES = {
  runIdUnique: 'run-id-unique',
  versionIdMatches: 'version-id-matches',
  versionConsistent: 'version-consistent',
  stepInOneVersion: 'step-in-one-version',
  pipelineIdMatches: 'pipeline-id-matches',
  runStepKnown: 'run-step-known',
  runStepOnce: 'run-step-once',
  runStepOrder: 'run-step-order',
  runStatus: 'run-status',
  runStepStatus: 'run-step-status',
  finishedAtIffDone: 'finished-at-iff-done',
  startedAtIffStarted: 'started-at-iff-started',
  finishedBeforeStarted: 'finished-before-started',
  runFinishedBeforeCreated: 'run-finished-before-created',
  runCreatedBeforeVersion: 'run-created-before-version',
  stepStartedBeforeRunCreated: 'step-started-before-run-created',
  runOrder: 'run-order',
  timestampFormat: 'timestamp-format'
} as const

export type RuleName = typeof RULES[keyof typeof RULES]

const RUN_STATUS_SET: ReadonlySet<string> = new Set(RUN_STATUSES)
const STEP_STATUS_SET: ReadonlySet<string> = new Set(RUN_STEP_STATUSES)
const ACTIVE: ReadonlySet<string> = new Set(['Pending', 'Running'])
const SECOND = 1_000_000

interface VersionSeen {
  index: number
  pipelineId: string
  createdAt: string
  steps: string
}

interface Context {
  findings: RuleFinding[]
  options: RuleOptions
  runIds: Map<string, number>
  versions: Map<string, VersionSeen>
  stepVersions: Map<string, string>
}

/**
 * Checks the relations the endpoint promises (docs/contract.md#answers). Runs are assumed to match the `RunRead`
 * schema; the rules check what a schema cannot. Argo gives Skipped and Omitted nodes a start time
 * (equal to their finish), so only Pending steps have `started_at` null.
 */
export function checkRunRules (runs: readonly RunRead[], options: RuleOptions = {}): RuleFinding[] {
  const context: Context = { findings: [], options, runIds: new Map(), versions: new Map(), stepVersions: new Map() }
  runs.forEach((run, index) => { checkRun(context, run, index) })
  if (options.ordered !== false) checkOrder(context, runs)
  return context.findings
}

function report (context: Context, rule: RuleName, path: string, message: string): void {
  context.findings.push({ rule, path, message })
}

function checkRun (context: Context, run: RunRead, index: number): void {
  const at = `[${index}]`
  const first = context.runIds.get(run.id)
  if (first === undefined) context.runIds.set(run.id, index)
  else report(context, RULES.runIdUnique, `${at}.id`, `run id ${run.id} already appears at [${first}]`)
  if (run.pipeline_config_version_id !== run.pipeline_version.id) {
    report(context, RULES.versionIdMatches, `${at}.pipeline_config_version_id`,
      `pipeline_config_version_id ${run.pipeline_config_version_id} differs from pipeline_version.id ${run.pipeline_version.id}`)
  }
  const pipelineId = context.options.pipelineId
  if (pipelineId !== undefined && run.pipeline_version.pipeline_id !== pipelineId) {
    report(context, RULES.pipelineIdMatches, `${at}.pipeline_version.pipeline_id`,
      `pipeline_id ${run.pipeline_version.pipeline_id} is not the requested pipeline ${pipelineId}`)
  }
  checkVersion(context, run, index)
  checkTimestamps(context, run, at)
  checkRunTimes(context, run, at)
  checkRunSteps(context, run, at)
}

function checkVersion (context: Context, run: RunRead, index: number): void {
  const version = run.pipeline_version
  const steps = JSON.stringify(version.steps.map(stepIdentity))
  const seen = context.versions.get(version.id)
  const here = `[${index}].pipeline_version`
  if (seen === undefined) {
    context.versions.set(version.id, { index, pipelineId: version.pipeline_id, createdAt: version.created_at, steps })
    checkStepOwnership(context, version.id, version.steps, here)
    return
  }
  const where = `than at [${seen.index}]`
  if (version.pipeline_id !== seen.pipelineId) {
    report(context, RULES.versionConsistent, `${here}.pipeline_id`, `version ${version.id} has another pipeline_id (${version.pipeline_id}) ${where} (${seen.pipelineId})`)
  }
  if (version.created_at !== seen.createdAt) {
    report(context, RULES.versionConsistent, `${here}.created_at`, `version ${version.id} has another created_at (${version.created_at}) ${where} (${seen.createdAt})`)
  }
  if (steps !== seen.steps) {
    report(context, RULES.versionConsistent, `${here}.steps`, `version ${version.id} has other steps (id, name, config or created_at) ${where}`)
  }
}

function stepIdentity (step: StepRead): unknown[] {
  const c = step.config
  return [step.id, step.name, c.query_type, c.query, c.input_datasets, c.output_datasets, c.job_type, step.created_at]
}

function checkStepOwnership (context: Context, versionId: string, steps: readonly StepRead[], here: string): void {
  steps.forEach((step, position) => {
    const owner = context.stepVersions.get(step.id)
    const path = `${here}.steps[${position}].id`
    if (owner === undefined) context.stepVersions.set(step.id, versionId)
    else if (owner === versionId) report(context, RULES.stepInOneVersion, path, `step id ${step.id} appears twice in version ${versionId}`)
    else report(context, RULES.stepInOneVersion, path, `step id ${step.id} also belongs to version ${owner}`)
  })
}

/** Every timestamp must read back as pydantic writes it. */
function checkTimestamps (context: Context, run: RunRead, at: string): void {
  const checkTimestamp = context.options.anyRfc3339 === true ? checkRfc3339 : checkPydanticTimestamp
  checkTimestamp(context, `${at}.created_at`, run.created_at)
  checkTimestamp(context, `${at}.finished_at`, run.finished_at)
  checkTimestamp(context, `${at}.pipeline_version.created_at`, run.pipeline_version.created_at)
  run.pipeline_version.steps.forEach((step, position) => {
    checkTimestamp(context, `${at}.pipeline_version.steps[${position}].created_at`, step.created_at)
  })
  run.run_steps.forEach((step, position) => {
    checkTimestamp(context, `${at}.run_steps[${position}].started_at`, step.started_at)
    checkTimestamp(context, `${at}.run_steps[${position}].finished_at`, step.finished_at)
  })
}

function checkRfc3339 (context: Context, path: string, text: string | null): void {
  if (text === null || parseTimestamp(text) !== undefined) return
  report(context, RULES.timestampFormat, path, `${path.slice(path.lastIndexOf('.') + 1)} ${JSON.stringify(text)} is not an RFC 3339 date-time`)
}

function checkPydanticTimestamp (context: Context, path: string, text: string | null): void {
  if (text === null) return
  const micros = parseTimestamp(text)
  const field = path.slice(path.lastIndexOf('.') + 1)
  if (micros === undefined) report(context, RULES.timestampFormat, path, `${field} ${JSON.stringify(text)} is not an RFC 3339 date-time`)
  else if (formatTimestamp(micros) !== text) {
    report(context, RULES.timestampFormat, path, `${field} ${JSON.stringify(text)} is not written as pydantic writes it (${formatTimestamp(micros)})`)
  }
}

/** A timestamp in microseconds, or undefined when absent or malformed (reported by the format rule). */
function micros (text: string | null): number | undefined {
  return text === null ? undefined : parseTimestamp(text)
}

function checkRunTimes (context: Context, run: RunRead, at: string): void {
  if (!RUN_STATUS_SET.has(run.status)) {
    report(context, RULES.runStatus, `${at}.status`, `status ${JSON.stringify(run.status)} is not a workflow phase (${RUN_STATUSES.join(', ')})`)
  } else if (ACTIVE.has(run.status) !== (run.finished_at === null)) {
    report(context, RULES.finishedAtIffDone, `${at}.finished_at`, run.finished_at === null
      ? `finished_at is null but the run is ${run.status}`
      : `finished_at is set but the run is still ${run.status}`)
  }
  const created = micros(run.created_at)
  const finished = micros(run.finished_at)
  if (created !== undefined && finished !== undefined && finished < created) {
    report(context, RULES.runFinishedBeforeCreated, `${at}.finished_at`, `finished_at ${run.finished_at as string} is before created_at ${run.created_at}`)
  }
  const versionCreated = micros(run.pipeline_version.created_at)
  if (created !== undefined && versionCreated !== undefined && created < versionCreated) {
    report(context, RULES.runCreatedBeforeVersion, `${at}.created_at`, `created_at ${run.created_at} is before its version's created_at ${run.pipeline_version.created_at}`)
  }
}

function checkRunSteps (context: Context, run: RunRead, at: string): void {
  const positions = new Map(run.pipeline_version.steps.map((step, position) => [step.name, position]))
  const seen = new Set<string>()
  let lastPosition = -1
  const created = micros(run.created_at)
  run.run_steps.forEach((step, index) => {
    const here = `${at}.run_steps[${index}]`
    const position = positions.get(step.name)
    if (position === undefined) {
      report(context, RULES.runStepKnown, `${here}.name`, `run step ${JSON.stringify(step.name)} is not a step of version ${run.pipeline_version.id}`)
    } else if (seen.has(step.name)) {
      report(context, RULES.runStepOnce, `${here}.name`, `run step ${JSON.stringify(step.name)} appears more than once`)
    } else {
      if (position < lastPosition) report(context, RULES.runStepOrder, `${here}.name`, `run step ${JSON.stringify(step.name)} comes after a later step of the pipeline`)
      lastPosition = Math.max(lastPosition, position)
    }
    seen.add(step.name)
    checkStepStatusAndTimes(context, step, here, created)
  })
}

function checkStepStatusAndTimes (context: Context, step: RunStepMetadata, here: string, runCreated: number | undefined): void {
  if (!STEP_STATUS_SET.has(step.status)) {
    report(context, RULES.runStepStatus, `${here}.status`, `status ${JSON.stringify(step.status)} is not a node phase (${RUN_STEP_STATUSES.join(', ')})`)
  } else {
    if (ACTIVE.has(step.status) !== (step.finished_at === null)) {
      report(context, RULES.finishedAtIffDone, `${here}.finished_at`, step.finished_at === null
        ? `finished_at is null but the step is ${step.status}`
        : `finished_at is set but the step is still ${step.status}`)
    }
    if ((step.status === 'Pending') !== (step.started_at === null)) {
      report(context, RULES.startedAtIffStarted, `${here}.started_at`, step.started_at === null
        ? `started_at is null but the step is ${step.status}`
        : 'started_at is set but the step is still Pending')
    }
  }
  const started = micros(step.started_at)
  const finished = micros(step.finished_at)
  if (started !== undefined && finished !== undefined && finished < started) {
    report(context, RULES.finishedBeforeStarted, `${here}.finished_at`, `finished_at ${step.finished_at as string} is before started_at ${step.started_at as string}`)
  }
  // Argo keeps whole seconds, so a step may start in the second its run was created, before the microseconds.
  if (started !== undefined && runCreated !== undefined && started < Math.floor(runCreated / SECOND) * SECOND) {
    report(context, RULES.stepStartedBeforeRunCreated, `${here}.started_at`, `started_at ${step.started_at as string} is before the run's created_at ${formatTimestamp(runCreated)}`)
  }
}

/** Newest `created_at` first; equal ones by `id` descending. */
function checkOrder (context: Context, runs: readonly RunRead[]): void {
  for (let i = 1; i < runs.length; i++) {
    const previous = runs[i - 1] as RunRead
    const run = runs[i] as RunRead
    const before = micros(previous.created_at)
    const here = micros(run.created_at)
    if (before === undefined || here === undefined) continue
    if (here > before) {
      report(context, RULES.runOrder, `[${i}].created_at`, `created_at ${run.created_at} is newer than the run before it (${previous.created_at}); runs go newest first`)
    } else if (here === before && run.id > previous.id) {
      report(context, RULES.runOrder, `[${i}].id`, `id ${run.id} is greater than the id before it (${previous.id}) with the same created_at; ties go by id descending`)
    }
  }
}

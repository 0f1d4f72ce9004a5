// Deterministic, streaming generator of relationally consistent pipelines, versions, steps and runs (response shape).
import { formatTimestamp } from '../contract/timestamps.ts'
import type { PipelineVersionRead, RunRead, RunStepMetadata, StepRead } from '../schemas/runs.ts'
import {
  type ArgoManifest, type ArgoMetadata, type NodePhase, type TaskState, type WorkflowPhase, type WorkflowSpec, type WorkflowState,
  NAME_SUFFIX_ALPHABET, NAME_SUFFIX_LENGTH, buildArgoManifest, fnv1a32, formatArgoTime, isoWeekday, workflowName
} from './argo.ts'
import { argoMetadataJson } from './argo-metadata-json.ts'
import { pipelineName, stepDrafts, type Theme } from './pipeline-themes.ts'
import { Random } from './random.ts'
import { drawRun, GAP_MAX_SECONDS, QUEUE_MAX_SECONDS, STEP_MAX_SECONDS, type RunDraws } from './run-draws.ts'

export interface GenerateOptions {
  pipelines: number
  /** Versions per pipeline. */
  versions: number
  /** Runs per pipeline, spread over its versions (the newest get the remainder). */
  runs: number
  /** Steps per version. */
  steps: number
  randomSeed: number
  /** The instant the data describes, in microseconds since the epoch; runs near it are still Pending or Running. */
  now?: number
}

export interface VersionSummary { id: string, created_at: string, runs: number }
export interface PipelineSummary { id: string, name: string, versions: VersionSummary[] }

/** 2026-11-04T09:30:00Z, a Wednesday: the default `now`, fixed so that output is byte-stable. */
export const DEFAULT_NOW = Date.UTC(2026, 10, 4, 9, 30, 0) * 1000
export const NAMESPACE = 'pipelines'
export const QUERY_TYPE = 'sql'
export const JOB_TYPE = 'data-transform'
/** The conditional (`publish-*`) steps run on weekdays only, so weekend runs show them Skipped. */
export const WEEKDAYS_ONLY = '{{workflow.creationTimestamp.u}} < 6'

const SECOND = 1_000_000
const DAY = 86_400 * SECOND
const HISTORY_LIMIT = 730 * DAY
const ZERO_MICROS_SHARE = 0.05
const HEAD_COUNT_WEIGHTS = [0.3, 0.42, 0.18, 0.1]
const PENDING_SHARE_OF_ACTIVE = 0.35
const UNIQUE_NAME_LIMIT = 2_000_000
const SUFFIX_COUNT = NAME_SUFFIX_ALPHABET.length ** NAME_SUFFIX_LENGTH

// ---------------------------------------------------------------------------------------------
// Randomness (src/data/random.ts): one independent stream per pipeline and purpose, so that pipeline and version
// ids do not change when only the number of runs does.

function streamSeed (randomSeed: number, pipelineIndex: number, purpose: string): number {
  return fnv1a32(`${randomSeed}/${pipelineIndex}/${purpose}`) | 0
}

// ---------------------------------------------------------------------------------------------
// Pipelines and versions, with the timeline their runs will fill.

interface VersionPlan {
  read: PipelineVersionRead
  spec: WorkflowSpec
  manifest: ArgoManifest
  manifestJson: string
  stepNames: string[]
  conditional: boolean[]
  typicalSeconds: number[]
  runs: number
}

interface PipelinePlan {
  index: number
  id: string
  name: string
  /** Oldest first. */
  versions: VersionPlan[]
  /** How many of the newest runs are still Pending or Running at `now`. */
  activeRuns: number
  /** Finished runs sit in slots of this width, going back from `top`. */
  slot: number
  top: number
}

function planPipeline (options: Required<GenerateOptions>, index: number): PipelinePlan {
  const ids = new Random(streamSeed(options.randomSeed, index, 'ids'))
  const timeline = new Random(streamSeed(options.randomSeed, index, 'timeline'))
  const { theme, name } = pipelineName(index)
  const id = ids.uuid()
  const counts = spreadRuns(options.runs, options.versions)
  const newest = counts[counts.length - 1] ?? 0
  const activeRuns = Math.min(newest, timeline.weighted(HEAD_COUNT_WEIGHTS.map((weight, count) => [count, weight] as const)))
  const slot = Math.max(SECOND, Math.min(theme.cadenceMinutes * 60 * SECOND, Math.floor(HISTORY_LIMIT / Math.max(1, options.runs))))
  const top = options.now - longestRunSeconds(options.steps) * SECOND
  const createdAts = versionCreatedAts(counts, activeRuns, slot, top, timeline)
  const versions = counts.map((runs, revision) =>
    planVersion(ids, theme, name, id, revision, options.steps, createdAts[revision] as number, runs))
  return { index, id, name, versions, activeRuns, slot, top }
}

/** Runs per version, oldest version first; the newest versions get the remainder. */
function spreadRuns (runs: number, versions: number): number[] {
  const base = Math.floor(runs / versions)
  const remainder = runs % versions
  return Array.from({ length: versions }, (_, k) => base + (k >= versions - remainder ? 1 : 0))
}

/** An upper bound of a run's duration from creation to finish, so runs created before `now` minus it are done. */
function longestRunSeconds (steps: number): number {
  return 1 + QUEUE_MAX_SECONDS + 1 + steps * (STEP_MAX_SECONDS + GAP_MAX_SECONDS) + 2
}

/**
 * Each version is created just before its oldest run: finished run j (newest first) lies in
 * [top - (j + 0.9) slot, top - (j + 0.1) slot], so a version whose runs end at slot b is created
 * in the gap at top - (b + 0.01..0.08) slot, after every run of the older versions.
 */
function versionCreatedAts (counts: number[], activeRuns: number, slot: number, top: number, random: Random): number[] {
  const createdAts = new Array<number>(counts.length)
  let boundary = 0
  for (let k = counts.length - 1; k >= 0; k--) {
    boundary += (counts[k] as number) - (k === counts.length - 1 ? activeRuns : 0)
    createdAts[k] = dbTimestamp(top - (boundary + 0.01 + 0.07 * random.float()) * slot, random)
  }
  return createdAts
}

/** `formatTimestamp`, reusing `formatArgoTime`'s caches for the whole seconds (this runs once per run). */
export function formatDbTimestamp (microseconds: number): string {
  const fraction = ((microseconds % SECOND) + SECOND) % SECOND
  const seconds = formatArgoTime(microseconds) as string
  return fraction === 0 ? seconds : `${seconds.slice(0, -1)}.${String(fraction).padStart(6, '0')}Z`
}

/** A database `now()`: microseconds, a few of them on a whole second. */
function dbTimestamp (microseconds: number, random: Random): number {
  const value = Math.floor(microseconds)
  return random.chance(ZERO_MICROS_SHARE) ? Math.floor(value / SECOND) * SECOND : value
}

function planVersion (ids: Random, theme: Theme, pipelineName: string, pipelineId: string, revision: number,
  stepCount: number, createdAt: number, runs: number): VersionPlan {
  const versionId = ids.uuid()
  const drafts = stepDrafts(theme, stepCount, revision)
  const createdText = formatTimestamp(createdAt)
  // Steps are written in the version's transaction, so they share its created_at.
  const steps: StepRead[] = drafts.map((draft) => ({
    name: draft.name,
    config: {
      query_type: QUERY_TYPE,
      query: draft.query,
      input_datasets: draft.inputs,
      output_datasets: draft.outputs,
      job_type: JOB_TYPE
    },
    created_at: createdText,
    id: ids.uuid()
  }))
  const spec: WorkflowSpec = {
    generateName: `${pipelineName}-`,
    namespace: NAMESPACE,
    pipelineId,
    pipelineVersionId: versionId,
    image: `example/sql-runner:1.${revision + 4}`,
    tasks: drafts.map((draft) => draft.conditional
      ? { name: draft.name, query: draft.query, when: WEEKDAYS_ONLY }
      : { name: draft.name, query: draft.query })
  }
  const manifest = deepFreeze(buildArgoManifest(spec))
  return {
    read: deepFreeze({ id: versionId, pipeline_id: pipelineId, steps, created_at: createdText }),
    spec,
    manifest,
    manifestJson: JSON.stringify(manifest),
    stepNames: drafts.map((draft) => draft.name),
    conditional: drafts.map((draft) => draft.conditional),
    typicalSeconds: drafts.map((draft) => ids.int(draft.typicalSeconds[0], draft.typicalSeconds[1])),
    runs
  }
}

function deepFreeze<T> (value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const child of Object.values(value)) deepFreeze(child)
  }
  return value
}

// ---------------------------------------------------------------------------------------------
// One run: random draws that do not depend on time, laid out from its creation instant, seen at `now`.

/** Final phase and times of each task, in microseconds; the workflow's own start and finish. */
interface RunLayout {
  creationTimestamp: number
  startedAt: number
  finishedAt: number
  outcome: WorkflowPhase
  tasks: Array<{ phase: NodePhase, startedAt: number, finishedAt: number, message?: string }>
}

/**
 * Argo's timeline for a run created at `createdAt` (DB time, microseconds): the workflow starts on
 * a whole second after its creation, each task when the one before it is done (Skipped at once,
 * Omitted all together after a failure); Argo times are whole seconds.
 */
function layoutRun (version: VersionPlan, draws: RunDraws, createdAt: number): RunLayout {
  const creationTimestamp = Math.floor(createdAt / SECOND) * SECOND
  const weekend = isoWeekday(creationTimestamp) >= 6
  const startedAt = Math.ceil(createdAt / SECOND) * SECOND + draws.queueSeconds * SECOND
  const tasks: RunLayout['tasks'] = []
  let cursor = startedAt + draws.firstGap * SECOND
  let last = startedAt
  let omittedAt = -1
  for (let i = 0; i < version.stepNames.length; i++) {
    const gap = (draws.gaps[i] as number) * SECOND
    if (omittedAt >= 0) {
      tasks.push({ phase: 'Omitted', startedAt: omittedAt, finishedAt: omittedAt })
    } else if (weekend && version.conditional[i] === true) {
      tasks.push({ phase: 'Skipped', startedAt: cursor, finishedAt: cursor })
      last = cursor
    } else {
      const finishedAt = cursor + (draws.durations[i] as number) * SECOND
      const failed = i === draws.failingStep
      const phase: NodePhase = failed ? (draws.outcome === 'Error' ? 'Error' : 'Failed') : 'Succeeded'
      tasks.push(failed && draws.outcome === 'Error'
        ? { phase, startedAt: cursor, finishedAt, message: draws.errorMessage }
        : { phase, startedAt: cursor, finishedAt })
      last = finishedAt
      cursor = finishedAt + gap
      if (failed) omittedAt = finishedAt + Math.min(gap, 2 * SECOND)
    }
    if (omittedAt >= 0 && i > draws.failingStep) last = omittedAt
  }
  return {
    creationTimestamp,
    startedAt,
    finishedAt: last + draws.finishGap * SECOND,
    outcome: draws.outcome,
    tasks
  }
}

/** The run as Argo shows it at `now`: tasks not reached yet are Pending without times. */
function stateAt (layout: RunLayout, now: number, name: string, uid: string): WorkflowState {
  const creationTimestamp = layout.creationTimestamp
  if (now < layout.startedAt) {
    const tasks = layout.tasks.map(() => PENDING_TASK)
    return { name, uid, creationTimestamp, phase: 'Pending', startedAt: null, finishedAt: null, tasks }
  }
  if (now >= layout.finishedAt) {
    return { name, uid, creationTimestamp, phase: layout.outcome, startedAt: layout.startedAt, finishedAt: layout.finishedAt, tasks: layout.tasks }
  }
  const tasks = layout.tasks.map((task): TaskState => {
    if (task.startedAt > now) return PENDING_TASK
    if (task.finishedAt > now) return { phase: 'Running', startedAt: task.startedAt, finishedAt: null }
    return task
  })
  return { name, uid, creationTimestamp, phase: 'Running', startedAt: layout.startedAt, finishedAt: null, tasks }
}

const PENDING_TASK: TaskState = Object.freeze({ phase: 'Pending', startedAt: null, finishedAt: null })

/** A generated run for bulk writers: the Argo objects as JSON text, so that they are never built as objects. */
export interface GeneratedRun {
  /** The run without `argo_metadata`; `argo_manifest` and `pipeline_version` are shared by the runs of a version. */
  run: Omit<RunRead, 'argo_metadata'>
  /** `JSON.stringify(run.argo_manifest)`, the same string for every run of a version. */
  manifestJson: string
  /** `JSON.stringify` of the run's `argo_metadata`. */
  metadataJson: string
}

function toGeneratedRun (version: VersionPlan, id: string, createdAt: number, state: WorkflowState): GeneratedRun {
  const runSteps: RunStepMetadata[] = new Array(version.stepNames.length)
  for (let i = 0; i < runSteps.length; i++) {
    const task = state.tasks[i] as TaskState
    runSteps[i] = {
      name: version.stepNames[i] as string,
      run_name: state.name,
      status: task.phase,
      started_at: formatArgoTime(task.startedAt),
      finished_at: formatArgoTime(task.finishedAt)
    }
  }
  return {
    run: {
      id,
      pipeline_config_version_id: version.read.id,
      name: state.name,
      status: state.phase,
      argo_manifest: version.manifest,
      pipeline_version: version.read,
      created_at: formatDbTimestamp(createdAt),
      finished_at: formatArgoTime(state.finishedAt),
      run_steps: runSteps
    },
    manifestJson: version.manifestJson,
    metadataJson: argoMetadataJson(version.spec, state)
  }
}

/** The run in the response shape, fields in the documented order. */
export function toRunRead ({ run, metadataJson }: GeneratedRun): RunRead {
  return {
    id: run.id,
    pipeline_config_version_id: run.pipeline_config_version_id,
    name: run.name,
    status: run.status,
    argo_manifest: run.argo_manifest,
    argo_metadata: JSON.parse(metadataJson) as ArgoMetadata,
    pipeline_version: run.pipeline_version,
    created_at: run.created_at,
    finished_at: run.finished_at,
    run_steps: run.run_steps
  }
}

// ---------------------------------------------------------------------------------------------
// A pipeline's runs, newest first (the endpoint's order): the active ones near `now`, then one per slot.

interface SuffixClaims {
  /** False when the suffix is taken already. */
  claim: (suffix: number) => boolean
}

/** Keeps workflow names unique within a pipeline: a Set for few runs, a bit per possible suffix (1.8 MB) for many. */
function suffixClaims (runs: number): SuffixClaims {
  if (runs > UNIQUE_NAME_LIMIT) return { claim: () => true }
  if (runs <= 20_000) {
    const used = new Set<number>()
    return {
      claim: (suffix) => {
        if (used.has(suffix)) return false
        used.add(suffix)
        return true
      }
    }
  }
  const bits = new Uint8Array(Math.ceil(SUFFIX_COUNT / 8))
  return {
    claim: (suffix) => {
      const mask = 1 << (suffix & 7)
      const byte = bits[suffix >>> 3] as number
      bits[suffix >>> 3] = byte | mask
      return (byte & mask) === 0
    }
  }
}

class RunFactory {
  private readonly random: Random
  private readonly usedSuffixes: SuffixClaims
  private readonly plan: PipelinePlan
  private readonly now: number

  constructor (options: Required<GenerateOptions>, plan: PipelinePlan) {
    this.random = new Random(streamSeed(options.randomSeed, plan.index, 'runs'))
    this.plan = plan
    this.now = options.now
    this.usedSuffixes = suffixClaims(options.runs)
  }

  /** A run still Pending (queued by the controller) or Running at `now`. */
  activeRun (version: VersionPlan): { generated: GeneratedRun, createdAt: number } {
    const random = this.random
    const pending = random.chance(PENDING_SHARE_OF_ACTIVE)
    const draws = drawRun(random, version, pending)
    let createdAt: number
    if (pending) {
      createdAt = this.now - random.int(1, draws.queueSeconds - 1) * SECOND - random.int(0, SECOND - 1)
    } else {
      // Lay the run out an hour ago, pick an instant inside one of its executed steps, and shift the run so that this instant is now.
      const tentative = this.now - 3600 * SECOND - random.int(0, SECOND - 1)
      const layout = layoutRun(version, draws, tentative)
      const executed = layout.tasks.filter((task) => task.phase !== 'Skipped' && task.phase !== 'Omitted')
      const task = random.pick(executed)
      const instant = task.startedAt + random.int(0, (task.finishedAt - task.startedAt) / SECOND - 1) * SECOND
      createdAt = tentative + (Math.floor(this.now / SECOND) * SECOND - instant)
    }
    return { generated: this.run(version, draws, createdAt), createdAt }
  }

  /** A run in slot `slot` (0 = newest): created before `top`, so it has finished by `now`. */
  finishedRun (version: VersionPlan, slot: number): GeneratedRun {
    const random = this.random
    const draws = drawRun(random, version, false)
    const exact = Math.floor(this.plan.top - (slot + 0.1 + 0.8 * random.float()) * this.plan.slot)
    // Rounding down to a whole second stays inside the slot only when slots are wide enough.
    const createdAt = this.plan.slot >= 10 * SECOND ? dbTimestamp(exact, random) : exact
    return this.run(version, draws, createdAt)
  }

  private run (version: VersionPlan, draws: RunDraws, createdAt: number): GeneratedRun {
    const id = this.random.uuid()
    const uid = this.random.uuid()
    const name = this.workflowName(version.spec.generateName)
    const layout = layoutRun(version, draws, createdAt)
    return toGeneratedRun(version, id, createdAt, stateAt(layout, this.now, name, uid))
  }

  /** Names are drawn as a number of 5 base-27 digits, unique within the pipeline while it has few enough runs. */
  private workflowName (generateName: string): string {
    let suffix = this.random.int(0, SUFFIX_COUNT - 1)
    while (!this.usedSuffixes.claim(suffix)) suffix = this.random.int(0, SUFFIX_COUNT - 1)
    return workflowName(generateName, (bound) => {
      const digit = suffix % bound
      suffix = (suffix - digit) / bound
      return digit
    })
  }
}

function * pipelineRuns (options: Required<GenerateOptions>, plan: PipelinePlan): Generator<GeneratedRun> {
  const factory = new RunFactory(options, plan)
  const newest = plan.versions[plan.versions.length - 1]
  if (newest === undefined) return
  const active = Array.from({ length: plan.activeRuns }, () => factory.activeRun(newest))
  active.sort((a, b) => b.createdAt - a.createdAt || (a.generated.run.id < b.generated.run.id ? 1 : -1))
  for (const { generated } of active) yield generated
  let slot = 0
  for (let k = plan.versions.length - 1; k >= 0; k--) {
    const version = plan.versions[k] as VersionPlan
    const finished = version.runs - (k === plan.versions.length - 1 ? plan.activeRuns : 0)
    for (let i = 0; i < finished; i++) yield factory.finishedRun(version, slot++)
  }
}

function resolveOptions (options: GenerateOptions): Required<GenerateOptions> {
  const resolved = { ...options, now: options.now ?? DEFAULT_NOW }
  for (const key of ['pipelines', 'versions', 'runs', 'steps'] as const) {
    if (!Number.isSafeInteger(resolved[key]) || resolved[key] < 0) throw new RangeError(`${key} must be a whole number ≥ 0, got ${resolved[key]}`)
  }
  if (resolved.steps < 1) throw new RangeError('steps must be at least 1')
  if (resolved.versions < 1 && resolved.runs > 0 && resolved.pipelines > 0) throw new RangeError('versions must be at least 1 when there are runs')
  if (!Number.isSafeInteger(resolved.randomSeed)) throw new RangeError(`randomSeed must be an integer, got ${resolved.randomSeed}`)
  if (!Number.isSafeInteger(resolved.now)) throw new RangeError(`now must be an integer number of microseconds, got ${resolved.now}`)
  return resolved
}

/**
 * Streams runs in the response shape, pipeline after pipeline, each pipeline's runs in the endpoint's
 * order (newest first, ties by id descending). Same options, same runs, byte for byte.
 * `pipeline_version` and `argo_manifest` are one frozen object per version, shared by its runs.
 * Parsing `argo_metadata` costs about twice the rest: bulk writers should use `generateRunRecords`.
 */
export function generateRuns (options: GenerateOptions): Generator<RunRead> {
  const records = generateRunRecords(options)
  return (function * () {
    for (const generated of records) yield toRunRead(generated)
  })()
}

/** `generateRuns` for bulk writers: the same runs with the Argo objects as JSON text, never built as objects. */
export function generateRunRecords (options: GenerateOptions): Generator<GeneratedRun> {
  const resolved = resolveOptions(options)
  return (function * () {
    for (let index = 0; index < resolved.pipelines; index++) yield * pipelineRuns(resolved, planPipeline(resolved, index))
  })()
}

/** The pipelines and versions `generateRuns` makes with these options (only versions with runs appear in runs). */
export function describePipelines (options: GenerateOptions): PipelineSummary[] {
  const resolved = resolveOptions(options)
  return Array.from({ length: resolved.pipelines }, (_, index) => {
    const plan = planPipeline(resolved, index)
    return {
      id: plan.id,
      name: plan.name,
      versions: plan.versions.map((version) => ({ id: version.read.id, created_at: version.read.created_at, runs: version.runs }))
    }
  })
}

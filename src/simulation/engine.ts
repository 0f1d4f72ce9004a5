// The simulation's pure step function: runs as stored + an instant → the runs as an Argo cluster shows them then.
import { formatTimestamp, parseTimestamp } from '../contract/timestamps.ts'
import {
  type NodePhase, type TaskState, type WorkflowPhase, type WorkflowSpec, type WorkflowState, type WorkflowTask,
  ENTRYPOINT, buildArgoManifest, fnv1a32, formatArgoTime, isNodeFinished, isWorkflowCompleted,
  substituteWorkflowVariables, workflowName
} from '../data/argo.ts'
import { buildArgoMetadata } from '../data/argo-metadata-json.ts'
import type { PipelineVersionRead, RunRead } from '../schemas/runs.ts'
import { Random } from '../data/random.ts'
import { drawRun, type RunDraws } from '../data/run-draws.ts'

export interface SimulationOptions {
  randomSeed: number
  /** Simulated seconds between two scheduled runs of a pipeline; each run lands somewhere in the first quarter of its slot. */
  intervalSeconds: number
  /** Scheduled runs more than this many intervals old are missed, like a CronJob's startingDeadlineSeconds. Default 3. */
  catchUpIntervals?: number
}

export interface PipelineState {
  id: string
  /** The pipeline's newest version, which new runs use; undefined when it has none. */
  version: PipelineVersionRead | undefined
  /** A manifest submitted for this pipeline (newest version's if any): the source of generateName, namespace, image and `when`s. */
  templateManifest: unknown
  /** Microseconds; null when the pipeline has no runs. */
  lastCreatedAt: number | null
  /** Pending and Running runs, as stored. */
  active: RunRead[]
}

export interface SimulationState {
  pipelines: PipelineState[]
}

export interface StepResult {
  state: SimulationState
  /** Runs created or changed by this step, in the state they have at `now`: exactly what must be written. */
  changed: RunRead[]
}

const SECOND = 1_000_000
const DEFAULT_CATCH_UP = 3
const SLOT_JITTER = 0.25
const DEFAULT_NAMESPACE = 'pipelines'
const DEFAULT_IMAGE = 'example/sql-runner:latest'

/** Advances every pipeline to `now`: scheduled runs are created, active ones move on. Never mutates `state`. */
export function advance (state: SimulationState, now: number, options: SimulationOptions): StepResult {
  const changed: RunRead[] = []
  const pipelines = state.pipelines.map((pipeline) => advancePipeline(pipeline, now, options, changed))
  return { state: { pipelines }, changed }
}

function advancePipeline (pipeline: PipelineState, now: number, options: SimulationOptions, changed: RunRead[]): PipelineState {
  const active: RunRead[] = []
  const step = (run: RunRead, isNew: boolean): void => {
    const next = advanceRun(run, now, options.randomSeed)
    if (isNew || next !== run) changed.push(next)
    if (!isWorkflowCompleted(next.status as WorkflowPhase)) active.push(next)
  }
  for (const run of pipeline.active) step(run, false)
  let lastCreatedAt = pipeline.lastCreatedAt
  if (pipeline.version !== undefined) {
    const spec = specFor(pipeline.version, pipeline.templateManifest, pipeline.id)
    for (const createdAt of scheduledRuns(pipeline, now, options)) {
      step(newRun(pipeline.version, spec, createdAt, options.randomSeed), true)
      lastCreatedAt = createdAt
    }
  }
  return { ...pipeline, lastCreatedAt, active }
}

// ---------------------------------------------------------------------------------------------
// Schedule: slot k of a pipeline starts at offset + k·interval; its run is created a little after.

/** Creation instants (microseconds, ascending) of the runs due in (last run, now], at most `catchUpIntervals` back. */
export function scheduledRuns (pipeline: PipelineState, now: number, options: SimulationOptions): number[] {
  const version = pipeline.version
  if (version === undefined) return []
  const period = Math.max(1, Math.round(options.intervalSeconds * SECOND))
  const offset = fnv1a32(`${options.randomSeed}/${pipeline.id}/offset`) % period
  const versionCreated = parseTimestamp(version.created_at) ?? 0
  const after = Math.max(pipeline.lastCreatedAt ?? -Infinity, versionCreated, now - (options.catchUpIntervals ?? DEFAULT_CATCH_UP) * period)
  const times: number[] = []
  for (let k = Math.floor((after - offset) / period); offset + k * period <= now; k++) {
    const at = offset + k * period + Math.floor(rng(options.randomSeed, `${pipeline.id}/slot/${k}`).float() * SLOT_JITTER * period)
    if (at > after && at <= now) times.push(at)
  }
  return times
}

function newRun (version: PipelineVersionRead, spec: WorkflowSpec, createdAt: number, seed: number): RunRead {
  const random = rng(seed, `${version.pipeline_id}/run/${createdAt}`)
  const id = random.uuid()
  const name = workflowName(spec.generateName, (bound) => random.int(0, bound - 1))
  const workflow: WorkflowState = {
    name,
    uid: random.uuid(),
    creationTimestamp: Math.floor(createdAt / SECOND) * SECOND,
    phase: 'Pending',
    startedAt: null,
    finishedAt: null,
    tasks: spec.tasks.map(() => PENDING)
  }
  return toRunRead({ id, createdAt, version, manifest: buildArgoManifest(spec), spec, workflow })
}

// ---------------------------------------------------------------------------------------------
// One run: its future is drawn from (seed, run id); its past is whatever is stored.

interface RunView {
  id: string
  createdAt: number
  version: PipelineVersionRead
  manifest: RunRead['argo_manifest']
  spec: WorkflowSpec
  workflow: WorkflowState
}

/** The run at `now`; the same object when nothing changed. Events come in order and only when due, so any split of time gives the same result. */
export function advanceRun (run: RunRead, now: number, seed: number): RunRead {
  const view = viewOf(run)
  const next = advanceWorkflow(view, drawPlan(view, seed), now)
  return next === view.workflow ? run : toRunRead({ ...view, workflow: next })
}

type Plan = RunDraws

/** The run's draws, from (seed, run id): the same model as `seed generate`'s, over the steps the run's spec has. */
function drawPlan (view: RunView, seed: number): Plan {
  const tasks = view.spec.tasks
  return drawRun(rng(seed, `${view.id}/plan`), {
    typicalSeconds: tasks.map((task) => 15 + (fnv1a32(`${view.version.id}/${task.name}`) % 210)),
    conditional: tasks.map((task) => task.when !== undefined)
  }, false)
}

/** Applies every event due by `now`, in order; returns `view.workflow` itself when none is. */
function advanceWorkflow (view: RunView, plan: Plan, now: number): WorkflowState {
  const current = view.workflow
  if (isWorkflowCompleted(current.phase)) return current
  let phase = current.phase
  let startedAt = current.startedAt
  const tasks = [...current.tasks]
  let changed = false
  if (phase === 'Pending') {
    const startAt = Math.ceil(view.createdAt / SECOND) * SECOND + plan.queueSeconds * SECOND
    if (startAt > now) return current
    phase = 'Running'
    startedAt = startAt
    changed = true
  }
  const workflowStart = startedAt ?? Math.ceil(view.createdAt / SECOND) * SECOND
  const finish = (): WorkflowState => ({ ...current, phase, startedAt, tasks })
  for (let i = 0; i < tasks.length; i++) {
    let task = tasks[i] as TaskState
    if (isNodeFinished(task.phase)) continue
    if (task.phase === 'Pending') {
      const failed = tasks.findIndex((t, j) => j < i && (t.phase === 'Failed' || t.phase === 'Error'))
      if (failed >= 0) {
        const failedTask = tasks[failed] as TaskState
        const omitAt = (failedTask.finishedAt ?? workflowStart) + Math.min(plan.gaps[failed] ?? 1, 2) * SECOND
        if (omitAt > now) return changed ? finish() : current
        for (let j = i; j < tasks.length; j++) tasks[j] = { phase: 'Omitted', startedAt: omitAt, finishedAt: omitAt }
        changed = true
        break
      }
      const readyAt = readyTime(tasks, i, workflowStart, plan)
      if (readyAt > now) return changed ? finish() : current
      changed = true
      if (!whenHolds(view.spec.tasks[i] as WorkflowTask, current)) {
        tasks[i] = { phase: 'Skipped', startedAt: readyAt, finishedAt: readyAt }
        continue
      }
      task = { phase: 'Running', startedAt: readyAt, finishedAt: null }
      tasks[i] = task
    }
    const started = task.startedAt ?? workflowStart
    const finishAt = started + (plan.durations[i] ?? 1) * SECOND
    if (finishAt > now) return changed ? finish() : current
    changed = true
    tasks[i] = taskOutcome(i, plan, started, finishAt)
  }
  const last = tasks.reduce((latest, task) => Math.max(latest, task.finishedAt ?? 0), workflowStart)
  const finishedAt = last + plan.finishGap * SECOND
  if (finishedAt > now) return changed ? finish() : current
  return { ...current, phase: finalPhase(tasks), startedAt, finishedAt, tasks }
}

/** When task i may start: after the one before it, plus that one's gap; a Skipped task takes no time. */
function readyTime (tasks: readonly TaskState[], i: number, workflowStart: number, plan: Plan): number {
  if (i === 0) return workflowStart + plan.firstGap * SECOND
  const previous = tasks[i - 1] as TaskState
  const previousEnd = previous.finishedAt ?? workflowStart
  return previous.phase === 'Skipped' ? previousEnd : previousEnd + (plan.gaps[i - 1] ?? 1) * SECOND
}

function taskOutcome (i: number, plan: Plan, startedAt: number, finishedAt: number): TaskState {
  if (i !== plan.failingStep) return { phase: 'Succeeded', startedAt, finishedAt }
  if (plan.outcome === 'Error') return { phase: 'Error', startedAt, finishedAt, message: plan.errorMessage }
  return { phase: 'Failed', startedAt, finishedAt }
}

function finalPhase (tasks: readonly TaskState[]): WorkflowPhase {
  if (tasks.some((task) => task.phase === 'Error')) return 'Error'
  if (tasks.some((task) => task.phase === 'Failed')) return 'Failed'
  return 'Succeeded'
}

const COMPARISON = /^\s*(-?\d+(?:\.\d+)?)\s*(<=|>=|==|!=|<|>)\s*(-?\d+(?:\.\d+)?)\s*$/

/** A task's `when`, for the numeric comparisons and literals this mock's manifests use; anything else holds. */
export function whenHolds (task: WorkflowTask, workflow: Pick<WorkflowState, 'name' | 'creationTimestamp'>): boolean {
  if (task.when === undefined) return true
  const expression = substituteWorkflowVariables(task.when, workflow).trim()
  if (expression === 'false') return false
  const match = COMPARISON.exec(expression)
  if (match === null) return true
  const [left, operator, right] = [Number(match[1]), match[2], Number(match[3])]
  switch (operator) {
    case '<': return left < right
    case '<=': return left <= right
    case '>': return left > right
    case '>=': return left >= right
    case '==': return left === right
    default: return left !== right
  }
}

// ---------------------------------------------------------------------------------------------
// Between the stored shape and the Argo state the builders take.

function toRunRead (view: RunView): RunRead {
  const { workflow, spec } = view
  return {
    id: view.id,
    pipeline_config_version_id: view.version.id,
    name: workflow.name,
    status: workflow.phase,
    argo_manifest: view.manifest,
    argo_metadata: buildArgoMetadata(spec, workflow) as unknown as RunRead['argo_metadata'],
    pipeline_version: view.version,
    created_at: formatTimestamp(view.createdAt),
    finished_at: formatArgoTime(workflow.finishedAt),
    run_steps: spec.tasks.map((task, i) => {
      const state = workflow.tasks[i] as TaskState
      return {
        name: task.name,
        run_name: workflow.name,
        status: state.phase,
        started_at: formatArgoTime(state.startedAt),
        finished_at: formatArgoTime(state.finishedAt)
      }
    })
  }
}

function viewOf (run: RunRead): RunView {
  const createdAt = micros(run.created_at) ?? 0
  const spec = specFor(run.pipeline_version, run.argo_manifest, run.pipeline_version.pipeline_id, run.name)
  const metadata = asRecord(run.argo_metadata)
  const status = asRecord(metadata.status)
  const nodes = Object.values(asRecord(status.nodes)).map(asRecord)
  const byName = new Map(run.run_steps.map((step) => [step.name, step]))
  const tasks = spec.tasks.map((task): TaskState => {
    const step = byName.get(task.name)
    if (step === undefined) return PENDING
    const message = nodes.find((node) => node.displayName === task.name && node.type !== 'DAG')?.message
    return {
      phase: step.status as NodePhase,
      startedAt: micros(step.started_at),
      finishedAt: micros(step.finished_at),
      ...(step.status === 'Error' && typeof message === 'string' ? { message } : {})
    }
  })
  const uid = asRecord(metadata.metadata).uid
  const workflow: WorkflowState = {
    name: run.name,
    uid: typeof uid === 'string' ? uid : rng(0, `${run.id}/uid`).uuid(),
    creationTimestamp: Math.floor(createdAt / SECOND) * SECOND,
    phase: run.status as WorkflowPhase,
    startedAt: typeof status.startedAt === 'string' ? micros(status.startedAt) : run.status === 'Pending' ? null : Math.ceil(createdAt / SECOND) * SECOND,
    finishedAt: micros(run.finished_at),
    tasks
  }
  return { id: run.id, createdAt, version: run.pipeline_version, manifest: run.argo_manifest, spec, workflow }
}

/**
 * The Workflow spec for runs of `version`: names, namespace, image and `when` clauses from a manifest this
 * pipeline submitted (when it has that shape), tasks from the version's steps.
 */
export function specFor (version: PipelineVersionRead, manifest: unknown, pipelineId: string, runName?: string): WorkflowSpec {
  const root = asRecord(manifest)
  const metadata = asRecord(root.metadata)
  const templates = Array.isArray(asRecord(root.spec).templates) ? (asRecord(root.spec).templates as unknown[]).map(asRecord) : []
  const dag = templates.find((template) => template.name === ENTRYPOINT) ?? templates.find((template) => template.dag !== undefined)
  const dagTasks = Array.isArray(asRecord(dag?.dag).tasks) ? (asRecord(dag?.dag).tasks as unknown[]).map(asRecord) : []
  const image = asRecord(templates.find((template) => template.container !== undefined)?.container).image
  const generateName = typeof metadata.generateName === 'string'
    ? metadata.generateName
    : runName !== undefined && /-[a-z0-9]{5}$/.test(runName) ? runName.slice(0, -5) : `pipeline-${pipelineId.slice(0, 8)}-`
  return {
    generateName,
    namespace: typeof metadata.namespace === 'string' ? metadata.namespace : DEFAULT_NAMESPACE,
    pipelineId,
    pipelineVersionId: version.id,
    image: typeof image === 'string' ? image : DEFAULT_IMAGE,
    tasks: version.steps.map((step) => {
      const when = dagTasks.find((task) => task.name === step.name)?.when
      return typeof when === 'string' ? { name: step.name, query: step.config.query, when } : { name: step.name, query: step.config.query }
    })
  }
}

const PENDING: TaskState = Object.freeze({ phase: 'Pending', startedAt: null, finishedAt: null })

function asRecord (value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? value as Record<string, unknown> : {}
}

function micros (text: string | null): number | null {
  return text === null ? null : parseTimestamp(text) ?? null
}

// ---------------------------------------------------------------------------------------------
// Randomness (src/data/random.ts): one stream per (seed, purpose), so draws never depend on call order.

function rng (seed: number, purpose: string): Random {
  return Random.named(`${seed}/${purpose}`)
}

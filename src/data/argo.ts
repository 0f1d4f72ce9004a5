// Argo Workflows as the controller writes them: names, FNV-1a node ids, times, phases, the submitted manifest, progress.
import { formatTimestamp } from '../contract/timestamps.ts'

export const WORKFLOW_PHASES = ['Pending', 'Running', 'Succeeded', 'Failed', 'Error'] as const
export const NODE_PHASES = ['Pending', 'Running', 'Succeeded', 'Skipped', 'Failed', 'Error', 'Omitted'] as const
export type WorkflowPhase = typeof WORKFLOW_PHASES[number]
export type NodePhase = typeof NODE_PHASES[number]

/** Kubernetes `generateName` suffix alphabet (apimachinery `pkg/util/rand`), 5 characters long. */
export const NAME_SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789'
export const NAME_SUFFIX_LENGTH = 5
export const ENTRYPOINT = 'main'
export const SQL_TEMPLATE = 'run-sql'
export const LABEL_PHASE = 'workflows.argoproj.io/phase'
export const LABEL_COMPLETED = 'workflows.argoproj.io/completed'
export const POSTPONED_MESSAGE = 'Workflow processing has been postponed because too many workflows are already running'
export const OMITTED_MESSAGE = 'omitted: depends condition not met'
export const FAILED_POD_MESSAGE = 'Error (exit code 1)'
export const ERROR_POD_MESSAGE = 'pod deleted'

const FNV_OFFSET_BASIS = 0x811c9dc5
const FNV_PRIME = 0x01000193
const MAX_POD_NAME_PREFIX = 253 - 10 - 1

/**
 * FNV-1a 32-bit over the UTF-8 bytes of `text`, as Go's `hash/fnv.New32a`. Pass the hash of a prefix as
 * `basis` to continue hashing after it: `fnv1a32('b', fnv1a32('a')) === fnv1a32('ab')`.
 */
export function fnv1a32 (text: string, basis: number = FNV_OFFSET_BASIS): number {
  let hash = basis
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code >= 0x80) return hashBytes(new TextEncoder().encode(text.slice(i)), hash)
    hash = Math.imul(hash ^ code, FNV_PRIME)
  }
  return hash >>> 0
}

export function hashBytes (bytes: Uint8Array, basis: number): number {
  let hash = basis
  for (let i = 0; i < bytes.length; i++) hash = Math.imul(hash ^ (bytes[i] as number), FNV_PRIME)
  return hash >>> 0
}

/** `metadata.name` for a `generateName`: the prefix plus 5 characters, `nextIndex(n)` picking each in [0, n). */
export function workflowName (generateName: string, nextIndex: (bound: number) => number): string {
  let suffix = ''
  for (let i = 0; i < NAME_SUFFIX_LENGTH; i++) suffix += NAME_SUFFIX_ALPHABET.charAt(nextIndex(NAME_SUFFIX_ALPHABET.length))
  return generateName + suffix
}

/** Name of a DAG task's node: `<boundary node name>.<task>` (`dag.go` `taskNodeName`). */
export function taskNodeName (boundaryNodeName: string, taskName: string): string {
  return `${boundaryNodeName}.${taskName}`
}

/** Node id (`Workflow.NodeID`): the workflow name for the root node, else `<workflow>-<fnv32a(node name)>`. */
export function nodeId (workflow: string, nodeName: string): string {
  return nodeName === workflow ? workflow : `${workflow}-${fnv1a32(nodeName)}`
}

/** Pod name with POD_NAMES=v2, the default (`workflow/util/pod_name.go`). */
export function podName (workflow: string, templateName: string, nodeName: string): string {
  if (nodeName === workflow) return workflow
  const prefix = `${workflow}-${templateName}`.slice(0, MAX_POD_NAME_PREFIX)
  return `${prefix}-${fnv1a32(nodeName)}`
}

const TWO_DIGITS = Array.from({ length: 60 }, (_, value) => String(value).padStart(2, '0'))
const RECENT_SIZE = 256
const recentSeconds = new Float64Array(RECENT_SIZE).fill(Number.NaN)
const recentTexts = new Array<string>(RECENT_SIZE).fill('')
const recentJson = new Array<string>(RECENT_SIZE).fill('')
let cachedDay = Number.NaN
let cachedDayPrefix = ''

/**
 * A Kubernetes `metav1.Time`: whole seconds, UTC, `Z` (microseconds are dropped, as RFC 3339 seconds
 * formatting does); `null` for an unset time. Same text as `formatTimestamp` on whole seconds, with
 * caches (the day's prefix, recent seconds) because a run formats each of its times several times.
 */
export function formatArgoTime (microseconds: number | null): string | null {
  if (microseconds === null) return null
  const seconds = Math.floor(microseconds / 1_000_000)
  const slot = seconds & (RECENT_SIZE - 1)
  if (recentSeconds[slot] !== seconds) rememberTime(seconds, slot)
  return recentTexts[slot] as string
}

/** `formatArgoTime` as a JSON value: the quoted text, or `null`. */
export function argoTimeJson (microseconds: number | null): string {
  if (microseconds === null) return 'null'
  const seconds = Math.floor(microseconds / 1_000_000)
  const slot = seconds & (RECENT_SIZE - 1)
  if (recentSeconds[slot] !== seconds) rememberTime(seconds, slot)
  return recentJson[slot] as string
}

function rememberTime (seconds: number, slot: number): void {
  const day = Math.floor(seconds / 86_400)
  if (day !== cachedDay) {
    cachedDayPrefix = formatTimestamp(day * 86_400_000_000).slice(0, 11)
    cachedDay = day
  }
  const secondOfDay = seconds - day * 86_400
  const hour = Math.floor(secondOfDay / 3600)
  const minute = Math.floor((secondOfDay % 3600) / 60)
  const text = `${cachedDayPrefix}${twoDigits(hour)}:${twoDigits(minute)}:${twoDigits(secondOfDay % 60)}Z`
  recentSeconds[slot] = seconds
  recentTexts[slot] = text
  recentJson[slot] = `"${text}"`
}

function twoDigits (value: number): string {
  return TWO_DIGITS[value] as string
}

/** ISO weekday (Monday 1 … Sunday 7) of a UTC instant: strftime `%u`, i.e. `{{workflow.creationTimestamp.u}}`. */
export function isoWeekday (microseconds: number): number {
  const day = Math.floor(microseconds / 86_400_000_000)
  return ((day + 3) % 7 + 7) % 7 + 1
}

// ---------------------------------------------------------------------------------------------
// The submitted Workflow (argo_manifest): one per pipeline version, identical for all its runs.

/** One DAG task = one pipeline step, run by the `run-sql` template. `when` makes the task conditional. */
export interface WorkflowTask {
  name: string
  query: string
  when?: string
}

export interface WorkflowSpec {
  generateName: string
  namespace: string
  pipelineId: string
  pipelineVersionId: string
  image: string
  /** In pipeline order; each task depends on the one before it. */
  tasks: readonly WorkflowTask[]
}

export interface DagTask {
  name: string
  template: string
  depends?: string
  when?: string
  arguments: { parameters: Array<{ name: string, value: string }> }
}

export interface ArgoManifest {
  apiVersion: 'argoproj.io/v1alpha1'
  kind: 'Workflow'
  metadata: { generateName: string, namespace: string, labels: Record<string, string> }
  spec: {
    entrypoint: string
    templates: [
      { name: string, dag: { tasks: DagTask[] } },
      {
        name: string
        inputs: { parameters: Array<{ name: string }> }
        container: { image: string, command: string[], args: string[] }
      }
    ]
  }
}

export function buildArgoManifest (spec: WorkflowSpec): ArgoManifest {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: { generateName: spec.generateName, namespace: spec.namespace, labels: submittedLabels(spec) },
    spec: {
      entrypoint: ENTRYPOINT,
      templates: [
        { name: ENTRYPOINT, dag: { tasks: spec.tasks.map(dagTask) } },
        {
          name: SQL_TEMPLATE,
          inputs: { parameters: [{ name: 'query' }] },
          container: { image: spec.image, command: ['run-sql'], args: ['{{inputs.parameters.query}}'] }
        }
      ]
    }
  }
}

function submittedLabels (spec: WorkflowSpec): Record<string, string> {
  return { 'pipeline-id': spec.pipelineId, 'pipeline-version-id': spec.pipelineVersionId }
}

function dagTask (task: WorkflowTask, index: number, tasks: readonly WorkflowTask[]): DagTask {
  const previous = tasks[index - 1]
  return {
    name: task.name,
    template: SQL_TEMPLATE,
    ...(previous === undefined ? {} : { depends: previous.name }),
    ...(task.when === undefined ? {} : { when: task.when }),
    arguments: { parameters: [{ name: 'query', value: task.query }] }
  }
}

// ---------------------------------------------------------------------------------------------
// The live Workflow (argo_metadata): a pure function of the run state below.

/**
 * One task's state. `Pending` means the controller has not reached the task yet, so it has no node
 * (Argo creates a DAG task's node only once its dependencies are done) and both times are null.
 * Skipped and Omitted nodes get `startedAt` = `finishedAt` = the moment the controller decided.
 */
export interface TaskState {
  phase: NodePhase
  startedAt: number | null
  finishedAt: number | null
  /** Defaults: Failed 'Error (exit code 1)', Error 'pod deleted', Omitted and Skipped as Argo words them. */
  message?: string
}

export interface WorkflowState {
  name: string
  uid: string
  /** Microseconds; Kubernetes keeps whole seconds. */
  creationTimestamp: number
  phase: WorkflowPhase
  startedAt: number | null
  finishedAt: number | null
  /** Aligned with `WorkflowSpec.tasks`. */
  tasks: readonly TaskState[]
}

export interface ArgoNode {
  id: string
  name: string
  displayName: string
  type: 'DAG' | 'Pod' | 'Skipped'
  templateName: string
  templateScope: string
  phase: NodePhase
  boundaryID?: string
  message?: string
  startedAt: string | null
  finishedAt: string | null
  progress?: string
  outputs?: { exitCode: string }
  children?: string[]
  outboundNodes?: string[]
}

export interface ArgoMetadata {
  metadata: {
    name: string
    generateName: string
    namespace: string
    uid: string
    resourceVersion: string
    generation: number
    creationTimestamp: string
    labels: Record<string, string>
  }
  status: {
    phase: WorkflowPhase
    startedAt: string | null
    finishedAt: string | null
    progress: string
    message?: string
    conditions?: Array<{ type: string, status: 'True' | 'False' }>
    nodes?: Record<string, ArgoNode>
  }
}

export function isWorkflowCompleted (phase: WorkflowPhase): boolean {
  return phase === 'Succeeded' || phase === 'Failed' || phase === 'Error'
}

export function isNodeFinished (phase: NodePhase): boolean {
  return phase !== 'Pending' && phase !== 'Running'
}

/** `metadata` and `status` of the Workflow in `state`, as `kubectl get wf -o json` shows them. */

/** Substitutes the global variables this mock's `when` clauses use: workflow name and creation weekday. */
export function substituteWorkflowVariables (expression: string, state: Pick<WorkflowState, 'name' | 'creationTimestamp'>): string {
  return expression
    .replaceAll('{{workflow.name}}', state.name)
    .replaceAll('{{workflow.creationTimestamp.u}}', String(isoWeekday(state.creationTimestamp)))
}

/** `N/M` (`workflow/progress`): M pods created so far, N of them succeeded; Skipped and Omitted nodes are no pods. */
export function workflowProgress (state: Pick<WorkflowState, 'tasks'>): string {
  let pods = 0
  let succeeded = 0
  for (const task of state.tasks) {
    if (task.phase === 'Running' || task.phase === 'Failed' || task.phase === 'Error') pods++
    else if (task.phase === 'Succeeded') { pods++; succeeded++ }
  }
  return `${succeeded}/${pods}`
}

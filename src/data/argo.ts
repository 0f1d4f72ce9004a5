// Argo Workflows objects as the controller writes them: names, FNV-1a node ids, the submitted manifest and the status.
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

function hashBytes (bytes: Uint8Array, basis: number): number {
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
function timeJson (microseconds: number | null): string {
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
export function buildArgoMetadata (spec: WorkflowSpec, state: WorkflowState): ArgoMetadata {
  return JSON.parse(argoMetadataJson(spec, state)) as ArgoMetadata
}

/** Both objects of a run, built from one state so they cannot disagree. */
export function buildArgoObjects (spec: WorkflowSpec, state: WorkflowState): { argo_manifest: ArgoManifest, argo_metadata: ArgoMetadata } {
  return { argo_manifest: buildArgoManifest(spec), argo_metadata: buildArgoMetadata(spec, state) }
}

/**
 * `buildArgoMetadata` as compact JSON text, written directly: building the object costs ten times more,
 * mostly because `status.nodes` is keyed by ids that are new for every run. Fields come in the order
 * of Go's structs (ObjectMeta, WorkflowStatus, NodeStatus); map keys (labels, nodes) sorted, as
 * encoding/json writes them; absent optional fields have no key.
 */
export function argoMetadataJson (spec: WorkflowSpec, state: WorkflowState): string {
  const texts = specTexts(spec)
  const workflow = escapeJson(state.name)
  const progress = workflowProgress(state)
  const startedAt = timeJson(state.startedAt)
  const finishedAt = timeJson(state.finishedAt)
  const metadata = `{"name":"${workflow}","generateName":${texts.generateName},"namespace":${texts.namespace}` +
    `,"uid":"${escapeJson(state.uid)}","resourceVersion":"${resourceVersion(state)}","generation":${generation(state)}` +
    `,"creationTimestamp":${timeJson(state.creationTimestamp)},"labels":{"pipeline-id":${texts.pipelineId}` +
    `,"pipeline-version-id":${texts.pipelineVersionId},"${LABEL_COMPLETED}":"${isWorkflowCompleted(state.phase) ? 'true' : 'false'}"` +
    `,"${LABEL_PHASE}":"${state.phase}"}}`
  let status = `{"phase":"${state.phase}","startedAt":${startedAt},"finishedAt":${finishedAt},"progress":"${progress}"`
  if (state.phase === 'Pending') status += `,"message":${JSON.stringify(POSTPONED_MESSAGE)}}`
  else status += `,"nodes":${nodesJson(spec, texts, state, workflow, `,"startedAt":${startedAt},"finishedAt":${finishedAt},"progress":"${progress}"`)},"conditions":${conditionsJson(state)}}`
  // join() copies the pieces into one flat string at once; a template literal would leave a rope of ~100 pieces that
  // V8 flattens later, slowly, when the text is posted to another thread or bound to SQLite.
  return ['{"metadata":', metadata, ',"status":', status, '}'].join('')
}

interface SpecTexts {
  generateName: string
  namespace: string
  pipelineId: string
  pipelineVersionId: string
  /** Each task node's JSON from after the workflow name in `name` to the node type: `.<task>","displayName":"<task>","type":"`. */
  nameTails: string[]
  /** UTF-8, for hashing node names. */
  taskNameBytes: Uint8Array[]
}

const specTextCache = new WeakMap<WorkflowSpec, SpecTexts>()

/** The spec's strings as JSON, computed once per spec object. */
function specTexts (spec: WorkflowSpec): SpecTexts {
  let texts = specTextCache.get(spec)
  if (texts === undefined) {
    texts = {
      generateName: JSON.stringify(spec.generateName),
      namespace: JSON.stringify(spec.namespace),
      pipelineId: JSON.stringify(spec.pipelineId),
      pipelineVersionId: JSON.stringify(spec.pipelineVersionId),
      nameTails: spec.tasks.map((task) => `.${escapeJson(task.name)}","displayName":"${escapeJson(task.name)}","type":"`),
      taskNameBytes: spec.tasks.map((task) => new TextEncoder().encode(task.name))
    }
    specTextCache.set(spec, texts)
  }
  return texts
}

/** JSON string contents without the quotes; escaping commutes with concatenation, so pieces can be joined. */
function escapeJson (text: string): string {
  return needsEscape(text) ? JSON.stringify(text).slice(1, -1) : text
}

/** Whether JSON.stringify would escape a character: controls, `"`, `\\` and lone surrogates. */
function needsEscape (text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code < 0x20 || code === 0x22 || code === 0x5c || (code >= 0xd800 && code <= 0xdfff)) return true
  }
  return false
}

/** The DAG root and one node per reached task; a task's child is the next task (the chain of `depends`). */
function nodesJson (spec: WorkflowSpec, texts: SpecTexts, state: WorkflowState, workflow: string, timesAndProgress: string): string {
  const prefixHash = fnv1a32('.', fnv1a32(state.name))
  const hashes: string[] = []
  for (let i = 0; i < spec.tasks.length; i++) {
    const task = state.tasks[i]
    if (task === undefined || task.phase === 'Pending') break
    hashes.push(decimal(hashBytes(texts.taskNameBytes[i] as Uint8Array, prefixHash)))
  }
  const reached = hashes.length
  const ids = hashes.map((hash) => `${workflow}-${hash}`)
  // The DAG's outbound nodes are set when it completes: the leaf task's node.
  const outbound = isWorkflowCompleted(state.phase) && reached === spec.tasks.length && reached > 0 ? ids[reached - 1] : undefined
  let json = `{"${workflow}":{"id":"${workflow}","name":"${workflow}","displayName":"${workflow}","type":"DAG"` +
    `,"templateName":"${ENTRYPOINT}","templateScope":"local/${workflow}","phase":"${state.phase}"${timesAndProgress}` +
    `${reached > 0 ? `,"children":["${ids[0] as string}"]` : ''}${outbound === undefined ? '' : `,"outboundNodes":["${outbound}"]`}}`
  // Ids share the workflow prefix, so they sort as their hashes' digits do; the root's id sorts first.
  for (const i of sortedIndexes(hashes)) {
    const id = ids[i] as string
    json += `,"${id}":${taskNodeJson(spec.tasks[i] as WorkflowTask, texts.nameTails[i] as string, state, i, id, workflow, ids[i + 1])}`
  }
  return `${json}}`
}

/**
 * `String(value)` for a whole number ≥ 0; V8 converts numbers above the small-integer range through its
 * slow floating-point path, so larger ones are written as two small halves.
 */
function decimal (value: number): string {
  if (value < 0x40000000) return String(value)
  const high = Math.floor(value / 100_000)
  return `${high}${String(value - high * 100_000 + 100_000).slice(1)}`
}

/** Indexes of `texts` in ascending string order (insertion sort: a handful of short strings). */
function sortedIndexes (texts: readonly string[]): number[] {
  const order: number[] = []
  for (let i = 0; i < texts.length; i++) {
    let j = order.length
    while (j > 0 && (texts[order[j - 1] as number] as string) > (texts[i] as string)) j--
    order.splice(j, 0, i)
  }
  return order
}

function taskNodeJson (task: WorkflowTask, nameTail: string, state: WorkflowState, index: number, id: string, workflow: string, childId: string | undefined): string {
  const taskState = state.tasks[index] as TaskState
  const phase = taskState.phase
  const message = taskState.message ?? defaultMessage(task, phase, state)
  const pod = POD_PHASES.has(phase)
  let json = `{"id":"${id}","name":"${workflow}${nameTail}${pod ? POD_TYPE : SKIPPED_TYPE}${workflow}","phase":"${phase}","boundaryID":"${workflow}"`
  if (message !== undefined) json += `,"message":${JSON.stringify(message)}`
  json += `,"startedAt":${timeJson(taskState.startedAt)},"finishedAt":${timeJson(taskState.finishedAt)}${POD_TAILS[phase] ?? ''}`
  return childId === undefined ? `${json}}` : `${json},"children":["${childId}"]}`
}

const POD_PHASES: ReadonlySet<NodePhase> = new Set(['Running', 'Succeeded', 'Failed', 'Error'])
const POD_TYPE = `Pod","templateName":"${SQL_TEMPLATE}","templateScope":"local/`
const SKIPPED_TYPE = `Skipped","templateName":"${SQL_TEMPLATE}","templateScope":"local/`
/** A pod's progress and exit code by phase; Skipped and Omitted nodes have neither. */
const POD_TAILS: Partial<Record<NodePhase, string>> = {
  Running: ',"progress":"0/1"',
  Succeeded: ',"progress":"1/1","outputs":{"exitCode":"0"}',
  Failed: ',"progress":"0/1","outputs":{"exitCode":"1"}',
  Error: ',"progress":"0/1"'
}

function defaultMessage (task: WorkflowTask, phase: NodePhase, state: WorkflowState): string | undefined {
  switch (phase) {
    case 'Failed': return FAILED_POD_MESSAGE
    case 'Error': return ERROR_POD_MESSAGE
    case 'Omitted': return OMITTED_MESSAGE
    case 'Skipped': return `when '${substituteWorkflowVariables(task.when ?? 'false', state)}' evaluated false`
    default: return undefined
  }
}

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

function conditionsJson (state: WorkflowState): string {
  const podRunning = state.tasks.some((task) => task.phase === 'Running') ? 'True' : 'False'
  const completed = isWorkflowCompleted(state.phase) ? ',{"type":"Completed","status":"True"}' : ''
  return `[{"type":"PodRunning","status":"${podRunning}"}${completed}]`
}

/** Object updates so far: creation, the controller picking it up, each node created and finished, completion. */
function generation (state: WorkflowState): number {
  let count = 2
  if (state.startedAt !== null) count++
  for (const task of state.tasks) {
    if (task.phase === 'Pending') continue
    count += task.phase === 'Running' || task.phase === 'Skipped' || task.phase === 'Omitted' ? 1 : 2
  }
  if (isWorkflowCompleted(state.phase)) count++
  return count
}

/** An etcd-revision-like number that grows with the workflow's last change, so a later state has a larger one. */
function resourceVersion (state: WorkflowState): string {
  let last = Math.max(state.creationTimestamp, state.startedAt ?? 0, state.finishedAt ?? 0)
  for (const task of state.tasks) {
    if (task.startedAt !== null && task.startedAt > last) last = task.startedAt
    if (task.finishedAt !== null && task.finishedAt > last) last = task.finishedAt
  }
  const seconds = Math.floor(last / 1_000_000) - 1_500_000_000
  return decimal(seconds * 16 + (state.uid.charCodeAt(state.uid.length - 1) & 15))
}

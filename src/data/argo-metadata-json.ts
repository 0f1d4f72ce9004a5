// The live Workflow (argo_metadata) as compact JSON text, written piece by piece from a run's state, and the object
// parsed back from it; the model it follows (names, ids, phases, times, messages) is in argo.ts.
import {
  type ArgoManifest, type ArgoMetadata, type NodePhase, type TaskState, type WorkflowSpec, type WorkflowState, type WorkflowTask,
  ENTRYPOINT, ERROR_POD_MESSAGE, FAILED_POD_MESSAGE, LABEL_COMPLETED, LABEL_PHASE, OMITTED_MESSAGE, POSTPONED_MESSAGE, SQL_TEMPLATE,
  argoTimeJson, buildArgoManifest, fnv1a32, hashBytes, isWorkflowCompleted, substituteWorkflowVariables, workflowProgress
} from './argo.ts'

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
  const startedAt = argoTimeJson(state.startedAt)
  const finishedAt = argoTimeJson(state.finishedAt)
  const metadata = `{"name":"${workflow}","generateName":${texts.generateName},"namespace":${texts.namespace}` +
    `,"uid":"${escapeJson(state.uid)}","resourceVersion":"${resourceVersion(state)}","generation":${generation(state)}` +
    `,"creationTimestamp":${argoTimeJson(state.creationTimestamp)},"labels":{"pipeline-id":${texts.pipelineId}` +
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
  json += `,"startedAt":${argoTimeJson(taskState.startedAt)},"finishedAt":${argoTimeJson(taskState.finishedAt)}${POD_TAILS[phase] ?? ''}`
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

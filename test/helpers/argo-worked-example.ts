// The worked example of docs/contract.md#argo-workflows: a 3-step SQL DAG's spec and states, and its node ids.
import { parseTimestamp } from '../../src/contract/timestamps.ts'
import type { NodePhase, TaskState, WorkflowSpec, WorkflowState } from '../../src/data/argo.ts'

export const WF = 'sql-pipeline-7k2xq'
export const PIPELINE_ID = '9b2f6c1e-4a0d-4c1e-9f7a-2d3b8e5a6c01'
export const VERSION_ID = '5e8d2a47-13c9-4b6e-8f21-7a9c0d4e3b62'

export const SPEC: WorkflowSpec = {
  generateName: 'sql-pipeline-',
  namespace: 'pipelines',
  pipelineId: PIPELINE_ID,
  pipelineVersionId: VERSION_ID,
  image: 'example/sql-runner:1.0',
  tasks: [
    { name: 'extract', query: 'SELECT * FROM raw.orders' },
    { name: 'transform', query: 'INSERT INTO stg.orders SELECT ...' },
    { name: 'load', query: 'INSERT INTO mart.orders SELECT ...' }
  ]
}

export function at (text: string): number {
  const micros = parseTimestamp(text)
  if (micros === undefined) throw new Error(`bad time ${text}`)
  return micros
}

export function task (phase: NodePhase, startedAt?: string, finishedAt?: string): TaskState {
  return { phase, startedAt: startedAt === undefined ? null : at(startedAt), finishedAt: finishedAt === undefined ? null : at(finishedAt) }
}

export function state (phase: WorkflowState['phase'], tasks: TaskState[], finishedAt: string | null = null, created = '2023-11-07T05:31:56Z'): WorkflowState {
  return {
    name: WF,
    uid: '0b4f3c2e-7d1a-4f5b-9c3e-2a1b0c9d8e7f',
    creationTimestamp: at(created),
    phase,
    startedAt: phase === 'Pending' ? null : at(created),
    finishedAt: finishedAt === null ? null : at(finishedAt),
    tasks
  }
}

export const SUCCEEDED = state('Succeeded', [
  task('Succeeded', '2023-11-07T05:31:56Z', '2023-11-07T05:32:08Z'),
  task('Succeeded', '2023-11-07T05:32:10Z', '2023-11-07T05:32:31Z'),
  task('Succeeded', '2023-11-07T05:32:33Z', '2023-11-07T05:32:47Z')
], '2023-11-07T05:32:47Z')

export const ids = {
  extract: `${WF}-3657353993`,
  transform: `${WF}-2314181796`,
  load: `${WF}-1419737492`
}

// Argo helpers against docs/contract.md#argo-workflows and its worked example: FNV-1a node ids, names, manifest, status, progress and links.
import { describe, expect, it } from 'vitest'
import { formatTimestamp, parseTimestamp } from '../../src/contract/timestamps.ts'
import {
  type NodePhase, type TaskState, type WorkflowSpec, type WorkflowState,
  NAME_SUFFIX_ALPHABET, POSTPONED_MESSAGE, buildArgoManifest,
  fnv1a32, formatArgoTime, isoWeekday, nodeId, podName, taskNodeName, workflowName, workflowProgress
} from '../../src/data/argo.ts'
import { argoMetadataJson, buildArgoMetadata, buildArgoObjects } from '../../src/data/argo-metadata-json.ts'

const WF = 'sql-pipeline-7k2xq'
const PIPELINE_ID = '9b2f6c1e-4a0d-4c1e-9f7a-2d3b8e5a6c01'
const VERSION_ID = '5e8d2a47-13c9-4b6e-8f21-7a9c0d4e3b62'

const SPEC: WorkflowSpec = {
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

function at (text: string): number {
  const micros = parseTimestamp(text)
  if (micros === undefined) throw new Error(`bad time ${text}`)
  return micros
}

function task (phase: NodePhase, startedAt?: string, finishedAt?: string): TaskState {
  return { phase, startedAt: startedAt === undefined ? null : at(startedAt), finishedAt: finishedAt === undefined ? null : at(finishedAt) }
}

function state (phase: WorkflowState['phase'], tasks: TaskState[], finishedAt: string | null = null, created = '2023-11-07T05:31:56Z'): WorkflowState {
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

const SUCCEEDED = state('Succeeded', [
  task('Succeeded', '2023-11-07T05:31:56Z', '2023-11-07T05:32:08Z'),
  task('Succeeded', '2023-11-07T05:32:10Z', '2023-11-07T05:32:31Z'),
  task('Succeeded', '2023-11-07T05:32:33Z', '2023-11-07T05:32:47Z')
], '2023-11-07T05:32:47Z')

const ids = {
  extract: `${WF}-3657353993`,
  transform: `${WF}-2314181796`,
  load: `${WF}-1419737492`
}

describe('names and ids', () => {
  it('hashes node names with FNV-1a 32 as Argo does (docs/contract.md#argo-workflows examples)', () => {
    expect(fnv1a32(`${WF}.extract`)).toBe(3657353993)
    expect(fnv1a32(`${WF}.transform`)).toBe(2314181796)
    expect(fnv1a32(`${WF}.load`)).toBe(1419737492)
    expect(fnv1a32('dag-disable-fail-fast-r6xdc.A')).toBe(3928436299)
    expect(fnv1a32('')).toBe(0x811c9dc5)
  })

  it('continues a hash from a prefix and hashes UTF-8 bytes', () => {
    expect(fnv1a32('extract', fnv1a32(`${WF}.`))).toBe(fnv1a32(`${WF}.extract`))
    let expected = 0x811c9dc5
    for (const byte of [0x61, 0xc3, 0xa9]) expected = Math.imul(expected ^ byte, 0x01000193) >>> 0
    expect(fnv1a32('aé')).toBe(expected)
  })

  it('names task nodes <workflow>.<task> and ids them <workflow>-<hash>, the root by the workflow name', () => {
    expect(taskNodeName(WF, 'extract')).toBe('sql-pipeline-7k2xq.extract')
    expect(nodeId(WF, taskNodeName(WF, 'extract'))).toBe('sql-pipeline-7k2xq-3657353993')
    expect(nodeId(WF, WF)).toBe(WF)
    expect(podName(WF, 'run-sql', taskNodeName(WF, 'extract'))).toBe('sql-pipeline-7k2xq-run-sql-3657353993')
  })

  it('generates workflow names from generateName plus 5 characters of the Kubernetes alphabet', () => {
    const digits = [0, 1, 2, 25, 26]
    expect(workflowName('sql-pipeline-', () => digits.shift() ?? 0)).toBe('sql-pipeline-bcd89')
    let seed = 7
    const name = workflowName('orders-daily-', (bound) => (seed = (seed * 31 + 3) % 1000) % bound)
    expect(name).toMatch(new RegExp(`^orders-daily-[${NAME_SUFFIX_ALPHABET}]{5}$`))
  })
})

describe('times', () => {
  it('formats Argo times like formatTimestamp on whole seconds, null stays null', () => {
    expect(formatArgoTime(null)).toBeNull()
    expect(formatArgoTime(at('2023-11-07T05:31:56.999999Z'))).toBe('2023-11-07T05:31:56Z')
    let value = at('1999-12-31T23:59:58Z')
    for (let i = 0; i < 5000; i++) {
      value += 7_919_000_123 * (i % 13) + 999_999
      expect(formatArgoTime(value)).toBe(formatTimestamp(Math.floor(value / 1e6) * 1e6))
    }
  })

  it('gives the ISO weekday of {{workflow.creationTimestamp.u}}', () => {
    expect(isoWeekday(at('2023-11-06T00:00:00Z'))).toBe(1)
    expect(isoWeekday(at('2023-11-11T23:59:59Z'))).toBe(6)
    expect(isoWeekday(at('2023-11-12T12:00:00Z'))).toBe(7)
    expect(isoWeekday(at('1969-12-31T12:00:00Z'))).toBe(3)
  })
})

describe('buildArgoManifest', () => {
  it('builds the Workflow the backend submits (docs/contract.md, the worked example)', () => {
    expect(buildArgoManifest(SPEC)).toEqual({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Workflow',
      metadata: { generateName: 'sql-pipeline-', namespace: 'pipelines', labels: { 'pipeline-id': PIPELINE_ID, 'pipeline-version-id': VERSION_ID } },
      spec: {
        entrypoint: 'main',
        templates: [
          {
            name: 'main',
            dag: {
              tasks: [
                { name: 'extract', template: 'run-sql', arguments: { parameters: [{ name: 'query', value: 'SELECT * FROM raw.orders' }] } },
                { name: 'transform', template: 'run-sql', depends: 'extract', arguments: { parameters: [{ name: 'query', value: 'INSERT INTO stg.orders SELECT ...' }] } },
                { name: 'load', template: 'run-sql', depends: 'transform', arguments: { parameters: [{ name: 'query', value: 'INSERT INTO mart.orders SELECT ...' }] } }
              ]
            }
          },
          {
            name: 'run-sql',
            inputs: { parameters: [{ name: 'query' }] },
            container: { image: 'example/sql-runner:1.0', command: ['run-sql'], args: ['{{inputs.parameters.query}}'] }
          }
        ]
      }
    })
  })

  it('writes a conditional task\'s when after depends', () => {
    const spec = { ...SPEC, tasks: [...SPEC.tasks, { name: 'publish', query: 'SELECT 1', when: '{{workflow.creationTimestamp.u}} < 6' }] }
    const dagTask = buildArgoManifest(spec).spec.templates[0].dag.tasks[3]
    expect(Object.keys(dagTask ?? {})).toEqual(['name', 'template', 'depends', 'when', 'arguments'])
  })
})

describe('buildArgoMetadata', () => {
  it('matches the succeeded status of the worked example in docs/contract.md', () => {
    const { status } = buildArgoMetadata(SPEC, SUCCEEDED)
    expect(status).toEqual({
      phase: 'Succeeded',
      startedAt: '2023-11-07T05:31:56Z',
      finishedAt: '2023-11-07T05:32:47Z',
      progress: '3/3',
      conditions: [{ type: 'PodRunning', status: 'False' }, { type: 'Completed', status: 'True' }],
      nodes: {
        [WF]: { id: WF, name: WF, displayName: WF, type: 'DAG', templateName: 'main', templateScope: `local/${WF}`, phase: 'Succeeded', startedAt: '2023-11-07T05:31:56Z', finishedAt: '2023-11-07T05:32:47Z', progress: '3/3', children: [ids.extract], outboundNodes: [ids.load] },
        [ids.extract]: { id: ids.extract, name: `${WF}.extract`, displayName: 'extract', type: 'Pod', templateName: 'run-sql', templateScope: `local/${WF}`, phase: 'Succeeded', boundaryID: WF, startedAt: '2023-11-07T05:31:56Z', finishedAt: '2023-11-07T05:32:08Z', progress: '1/1', outputs: { exitCode: '0' }, children: [ids.transform] },
        [ids.transform]: { id: ids.transform, name: `${WF}.transform`, displayName: 'transform', type: 'Pod', templateName: 'run-sql', templateScope: `local/${WF}`, phase: 'Succeeded', boundaryID: WF, startedAt: '2023-11-07T05:32:10Z', finishedAt: '2023-11-07T05:32:31Z', progress: '1/1', outputs: { exitCode: '0' }, children: [ids.load] },
        [ids.load]: { id: ids.load, name: `${WF}.load`, displayName: 'load', type: 'Pod', templateName: 'run-sql', templateScope: `local/${WF}`, phase: 'Succeeded', boundaryID: WF, startedAt: '2023-11-07T05:32:33Z', finishedAt: '2023-11-07T05:32:47Z', progress: '1/1', outputs: { exitCode: '0' } }
      }
    })
  })

  it('writes fields in Go struct order and map keys sorted', () => {
    const { metadata, status } = buildArgoMetadata(SPEC, SUCCEEDED)
    expect(Object.keys(metadata)).toEqual(['name', 'generateName', 'namespace', 'uid', 'resourceVersion', 'generation', 'creationTimestamp', 'labels'])
    expect(Object.keys(metadata.labels)).toEqual(['pipeline-id', 'pipeline-version-id', 'workflows.argoproj.io/completed', 'workflows.argoproj.io/phase'])
    expect(Object.keys(status)).toEqual(['phase', 'startedAt', 'finishedAt', 'progress', 'nodes', 'conditions'])
    expect(Object.keys(status.nodes ?? {})).toEqual([WF, ids.load, ids.transform, ids.extract])
    expect(Object.keys(status.nodes?.[ids.extract] ?? {})).toEqual(['id', 'name', 'displayName', 'type', 'templateName', 'templateScope', 'phase', 'boundaryID', 'startedAt', 'finishedAt', 'progress', 'outputs', 'children'])
  })

  it('labels the workflow with its phase and completion and gives metadata from the state', () => {
    const { metadata } = buildArgoMetadata(SPEC, SUCCEEDED)
    expect(metadata).toMatchObject({ name: WF, generateName: 'sql-pipeline-', namespace: 'pipelines', creationTimestamp: '2023-11-07T05:31:56Z' })
    expect(metadata.labels).toEqual({
      'pipeline-id': PIPELINE_ID,
      'pipeline-version-id': VERSION_ID,
      'workflows.argoproj.io/completed': 'true',
      'workflows.argoproj.io/phase': 'Succeeded'
    })
    expect(metadata.resourceVersion).toMatch(/^\d+$/)
  })

  it('shows a running workflow: pods so far in progress, no node for tasks not reached, no outbound nodes', () => {
    const running = state('Running', [
      task('Succeeded', '2023-11-07T05:31:56Z', '2023-11-07T05:32:08Z'),
      task('Running', '2023-11-07T05:32:10Z'),
      task('Pending')
    ])
    const { metadata, status } = buildArgoMetadata(SPEC, running)
    expect(status).toMatchObject({ phase: 'Running', finishedAt: null, progress: '1/2', conditions: [{ type: 'PodRunning', status: 'True' }] })
    expect(Object.keys(status.nodes ?? {}).sort()).toEqual([WF, ids.transform, ids.extract].sort())
    expect(status.nodes?.[WF]).toMatchObject({ phase: 'Running', finishedAt: null, progress: '1/2', children: [ids.extract] })
    expect(status.nodes?.[WF]).not.toHaveProperty('outboundNodes')
    expect(status.nodes?.[ids.transform]).toEqual({ id: ids.transform, name: `${WF}.transform`, displayName: 'transform', type: 'Pod', templateName: 'run-sql', templateScope: `local/${WF}`, phase: 'Running', boundaryID: WF, startedAt: '2023-11-07T05:32:10Z', finishedAt: null, progress: '0/1' })
    expect(metadata.labels['workflows.argoproj.io/completed']).toBe('false')
    expect(metadata.labels['workflows.argoproj.io/phase']).toBe('Running')
  })

  it('shows a failed pod with its message and later tasks Omitted, linked as children', () => {
    const failed = state('Failed', [
      task('Succeeded', '2023-11-07T05:31:56Z', '2023-11-07T05:32:08Z'),
      task('Failed', '2023-11-07T05:32:10Z', '2023-11-07T05:32:20Z'),
      task('Omitted', '2023-11-07T05:32:22Z', '2023-11-07T05:32:22Z')
    ], '2023-11-07T05:32:22Z')
    const { status } = buildArgoMetadata(SPEC, failed)
    expect(status.progress).toBe('1/2')
    expect(status.nodes?.[ids.transform]).toMatchObject({ phase: 'Failed', message: 'Error (exit code 1)', progress: '0/1', outputs: { exitCode: '1' }, children: [ids.load] })
    expect(status.nodes?.[ids.load]).toEqual({ id: ids.load, name: `${WF}.load`, displayName: 'load', type: 'Skipped', templateName: 'run-sql', templateScope: `local/${WF}`, phase: 'Omitted', boundaryID: WF, message: 'omitted: depends condition not met', startedAt: '2023-11-07T05:32:22Z', finishedAt: '2023-11-07T05:32:22Z' })
    expect(status.nodes?.[WF]).toMatchObject({ phase: 'Failed', progress: '1/2', children: [ids.extract], outboundNodes: [ids.load] })
    expect(status.conditions).toEqual([{ type: 'PodRunning', status: 'False' }, { type: 'Completed', status: 'True' }])
  })

  it('gives an Error pod its message and no exit code', () => {
    const errored = state('Error', [
      task('Error', '2023-11-07T05:31:56Z', '2023-11-07T05:32:00Z'),
      task('Omitted', '2023-11-07T05:32:01Z', '2023-11-07T05:32:01Z'),
      task('Omitted', '2023-11-07T05:32:01Z', '2023-11-07T05:32:01Z')
    ], '2023-11-07T05:32:01Z')
    const node = buildArgoMetadata(SPEC, errored).status.nodes?.[ids.extract]
    expect(node).toMatchObject({ phase: 'Error', message: 'pod deleted', progress: '0/1' })
    expect(node).not.toHaveProperty('outputs')
    const custom = { ...errored, tasks: [{ ...task('Error', '2023-11-07T05:31:56Z', '2023-11-07T05:32:00Z'), message: 'OOMKilled' }, ...errored.tasks.slice(1)] }
    expect(buildArgoMetadata(SPEC, custom).status.nodes?.[ids.extract]?.message).toBe('OOMKilled')
  })

  it('says why a conditional task was Skipped, with the when clause substituted', () => {
    const spec = { ...SPEC, tasks: [SPEC.tasks[0], { name: 'publish', query: 'SELECT 1', when: '{{workflow.creationTimestamp.u}} < 6' }] as WorkflowSpec['tasks'] }
    const saturday = state('Succeeded', [
      task('Succeeded', '2023-11-11T10:00:00Z', '2023-11-11T10:00:30Z'),
      task('Skipped', '2023-11-11T10:00:31Z', '2023-11-11T10:00:31Z')
    ], '2023-11-11T10:00:31Z', '2023-11-11T10:00:00Z')
    const { status } = buildArgoMetadata(spec, saturday)
    expect(status.progress).toBe('1/1')
    expect(status.nodes?.[`${WF}-${fnv1a32(`${WF}.publish`)}`]).toMatchObject({ type: 'Skipped', phase: 'Skipped', message: 'when \'6 < 6\' evaluated false' })
  })

  it('shows a Pending workflow as postponed, without nodes or start time', () => {
    const pending = state('Pending', [task('Pending'), task('Pending'), task('Pending')])
    const metadata = buildArgoMetadata(SPEC, pending)
    expect(metadata.status).toEqual({ phase: 'Pending', startedAt: null, finishedAt: null, progress: '0/0', message: POSTPONED_MESSAGE })
    expect(metadata.metadata.labels['workflows.argoproj.io/phase']).toBe('Pending')
  })

  it('counts progress over pods only: Skipped and Omitted nodes are not pods', () => {
    expect(workflowProgress({ tasks: [task('Succeeded'), task('Skipped'), task('Omitted')] })).toBe('1/1')
    expect(workflowProgress({ tasks: [task('Succeeded'), task('Error'), task('Running'), task('Pending')] })).toBe('1/3')
    expect(workflowProgress({ tasks: [] })).toBe('0/0')
  })

  it('grows generation and resourceVersion as the run advances', () => {
    const running = buildArgoMetadata(SPEC, state('Running', [task('Running', '2023-11-07T05:31:56Z'), task('Pending'), task('Pending')]))
    const done = buildArgoMetadata(SPEC, SUCCEEDED)
    expect(done.metadata.generation).toBeGreaterThan(running.metadata.generation)
    expect(Number(done.metadata.resourceVersion)).toBeGreaterThan(Number(running.metadata.resourceVersion))
  })

  it('writes canonical JSON (what JSON.stringify gives), escaping names', () => {
    const spec = { ...SPEC, generateName: 'odd"name\\-', tasks: SPEC.tasks.map((t) => ({ ...t, name: `${t.name}"\u0001` })) }
    const odd = { ...SUCCEEDED, name: 'odd"name\\-x', uid: 'ü' }
    for (const [s, st] of [[SPEC, SUCCEEDED], [spec, odd]] as const) {
      const text = argoMetadataJson(s, st)
      expect(JSON.stringify(JSON.parse(text))).toBe(text)
    }
    expect(Object.keys(buildArgoMetadata(spec, odd).status.nodes ?? {})).toContain('odd"name\\-x')
  })

  it('builds both objects from one state', () => {
    const objects = buildArgoObjects(SPEC, SUCCEEDED)
    expect(objects.argo_manifest).toEqual(buildArgoManifest(SPEC))
    expect(objects.argo_metadata).toEqual(buildArgoMetadata(SPEC, SUCCEEDED))
  })
})

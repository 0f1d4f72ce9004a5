// The argo_metadata JSON writer against docs/contract.md#argo-workflows and its worked example: status, nodes, messages, progress.
import { describe, expect, it } from 'vitest'
import { POSTPONED_MESSAGE, buildArgoManifest, fnv1a32, workflowProgress, type WorkflowSpec } from '../../src/data/argo.ts'
import { argoMetadataJson, buildArgoMetadata, buildArgoObjects } from '../../src/data/argo-metadata-json.ts'
import { ids, PIPELINE_ID, SPEC, state, SUCCEEDED, task, VERSION_ID, WF } from '../helpers/argo-worked-example.ts'

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

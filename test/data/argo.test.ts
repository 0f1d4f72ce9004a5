// The Argo model against docs/contract.md#argo-workflows and its worked example: FNV-1a node ids, names, times, manifest.
import { describe, expect, it } from 'vitest'
import { formatTimestamp } from '../../src/contract/timestamps.ts'
import {
  NAME_SUFFIX_ALPHABET, buildArgoManifest, fnv1a32, formatArgoTime, isoWeekday, nodeId, podName, taskNodeName, workflowName
} from '../../src/data/argo.ts'
import { at, PIPELINE_ID, SPEC, VERSION_ID, WF } from '../helpers/argo-worked-example.ts'

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

// JSON paths and JSON differences as findings show them.
import { describe, expect, it } from 'vitest'
import { jsonDifferences, jsonPath, pointerToPath } from '../../src/verify/json-path.ts'

describe('jsonPath / pointerToPath', () => {
  it.each([
    [[], '$'],
    [[0, 'run_steps', 1, 'status'], '$[0].run_steps[1].status'],
    [['labels', 'workflows.argoproj.io/phase'], '$.labels["workflows.argoproj.io/phase"]']
  ])('%j -> %s', (segments, path) => expect(jsonPath(segments)).toBe(path))

  it.each([
    ['', '$'],
    ['/0/pipeline_version/steps/2/id', '$[0].pipeline_version.steps[2].id'],
    ['/0/argo_metadata/labels/a~1b', '$[0].argo_metadata.labels["a/b"]']
  ])('%s -> %s', (pointer, path) => expect(pointerToPath(pointer)).toBe(path))
})

describe('jsonDifferences', () => {
  it('names changed, missing and unexpected values and wrong key order', () => {
    expect(jsonDifferences(
      { detail: [{ type: 'uuid_parsing', msg: 'a', ctx: { error: 'e' } }] },
      { detail: [{ msg: 'b', type: 'uuid_parsing', url: 'u' }] }
    )).toEqual([
      { path: '$.detail[0].msg', message: 'expected "a", got "b"' },
      { path: '$.detail[0].ctx', message: 'missing' },
      { path: '$.detail[0].url', message: 'unexpected key (value "u")' },
      { path: '$.detail[0]', message: 'keys in order msg, type; expected type, msg' }
    ])
  })

  it('reports a length difference and compares the common items', () => {
    expect(jsonDifferences([1, 2], [1, 3, 4])).toEqual([
      { path: '$', message: 'expected 2 items, got 3' },
      { path: '$[1]', message: 'expected 2, got 3' }
    ])
  })

  it('finds nothing in equal values and stops at the limit', () => {
    expect(jsonDifferences({ a: [1, { b: null }] }, { a: [1, { b: null }] })).toEqual([])
    expect(jsonDifferences([1, 2, 3], [4, 5, 6], 2)).toHaveLength(2)
  })
})

// Rules over a 200 body: schema errors with JSON paths, field order, UUID format.
import { describe, expect, it } from 'vitest'
import { checkFieldOrder, checkRelations, checkSchema, checkUuidFormat } from '../../src/verify/body-rules.ts'
import { FIXTURE_PIPELINE, FIXTURE_RUNS } from '../fixtures/contract-server.ts'

const runs = () => structuredClone(FIXTURE_RUNS) as unknown as Array<Record<string, unknown>>

describe('checkSchema', () => {
  it('accepts the fixture runs', () => {
    const result = checkSchema(FIXTURE_RUNS)
    expect(result.differences).toEqual([])
    expect(result.valid.map((v) => v.index)).toEqual(FIXTURE_RUNS.map((_run, index) => index))
  })

  it('names the path of each problem and keeps the valid runs for the other rules', () => {
    const body = runs()
    delete body[1]?.name
    ;(body[2] as { run_steps: Array<Record<string, unknown>> }).run_steps[0] = { ...(body[2] as { run_steps: Array<Record<string, unknown>> }).run_steps[0], started_at: 'yesterday' }
    ;(body[3] as Record<string, unknown>).extra = 1
    const result = checkSchema(body)
    expect(result.differences.map((d) => d.path)).toEqual(['$[1].name', '$[2].run_steps[0].started_at', '$[3].extra'])
    expect(result.differences[1]?.message).toContain('"yesterday"')
    expect(result.valid.map((v) => v.index)).toEqual(body.map((_run, index) => index).filter((index) => ![1, 2, 3].includes(index)))
  })

  it('wants a JSON array', () => {
    expect(checkSchema({ detail: 'x' }).differences).toEqual([{ path: '$', message: 'expected a JSON array of runs, got {"detail":"x"}' }])
  })
})

describe('checkFieldOrder and checkUuidFormat', () => {
  it('find nothing in the fixture runs', () => {
    const { valid } = checkSchema(FIXTURE_RUNS)
    expect(checkFieldOrder(valid)).toEqual([])
    expect(checkUuidFormat(valid)).toEqual([])
  })

  it('report keys out of order and uppercase UUIDs, with paths', () => {
    const body = runs()
    const { name, ...rest } = body[0] as Record<string, unknown>
    body[0] = { ...rest, name }
    const version = (body[1] as { pipeline_version: { steps: Array<Record<string, unknown>> } }).pipeline_version
    version.steps[0] = { ...version.steps[0], id: String(version.steps[0]?.id).toUpperCase() }
    const { valid } = checkSchema(body)
    expect(checkFieldOrder(valid)).toEqual([{ path: '$[0]', message: expect.stringMatching(/^keys in order id, pipeline_config_version_id, status, .*, name; expected id, pipeline_config_version_id, name, status/) }])
    expect(checkUuidFormat(valid)).toEqual([{ path: '$[1].pipeline_version.steps[0].id', message: expect.stringContaining('expected a lowercase hyphenated UUID') }])
  })
})

describe('checkRelations', () => {
  const pipelineRuns = () => runs().filter((run) => (run.pipeline_version as { pipeline_id: string }).pipeline_id === FIXTURE_PIPELINE)

  it('finds nothing in the demo runs of one pipeline', () => {
    expect(checkRelations(checkSchema(pipelineRuns()).valid, FIXTURE_PIPELINE)).toEqual([])
  })

  it('names rules.ts\'s rule, with a path into the whole list even when runs before it broke the schema', () => {
    const body = pipelineRuns()
    delete body[1]?.name
    const finished = body.findIndex((run, index) => index > 1 && run.status === 'Succeeded')
    ;(body[finished] as Record<string, unknown>).finished_at = null
    expect(checkRelations(checkSchema(body).valid, FIXTURE_PIPELINE)).toEqual([
      { rule: 'finished-at-iff-done', path: `$[${finished}].finished_at`, message: 'finished_at is null but the run is Succeeded' }
    ])
  })

  it('checks the requested pipeline id', () => {
    const other = '00000000-0000-4000-8000-000000000000'
    const found = checkRelations(checkSchema(pipelineRuns().slice(0, 1)).valid, other)
    expect(found).toEqual([{ rule: 'pipeline-id-matches', path: '$[0].pipeline_version.pipeline_id', message: expect.stringContaining(other) }])
  })
})

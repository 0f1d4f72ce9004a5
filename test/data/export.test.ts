// createRunExporter: the endpoint's exact bytes in pieces, per pipeline or version; export → import → export is identical.
import { describe, expect, it } from 'vitest'
import { createRunExporter } from '../../src/data/export.ts'
import { importRuns } from '../../src/data/import.ts'
import { createRunQueries } from '../../src/queries/runs.ts'
import type { RunRead } from '../../src/schemas/runs.ts'
import { readJson } from '../helpers/temp.ts'
import { seededDb } from '../helpers/test-app.ts'

const demo = readJson<RunRead[]>('seed/demo.json')
const [first] = demo as [RunRead]

describe('createRunExporter', () => {
  it('yields the served body in pieces, one per run plus the brackets', () => {
    const db = seededDb(demo)
    const pieces = [...createRunExporter(db).chunks({ pipelineId: first.pipeline_version.pipeline_id })]
    const runs = demo.filter((r) => r.pipeline_version.pipeline_id === first.pipeline_version.pipeline_id)
    expect(pieces).toHaveLength(runs.length + 2)
    expect(pieces.join('')).toBe(createRunQueries(db).listRunsJson(first.pipeline_version.pipeline_id))
  })

  it('filters by version as the endpoint does', () => {
    const db = seededDb(demo)
    const body = [...createRunExporter(db).chunks({ pipelineId: first.pipeline_version.pipeline_id, versionId: first.pipeline_config_version_id })].join('')
    expect(body).toBe(createRunQueries(db).listRunsJson(first.pipeline_version.pipeline_id, first.pipeline_config_version_id))
    expect((JSON.parse(body) as RunRead[]).every((r) => r.pipeline_config_version_id === first.pipeline_config_version_id)).toBe(true)
  })

  it('a pipeline without runs exports [] and an unknown one is reported as missing', () => {
    const db = seededDb(demo)
    const exporter = createRunExporter(db)
    expect([...exporter.chunks({ pipelineId: first.pipeline_version.pipeline_id, versionId: '00000000-0000-4000-8000-000000000000' })].join('')).toBe('[]')
    expect(exporter.pipelineExists('00000000-0000-4000-8000-000000000000')).toBe(false)
    expect(exporter.pipelineExists(first.pipeline_version.pipeline_id)).toBe(true)
  })

  it('export → import into an empty database → export is byte-identical for every demo pipeline', () => {
    const source = seededDb(demo)
    const copy = seededDb([])
    for (const id of new Set(demo.map((r) => r.pipeline_version.pipeline_id))) {
      const exported = [...createRunExporter(source).chunks({ pipelineId: id })].join('')
      importRuns(copy, JSON.parse(exported) as RunRead[])
      expect([...createRunExporter(copy).chunks({ pipelineId: id })].join('')).toBe(exported)
    }
  })
})

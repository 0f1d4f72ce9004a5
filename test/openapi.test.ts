// The OpenAPI document: what FastAPI 0.141 + pydantic 2.13 generate (oracle fixture), and no drift from openapi/openapi.json.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { buildOpenApiDocument, toFastApiSchema } from '../src/openapi.ts'
import { RunRead } from '../src/schemas/runs.ts'
import { PACKAGE_VERSION } from '../src/version.ts'
import { readJson, ROOT } from './helpers.ts'

const ORACLE = 'test/fixtures/pydantic/openapi.json'

describe('buildOpenApiDocument', () => {
  const document = buildOpenApiDocument(PACKAGE_VERSION)

  it('is, key for key and in the same order, what FastAPI would serve (scripts/pydantic-oracle.py)', () => {
    const oracle = readJson<{ info: { version: string } }>(ORACLE)
    // Built with the oracle's version, so a version bump needs no Python. JSON text comparison: toEqual would
    // ignore key order, which is part of the contract here.
    expect(JSON.stringify(buildOpenApiDocument(oracle.info.version), null, 1)).toBe(JSON.stringify(oracle, null, 1))
  })

  it('is what openapi/openapi.json holds (regenerate with: node bin/pipelines-mock.js openapi --out openapi/openapi.json)', () => {
    expect(readFileSync(join(ROOT, 'openapi/openapi.json'), 'utf8')).toBe(`${JSON.stringify(document, null, 2)}\n`)
  })

  it('names the FastAPI pieces a client generator relies on', () => {
    const get = (document.paths as Record<string, { get: Record<string, unknown> }>)['/pipelines/{pipeline_id}/runs/']?.get
    expect(get?.operationId).toBe('get_runs_pipelines__pipeline_id__runs__get')
    expect(get?.security).toEqual([{ HTTPBearer: [] }])
    expect(Object.keys((document.components as { schemas: object }).schemas)).toEqual(
      ['HTTPValidationError', 'PipelineVersionRead', 'RunRead', 'RunStepMetadata', 'StepConfig', 'StepRead', 'ValidationError'])
  })

  it('keeps only documentation paths for the contract: no mock-only routes', () => {
    expect(Object.keys(document.paths as object)).toEqual(['/pipelines/{pipeline_id}/runs/'])
  })
})

describe('toFastApiSchema', () => {
  it('writes free-form objects as pydantic does for dict[str, Any]', () => {
    const schema = toFastApiSchema(RunRead) as { properties: Record<string, unknown> }
    expect(JSON.stringify(schema.properties.argo_manifest)).toBe('{"additionalProperties":true,"type":"object","title":"Argo Manifest"}')
  })

  it('orders keys by FastAPI\'s Schema model and keeps unknown keys after them', () => {
    expect(Object.keys(toFastApiSchema({ title: 'T', 'x-extra': 1, format: 'uuid', type: 'string' }) as object))
      .toEqual(['type', 'format', 'title', 'x-extra'])
  })
})

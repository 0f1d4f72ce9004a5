// The OpenAPI document: byte for byte what FastAPI 0.141.1 served (recorded), and no drift from openapi/openapi.json.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { buildOpenApiDocument, toFastApiSchema } from '../src/openapi.ts'
import { RunRead } from '../src/schemas/runs.ts'
import { PACKAGE_VERSION } from '../src/version.ts'
import { readJson, ROOT } from './helpers/temp.ts'
import { testApp } from './helpers/test-app.ts'

const ORACLE = 'test/fixtures/pydantic/openapi.json'
// What FastAPI 0.141.1 served at GET /openapi.json, byte for byte (test/fixtures/fastapi-oracle/README.md).
const RECORDED = readFileSync(join(ROOT, 'test/fixtures/fastapi-oracle/fastapi-0.141.1-openapi.json'), 'utf8')
const RECORDED_VERSION = (JSON.parse(RECORDED) as { info: { version: string } }).info.version

describe('buildOpenApiDocument', () => {
  const document = buildOpenApiDocument(PACKAGE_VERSION)

  it('is, byte for byte, the document FastAPI 0.141.1 served', () => {
    expect(JSON.stringify(buildOpenApiDocument(RECORDED_VERSION))).toBe(RECORDED)
  })

  it('is served at /openapi.json compact, byte for byte as FastAPI 0.141.1 served it', async () => {
    const app = await testApp()
    const response = await app.inject({ method: 'GET', url: '/openapi.json' })
    expect(response.headers['content-type']).toBe('application/json')
    expect(JSON.stringify(JSON.parse(response.body).info)).toBe(JSON.stringify({ title: 'Pipelines API', version: PACKAGE_VERSION }))
    expect(response.body).toBe(RECORDED.replace(`"version":"${RECORDED_VERSION}"`, `"version":"${PACKAGE_VERSION}"`))
  })

  it('is what scripts/pydantic-oracle.py rebuilds from pydantic, which holds it to FastAPI 0.141.1\'s bytes too', () => {
    expect(JSON.stringify(readJson(ORACLE))).toBe(RECORDED)
  })

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

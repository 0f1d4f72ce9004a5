// The OpenAPI 3.1 document FastAPI would generate for the endpoint, built from the TypeBox schemas.
import type { TSchema } from '@sinclair/typebox'
import { runModels } from './schemas/runs.ts'
import { ValidationErrorModel, HTTPValidationErrorModel } from './schemas/errors.ts'

export const OPERATION_ID = 'get_runs_pipelines__pipeline_id__runs__get'
const COMPONENTS = '#/components/schemas/'

/** Rewrites a TypeBox schema into pydantic's JSON Schema: $ref to components, no $id, pydantic key order. */
function toPydantic (schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(toPydantic)
  if (schema === null || typeof schema !== 'object') return schema
  const source = schema as Record<string, unknown>
  if (typeof source.$ref === 'string') return { $ref: COMPONENTS + source.$ref }
  const out: Record<string, unknown> = {}
  for (const key of ['properties', 'items', 'anyOf', 'additionalProperties', 'type', 'format', 'const', 'required', 'title', 'examples']) {
    if (!(key in source)) continue
    if (key === 'additionalProperties' && source[key] === false) continue
    out[key] = key === 'properties' ? mapValues(source[key] as Record<string, unknown>, toPydantic) : toPydantic(source[key])
  }
  return out
}

function mapValues (object: Record<string, unknown>, fn: (value: unknown) => unknown): Record<string, unknown> {
  return Object.fromEntries(Object.entries(object).map(([key, value]) => [key, fn(value)]))
}

function components (): Record<string, unknown> {
  const models: TSchema[] = [...runModels, ValidationErrorModel, HTTPValidationErrorModel]
  const entries = models.map((model) => [model.$id as string, toPydantic(model)] as const)
  return Object.fromEntries(entries.sort(([a], [b]) => a.localeCompare(b)))
}

export function buildOpenApiDocument (version: string): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: { title: 'Pipelines API', version },
    paths: {
      '/pipelines/{pipeline_id}/runs/': {
        get: {
          summary: 'Get Runs',
          operationId: OPERATION_ID,
          security: [{ HTTPBearer: [] }],
          parameters: [
            { name: 'pipeline_id', in: 'path', required: true, schema: { type: 'string', format: 'uuid', title: 'Pipeline Id' } },
            { name: 'version_id', in: 'query', required: false, schema: { anyOf: [{ type: 'string', format: 'uuid' }, { type: 'null' }], title: 'Version Id' } },
            { name: 'Api-key', in: 'header', required: false, schema: { anyOf: [{ type: 'string' }, { type: 'null' }], title: 'Api-Key' } }
          ],
          responses: {
            200: {
              description: 'Successful Response',
              content: {
                'application/json': {
                  schema: { type: 'array', items: { $ref: `${COMPONENTS}RunRead` }, title: 'Response Get Runs Pipelines  Pipeline Id  Runs  Get' }
                }
              }
            },
            422: {
              description: 'Validation Error',
              content: { 'application/json': { schema: { $ref: `${COMPONENTS}HTTPValidationError` } } }
            }
          }
        }
      }
    },
    components: {
      schemas: components(),
      securitySchemes: { HTTPBearer: { type: 'http', scheme: 'bearer' } }
    }
  }
}

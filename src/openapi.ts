// The OpenAPI 3.1 document FastAPI 0.141 + pydantic 2.13 would generate for the endpoint, built from the TypeBox schemas.
import type { TSchema } from '@sinclair/typebox'
import { runModels } from './schemas/runs.ts'
import { ValidationErrorModel, HTTPValidationErrorModel } from './schemas/errors.ts'

export const OPERATION_ID = 'get_runs_pipelines__pipeline_id__runs__get'
const COMPONENTS = '#/components/schemas/'

// FastAPI re-emits every schema through its `Schema` model (fastapi/openapi/models.py), so keys come out in that
// model's field order, whatever order pydantic produced them in; unknown keys follow in their own order.
const SCHEMA_KEYS = [
  '$schema', '$vocabulary', '$id', '$anchor', '$dynamicAnchor', '$ref', '$dynamicRef', '$defs', '$comment', 'allOf',
  'anyOf', 'oneOf', 'not', 'if', 'then', 'else', 'dependentSchemas', 'prefixItems', 'items', 'contains', 'properties',
  'patternProperties', 'additionalProperties', 'propertyNames', 'unevaluatedItems', 'unevaluatedProperties', 'type',
  'enum', 'const', 'multipleOf', 'maximum', 'exclusiveMaximum', 'minimum', 'exclusiveMinimum', 'maxLength',
  'minLength', 'pattern', 'maxItems', 'minItems', 'uniqueItems', 'maxContains', 'minContains', 'maxProperties',
  'minProperties', 'required', 'dependentRequired', 'format', 'contentEncoding', 'contentMediaType', 'contentSchema',
  'title', 'description', 'default', 'deprecated', 'readOnly', 'writeOnly', 'examples', 'discriminator', 'xml',
  'externalDocs', 'example'
]
const SUBSCHEMA_LISTS = new Set(['allOf', 'anyOf', 'oneOf', 'prefixItems'])
const SUBSCHEMA_MAPS = new Set(['$defs', 'dependentSchemas', 'properties', 'patternProperties'])
const SUBSCHEMAS = new Set(['not', 'if', 'then', 'else', 'items', 'contains', 'additionalProperties', 'propertyNames',
  'unevaluatedItems', 'unevaluatedProperties', 'contentSchema'])
// TypeBox keywords pydantic never writes.
const TYPEBOX_ONLY = new Set(['$id'])

type Json = Record<string, unknown>

/** A TypeBox schema as pydantic writes it and FastAPI orders it: $ref into components, pydantic's free objects. */
export function toFastApiSchema (schema: unknown): unknown {
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) return schema
  const source = schema as Json
  if (typeof source.$ref === 'string') return { $ref: COMPONENTS + source.$ref }
  const out: Json = {}
  for (const key of [...SCHEMA_KEYS, ...Object.keys(source)]) {
    if (!(key in source) || key in out || TYPEBOX_ONLY.has(key) || isTypeBoxDefault(source, key)) continue
    const value = source[key]
    if (SUBSCHEMA_LISTS.has(key)) out[key] = (value as unknown[]).map(toFastApiSchema)
    else if (SUBSCHEMA_MAPS.has(key)) out[key] = mapValues(value as Json, toFastApiSchema)
    else if (SUBSCHEMAS.has(key)) out[key] = toFastApiSchema(value)
    else out[key] = value
  }
  return out
}

// `additionalProperties: false` is how TypeBox models say "closed"; pydantic leaves it out (extra='ignore').
// A free-form object has no properties at all in pydantic's output, where TypeBox writes `properties: {}`.
function isTypeBoxDefault (source: Json, key: string): boolean {
  if (key === 'additionalProperties') return source[key] === false
  if (key === 'properties') return Object.keys(source[key] as Json).length === 0
  if (key === 'required') return (source[key] as unknown[]).length === 0
  return false
}

function mapValues (object: Json, fn: (value: unknown) => unknown): Json {
  return Object.fromEntries(Object.entries(object).map(([key, value]) => [key, fn(value)]))
}

function components (): Json {
  const models: TSchema[] = [...runModels, ValidationErrorModel, HTTPValidationErrorModel]
  const entries = models.map((model) => [model.$id as string, toFastApiSchema(model)] as const)
  return Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
}

// The path item is written as get_openapi builds it (FastAPI does not re-order it by its models): an operation's
// keys summary, operationId, security, parameters, responses; a parameter's name, in, required, schema.
function parameter (name: string, location: string, required: boolean, schema: Json): Json {
  return { name, in: location, required, schema }
}

const nullable = (schema: Json): Json[] => [schema, { type: 'null' }]

export function buildOpenApiDocument (version: string): Json {
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
            parameter('pipeline_id', 'path', true, { type: 'string', format: 'uuid', title: 'Pipeline Id' }),
            parameter('version_id', 'query', false, { anyOf: nullable({ type: 'string', format: 'uuid' }), title: 'Version Id' }),
            parameter('Api-key', 'header', false, { anyOf: nullable({ type: 'string' }), title: 'Api-Key' })
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

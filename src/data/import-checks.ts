// The checks of one imported element on its own (schema, UUID and timestamp forms, relational rules), with the JSON text to store.
import { FormatRegistry } from '@sinclair/typebox'
import { TypeCompiler, type ValueError } from '@sinclair/typebox/compiler'
import { checkRunRules } from '../contract/rules.ts'
import { parseTimestamp } from '../contract/timestamps.ts'
import { parseUuid } from '../contract/uuid.ts'
import type { RunWithoutArgo } from '../db/rows.ts'
import { PipelineVersionRead, RunRead, RunStepMetadata, StepConfig, StepRead } from '../schemas/runs.ts'

/** A finding within one element: `path` starts with its index, e.g. `[3].run_steps[0].finished_at`. */
export interface ElementFinding {
  path: string
  message: string
  type: string
}

/** One element checked: its findings and, when it matches the schema, the run (UUIDs canonical) to check against others. */
export interface CheckedElement {
  index: number
  findings: ElementFinding[]
  run?: RunWithoutArgo
  /** The run's Argo objects as JSON, when it has no finding of its own. */
  manifestJson?: string
  metadataJson?: string
}

// TypeBox leaves string formats to the application: the same UUID forms as the endpoint, RFC 3339 date-times.
FormatRegistry.Set('uuid', (value) => parseUuid(value).ok)
FormatRegistry.Set('date-time', (value) => parseTimestamp(value) !== undefined)
const runSchema = TypeCompiler.Compile(RunRead, [StepConfig, StepRead, PipelineVersionRead, RunStepMetadata])

/** Texts from this one on cannot be before 1970 (UTC offsets are under a day). */
const EPOCH_DAY_AFTER = '1970-01-02'

/** Longest step lists a run may carry: far beyond any real pipeline, and refused before the schema walks them. */
export const MAX_LIST_ITEMS = 10_000

export function checkElement (value: unknown, index: number): CheckedElement {
  const findings: ElementFinding[] = overlongLists(value, index)
  if (findings.length > 0) return { index, findings }
  if (!runSchema.Check(value)) {
    findings.push(...schemaFindings(value, index))
    return { index, findings }
  }
  const run = normaliseUuids(value)
  for (const finding of checkRunRules([run], { ordered: false, anyRfc3339: true })) {
    findings.push({ path: `[${index}]${finding.path.slice('[0]'.length)}`, message: finding.message, type: finding.rule })
  }
  findings.push(...epochFindings(run, index))
  findings.push(...unservableValues(run, `[${index}]`))
  const { argo_manifest: manifest, argo_metadata: metadata, ...rest } = run
  if (findings.length > 0) return { index, findings, run: rest }
  return { index, findings, run: rest, manifestJson: JSON.stringify(manifest), metadataJson: JSON.stringify(metadata) }
}

/** Step lists past MAX_LIST_ITEMS, in pydantic's words for a list's max_length. */
function overlongLists (value: unknown, index: number): ElementFinding[] {
  const run = value as { run_steps?: unknown, pipeline_version?: { steps?: unknown } } | null
  const lists: Array<[string, unknown]> = [['.run_steps', run?.run_steps], ['.pipeline_version.steps', run?.pipeline_version?.steps]]
  return lists.filter(([, list]) => Array.isArray(list) && list.length > MAX_LIST_ITEMS).map(([path, list]) => ({
    path: `[${index}]${path}`,
    message: `List should have at most ${MAX_LIST_ITEMS} items, not ${(list as unknown[]).length}`,
    type: 'too_long'
  }))
}

/**
 * Values the server could not give back as sent, refused rather than changed silently: numbers beyond double range
 * (1e309 parses to Infinity), integers past 2^53 (their last digits change), -0 (served as 0), and strings or keys
 * with a lone surrogate (UTF-8 cannot carry one; FastAPI's own JSON encoding fails on it).
 */
function unservableValues (value: unknown, path: string): ElementFinding[] {
  const finding = (message: string): ElementFinding[] => [{ path, message, type: 'value_not_servable' }]
  if (typeof value === 'string') return value.isWellFormed() ? [] : finding('string has a lone surrogate, which UTF-8 cannot carry')
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return finding('number is out of range for a JSON number the server can give back')
    if (Number.isInteger(value) && !Number.isSafeInteger(value)) return finding('number is an integer beyond 2^53: its digits cannot be kept exactly')
    return Object.is(value, -0) ? finding('number is -0, which would be served as 0') : []
  }
  if (Array.isArray(value)) return value.flatMap((item, i) => unservableValues(item, `${path}[${i}]`))
  if (value === null || typeof value !== 'object') return []
  return Object.entries(value).flatMap(([key, item]) => {
    const at = `${path}${jsonPath(`/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`)}`
    return key.isWellFormed() ? unservableValues(item, at) : [{ path: at, message: 'key has a lone surrogate, which UTF-8 cannot carry', type: 'value_not_servable' }]
  })
}

/** The TypeBox model, one finding per path (none below a path already reported). */
function schemaFindings (value: unknown, index: number): ElementFinding[] {
  const findings: ElementFinding[] = []
  const seen = new Set<string>()
  for (const error of runSchema.Errors(value)) {
    const path = `[${index}]${jsonPath(error.path)}`
    if (seen.has(path) || [...seen].some((parent) => path.startsWith(`${parent}.`) || path.startsWith(`${parent}[`))) continue
    seen.add(path)
    findings.push({ path, message: describeSchemaError(error), type: schemaErrorType(error) })
  }
  return findings
}

/** Times are stored as microseconds since 1970; the tables' CHECKs, off during a file import, refuse earlier ones. */
function epochFindings (run: RunRead, index: number): ElementFinding[] {
  const findings: ElementFinding[] = []
  const check = (path: string, text: string | null): void => {
    if (text === null || text >= EPOCH_DAY_AFTER || (parseTimestamp(text) ?? 0) >= 0) return
    const field = path.slice(path.lastIndexOf('.') + 1)
    findings.push({ path: `[${index}]${path}`, message: `${field} ${text} is before 1970-01-01T00:00:00Z, which cannot be stored`, type: 'timestamp-range' })
  }
  check('.created_at', run.created_at)
  check('.pipeline_version.created_at', run.pipeline_version.created_at)
  run.pipeline_version.steps.forEach((step, i) => { check(`.pipeline_version.steps[${i}].created_at`, step.created_at) })
  run.run_steps.forEach((step, i) => { check(`.run_steps[${i}].started_at`, step.started_at) })
  return findings
}

function canonicalUuid (value: string): string {
  const parsed = parseUuid(value)
  return parsed.ok ? parsed.uuid : value
}

function normaliseUuids (run: RunRead): RunRead {
  const version = run.pipeline_version
  return {
    ...run,
    id: canonicalUuid(run.id),
    pipeline_config_version_id: canonicalUuid(run.pipeline_config_version_id),
    pipeline_version: {
      ...version,
      id: canonicalUuid(version.id),
      pipeline_id: canonicalUuid(version.pipeline_id),
      steps: version.steps.map((step) => ({ ...step, id: canonicalUuid(step.id) }))
    }
  }
}

/** `/pipeline_version/steps/0/id` → `.pipeline_version.steps[0].id` */
function jsonPath (pointer: string): string {
  return pointer.split('/').slice(1).map((token) => {
    const key = token.replace(/~1/g, '/').replace(/~0/g, '~')
    if (/^\d+$/.test(key)) return `[${key}]`
    return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`
  }).join('')
}

function describeSchemaError (error: ValueError): string {
  const schema = error.schema as { format?: string, anyOf?: Array<{ format?: string }> }
  const format = schema.format ?? schema.anyOf?.find((option) => option.format !== undefined)?.format
  if (format === 'uuid' && typeof error.value === 'string') {
    const parsed = parseUuid(error.value)
    if (!parsed.ok) return `${JSON.stringify(error.value)} is not a valid UUID: ${parsed.error}`
  }
  if (format === 'date-time' && typeof error.value === 'string') return `${JSON.stringify(error.value)} is not an RFC 3339 date-time`
  if (error.value === undefined && /required property/i.test(error.message)) return 'missing required field'
  if (/unexpected property/i.test(error.message)) return 'unknown field'
  return `${error.message.replace(/^Expected/, 'expected')}, got ${describeValue(error.value)}`
}

/** pydantic's error type names where one fits. */
function schemaErrorType (error: ValueError): string {
  const schema = error.schema as { format?: string, anyOf?: Array<{ format?: string }>, type?: string }
  const format = schema.format ?? schema.anyOf?.find((option) => option.format !== undefined)?.format
  if (format === 'uuid' && typeof error.value === 'string') return 'uuid_parsing'
  if (format === 'date-time' && typeof error.value === 'string') return 'datetime_parsing'
  if (error.value === undefined && /required property/i.test(error.message)) return 'missing'
  if (/unexpected property/i.test(error.message)) return 'extra_forbidden'
  return `${schema.type ?? 'value'}_type`
}

function describeValue (value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'object') return 'an object'
  const text = JSON.stringify(value) ?? String(value)
  return text.length > 60 ? `${text.slice(0, 57)}…` : text
}

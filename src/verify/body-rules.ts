// Rules over a 200 body (a list of runs): schema, field order, UUID and timestamp format, ordering.
import { FormatRegistry, type TSchema } from '@sinclair/typebox'
import { TypeCompiler } from '@sinclair/typebox/compiler'
import { parseTimestamp } from '../contract/timestamps.ts'
import { PipelineVersionRead, RunRead, RunStepMetadata, runModels, StepConfig, StepRead } from '../schemas/runs.ts'
import { jsonPath, pointerToPath, preview, type Difference, type Segment } from './json-path.ts'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const LOWERCASE_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
// pydantic's datetime serialisation: seconds, then `.ffffff` only when the microseconds are not zero, then `Z`.
const PYDANTIC_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.(?!0{6})\d{6})?Z$/
const MAX_SCHEMA_ERRORS = 50

// TypeBox keeps formats in one registry of its own; registering the same checks twice is harmless.
if (!FormatRegistry.Has('uuid')) FormatRegistry.Set('uuid', (value) => UUID.test(value))
if (!FormatRegistry.Has('date-time')) FormatRegistry.Set('date-time', (value) => parseTimestamp(value) !== undefined)

const runCheck = TypeCompiler.Compile(RunRead, runModels as TSchema[])

type Run = RunRead

export interface SchemaResult {
  differences: Difference[]
  /** The items that match RunRead; the other rules look only at these. */
  valid: Array<{ index: number, run: Run }>
}

export function checkSchema (body: unknown): SchemaResult {
  if (!Array.isArray(body)) return { differences: [{ path: '$', message: `expected a JSON array of runs, got ${preview(body, 60)}` }], valid: [] }
  const differences: Difference[] = []
  const valid: SchemaResult['valid'] = []
  body.forEach((item: unknown, index) => {
    if (runCheck.Check(item)) {
      valid.push({ index, run: item })
      return
    }
    // TypeBox may report one place twice (a missing property is both required and of the wrong type).
    const seen = new Set<string>()
    for (const error of runCheck.Errors(item)) {
      if (differences.length >= MAX_SCHEMA_ERRORS) break
      const path = pointerToPath(`/${index}${error.path}`)
      if (seen.has(path)) continue
      seen.add(path)
      differences.push({ path, message: `${error.message} (got ${preview(error.value, 60)})` })
    }
  })
  return { differences, valid }
}

const keysOf = (schema: { properties: Record<string, unknown> }) => Object.keys(schema.properties)
const ORDER = {
  run: keysOf(RunRead),
  version: keysOf(PipelineVersionRead),
  step: keysOf(StepRead),
  config: keysOf(StepConfig),
  runStep: keysOf(RunStepMetadata)
}

/** Keys in the models' declaration order, as pydantic serialises them. */
export function checkFieldOrder (runs: SchemaResult['valid']): Difference[] {
  const found: Difference[] = []
  const compare = (value: object, expected: string[], at: Segment[]) => {
    const keys = Object.keys(value)
    if (keys.join(',') !== expected.join(',')) found.push({ path: jsonPath(at), message: `keys in order ${keys.join(', ')}; expected ${expected.join(', ')}` })
  }
  for (const { index, run } of runs) {
    compare(run, ORDER.run, [index])
    compare(run.pipeline_version, ORDER.version, [index, 'pipeline_version'])
    run.pipeline_version.steps.forEach((step, s) => {
      compare(step, ORDER.step, [index, 'pipeline_version', 'steps', s])
      compare(step.config, ORDER.config, [index, 'pipeline_version', 'steps', s, 'config'])
    })
    run.run_steps.forEach((step, s) => compare(step, ORDER.runStep, [index, 'run_steps', s]))
  }
  return found
}

/** Every UUID as pydantic writes it: lowercase and hyphenated. */
export function checkUuidFormat (runs: SchemaResult['valid']): Difference[] {
  const found: Difference[] = []
  const check = (value: string, at: Segment[]) => {
    if (!LOWERCASE_UUID.test(value)) found.push({ path: jsonPath(at), message: `expected a lowercase hyphenated UUID, got ${preview(value)}` })
  }
  for (const { index, run } of runs) {
    check(run.id, [index, 'id'])
    check(run.pipeline_config_version_id, [index, 'pipeline_config_version_id'])
    check(run.pipeline_version.id, [index, 'pipeline_version', 'id'])
    check(run.pipeline_version.pipeline_id, [index, 'pipeline_version', 'pipeline_id'])
    run.pipeline_version.steps.forEach((step, s) => check(step.id, [index, 'pipeline_version', 'steps', s, 'id']))
  }
  return found
}

/** Every timestamp as pydantic writes it: `YYYY-MM-DDTHH:MM:SS[.ffffff]Z`. */
export function checkTimestampFormat (runs: SchemaResult['valid']): Difference[] {
  const found: Difference[] = []
  const check = (value: string | null, at: Segment[]) => {
    if (value !== null && !PYDANTIC_TIMESTAMP.test(value)) {
      found.push({ path: jsonPath(at), message: `expected YYYY-MM-DDTHH:MM:SS[.ffffff]Z (fraction only when not zero, 6 digits), got ${preview(value)}` })
    }
  }
  for (const { index, run } of runs) {
    check(run.created_at, [index, 'created_at'])
    check(run.finished_at, [index, 'finished_at'])
    check(run.pipeline_version.created_at, [index, 'pipeline_version', 'created_at'])
    run.pipeline_version.steps.forEach((step, s) => check(step.created_at, [index, 'pipeline_version', 'steps', s, 'created_at']))
    run.run_steps.forEach((step, s) => {
      check(step.started_at, [index, 'run_steps', s, 'started_at'])
      check(step.finished_at, [index, 'run_steps', s, 'finished_at'])
    })
  }
  return found
}

/** Newest `created_at` first; equal times by `id` descending. */
export function checkOrdering (runs: SchemaResult['valid']): Difference[] {
  const found: Difference[] = []
  for (let i = 1; i < runs.length; i++) {
    const before = runs[i - 1] as SchemaResult['valid'][number]
    const current = runs[i] as SchemaResult['valid'][number]
    const a = parseTimestamp(before.run.created_at) ?? 0
    const b = parseTimestamp(current.run.created_at) ?? 0
    if (b > a || (a === b && current.run.id > before.run.id)) {
      found.push({
        path: jsonPath([current.index]),
        message: `run ${current.run.id} (created ${current.run.created_at}) comes after run ${before.run.id} (created ${before.run.created_at}); expected newest created_at first, then id descending`
      })
    }
  }
  return found
}

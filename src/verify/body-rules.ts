// Rules over a 200 body (a list of runs): schema, field order, UUID format, and the relational rules of rules.ts.
import { FormatRegistry, type TSchema } from '@sinclair/typebox'
import { TypeCompiler } from '@sinclair/typebox/compiler'
import { checkRunRules } from '../contract/rules.ts'
import { parseTimestamp } from '../contract/timestamps.ts'
import { PipelineVersionRead, RunRead, RunStepMetadata, runModels, StepConfig, StepRead } from '../schemas/runs.ts'
import { jsonPath, pointerToPath, preview, type Difference, type Segment } from './json-path.ts'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const LOWERCASE_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
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

export interface RuleDifference extends Difference {
  /** The rule broken, when it is more specific than the check's own. */
  rule?: string
}

/** checkRunRules over the runs that match the schema, with paths into the whole list (`$[4].run_steps[0]…`). */
export function checkRelations (runs: SchemaResult['valid'], pipelineId: string): RuleDifference[] {
  const findings = checkRunRules(runs.map(({ run }) => run), { pipelineId, ordered: true })
  return findings.map((finding) => ({
    rule: finding.rule,
    path: '$' + finding.path.replace(/^\[(\d+)\]/, (_all, i: string) => `[${runs[Number(i)]?.index ?? i}]`),
    message: finding.message
  }))
}

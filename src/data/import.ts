// Import of runs in the response shape (arrays in memory or streamed JSON files): validate everything, write atomically.
import { createReadStream, statSync } from 'node:fs'
import { basename } from 'node:path'
import { FormatRegistry } from '@sinclair/typebox'
import { TypeCompiler, type ValueError } from '@sinclair/typebox/compiler'
import { checkRunRules, RULES } from '../contract/rules.ts'
import { parseTimestamp } from '../contract/timestamps.ts'
import { parseUuid } from '../contract/uuid.ts'
import { bulkSettings } from '../db/bulk-settings.ts'
import type { Db } from '../db/open.ts'
import { createRunWriter } from '../db/write-runs.ts'
import { PipelineVersionRead, RunRead, RunStepMetadata, StepConfig, StepRead } from '../schemas/runs.ts'
import { JsonArrayError, JsonArraySplitter } from './json-array-stream.ts'

export interface ImportFinding {
  /** The file (or `body` for HTTP, `runs` by default). */
  source: string
  /** JSON path into the source's array, e.g. `[3].run_steps[0].finished_at`; empty for the whole source. */
  path: string
  message: string
  /** What kind of problem: a rule name (`run-step-known`…) or a schema problem (`missing`, `extra_forbidden`, `uuid_parsing`…). */
  type: string
}

export interface ImportResult {
  runs: number
  pipelines: number
}

export interface ImportOptions {
  /** Names the array in findings; default `runs`. */
  source?: string
}

export interface FileImportOptions {
  /** Called as each file is read: bytes read so far over all files, and their total size. */
  onProgress?: (bytesRead: number, totalBytes: number) => void
}

/** Findings kept in full; beyond that they are only counted. */
export const MAX_FINDINGS = 50

export class ImportValidationError extends Error {
  /** The first MAX_FINDINGS findings. */
  readonly findings: ImportFinding[]
  /** How many there were in all. */
  readonly total: number

  constructor (findings: ImportFinding[], total: number) {
    const lines = findings.map(formatFinding)
    if (total > findings.length) lines.push(`… and ${total - findings.length} more`)
    super(`${total} problem${total === 1 ? '' : 's'}, nothing imported:\n${lines.join('\n')}`)
    this.name = 'ImportValidationError'
    this.findings = findings
    this.total = total
  }
}

/** `runs.json: [3].run_steps[0].finished_at: message` */
export function formatFinding (finding: ImportFinding): string {
  return finding.path === '' ? `${finding.source}: ${finding.message}` : `${finding.source}: ${finding.path}: ${finding.message}`
}

// TypeBox leaves string formats to the application: the same UUID forms as the endpoint, RFC 3339 date-times.
FormatRegistry.Set('uuid', (value) => parseUuid(value).ok)
FormatRegistry.Set('date-time', (value) => parseTimestamp(value) !== undefined)
const runSchema = TypeCompiler.Compile(RunRead, [StepConfig, StepRead, PipelineVersionRead, RunStepMetadata])

/**
 * Validates `runs` (schema, UUIDs, timestamps, relational rules, consistency with what `db` holds), then upserts
 * them by id in one transaction. Throws ImportValidationError, with nothing written, on bad input.
 */
export function importRuns (db: Db, runs: readonly unknown[], options: ImportOptions = {}): ImportResult {
  const source = options.source ?? 'runs'
  if (!Array.isArray(runs)) throw new ImportValidationError([{ source, path: '', message: 'expected a JSON array of runs', type: 'array_type' }], 1)
  return db.transaction(() => {
    const session = new ImportSession(db)
    runs.forEach((value, index) => { session.add(value, index, source) })
    return session.finish()
  }).immediate()
}

/**
 * importRuns for JSON files, all or nothing across them. Each file is streamed element by element, so memory
 * holds one run at a time; runs are written inside one write transaction as they pass validation, and the
 * transaction is rolled back unless every element of every file was valid (readers never see a partial import).
 * It holds the database's write lock across awaits: do not use the same connection for anything else meanwhile.
 * The transaction runs under bulkSettings: validation covers every CHECK and foreign key of the tables.
 */
export async function importRunFiles (db: Db, paths: readonly string[], options: FileImportOptions = {}): Promise<ImportResult> {
  const sizes = paths.map((path) => fileSize(path))
  const totalBytes = sizes.reduce((sum, size) => sum + size, 0)
  const sourceNames = uniqueSourceNames(paths)
  let bytesBefore = 0
  const restore = bulkSettings(db)
  db.exec('BEGIN IMMEDIATE')
  try {
    const session = new ImportSession(db)
    for (const [i, path] of paths.entries()) {
      const before = bytesBefore
      await streamFile(path, sourceNames[i] as string, session, (bytes) => options.onProgress?.(before + bytes, totalBytes))
      bytesBefore += sizes[i] as number
    }
    const result = session.finish()
    db.exec('COMMIT')
    return result
  } catch (error) {
    if (db.inTransaction) db.exec('ROLLBACK')
    throw error
  } finally {
    restore()
  }
}

class ImportFileError extends Error {}

function fileSize (path: string): number {
  try {
    const stats = statSync(path)
    if (!stats.isFile()) throw new ImportFileError(`${path}: not a file`)
    return stats.size
  } catch (error) {
    if (error instanceof ImportFileError) throw error
    const code = (error as NodeJS.ErrnoException).code
    throw new ImportFileError(`${path}: ${code === 'ENOENT' ? 'no such file' : error instanceof Error ? error.message : String(error)}`)
  }
}

/** Files are named by their base name in findings, or by the path given when two base names collide. */
function uniqueSourceNames (paths: readonly string[]): string[] {
  const names = paths.map((path) => basename(path))
  return names.map((name, i) => names.indexOf(name) === names.lastIndexOf(name) ? name : paths[i] as string)
}

/** Big reads: the splitter scans about 1 GB/s, and the next chunk is read while this one is scanned. */
const CHUNK_BYTES = 4 * 1024 * 1024

async function streamFile (path: string, source: string, session: ImportSession, progress: (bytes: number) => void): Promise<void> {
  const splitter = new JsonArraySplitter()
  const add = (value: unknown, index: number): void => { session.add(value, index, source) }
  let bytes = 0
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: CHUNK_BYTES }) as AsyncIterable<Buffer>) {
      splitter.push(chunk, add)
      bytes += chunk.length
      progress(bytes)
    }
    splitter.end()
  } catch (error) {
    if (error instanceof ImportValidationError) throw error
    // A read error (EIO…) is the file's problem too, reported like its content's.
    if (!(error instanceof JsonArrayError)) session.reportSource(source, error instanceof Error ? error.message : String(error), 'array_type')
    else if (error.notArray) session.reportSource(source, 'expected a JSON array of runs', 'array_type')
    else session.reportSource(source, `invalid JSON: ${error.message}`, 'json_invalid')
  }
}

// -------------------------------------------------------------------------------------------------------------
// One import: the runs seen so far (ids, versions, steps) and the findings; runs are written while none is found.

interface VersionRecord {
  where: string
  pipelineId: string
  createdAt: number
  stepsKey: string
}

interface StoredStepRow {
  id: string
  name: string
  query_type: string
  query: string
  input_datasets: string
  output_datasets: string
  job_type: string
  created_at: number
}

/** Texts from this one on cannot be before 1970 (UTC offsets are under a day). */
const EPOCH_DAY_AFTER = '1970-01-02'

class ImportSession {
  private readonly findings: ImportFinding[] = []
  private total = 0
  private runCount = 0
  private readonly runIds = new Map<string, string>()
  private readonly versions = new Map<string, VersionRecord>()
  private readonly stepOwners = new Map<string, string>()
  private readonly pipelines = new Set<string>()
  private readonly write: (run: RunRead) => void
  private readonly storedVersion
  private readonly storedSteps
  private readonly storedStepOwner

  constructor (db: Db) {
    this.write = createRunWriter(db).startBatch()
    this.storedVersion = db.prepare<[string], { pipeline_id: string, created_at: number }>(
      'SELECT pipeline_id, created_at FROM pipeline_versions WHERE id = ?')
    this.storedSteps = db.prepare<[string], StoredStepRow>(`SELECT id, name, query_type, query, input_datasets, output_datasets,
      job_type, created_at FROM steps WHERE version_id = ? ORDER BY position`)
    this.storedStepOwner = db.prepare<[string], string>('SELECT version_id FROM steps WHERE id = ?').pluck()
  }

  /** Checks one element; writes it while the import has no finding yet (the transaction is rolled back otherwise). */
  add (value: unknown, index: number, source: string): void {
    const run = this.checkSchema(value, index, source)
    if (run === undefined) return
    this.checkRules(run, index, source)
    this.checkEpoch(run, index, source)
    this.checkAgainstOthers(run, index, source)
    this.runCount++
    this.pipelines.add(run.pipeline_version.pipeline_id)
    if (this.total === 0) this.write(run)
  }

  reportSource (source: string, message: string, type: string): void {
    this.report(source, '', message, type)
  }

  finish (): ImportResult {
    if (this.total > 0) throw new ImportValidationError(this.findings, this.total)
    return { runs: this.runCount, pipelines: this.pipelines.size }
  }

  private report (source: string, path: string, message: string, type: string): void {
    this.total++
    if (this.findings.length < MAX_FINDINGS) this.findings.push({ source, path, message, type })
  }

  /** The TypeBox model, one finding per path; UUIDs come back lowercase and hyphenated. */
  private checkSchema (value: unknown, index: number, source: string): RunRead | undefined {
    if (runSchema.Check(value)) return normaliseUuids(value)
    const seen = new Set<string>()
    for (const error of runSchema.Errors(value)) {
      const path = `[${index}]${jsonPath(error.path)}`
      if (seen.has(path) || [...seen].some((parent) => path.startsWith(`${parent}.`) || path.startsWith(`${parent}[`))) continue
      seen.add(path)
      this.report(source, path, describeSchemaError(error), schemaErrorType(error))
    }
    return undefined
  }

  private checkRules (run: RunRead, index: number, source: string): void {
    for (const finding of checkRunRules([run], { ordered: false, anyRfc3339: true })) {
      this.report(source, `[${index}]${finding.path.slice('[0]'.length)}`, finding.message, finding.rule)
    }
  }

  /** Times are stored as microseconds since 1970; the tables' CHECKs, off during the import, refuse earlier ones. */
  private checkEpoch (run: RunRead, index: number, source: string): void {
    const check = (path: string, text: string | null): void => {
      if (text === null || text >= EPOCH_DAY_AFTER || (parseTimestamp(text) ?? 0) >= 0) return
      this.report(source, `[${index}]${path}`, `${path.slice(path.lastIndexOf('.') + 1)} ${text} is before 1970-01-01T00:00:00Z, which cannot be stored`, 'timestamp-range')
    }
    check('.created_at', run.created_at)
    check('.pipeline_version.created_at', run.pipeline_version.created_at)
    run.pipeline_version.steps.forEach((step, i) => { check(`.pipeline_version.steps[${i}].created_at`, step.created_at) })
    run.run_steps.forEach((step, i) => { check(`.run_steps[${i}].started_at`, step.started_at) })
  }

  /** What one run cannot show: repeated run ids, versions that differ between runs, files or the database. */
  private checkAgainstOthers (run: RunRead, index: number, source: string): void {
    const where = `${source}: [${index}]`
    const firstRun = this.runIds.get(run.id)
    if (firstRun === undefined) this.runIds.set(detach(run.id), where)
    else this.report(source, `[${index}].id`, `run id ${run.id} already appears at ${firstRun}`, RULES.runIdUnique)
    const version = run.pipeline_version
    const known = this.versions.get(version.id) ?? this.storedVersionRecord(version.id)
    if (known === undefined) {
      this.versions.set(detach(version.id), versionRecord(version, where))
      this.checkStepOwners(version, index, source)
      return
    }
    this.versions.set(version.id, known)
    const here = `[${index}].pipeline_version`
    const than = `than ${known.where}`
    if (version.pipeline_id !== known.pipelineId) {
      this.report(source, `${here}.pipeline_id`, `version ${version.id} has another pipeline_id (${version.pipeline_id}) ${than} (${known.pipelineId})`, RULES.versionConsistent)
    }
    if (parseTimestamp(version.created_at) !== known.createdAt) {
      this.report(source, `${here}.created_at`, `version ${version.id} has another created_at (${version.created_at}) ${than}`, RULES.versionConsistent)
    }
    if (stepsKey(version) !== known.stepsKey) {
      this.report(source, `${here}.steps`, `version ${version.id} has other steps (id, name, config or created_at) ${than}`, RULES.versionConsistent)
    }
  }

  private storedVersionRecord (versionId: string): VersionRecord | undefined {
    const row = this.storedVersion.get(versionId)
    if (row === undefined) return undefined
    const rows = this.storedSteps.all(versionId)
    for (const step of rows) this.stepOwners.set(step.id, versionId)
    const steps = rows.map((s) => [s.id, s.name, s.query_type, s.query,
      JSON.parse(s.input_datasets) as string[], JSON.parse(s.output_datasets) as string[], s.job_type, s.created_at])
    return { where: 'in the database', pipelineId: row.pipeline_id, createdAt: row.created_at, stepsKey: JSON.stringify(steps) }
  }

  private checkStepOwners (version: PipelineVersionRead, index: number, source: string): void {
    version.steps.forEach((step, position) => {
      const owner = this.stepOwners.get(step.id) ?? this.storedStepOwner.get(step.id)
      if (owner === undefined || owner === version.id) this.stepOwners.set(detach(step.id), detach(version.id))
      else this.report(source, `[${index}].pipeline_version.steps[${position}].id`, `step id ${step.id} also belongs to version ${owner}`, RULES.stepInOneVersion)
    })
  }
}

function versionRecord (version: PipelineVersionRead, where: string): VersionRecord {
  return { where, pipelineId: detach(version.pipeline_id), createdAt: parseTimestamp(version.created_at) as number, stepsKey: stepsKey(version) }
}

/** A version's steps as comparable text: what the database stores for them (times as microseconds). */
function stepsKey (version: PipelineVersionRead): string {
  return JSON.stringify(version.steps.map((s) => [s.id, s.name, s.config.query_type, s.config.query,
    s.config.input_datasets, s.config.output_datasets, s.config.job_type, parseTimestamp(s.created_at)]))
}

/**
 * A copy of `text` that holds no reference to the text it was cut from. Parsers hand out slices of their input
 * buffers; keeping such a slice for the whole import (as a Map key) would keep each buffer, and so the file, alive.
 */
function detach (text: string): string {
  return Buffer.from(text, 'utf8').toString('utf8')
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

// Import of runs in the response shape (arrays in memory or streamed JSON files): validate everything, write atomically.
import { createReadStream, statSync } from 'node:fs'
import { basename } from 'node:path'
import { RULES } from '../contract/rules.ts'
import { parseTimestamp } from '../contract/timestamps.ts'
import { withBulkTransaction } from '../db/bulk-settings.ts'
import type { Db } from '../db/open.ts'
import type { RunWithoutArgo } from '../db/rows.ts'
import { createRunWriter } from '../db/write-runs.ts'
import type { PipelineVersionRead } from '../schemas/runs.ts'
import { runDataWorker } from './start-worker.ts'
import { checkElement, type CheckedElement } from './import-checks.ts'
import type { ImportWorkerData, ImportWorkerMessage, PostedElement } from './import-worker.ts'
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

/** A file import's result, with the pipelines it wrote (sorted), for the command to name. */
export interface FileImportResult extends ImportResult {
  pipelineIds: string[]
}

export interface ImportOptions {
  /** Names the array in findings; default `runs`. */
  source?: string
}

export interface FileImportOptions {
  /** Called as each file is read: bytes read so far over all files, and their total size. */
  onProgress?: (bytesRead: number, totalBytes: number) => void
  /** Files of this size or more are read and checked in a worker thread while this one writes; default 8 MB. */
  workerFrom?: number
}

/** Findings kept in full; beyond that they are only counted. */
export const MAX_FINDINGS = 50
/** importRuns stops checking once it has counted this many: a body of a million bad elements costs no more. */
export const MAX_COUNTED_FINDINGS = 10_000

export class ImportValidationError extends Error {
  /** The first MAX_FINDINGS findings. */
  readonly findings: ImportFinding[]
  /** How many there were in all, or how many were counted before checking stopped. */
  readonly total: number
  /** False when checking stopped at MAX_COUNTED_FINDINGS: there may be more. */
  readonly complete: boolean

  constructor (findings: ImportFinding[], total: number, complete = true) {
    const lines = findings.map(formatFinding)
    const atLeast = complete ? '' : 'at least '
    if (total > findings.length) lines.push(`… and ${atLeast}${total - findings.length} more`)
    super(`${atLeast}${total} problem${total === 1 ? '' : 's'}, nothing imported:\n${lines.join('\n')}`)
    this.name = 'ImportValidationError'
    this.findings = findings
    this.total = total
    this.complete = complete
  }
}

/** `runs.json: [3].run_steps[0].finished_at: message` */
export function formatFinding (finding: ImportFinding): string {
  return finding.path === '' ? `${finding.source}: ${finding.message}` : `${finding.source}: ${finding.path}: ${finding.message}`
}

/**
 * Validates `runs` (schema, UUIDs, timestamps, relational rules, consistency with what `db` holds), then upserts
 * them by id in one transaction. Throws ImportValidationError, with nothing written, on bad input.
 */
export function importRuns (db: Db, runs: readonly unknown[], options: ImportOptions = {}): ImportResult {
  const source = options.source ?? 'runs'
  if (!Array.isArray(runs)) throw new ImportValidationError([{ source, path: '', message: 'expected a JSON array of runs', type: 'array_type' }], 1)
  return db.transaction(() => {
    const session = new ImportSession(db)
    let index = 0
    for (; index < runs.length && session.counted < MAX_COUNTED_FINDINGS; index++) session.add(runs[index], index, source)
    return session.finish(index === runs.length)
  }).immediate()
}

/**
 * importRuns for JSON files, all or nothing across them. Each file is streamed element by element, so memory
 * holds one run at a time; runs are written inside one write transaction as they pass validation, and the
 * transaction is rolled back unless every element of every file was valid (readers never see a partial import).
 * It holds the database's write lock across awaits: do not use the same connection for anything else meanwhile.
 * The transaction runs under bulkSettings: validation covers every CHECK and foreign key of the tables.
 */
export async function importRunFiles (db: Db, paths: readonly string[], options: FileImportOptions = {}): Promise<FileImportResult> {
  const sizes = paths.map((path) => fileSize(path))
  const totalBytes = sizes.reduce((sum, size) => sum + size, 0)
  const sourceNames = uniqueSourceNames(paths)
  let bytesBefore = 0
  return await withBulkTransaction(db, async () => {
    const session = new ImportSession(db)
    for (const [i, path] of paths.entries()) {
      const before = bytesBefore
      const stream = (sizes[i] as number) >= (options.workerFrom ?? WORKER_FROM) ? streamFileInWorker : streamFile
      await stream(path, sourceNames[i] as string, session, (bytes) => options.onProgress?.(before + bytes, totalBytes))
      bytesBefore += sizes[i] as number
    }
    return { ...session.finish(), pipelineIds: session.pipelineIds() }
  })
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
const WORKER_FROM = 8 * 1024 * 1024
/** Elements per message from the worker, and messages it may send before the first is handled. */
const BATCH_SIZE = 100
const BATCHES_AHEAD = 8

type Stream = (path: string, source: string, session: ImportSession, progress: (bytes: number) => void) => Promise<void>

const streamFile: Stream = async (path, source, session, progress) => {
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
    reportFileError(session, source, error instanceof Error ? error.message : String(error), error instanceof JsonArrayError, error instanceof JsonArrayError && error.notArray)
  }
}

/** A worker thread reads, parses and checks the elements (half the work) while this one checks them against each other and writes. */
const streamFileInWorker: Stream = async (path, source, session, progress) => {
  const workerData: ImportWorkerData = { path, chunkBytes: CHUNK_BYTES, batchSize: BATCH_SIZE, ahead: BATCHES_AHEAD }
  const versions = new Map<number, PipelineVersionRead>()
  const unshare = (posted: PostedElement): CheckedElement => {
    const { run, version, ...element } = posted
    if (run === undefined || version === undefined) return element
    const pipelineVersion = run.pipeline_version ?? versions.get(version) as PipelineVersionRead
    versions.set(version, pipelineVersion)
    return { ...element, run: { ...run, pipeline_version: pipelineVersion } }
  }
  await runDataWorker('import-worker', workerData, 'import thread', (message: ImportWorkerMessage) => {
    if (message.kind === 'batch') {
      for (const element of message.elements) session.addChecked(unshare(element), source)
      progress(message.bytes)
      return false
    }
    if (message.kind === 'done') progress(message.bytes)
    else reportFileError(session, source, message.message, message.json, message.notArray)
    return true
  })
}

/** A syntax error, or a read error (EIO…): the file's problem too, reported like its content's. */
function reportFileError (session: ImportSession, source: string, message: string, json: boolean, notArray: boolean): void {
  if (!json) session.reportSource(source, message, 'array_type')
  else if (notArray) session.reportSource(source, 'expected a JSON array of runs', 'array_type')
  else session.reportSource(source, `invalid JSON: ${message}`, 'json_invalid')
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

class ImportSession {
  private readonly findings: ImportFinding[] = []
  private total = 0

  get counted (): number {
    return this.total
  }

  private runCount = 0
  private readonly runIds = new Map<string, string>()
  private readonly versions = new Map<string, VersionRecord>()
  private readonly stepOwners = new Map<string, string>()
  private readonly pipelines = new Set<string>()
  private readonly stepsKeys = new WeakMap<PipelineVersionRead, string>()
  private readonly write: (run: RunWithoutArgo, manifestJson: string, metadataJson: string) => void
  private readonly storedVersion
  private readonly storedSteps
  private readonly storedStepOwner

  constructor (db: Db) {
    // Inside the import's transaction: with no run stored yet, and repeated ids refused, no run needs replacing.
    const runsMayExist = db.prepare('SELECT EXISTS (SELECT 1 FROM runs)').pluck().get() === 1
    this.write = createRunWriter(db).session({ mayExist: runsMayExist }).writeRun
    this.storedVersion = db.prepare<[string], { pipeline_id: string, created_at: number }>(
      'SELECT pipeline_id, created_at FROM pipeline_versions WHERE id = ?')
    this.storedSteps = db.prepare<[string], StoredStepRow>(`SELECT id, name, query_type, query, input_datasets, output_datasets,
      job_type, created_at FROM steps WHERE version_id = ? ORDER BY position`)
    this.storedStepOwner = db.prepare<[string], string>('SELECT version_id FROM steps WHERE id = ?').pluck()
  }

  /** Checks one element; writes it while the import has no finding yet (the transaction is rolled back otherwise). */
  add (value: unknown, index: number, source: string): void {
    this.addChecked(checkElement(value, index), source)
  }

  /** add for an element checked on its own already (maybe in another thread). */
  addChecked (element: CheckedElement, source: string): void {
    for (const finding of element.findings) this.report(source, finding.path, finding.message, finding.type)
    const run = element.run
    if (run === undefined) return
    this.checkAgainstOthers(run, element.index, source)
    this.runCount++
    this.pipelines.add(run.pipeline_version.pipeline_id)
    if (this.total === 0 && element.manifestJson !== undefined && element.metadataJson !== undefined) {
      this.write(run, element.manifestJson, element.metadataJson)
    }
  }

  pipelineIds (): string[] {
    return [...this.pipelines].sort()
  }

  reportSource (source: string, message: string, type: string): void {
    this.report(source, '', message, type)
  }

  finish (complete = true): ImportResult {
    if (this.total > 0) throw new ImportValidationError(this.findings, this.total, complete)
    return { runs: this.runCount, pipelines: this.pipelines.size }
  }

  private report (source: string, path: string, message: string, type: string): void {
    this.total++
    if (this.findings.length < MAX_FINDINGS) this.findings.push({ source, path, message, type })
  }

  /** What one run cannot show: repeated run ids, versions that differ between runs, files or the database. */
  private checkAgainstOthers (run: RunWithoutArgo, index: number, source: string): void {
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
    if (this.stepsKeyOf(version) !== known.stepsKey) {
      this.report(source, `${here}.steps`, `version ${version.id} has other steps (id, name, config or created_at) ${than}`, RULES.versionConsistent)
    }
  }

  /** Runs from the worker thread share one object per distinct version: its steps become text once. */
  private stepsKeyOf (version: PipelineVersionRead): string {
    let key = this.stepsKeys.get(version)
    if (key === undefined) {
      key = stepsKey(version)
      this.stepsKeys.set(version, key)
    }
    return key
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

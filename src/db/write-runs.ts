// Write side: upserts runs in the response shape (with their pipeline, version and steps) into the tables.
import { parseTimestamp } from '../contract/timestamps.ts'
import type { PipelineVersionRead, RunRead } from '../schemas/runs.ts'
import type { Db } from './open.ts'
import { runTailJson } from './run-tail.ts'

export interface RunWriter {
  /** Upserts the runs by id; call inside a transaction. A version's steps are rewritten once per call. */
  writeRuns: (runs: Iterable<RunRead>) => number
  /** For runs that arrive one at a time (a stream): each call upserts one run; versions are written once per batch. */
  startBatch: () => (run: RunRead) => void
  /**
   * startBatch for runs whose Argo objects are JSON text already. With `runsMayExist` false (no run was in the
   * database when the transaction began, and the caller refuses repeated ids) nothing is looked up to be replaced.
   */
  startJsonBatch: (options?: { runsMayExist?: boolean }) => (run: RunWithoutArgo, manifestJson: string, metadataJson: string) => void
  /**
   * Writes rows prepared elsewhere (a generator thread); call inside a transaction. With `mayExist` false (the tables
   * were emptied in this transaction and the ids are new) nothing is looked up to be replaced.
   */
  writeRows: (batch: RowBatch, mayExist: boolean) => void
  deletePipeline: (pipelineId: string) => boolean
  deleteAll: () => void
  /** Deletes the pipeline's finished runs beyond its `keep` newest runs; returns how many went. */
  pruneRuns: (pipelineId: string, keep: number) => number
}

export type RunWithoutArgo = Omit<RunRead, 'argo_manifest' | 'argo_metadata'>

/** A step as the table holds it: id, name, query_type, query, input_datasets (JSON), output_datasets (JSON), job_type, created_at. */
export type StepRow = [string, string, string, string, string, string, string, number]
/** A version with its steps, and the Argo manifest JSON its runs share. */
export interface VersionRow { id: string, pipelineId: string, createdAt: number, manifestJson: string, steps: StepRow[] }
/** id, version id, name, status, argo_metadata (JSON), created_at, finished_at, tail_json (see run-tail.ts). */
export type RunRow = [string, string, string, string, string, number, number | null, string]
/** name, run_name, status, started_at, finished_at. */
export type RunStepRow = [string, string, string, number | null, number | null]
/**
 * Rows in table form, cheap to post between threads: versions before the runs that need them. Runs and their steps
 * are flat arrays (a structured clone costs per object): each run is its RunRow's fields then its step count, and
 * `runSteps` holds every step's RunStepRow fields, run after run.
 */
export interface RowBatch { versions: VersionRow[], runs: Array<string | number | null>, runSteps: Array<string | number | null> }

export const RUN_ROW_FIELDS = 9
export const RUN_STEP_ROW_FIELDS = 5

/** Appends one run and its steps to a batch. */
export function addToBatch (batch: RowBatch, run: RunRow, steps: readonly RunStepRow[]): void {
  batch.runs.push(...run, steps.length)
  for (const step of steps) batch.runSteps.push(...step)
}

// Distinct manifests remembered per batch: a version's runs share one, and most data has few versions.
const MANIFESTS_REMEMBERED = 64

export function createRunWriter (db: Db): RunWriter {
  const micros = timestampReader()
  const nullableMicros = (text: string | null): number | null => text === null ? null : micros(text)
  const insertPipeline = db.prepare('INSERT INTO pipelines (id) VALUES (?) ON CONFLICT (id) DO NOTHING')
  const upsertVersion = db.prepare(`INSERT INTO pipeline_versions (id, pipeline_id, created_at) VALUES (?, ?, ?)
    ON CONFLICT (id) DO UPDATE SET created_at = excluded.created_at`)
  const deleteSteps = db.prepare('DELETE FROM steps WHERE version_id = ?')
  const insertStep = db.prepare(`INSERT INTO steps
    (id, version_id, position, name, query_type, query, input_datasets, output_datasets, job_type, created_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
  const findManifest = db.prepare('SELECT id FROM argo_manifests WHERE json = ?').pluck()
  const insertManifest = db.prepare('INSERT INTO argo_manifests (json) VALUES (?)')
  const deleteRun = db.prepare('DELETE FROM runs WHERE id = ?')
  const insertRun = db.prepare(`INSERT INTO runs
    (id, pipeline_id, version_id, name, status, manifest_id, argo_metadata, created_at, finished_at, tail_json)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
  const deleteRunSteps = db.prepare('DELETE FROM run_steps WHERE run_id = ?')
  const insertRunStep = db.prepare(`INSERT INTO run_steps (run_id, position, name, run_name, status, started_at, finished_at)
    VALUES (?, ?, ?, ?, ?, ?, ?)`)
  const deletePipeline = db.prepare('DELETE FROM pipelines WHERE id = ?')
  const pruneRuns = db.prepare(`DELETE FROM runs WHERE pipeline_id = ? AND finished_at IS NOT NULL AND id NOT IN
    (SELECT id FROM runs WHERE pipeline_id = ? ORDER BY created_at DESC, id DESC LIMIT ?)`)

  // A run goes in after its steps (whose triggers then find no run to render again), so the steps' foreign key is
  // checked at the commit. The setting lasts until the end of the transaction.
  const deferForeignKeys = () => db.pragma('defer_foreign_keys = ON')

  /** One batch's state: versions written and manifests known (ids are never kept across transactions). */
  function startSession () {
    deferForeignKeys()
    return { writtenVersions: new Set<string>(), manifests: new Map<string, number>() }
  }
  type Session = ReturnType<typeof startSession>

  function manifestId (json: string, session: Session): number {
    let id = session.manifests.get(json)
    if (id === undefined) {
      id = (findManifest.get(json) as number | undefined) ?? Number(insertManifest.run(json).lastInsertRowid)
      if (session.manifests.size >= MANIFESTS_REMEMBERED) session.manifests.clear()
      session.manifests.set(json, id)
    }
    return id
  }

  function writeVersion (version: VersionRow): void {
    insertPipeline.run(version.pipelineId)
    upsertVersion.run(version.id, version.pipelineId, version.createdAt)
    deleteSteps.run(version.id)
    version.steps.forEach((step, position) => {
      insertStep.run(step[0], version.id, position, step[1], step[2], step[3], step[4], step[5], step[6], step[7])
    })
  }

  /**
   * Replaces the run: the old row and steps go, the steps then the run (with its tail) come in. `run` holds a RunRow
   * at `at`, `steps` the run's steps from `stepsAt` on, `stepCount` of them (see RowBatch).
   */
  function writeRunRow (run: readonly unknown[], at: number, steps: readonly unknown[], stepsAt: number, stepCount: number,
    pipelineId: string, manifest: number, mayExist: boolean): void {
    const id = run[at]
    if (mayExist) {
      deleteRun.run(id)
      deleteRunSteps.run(id)
    }
    for (let position = 0, i = stepsAt; position < stepCount; position++, i += RUN_STEP_ROW_FIELDS) {
      insertRunStep.run(id, position, steps[i], steps[i + 1], steps[i + 2], steps[i + 3], steps[i + 4])
    }
    insertRun.run(id, pipelineId, run[at + 1], run[at + 2], run[at + 3], manifest, run[at + 4], run[at + 5], run[at + 6], run[at + 7])
  }

  function writeRun (run: RunRead, session: Session): void {
    writeRunJson(run, JSON.stringify(run.argo_manifest), JSON.stringify(run.argo_metadata), session)
  }

  function writeRunJson (run: RunWithoutArgo, manifestJson: string, metadataJson: string, session: Session, mayExist = true): void {
    const version = run.pipeline_version
    if (run.pipeline_config_version_id !== version.id) {
      throw new Error(`run ${run.id}: pipeline_config_version_id ${run.pipeline_config_version_id} is not its pipeline_version.id ${version.id}`)
    }
    if (!session.writtenVersions.has(version.id)) {
      writeVersion(versionRow(version, manifestJson, micros))
      session.writtenVersions.add(version.id)
    }
    const steps = runStepRows(run, micros)
    const row: RunRow = [run.id, version.id, run.name, run.status, metadataJson, micros(run.created_at), nullableMicros(run.finished_at), runTailJson(run, micros)]
    writeRunRow(row, 0, steps.flat(), 0, steps.length, version.pipeline_id, manifestId(manifestJson, session), mayExist)
  }

  // The rows of a generator thread's batches; versions and their manifests stay known from batch to batch.
  const rowVersions = new Map<string, { pipelineId: string, manifestId: number }>()
  let rowSession: Session | undefined

  function writeRows ({ versions, runs, runSteps }: RowBatch, mayExist: boolean): void {
    deferForeignKeys()
    rowSession ??= startSession()
    const session = rowSession
    for (const version of versions) {
      writeVersion(version)
      rowVersions.set(version.id, { pipelineId: version.pipelineId, manifestId: manifestId(version.manifestJson, session) })
    }
    for (let at = 0, stepsAt = 0; at < runs.length; at += RUN_ROW_FIELDS) {
      const version = rowVersions.get(runs[at + 1] as string)
      if (version === undefined) throw new Error(`run ${String(runs[at])}: version ${String(runs[at + 1])} was not written first`)
      const stepCount = runs[at + RUN_ROW_FIELDS - 1] as number
      writeRunRow(runs, at, runSteps, stepsAt, stepCount, version.pipelineId, version.manifestId, mayExist)
      stepsAt += stepCount * RUN_STEP_ROW_FIELDS
    }
  }

  return {
    writeRows,
    writeRuns (runs) {
      const session = startSession()
      let count = 0
      for (const run of runs) {
        writeRun(run, session)
        count++
      }
      return count
    },
    startBatch () {
      const session = startSession()
      return (run) => { writeRun(run, session) }
    },
    startJsonBatch (options = {}) {
      const session = startSession()
      const mayExist = options.runsMayExist ?? true
      return (run, manifestJson, metadataJson) => { writeRunJson(run, manifestJson, metadataJson, session, mayExist) }
    },
    deletePipeline: (pipelineId) => deletePipeline.run(pipelineId).changes > 0,
    // Child tables first, each without a WHERE: SQLite's truncate optimisation where no trigger prevents it, and no
    // reliance on ON DELETE CASCADE. The runs go before their steps, whose delete trigger then finds no run to update.
    deleteAll: () => {
      rowVersions.clear()
      rowSession = undefined
      db.exec('DELETE FROM runs; DELETE FROM run_steps; DELETE FROM argo_manifests; DELETE FROM steps; DELETE FROM pipeline_versions; DELETE FROM pipelines')
    },
    pruneRuns: (pipelineId, keep) => pruneRuns.run(pipelineId, pipelineId, keep).changes
  }
}

/** A version in table form; its steps' times as microseconds. */
export function versionRow (version: PipelineVersionRead, manifestJson: string, micros: (text: string) => number): VersionRow {
  return {
    id: version.id,
    pipelineId: version.pipeline_id,
    createdAt: micros(version.created_at),
    manifestJson,
    steps: version.steps.map((s): StepRow => [s.id, s.name, s.config.query_type, s.config.query,
      JSON.stringify(s.config.input_datasets), JSON.stringify(s.config.output_datasets), s.config.job_type, micros(s.created_at)])
  }
}

/**
 * A run's steps in table form. Their texts are made well-formed: SQLite would keep a lone surrogate as bytes that
 * json_quote renders differently from JSON.stringify, and the tail must match the view.
 */
export function runStepRows (run: Pick<RunRead, 'run_steps'>, micros: (text: string) => number): RunStepRow[] {
  const nullable = (text: string | null): number | null => text === null ? null : micros(text)
  return run.run_steps.map((s): RunStepRow =>
    [s.name.toWellFormed(), s.run_name.toWellFormed(), s.status, nullable(s.started_at), nullable(s.finished_at)])
}

/**
 * Text to microseconds, throwing on an invalid timestamp. Generated and exported data repeat the same few days, so
 * the canonical `YYYY-MM-DDTHH:MM:SS[.ffffff]Z` form is read with the day's start cached; other forms go through
 * parseTimestamp.
 */
export function timestampReader (): (text: string) => number {
  let cachedDay = ''
  let cachedDayMicros = 0
  return (text) => {
    let value: number | undefined
    if (CANONICAL.test(text)) {
      const day = text.slice(0, 10)
      if (day !== cachedDay) {
        const start = parseTimestamp(`${day}T00:00:00Z`)
        if (start === undefined) throw new Error(`invalid timestamp ${text}`)
        cachedDay = day
        cachedDayMicros = start
      }
      const seconds = Number(text.slice(11, 13)) * 3600 + Number(text.slice(14, 16)) * 60 + Number(text.slice(17, 19))
      value = cachedDayMicros + seconds * 1_000_000 + (text.length === 27 ? Number(text.slice(20, 26)) : 0)
    } else {
      value = parseTimestamp(text)
    }
    if (value === undefined) throw new Error(`invalid timestamp ${text}`)
    return value
  }
}

const CANONICAL = /^\d{4}-\d{2}-\d{2}T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{6})?Z$/

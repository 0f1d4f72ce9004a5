// Write side: upserts runs in the response shape (with their pipeline, version and steps) into the tables.
import { parseTimestamp } from '../contract/timestamps.ts'
import type { RunRead } from '../schemas/runs.ts'
import type { Db } from './open.ts'

export interface RunWriter {
  /** Upserts the runs by id; call inside a transaction. A version's steps are rewritten once per call. */
  writeRuns: (runs: Iterable<RunRead>) => number
  /** For runs that arrive one at a time (a stream): each call upserts one run; versions are written once per batch. */
  startBatch: () => (run: RunRead) => void
  /** startBatch for runs whose Argo objects are JSON text already (the generator's records). */
  startJsonBatch: () => (run: RunWithoutArgo, manifestJson: string, metadataJson: string) => void
  /** Upserts rows prepared elsewhere (a generator thread); call inside a transaction. */
  writeRows: (batch: RowBatch) => void
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
/** id, version id, name, status, argo_metadata (JSON), created_at, finished_at. */
export type RunRow = [string, string, string, string, string, number, number | null]
/** name, run_name, status, started_at, finished_at. */
export type RunStepRow = [string, string, string, number | null, number | null]
/** Rows in table form, cheap to post between threads: versions before the runs that need them. */
export interface RowBatch { versions: VersionRow[], runs: RunRow[], runSteps: RunStepRow[][] }

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
  const upsertRun = db.prepare(`INSERT INTO runs
    (id, pipeline_id, version_id, name, status, argo_manifest, argo_metadata, created_at, finished_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (id) DO UPDATE SET pipeline_id = excluded.pipeline_id, version_id = excluded.version_id,
      name = excluded.name, status = excluded.status, argo_manifest = excluded.argo_manifest,
      argo_metadata = excluded.argo_metadata, created_at = excluded.created_at, finished_at = excluded.finished_at`)
  const deleteRunSteps = db.prepare('DELETE FROM run_steps WHERE run_id = ?')
  const insertRunStep = db.prepare(`INSERT INTO run_steps (run_id, position, name, run_name, status, started_at, finished_at)
    VALUES (?, ?, ?, ?, ?, ?, ?)`)
  const deletePipeline = db.prepare('DELETE FROM pipelines WHERE id = ?')
  const pruneRuns = db.prepare(`DELETE FROM runs WHERE pipeline_id = ? AND finished_at IS NOT NULL AND id NOT IN
    (SELECT id FROM runs WHERE pipeline_id = ? ORDER BY created_at DESC, id DESC LIMIT ?)`)

  function writeVersion (run: RunWithoutArgo, writtenVersions: Set<string>): void {
    const version = run.pipeline_version
    if (writtenVersions.has(version.id)) return
    insertPipeline.run(version.pipeline_id)
    upsertVersion.run(version.id, version.pipeline_id, micros(version.created_at))
    deleteSteps.run(version.id)
    version.steps.forEach((step, position) => {
      const c = step.config
      insertStep.run(step.id, version.id, position, step.name, c.query_type, c.query,
        JSON.stringify(c.input_datasets), JSON.stringify(c.output_datasets), c.job_type, micros(step.created_at))
    })
    writtenVersions.add(version.id)
  }

  function writeRun (run: RunRead, writtenVersions: Set<string>): void {
    writeRunJson(run, JSON.stringify(run.argo_manifest), JSON.stringify(run.argo_metadata), writtenVersions)
  }

  function writeRunJson (run: RunWithoutArgo, manifestJson: string, metadataJson: string, writtenVersions: Set<string>): void {
    if (run.pipeline_config_version_id !== run.pipeline_version.id) {
      throw new Error(`run ${run.id}: pipeline_config_version_id ${run.pipeline_config_version_id} is not its pipeline_version.id ${run.pipeline_version.id}`)
    }
    writeVersion(run, writtenVersions)
    upsertRun.run(run.id, run.pipeline_version.pipeline_id, run.pipeline_config_version_id, run.name, run.status,
      manifestJson, metadataJson, micros(run.created_at),
      nullableMicros(run.finished_at))
    deleteRunSteps.run(run.id)
    run.run_steps.forEach((step, position) => {
      insertRunStep.run(run.id, position, step.name, step.run_name, step.status,
        nullableMicros(step.started_at), nullableMicros(step.finished_at))
    })
  }

  const versionRows = new Map<string, VersionRow>()

  function writeRows ({ versions, runs, runSteps }: RowBatch): void {
    for (const version of versions) {
      insertPipeline.run(version.pipelineId)
      upsertVersion.run(version.id, version.pipelineId, version.createdAt)
      deleteSteps.run(version.id)
      version.steps.forEach((step, position) => {
        insertStep.run(step[0], version.id, position, step[1], step[2], step[3], step[4], step[5], step[6], step[7])
      })
      versionRows.set(version.id, version)
    }
    runs.forEach((run, index) => {
      const version = versionRows.get(run[1])
      if (version === undefined) throw new Error(`run ${run[0]}: version ${run[1]} was not written first`)
      upsertRun.run(run[0], version.pipelineId, run[1], run[2], run[3], version.manifestJson, run[4], run[5], run[6])
      deleteRunSteps.run(run[0])
      const steps = runSteps[index] ?? []
      for (let position = 0; position < steps.length; position++) {
        const step = steps[position] as RunStepRow
        insertRunStep.run(run[0], position, step[0], step[1], step[2], step[3], step[4])
      }
    })
  }

  return {
    writeRows,
    writeRuns (runs) {
      const writtenVersions = new Set<string>()
      let count = 0
      for (const run of runs) {
        writeRun(run, writtenVersions)
        count++
      }
      return count
    },
    startBatch () {
      const writtenVersions = new Set<string>()
      return (run) => { writeRun(run, writtenVersions) }
    },
    startJsonBatch () {
      const writtenVersions = new Set<string>()
      return (run, manifestJson, metadataJson) => { writeRunJson(run, manifestJson, metadataJson, writtenVersions) }
    },
    deletePipeline: (pipelineId) => deletePipeline.run(pipelineId).changes > 0,
    // Child tables first, each without a WHERE: SQLite's truncate optimisation, and no reliance on ON DELETE CASCADE.
    deleteAll: () => { db.exec('DELETE FROM run_steps; DELETE FROM runs; DELETE FROM steps; DELETE FROM pipeline_versions; DELETE FROM pipelines') },
    pruneRuns: (pipelineId, keep) => pruneRuns.run(pipelineId, pipelineId, keep).changes
  }
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

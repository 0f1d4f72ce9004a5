// The tables' rows as named objects, built from runs in the response shape; times are microseconds since 1970.
import { parseTimestamp } from '../contract/timestamps.ts'
import type { PipelineVersionRead, RunRead } from '../schemas/runs.ts'
import { runTailJson, type MicrosReader } from './run-tail.ts'

export interface StepRow {
  id: string
  name: string
  queryType: string
  query: string
  /** JSON arrays, as stored. */
  inputDatasets: string
  outputDatasets: string
  jobType: string
  createdAt: number
}

/** A version with its steps, and the Argo manifest JSON its runs share. */
export interface VersionRow {
  id: string
  pipelineId: string
  createdAt: number
  manifestJson: string
  steps: StepRow[]
}

export interface RunStepRow {
  name: string
  runName: string
  status: string
  startedAt: number | null
  finishedAt: number | null
}

export interface RunRow {
  id: string
  versionId: string
  name: string
  status: string
  metadataJson: string
  createdAt: number
  finishedAt: number | null
  /** The run's JSON from created_at on (see run-tail.ts). */
  tailJson: string
  steps: RunStepRow[]
}

/** Versions before the runs that need them. */
export interface RowBatch {
  versions: VersionRow[]
  runs: RunRow[]
}

export type RunWithoutArgo = Omit<RunRead, 'argo_manifest' | 'argo_metadata'>
export type { MicrosReader }

export function versionRow (version: PipelineVersionRead, manifestJson: string, micros: MicrosReader): VersionRow {
  return {
    id: version.id,
    pipelineId: version.pipeline_id,
    createdAt: micros(version.created_at),
    manifestJson,
    steps: version.steps.map((step): StepRow => ({
      id: step.id,
      name: step.name,
      queryType: step.config.query_type,
      query: step.config.query,
      inputDatasets: JSON.stringify(step.config.input_datasets),
      outputDatasets: JSON.stringify(step.config.output_datasets),
      jobType: step.config.job_type,
      createdAt: micros(step.created_at)
    }))
  }
}

export function runRow (run: RunWithoutArgo, metadataJson: string, micros: MicrosReader): RunRow {
  return {
    id: run.id,
    versionId: run.pipeline_version.id,
    name: run.name,
    status: run.status,
    metadataJson,
    createdAt: micros(run.created_at),
    finishedAt: run.finished_at === null ? null : micros(run.finished_at),
    tailJson: runTailJson(run, micros),
    steps: runStepRows(run, micros)
  }
}

/**
 * A run's steps as rows. Their texts are made well-formed: SQLite would keep a lone surrogate as bytes that
 * json_quote renders differently from JSON.stringify, and the tail must match the view.
 */
function runStepRows (run: Pick<RunRead, 'run_steps'>, micros: MicrosReader): RunStepRow[] {
  const nullable = (text: string | null): number | null => text === null ? null : micros(text)
  return run.run_steps.map((step): RunStepRow => ({
    name: step.name.toWellFormed(),
    runName: step.run_name.toWellFormed(),
    status: step.status,
    startedAt: nullable(step.started_at),
    finishedAt: nullable(step.finished_at)
  }))
}

/**
 * Text to microseconds, throwing on an invalid timestamp. Generated and exported data repeat the same few days, so
 * the canonical `YYYY-MM-DDTHH:MM:SS[.ffffff]Z` form is read with the day's start cached; other forms go through
 * parseTimestamp.
 */
export function timestampReader (): MicrosReader {
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

// Read side of the endpoint: statements prepared once; SQLite assembles the whole 200 body as JSON text in one row.
import type { Db } from '../db/open.ts'
import { nullableTimestampJsonSql, timestampJsonSql } from './sql-json.ts'

// Text is concatenated rather than built with json_object: the Argo columns hold compact JSON (the writer stores
// JSON.stringify output; CHECKs keep it valid) and each version's JSON is kept in pipeline_versions.json by triggers
// (migrations/003), so nothing is parsed again. concat() allocates once per run; `||` would copy at every step.
const RUN_STEP_JSON = `concat(
  '{"name":', json_quote(rs.name),
  ',"run_name":', json_quote(rs.run_name),
  ',"status":', json_quote(rs.status),
  ',"started_at":', ${nullableTimestampJsonSql('rs.started_at')},
  ',"finished_at":', ${nullableTimestampJsonSql('rs.finished_at')}, '}')`

/** Each version's JSON, kept current by triggers (migrations/003); alias `v` for pipeline_versions. */
export const VERSION_JSON = 'v.json'

/** One run's JSON text in contract field order; aliases `r` for runs and `v` for its pipeline_versions row. */
export const RUN_JSON = `concat(
  '{"id":', json_quote(r.id),
  ',"pipeline_config_version_id":', json_quote(r.version_id),
  ',"name":', json_quote(r.name),
  ',"status":', json_quote(r.status),
  ',"argo_manifest":', r.argo_manifest,
  ',"argo_metadata":', r.argo_metadata,
  ',"pipeline_version":', ${VERSION_JSON},
  ',"created_at":', ${timestampJsonSql('r.created_at')},
  ',"finished_at":', ${nullableTimestampJsonSql('r.finished_at')},
  ',"run_steps":[', (SELECT group_concat(${RUN_STEP_JSON}, ',' ORDER BY rs.position) FROM run_steps rs WHERE rs.run_id = r.id),
  ']}')`

const FROM_RUNS = 'FROM runs r JOIN pipeline_versions v ON v.id = r.version_id'
const OF_PIPELINE = 'r.pipeline_id = ?'
const OF_VERSION = 'r.pipeline_id = ? AND r.version_id = ?'

// One row, one BLOB: better-sqlite3 hands it over as a Buffer, with no UTF-8 decoding into a JS string and back.
// The ORDER BY inside the aggregate sorts only the runs being answered.
const bodyOf = (where: string) => `SELECT CAST(concat('[', group_concat(${RUN_JSON}, ',' ORDER BY r.created_at DESC, r.id DESC), ']') AS BLOB)
  ${FROM_RUNS} WHERE ${where}`

const rowsOf = (where: string) => `SELECT ${RUN_JSON} ${FROM_RUNS} WHERE ${where} ORDER BY r.created_at DESC, r.id DESC`

/** The endpoint's body as one BLOB, for each shape of request. */
export const BODY_STATEMENTS = { ofPipeline: bodyOf(OF_PIPELINE), ofVersion: bodyOf(OF_VERSION) }

/** The same runs one row each, newest first, for streaming them (`seed export`). */
export const RUN_STATEMENTS = { ofPipeline: rowsOf(OF_PIPELINE), ofVersion: rowsOf(OF_VERSION) }

export interface RunQueries {
  pipelineExists: (pipelineId: string) => boolean
  /** The endpoint's 200 body: runs newest first, `[]` when none match; undefined when there is no such pipeline. */
  runsBody: (pipelineId: string, versionId?: string) => Buffer | undefined
  /** The same body as text (`[]` also when there is no such pipeline). */
  listRunsJson: (pipelineId: string, versionId?: string) => string
}

const EMPTY_LIST_LENGTH = 2

export function createRunQueries (db: Db): RunQueries {
  const pipelineExists = db.prepare('SELECT 1 FROM pipelines WHERE id = ?').pluck()
  const runsOfPipeline = db.prepare(BODY_STATEMENTS.ofPipeline).pluck()
  const runsOfVersion = db.prepare(BODY_STATEMENTS.ofVersion).pluck()
  const exists = (pipelineId: string) => pipelineExists.get(pipelineId) !== undefined
  const body = (pipelineId: string, versionId?: string) => (versionId === undefined
    ? runsOfPipeline.get(pipelineId)
    : runsOfVersion.get(pipelineId, versionId)) as Buffer
  return {
    pipelineExists: exists,
    // A pipeline with runs exists, so the lookup is needed only when the list comes back empty.
    runsBody: (pipelineId, versionId) => {
      const runs = body(pipelineId, versionId)
      return runs.length > EMPTY_LIST_LENGTH || exists(pipelineId) ? runs : undefined
    },
    listRunsJson: (pipelineId, versionId) => body(pipelineId, versionId).toString('utf8')
  }
}

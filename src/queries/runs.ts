// Read side of the endpoint: statements prepared once; SQLite assembles the whole 200 body as JSON text in one row.
import type { Db } from '../db/open.ts'

// Text is concatenated rather than built with json_object: the Argo columns hold compact JSON (the writer stores
// JSON.stringify output; CHECKs keep it valid), each version's JSON is kept in pipeline_versions.json and each run's
// JSON from created_at to its end in runs.tail_json, both by triggers (migrations/003, 004); so nothing is parsed or
// formatted again. concat() allocates once per run; `||` would copy at every step.

/** Each version's JSON, kept current by triggers (migrations/003); alias `v` for pipeline_versions. */
export const VERSION_JSON = 'v.json'

/** One run's JSON text in contract field order; aliases `r` for runs, `m` for its manifest, `v` for its version. */
export const RUN_JSON = `concat(
  '{"id":', json_quote(r.id),
  ',"pipeline_config_version_id":', json_quote(r.version_id),
  ',"name":', json_quote(r.name),
  ',"status":', json_quote(r.status),
  ',"argo_manifest":', m.json,
  ',"argo_metadata":', r.argo_metadata,
  ',"pipeline_version":', ${VERSION_JSON},
  r.tail_json)`

/** The tables RUN_JSON reads, with its aliases. */
export const FROM_RUNS = 'FROM runs r JOIN pipeline_versions v ON v.id = r.version_id JOIN argo_manifests m ON m.id = r.manifest_id'
const OF_PIPELINE = 'r.pipeline_id = ?'
const OF_VERSION = 'r.pipeline_id = ? AND r.version_id = ?'

const rowsOf = (where: string) => `SELECT ${RUN_JSON} AS run ${FROM_RUNS} WHERE ${where} ORDER BY r.created_at DESC, r.id DESC`

// One row, one BLOB: better-sqlite3 hands it over as a Buffer, with no UTF-8 decoding into a JS string and back.
// The runs come in the index's order; SQLite keeps a FROM-clause subquery's ORDER BY when the outer query
// aggregates with anything but count/min/max (select.c, "Condition (4)"), so group_concat needs no sort of its own.
const bodyOf = (where: string) => `SELECT CAST(concat('[', group_concat(run, ','), ']') AS BLOB) FROM (${rowsOf(where)})`

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

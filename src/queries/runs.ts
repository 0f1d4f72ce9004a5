// Read side of the endpoint: statements prepared once; SQLite builds each run's JSON in contract field order.
import type { Db } from '../db/open.ts'
import { nullableTimestampSql, timestampSql } from './sql-json.ts'

const STEP_JSON = `json_object(
  'name', s.name,
  'config', json_object(
    'query_type', s.query_type, 'query', s.query,
    'input_datasets', json(s.input_datasets), 'output_datasets', json(s.output_datasets),
    'job_type', s.job_type),
  'created_at', ${timestampSql('s.created_at')},
  'id', s.id)`

export const VERSION_JSON = `json_object(
  'id', v.id,
  'pipeline_id', v.pipeline_id,
  'steps', (SELECT json_group_array(json(${STEP_JSON}) ORDER BY s.position) FROM steps s WHERE s.version_id = v.id),
  'created_at', ${timestampSql('v.created_at')})`

const RUN_STEP_JSON = `json_object(
  'name', rs.name,
  'run_name', rs.run_name,
  'status', rs.status,
  'started_at', ${nullableTimestampSql('rs.started_at')},
  'finished_at', ${nullableTimestampSql('rs.finished_at')})`

export const RUN_JSON = `json_object(
  'id', r.id,
  'pipeline_config_version_id', r.version_id,
  'name', r.name,
  'status', r.status,
  'argo_manifest', json(r.argo_manifest),
  'argo_metadata', json(r.argo_metadata),
  'pipeline_version', json(${VERSION_JSON}),
  'created_at', ${timestampSql('r.created_at')},
  'finished_at', ${nullableTimestampSql('r.finished_at')},
  'run_steps', (SELECT json_group_array(json(${RUN_STEP_JSON}) ORDER BY rs.position) FROM run_steps rs WHERE rs.run_id = r.id))`

const RUNS_OF_PIPELINE = `SELECT ${RUN_JSON} FROM runs r JOIN pipeline_versions v ON v.id = r.version_id
  WHERE r.pipeline_id = ? ORDER BY r.created_at DESC, r.id DESC`

const RUNS_OF_VERSION = `SELECT ${RUN_JSON} FROM runs r JOIN pipeline_versions v ON v.id = r.version_id
  WHERE r.pipeline_id = ? AND r.version_id = ? ORDER BY r.created_at DESC, r.id DESC`

/** The endpoint's two statements, exported so tests can check their query plans. */
export const RUN_STATEMENTS = { ofPipeline: RUNS_OF_PIPELINE, ofVersion: RUNS_OF_VERSION }

export interface RunQueries {
  pipelineExists: (pipelineId: string) => boolean
  /** The endpoint's 200 body as JSON text: runs newest first, `[]` when none match. */
  listRunsJson: (pipelineId: string, versionId?: string) => string
}

export function createRunQueries (db: Db): RunQueries {
  const pipelineExists = db.prepare('SELECT 1 FROM pipelines WHERE id = ?').pluck()
  const runsOfPipeline = db.prepare(RUNS_OF_PIPELINE).pluck()
  const runsOfVersion = db.prepare(RUNS_OF_VERSION).pluck()
  return {
    pipelineExists: (pipelineId) => pipelineExists.get(pipelineId) !== undefined,
    listRunsJson: (pipelineId, versionId) => {
      const runs = (versionId === undefined
        ? runsOfPipeline.all(pipelineId)
        : runsOfVersion.all(pipelineId, versionId)) as string[]
      return `[${runs.join(',')}]`
    }
  }
}

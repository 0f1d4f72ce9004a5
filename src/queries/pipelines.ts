// What a database holds, pipeline by pipeline: each version with its run count and newest run (for `pipelines`).
import type { Db } from '../db/open.ts'

export interface VersionSummary {
  id: string
  createdAt: number
  runs: number
  /** Microseconds; undefined for a version without runs. */
  newestRunAt: number | undefined
}

export interface PipelineSummary {
  id: string
  runs: number
  newestRunAt: number | undefined
  /** Oldest first. */
  versions: VersionSummary[]
}

interface Row { pipeline_id: string, version_id: string | null, created_at: number | null, runs: number, newest: number | null }

/** Every pipeline (by id), its versions oldest first; run counts read through the runs_by_version index. */
export function listPipelines (db: Db): PipelineSummary[] {
  const rows = db.prepare(`SELECT p.id AS pipeline_id, v.id AS version_id, v.created_at,
      (SELECT count(*) FROM runs r WHERE r.pipeline_id = p.id AND r.version_id = v.id) AS runs,
      (SELECT max(r.created_at) FROM runs r WHERE r.pipeline_id = p.id AND r.version_id = v.id) AS newest
    FROM pipelines p LEFT JOIN pipeline_versions v ON v.pipeline_id = p.id
    ORDER BY p.id, v.created_at, v.id`).all() as Row[]
  const pipelines = new Map<string, PipelineSummary>()
  for (const row of rows) {
    let pipeline = pipelines.get(row.pipeline_id)
    if (pipeline === undefined) {
      pipeline = { id: row.pipeline_id, runs: 0, newestRunAt: undefined, versions: [] }
      pipelines.set(row.pipeline_id, pipeline)
    }
    if (row.version_id === null) continue
    const newestRunAt = row.newest ?? undefined
    pipeline.versions.push({ id: row.version_id, createdAt: row.created_at ?? 0, runs: row.runs, newestRunAt })
    pipeline.runs += row.runs
    if (newestRunAt !== undefined && (pipeline.newestRunAt === undefined || newestRunAt > pipeline.newestRunAt)) pipeline.newestRunAt = newestRunAt
  }
  return [...pipelines.values()]
}

// Read side of the simulation: each pipeline's newest version, a manifest to copy, its last run and its active runs.
import type { Db } from '../db/open.ts'
import type { PipelineState, SimulationState } from '../simulation/engine.ts'
import type { PipelineVersionRead, RunRead } from '../schemas/runs.ts'
import { FROM_RUNS, RUN_JSON, VERSION_JSON } from './runs.ts'

export interface SimulationQueries {
  /** The state the engine steps from, read in one transaction. */
  loadState: () => SimulationState
  /** The latest instant stored anywhere (creation, start or finish, microseconds); null for an empty database. */
  latestInstant: () => number | null
}

export function createSimulationQueries (db: Db): SimulationQueries {
  const pipelines = db.prepare('SELECT id FROM pipelines ORDER BY id').pluck()
  const newestVersion = db.prepare(`SELECT ${VERSION_JSON} FROM pipeline_versions v
    WHERE v.pipeline_id = ? ORDER BY v.created_at DESC, v.id DESC LIMIT 1`).pluck()
  const manifestOfVersion = db.prepare(`SELECT m.json FROM runs r JOIN argo_manifests m ON m.id = r.manifest_id
    WHERE r.pipeline_id = ? AND r.version_id = ? ORDER BY r.created_at DESC, r.id DESC LIMIT 1`).pluck()
  const manifestOfPipeline = db.prepare(`SELECT m.json FROM runs r JOIN argo_manifests m ON m.id = r.manifest_id
    WHERE r.pipeline_id = ? ORDER BY r.created_at DESC, r.id DESC LIMIT 1`).pluck()
  const lastCreatedAt = db.prepare('SELECT max(created_at) FROM runs WHERE pipeline_id = ?').pluck()
  const activeRuns = db.prepare(`SELECT ${RUN_JSON} ${FROM_RUNS}
    WHERE r.finished_at IS NULL ORDER BY r.pipeline_id, r.created_at, r.id`).pluck()
  const latest = db.prepare(`SELECT max(t) FROM (SELECT max(created_at) AS t FROM runs UNION ALL SELECT max(finished_at) FROM runs
    UNION ALL SELECT max(started_at) FROM run_steps UNION ALL SELECT max(finished_at) FROM run_steps)`).pluck()

  function pipelineState (id: string, active: RunRead[]): PipelineState {
    const versionJson = newestVersion.get(id) as string | undefined
    const version = versionJson === undefined ? undefined : JSON.parse(versionJson) as PipelineVersionRead
    const manifest = (version === undefined ? undefined : manifestOfVersion.get(id, version.id)) ?? manifestOfPipeline.get(id)
    return {
      id,
      version,
      templateManifest: typeof manifest === 'string' ? JSON.parse(manifest) : undefined,
      lastCreatedAt: (lastCreatedAt.get(id) as number | null) ?? null,
      active
    }
  }

  const loadState = db.transaction((): SimulationState => {
    const byPipeline = new Map<string, RunRead[]>()
    for (const json of activeRuns.all() as string[]) {
      const run = JSON.parse(json) as RunRead
      const list = byPipeline.get(run.pipeline_version.pipeline_id) ?? []
      list.push(run)
      byPipeline.set(run.pipeline_version.pipeline_id, list)
    }
    return { pipelines: (pipelines.all() as string[]).map((id) => pipelineState(id, byPipeline.get(id) ?? [])) }
  })

  return {
    loadState: () => loadState.deferred(),
    latestInstant: () => (latest.get() as number | null) ?? null
  }
}

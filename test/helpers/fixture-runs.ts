// Small, deterministic, relationally consistent runs in the response shape, for tests that need data.
import { createHash } from 'node:crypto'
import { formatTimestamp } from '../../src/contract/timestamps.ts'
import type { Db } from '../../src/db/open.ts'
import { createRunWriter } from '../../src/db/write-runs.ts'
import type { RunRead, RunStepMetadata } from '../../src/schemas/runs.ts'

export interface FixtureShape {
  pipelines: number
  versionsPerPipeline: number
  runsPerVersion: number
  stepsPerVersion: number
  /** Distinguishes data sets, so a second batch never collides with the first. */
  tag?: string
}

export const SMALL: FixtureShape = { pipelines: 2, versionsPerPipeline: 2, runsPerVersion: 3, stepsPerVersion: 3 }

/** A UUID derived from a name, so fixtures are stable across runs. */
export function fixtureUuid (name: string): string {
  const hex = createHash('sha256').update(name).digest('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`
}

const BASE = Date.UTC(2026, 0, 5, 9, 0, 0) * 1000
const SECOND = 1_000_000

export function shapedRuns (shape: FixtureShape = SMALL): RunRead[] {
  const tag = shape.tag ?? 'fixture'
  const runs: RunRead[] = []
  for (let p = 0; p < shape.pipelines; p++) {
    const pipelineId = fixtureUuid(`${tag}/pipeline/${p}`)
    for (let v = 0; v < shape.versionsPerPipeline; v++) {
      const versionId = fixtureUuid(`${tag}/version/${p}/${v}`)
      const versionCreated = BASE + (p * 1000 + v * 100) * SECOND + 123_456
      const stepNames = Array.from({ length: shape.stepsPerVersion }, (_, s) => `step-${s}`)
      const steps = stepNames.map((name, s) => ({
        name,
        config: {
          query_type: 'sql',
          query: `SELECT ${s} FROM source_${p}`,
          input_datasets: [`raw.table_${s}`],
          output_datasets: [`mart.table_${s}`],
          job_type: 'data-transform'
        },
        created_at: formatTimestamp(versionCreated),
        id: fixtureUuid(`${tag}/step/${p}/${v}/${s}`)
      }))
      for (let r = 0; r < shape.runsPerVersion; r++) {
        const created = versionCreated + (r + 1) * 60 * SECOND
        const name = `sql-pipeline-${p}${v}${r}x`
        const finished = r % 3 !== 2
        const runSteps: RunStepMetadata[] = stepNames.map((stepName, s) => ({
          name: stepName,
          run_name: name,
          status: finished ? 'Succeeded' : (s === 0 ? 'Running' : 'Pending'),
          started_at: finished || s === 0 ? formatTimestamp(created + s * 10 * SECOND) : null,
          finished_at: finished ? formatTimestamp(created + (s * 10 + 8) * SECOND) : null
        }))
        runs.push({
          id: fixtureUuid(`${tag}/run/${p}/${v}/${r}`),
          pipeline_config_version_id: versionId,
          name,
          status: finished ? 'Succeeded' : 'Running',
          argo_manifest: { apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow', metadata: { generateName: 'sql-pipeline-' } },
          argo_metadata: { name, namespace: 'pipelines', labels: { 'pipeline-id': pipelineId } },
          pipeline_version: { id: versionId, pipeline_id: pipelineId, steps, created_at: formatTimestamp(versionCreated) },
          created_at: formatTimestamp(created),
          finished_at: finished ? formatTimestamp(created + (shape.stepsPerVersion * 10) * SECOND) : null,
          run_steps: runSteps
        })
      }
    }
  }
  return runs
}

/** Writes the runs in one transaction and returns them. */
export function writeFixtureRuns (db: Db, runs: RunRead[] = shapedRuns()): RunRead[] {
  const writer = createRunWriter(db)
  db.transaction(() => writer.writeRuns(runs)).immediate()
  return runs
}

export function pipelineIds (runs: readonly RunRead[]): string[] {
  return [...new Set(runs.map((run) => run.pipeline_version.pipeline_id))]
}

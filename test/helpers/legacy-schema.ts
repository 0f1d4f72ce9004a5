// Writes runs into a database still at an older schema (before migrations/004), for tests of the migrations.
import type { Db } from '../../src/db/open.ts'
import { parseTimestamp } from '../../src/contract/timestamps.ts'
import type { RunRead } from '../../src/schemas/runs.ts'

const micros = (text: string | null) => text === null ? null : parseTimestamp(text) as number

/** Schema 1 to 3: the manifest stored in every run, no tail_json. */
export function writeRunsAtSchema3 (db: Db, runs: readonly RunRead[]): void {
  const statements = {
    pipeline: db.prepare('INSERT INTO pipelines (id) VALUES (?) ON CONFLICT DO NOTHING'),
    version: db.prepare('INSERT INTO pipeline_versions (id, pipeline_id, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING'),
    step: db.prepare(`INSERT INTO steps (id, version_id, position, name, query_type, query, input_datasets, output_datasets, job_type, created_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`),
    run: db.prepare(`INSERT INTO runs (id, pipeline_id, version_id, name, status, argo_manifest, argo_metadata, created_at, finished_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`),
    runStep: db.prepare(`INSERT INTO run_steps (run_id, position, name, run_name, status, started_at, finished_at)
      VALUES (?, ?, ?, ?, ?, ?, ?)`)
  }
  db.transaction(() => {
    for (const run of runs) {
      const version = run.pipeline_version
      statements.pipeline.run(version.pipeline_id)
      statements.version.run(version.id, version.pipeline_id, micros(version.created_at))
      version.steps.forEach((s, position) => statements.step.run(s.id, version.id, position, s.name, s.config.query_type, s.config.query,
        JSON.stringify(s.config.input_datasets), JSON.stringify(s.config.output_datasets), s.config.job_type, micros(s.created_at)))
      statements.run.run(run.id, version.pipeline_id, version.id, run.name, run.status, JSON.stringify(run.argo_manifest),
        JSON.stringify(run.argo_metadata), micros(run.created_at), micros(run.finished_at))
      run.run_steps.forEach((s, position) => statements.runStep.run(run.id, position, s.name, s.run_name, s.status, micros(s.started_at), micros(s.finished_at)))
    }
  })()
}

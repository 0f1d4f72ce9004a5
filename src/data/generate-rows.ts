// The generator's records as table rows (RowBatch), in batches: the work a generator thread does for the writer.
import { timestampReader, type RowBatch, type RunStepRow, type StepRow } from '../db/write-runs.ts'
import { generateRunRecords, type GenerateOptions } from './generator.ts'

/** Yields the runs of `generateRunRecords(options)` as row batches of `size` runs; each version once, before its runs. */
export function * generateRowBatches (options: GenerateOptions, size: number): Generator<RowBatch> {
  const micros = timestampReader()
  const nullable = (text: string | null): number | null => text === null ? null : micros(text)
  const seenVersions = new Set<string>()
  let batch: RowBatch = { versions: [], runs: [], runSteps: [] }
  for (const { run, manifestJson, metadataJson } of generateRunRecords(options)) {
    const version = run.pipeline_version
    if (!seenVersions.has(version.id)) {
      seenVersions.add(version.id)
      batch.versions.push({
        id: version.id,
        pipelineId: version.pipeline_id,
        createdAt: micros(version.created_at),
        manifestJson,
        steps: version.steps.map((s): StepRow => [s.id, s.name, s.config.query_type, s.config.query,
          JSON.stringify(s.config.input_datasets), JSON.stringify(s.config.output_datasets), s.config.job_type, micros(s.created_at)])
      })
    }
    batch.runs.push([run.id, version.id, run.name, run.status, metadataJson, micros(run.created_at), nullable(run.finished_at)])
    batch.runSteps.push(run.run_steps.map((s): RunStepRow => [s.name, s.run_name, s.status, nullable(s.started_at), nullable(s.finished_at)]))
    if (batch.runs.length === size) {
      yield batch
      batch = { versions: [], runs: [], runSteps: [] }
    }
  }
  if (batch.runs.length > 0) yield batch
}

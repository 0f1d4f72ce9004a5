// The generator's records as table rows (RowBatch), in batches: the work a generator thread does for the writer.
import { runTailJson } from '../db/run-tail.ts'
import { addToBatch, runStepRows, RUN_ROW_FIELDS, timestampReader, versionRow, type RowBatch } from '../db/write-runs.ts'
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
      batch.versions.push(versionRow(version, manifestJson, micros))
    }
    addToBatch(batch, [run.id, version.id, run.name, run.status, metadataJson, micros(run.created_at), nullable(run.finished_at), runTailJson(run, micros)],
      runStepRows(run, micros))
    if (batch.runs.length === size * RUN_ROW_FIELDS) {
      yield batch
      batch = { versions: [], runs: [], runSteps: [] }
    }
  }
  if (batch.runs.length > 0) yield batch
}

// The generator's records as table rows (RowBatch), in batches: the work a generator thread does for the writer.
import { runRow, timestampReader, versionRow, type RowBatch } from '../db/rows.ts'
import { generateRunRecords, type GenerateOptions } from './generator.ts'

/** Yields the runs of `generateRunRecords(options)` as row batches of `size` runs; each version once, before its runs. */
export function * generateRowBatches (options: GenerateOptions, size: number): Generator<RowBatch> {
  const micros = timestampReader()
  const seenVersions = new Set<string>()
  let batch: RowBatch = { versions: [], runs: [] }
  for (const { run, manifestJson, metadataJson } of generateRunRecords(options)) {
    const version = run.pipeline_version
    if (!seenVersions.has(version.id)) {
      seenVersions.add(version.id)
      batch.versions.push(versionRow(version, manifestJson, micros))
    }
    batch.runs.push(runRow(run, metadataJson, micros))
    if (batch.runs.length === size) {
      yield batch
      batch = { versions: [], runs: [] }
    }
  }
  if (batch.runs.length > 0) yield batch
}

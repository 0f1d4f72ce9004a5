// `seed export`: a pipeline's runs as the endpoint serves them, streamed run by run from SQLite.
import type { Db } from '../db/open.ts'
import { RUN_STATEMENTS } from '../queries/runs.ts'

export interface ExportSelection {
  pipelineId: string
  versionId?: string
}

export interface RunExporter {
  pipelineExists: (pipelineId: string) => boolean
  /** The endpoint's 200 body in pieces (`[`, runs joined by `,`, `]`): the same bytes, never one whole string. */
  chunks: (selection: ExportSelection) => Generator<string>
}

export function createRunExporter (db: Db): RunExporter {
  const pipelineExists = db.prepare('SELECT 1 FROM pipelines WHERE id = ?').pluck()
  const ofPipeline = db.prepare(RUN_STATEMENTS.ofPipeline).pluck()
  const ofVersion = db.prepare(RUN_STATEMENTS.ofVersion).pluck()
  return {
    pipelineExists: (pipelineId) => pipelineExists.get(pipelineId) !== undefined,
    * chunks ({ pipelineId, versionId }) {
      const rows = (versionId === undefined ? ofPipeline.iterate(pipelineId) : ofVersion.iterate(pipelineId, versionId)) as IterableIterator<string>
      yield '['
      let first = true
      for (const run of rows) {
        yield first ? run : `,${run}`
        first = false
      }
      yield ']'
    }
  }
}

// Write side: upserts runs (with their pipeline, version and steps) into the tables, from the response shape or rows.
import type { RunRead } from '../schemas/runs.ts'
import type { Db } from './open.ts'
import { runRow, timestampReader, versionRow, type RowBatch, type RunRow, type RunWithoutArgo, type VersionRow } from './rows.ts'

export interface RunWriter {
  /**
   * A write session, inside one transaction: each version is written once and each manifest looked up once. With
   * `mayExist` false (no run with these ids is stored: the tables were emptied in this transaction, or held no run
   * and the caller refuses repeated ids) nothing is looked up to be replaced.
   */
  session: (options?: { mayExist?: boolean }) => WriteSession
  /** Upserts runs in the response shape by id, in one session; call inside a transaction. */
  writeRuns: (runs: Iterable<RunRead>) => number
  deletePipeline: (pipelineId: string) => boolean
  deleteAll: () => void
  /** Deletes the pipeline's finished runs beyond its `keep` newest runs; returns how many went. */
  pruneRuns: (pipelineId: string, keep: number) => number
}

export interface WriteSession {
  /** Upserts one run whose Argo objects are JSON text already. */
  writeRun: (run: RunWithoutArgo, manifestJson: string, metadataJson: string) => void
  /** Writes rows prepared elsewhere (a generator thread): each version's runs share its manifest. */
  writeRows: (batch: RowBatch) => void
}

// Distinct manifests remembered per session: a version's runs share one, and most data has few versions.
const MANIFESTS_REMEMBERED = 64

export function createRunWriter (db: Db): RunWriter {
  const insertPipeline = db.prepare('INSERT INTO pipelines (id) VALUES (?) ON CONFLICT (id) DO NOTHING')
  const upsertVersion = db.prepare(`INSERT INTO pipeline_versions (id, pipeline_id, created_at) VALUES (?, ?, ?)
    ON CONFLICT (id) DO UPDATE SET created_at = excluded.created_at`)
  const deleteSteps = db.prepare('DELETE FROM steps WHERE version_id = ?')
  const insertStep = db.prepare(`INSERT INTO steps
    (id, version_id, position, name, query_type, query, input_datasets, output_datasets, job_type, created_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
  const findManifest = db.prepare('SELECT id FROM argo_manifests WHERE json = ?').pluck()
  const insertManifest = db.prepare('INSERT INTO argo_manifests (json) VALUES (?)')
  const deleteRun = db.prepare('DELETE FROM runs WHERE id = ?')
  const insertRun = db.prepare(`INSERT INTO runs
    (id, pipeline_id, version_id, name, status, manifest_id, argo_metadata, created_at, finished_at, tail_json)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
  const deleteRunSteps = db.prepare('DELETE FROM run_steps WHERE run_id = ?')
  const insertRunStep = db.prepare(`INSERT INTO run_steps (run_id, position, name, run_name, status, started_at, finished_at)
    VALUES (?, ?, ?, ?, ?, ?, ?)`)
  const deletePipeline = db.prepare('DELETE FROM pipelines WHERE id = ?')
  const pruneRuns = db.prepare(`DELETE FROM runs WHERE pipeline_id = ? AND finished_at IS NOT NULL AND id NOT IN
    (SELECT id FROM runs WHERE pipeline_id = ? ORDER BY created_at DESC, id DESC LIMIT ?)`)

  function writeVersion (version: VersionRow): void {
    insertPipeline.run(version.pipelineId)
    upsertVersion.run(version.id, version.pipelineId, version.createdAt)
    deleteSteps.run(version.id)
    version.steps.forEach((step, position) => {
      insertStep.run(step.id, version.id, position, step.name, step.queryType, step.query, step.inputDatasets,
        step.outputDatasets, step.jobType, step.createdAt)
    })
  }

  /** Replaces the run: the old row and steps go, the steps then the run (with its tail) come in. */
  function writeRunRow (run: RunRow, pipelineId: string, manifestId: number, mayExist: boolean): void {
    if (mayExist) {
      deleteRun.run(run.id)
      deleteRunSteps.run(run.id)
    }
    run.steps.forEach((step, position) => {
      insertRunStep.run(run.id, position, step.name, step.runName, step.status, step.startedAt, step.finishedAt)
    })
    insertRun.run(run.id, pipelineId, run.versionId, run.name, run.status, manifestId, run.metadataJson, run.createdAt,
      run.finishedAt, run.tailJson)
  }

  function session ({ mayExist = true }: { mayExist?: boolean } = {}): WriteSession {
    // A run goes in after its steps (whose triggers then find no run to render again), so the steps' foreign key is
    // checked at the commit. The setting lasts until the end of the transaction.
    db.pragma('defer_foreign_keys = ON')
    const micros = timestampReader()
    const manifests = new Map<string, number>()
    const versions = new Map<string, { pipelineId: string, manifestId: number }>()

    function manifestId (json: string): number {
      let id = manifests.get(json)
      if (id === undefined) {
        id = (findManifest.get(json) as number | undefined) ?? Number(insertManifest.run(json).lastInsertRowid)
        if (manifests.size >= MANIFESTS_REMEMBERED) manifests.clear()
        manifests.set(json, id)
      }
      return id
    }

    function addVersion (version: VersionRow): { pipelineId: string, manifestId: number } {
      writeVersion(version)
      const written = { pipelineId: version.pipelineId, manifestId: manifestId(version.manifestJson) }
      versions.set(version.id, written)
      return written
    }

    return {
      writeRun (run, manifestJson, metadataJson) {
        const version = run.pipeline_version
        if (run.pipeline_config_version_id !== version.id) {
          throw new Error(`run ${run.id}: pipeline_config_version_id ${run.pipeline_config_version_id} is not its pipeline_version.id ${version.id}`)
        }
        if (!versions.has(version.id)) addVersion(versionRow(version, manifestJson, micros))
        writeRunRow(runRow(run, metadataJson, micros), version.pipeline_id, manifestId(manifestJson), mayExist)
      },
      writeRows ({ versions: batchVersions, runs }) {
        for (const version of batchVersions) addVersion(version)
        for (const run of runs) {
          const version = versions.get(run.versionId)
          if (version === undefined) throw new Error(`run ${run.id}: version ${run.versionId} was not written first`)
          writeRunRow(run, version.pipelineId, version.manifestId, mayExist)
        }
      }
    }
  }

  return {
    session,
    writeRuns (runs) {
      const writing = session()
      let count = 0
      for (const run of runs) {
        writing.writeRun(run, JSON.stringify(run.argo_manifest), JSON.stringify(run.argo_metadata))
        count++
      }
      return count
    },
    deletePipeline: (pipelineId) => deletePipeline.run(pipelineId).changes > 0,
    // Child tables first, each without a WHERE: SQLite's truncate optimisation where no trigger prevents it, and no
    // reliance on ON DELETE CASCADE. The runs go before their steps, whose delete trigger then finds no run to update.
    deleteAll: () => {
      db.exec('DELETE FROM runs; DELETE FROM run_steps; DELETE FROM argo_manifests; DELETE FROM steps; DELETE FROM pipeline_versions; DELETE FROM pipelines')
    },
    pruneRuns: (pipelineId, keep) => pruneRuns.run(pipelineId, pipelineId, keep).changes
  }
}

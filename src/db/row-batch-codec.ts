// A RowBatch across a thread boundary: runs and their steps as flat arrays, since a structured clone costs per object.
import type { RowBatch, RunRow, RunStepRow } from './rows.ts'

type Cell = string | number | null

/** Versions as they are (a batch has few); each run as its fields then its step count; every step's fields in order. */
export interface FlatRowBatch {
  versions: RowBatch['versions']
  runs: Cell[]
  runSteps: Cell[]
}

const RUN_FIELDS = 9
const STEP_FIELDS = 5

export function encodeRowBatch ({ versions, runs }: RowBatch): FlatRowBatch {
  const flat: FlatRowBatch = { versions, runs: [], runSteps: [] }
  for (const run of runs) {
    flat.runs.push(run.id, run.versionId, run.name, run.status, run.metadataJson, run.createdAt, run.finishedAt, run.tailJson, run.steps.length)
    for (const step of run.steps) flat.runSteps.push(step.name, step.runName, step.status, step.startedAt, step.finishedAt)
  }
  return flat
}

export function decodeRowBatch ({ versions, runs, runSteps }: FlatRowBatch): RowBatch {
  const decoded: RunRow[] = []
  for (let at = 0, stepAt = 0; at < runs.length; at += RUN_FIELDS) {
    const steps: RunStepRow[] = []
    for (let i = 0; i < (runs[at + 8] as number); i++, stepAt += STEP_FIELDS) {
      steps.push({
        name: runSteps[stepAt] as string,
        runName: runSteps[stepAt + 1] as string,
        status: runSteps[stepAt + 2] as string,
        startedAt: runSteps[stepAt + 3] as number | null,
        finishedAt: runSteps[stepAt + 4] as number | null
      })
    }
    decoded.push({
      id: runs[at] as string,
      versionId: runs[at + 1] as string,
      name: runs[at + 2] as string,
      status: runs[at + 3] as string,
      metadataJson: runs[at + 4] as string,
      createdAt: runs[at + 5] as number,
      finishedAt: runs[at + 6] as number | null,
      tailJson: runs[at + 7] as string,
      steps
    })
  }
  return { versions, runs: decoded }
}

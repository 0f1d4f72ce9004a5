// The endpoint's answers kept as the exact bytes per (pipeline, version), least recently used first out when over a
// byte budget, and all dropped as soon as the data may have changed.
import { LRUCache } from 'lru-cache'
import type { ChangeTracker } from '../db/changes.ts'
import type { RunQueries } from './runs.ts'

/** The 200 body, or undefined when there is no such pipeline. */
export type RunsBodySource = (pipelineId: string, versionId?: string) => Promise<Buffer | undefined>

export interface RunsCacheOptions {
  queries: RunQueries
  changes: ChangeTracker
  /** Budget for bodies and keys together; 0 turns the cache off. */
  maxBytes: number
}

export interface RunsCache {
  runsBody: RunsBodySource
  /** Bytes held now (bodies, keys and a fixed allowance per entry). */
  size: () => number
}

const PIPELINE_NOT_FOUND = Symbol('pipeline not found')
type Answer = Buffer | typeof PIPELINE_NOT_FOUND
// Roughly what lru-cache and V8 spend per entry beyond the body and the key.
const ENTRY_OVERHEAD_BYTES = 200

export function createRunsCache ({ queries, changes, maxBytes }: RunsCacheOptions): RunsCache {
  if (maxBytes === 0) {
    return { runsBody: async (pipelineId, versionId) => queries.runsBody(pipelineId, versionId), size: () => 0 }
  }
  const answers = new LRUCache<string, Answer>({
    maxSize: maxBytes,
    sizeCalculation: (answer, key) => key.length + ENTRY_OVERHEAD_BYTES + (answer === PIPELINE_NOT_FOUND ? 0 : answer.length)
  })
  let answersEpoch = -1

  function lookup (epoch: number, pipelineId: string, versionId: string | undefined): Buffer | undefined {
    if (epoch !== answersEpoch) {
      answers.clear()
      answersEpoch = epoch
    }
    const key = versionId === undefined ? pipelineId : `${pipelineId}?${versionId}`
    let answer = answers.get(key)
    if (answer === undefined) {
      answer = queries.runsBody(pipelineId, versionId) ?? PIPELINE_NOT_FOUND
      answers.set(key, answer)
    }
    return answer === PIPELINE_NOT_FOUND ? undefined : answer
  }

  return {
    runsBody: async (pipelineId, versionId) => {
      await changes.nextEpoch()
      // Writes this process made since the shared check (in another request's continuation) count too.
      return lookup(changes.localEpoch(), pipelineId, versionId)
    },
    size: () => answers.calculatedSize
  }
}

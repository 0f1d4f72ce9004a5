// The simulation's timer loop: read the state from SQLite, step it to the clock's now, write what changed, prune.
import { isBusy, withBusyTimeout } from '../db/busy.ts'
import type { Db } from '../db/open.ts'
import { createRunWriter } from '../db/write-runs.ts'
import { createSimulationQueries } from '../queries/simulation.ts'
import { realClock, scaledClock, type Clock } from './clock.ts'
import { advance, type SimulationOptions } from './engine.ts'

export interface RunnerOptions extends SimulationOptions {
  db: Db
  clock: Clock
  /** Finished runs beyond each pipeline's `keep` newest are deleted; 0 keeps everything. */
  keep: number
  /** Real milliseconds between ticks. */
  tickMs?: number
  /** Called after each commit that changed data, with the pipelines it touched (a response cache hooks in here). */
  onChange?: (pipelineIds: readonly string[]) => void
  onError?: (error: unknown) => void
}

export interface TickResult {
  now: number
  written: number
  pruned: number
  pipelineIds: string[]
}

export interface SimulationRunner {
  /** One step to the clock's now; the state is read from the database each time, so other writers are seen. */
  tick: () => TickResult
  start: () => void
  stop: () => void
}

export const DEFAULT_TICK_MS = 1000

export function createSimulationRunner (options: RunnerOptions): SimulationRunner {
  const { db, clock, keep } = options
  const queries = createSimulationQueries(db)
  const writer = createRunWriter(db)
  let timer: NodeJS.Timeout | undefined

  const step = db.transaction((now: number): TickResult => {
    const { changed } = advance(queries.loadState(), now, options)
    writer.writeRuns(changed)
    const pipelineIds = [...new Set(changed.map((run) => run.pipeline_version.pipeline_id))]
    let pruned = 0
    if (keep > 0) for (const id of pipelineIds) pruned += writer.pruneRuns(id, keep)
    return { now, written: changed.length, pruned, pipelineIds }
  })

  const tick = (): TickResult => {
    const result = withBusyTimeout(db, 0, () => step.immediate(clock.now()))
    if (result.pipelineIds.length > 0) options.onChange?.(result.pipelineIds)
    return result
  }

  // While another process writes the file the tick is skipped; the next one catches up on the clock.
  const tickUnlessBusy = (): void => {
    try {
      tick()
    } catch (error) {
      if (!isBusy(error)) throw error
    }
  }

  return {
    tick,
    start () {
      if (timer !== undefined) return
      tickUnlessBusy()
      timer = setInterval(() => {
        try {
          tickUnlessBusy()
        } catch (error) {
          options.onError?.(error)
        }
      }, options.tickMs ?? DEFAULT_TICK_MS)
      timer.unref()
    },
    stop () {
      clearInterval(timer)
      timer = undefined
    }
  }
}

/**
 * The clock `serve --simulate` runs on: the wall clock times `speed`, starting at the wall clock or, when the
 * database already holds later instants (an earlier run at --speed > 1), at the latest of them, so time never
 * goes backwards across restarts.
 */
export function simulationClock (db: Db, speed: number, wall: Clock = realClock()): Clock {
  const latest = createSimulationQueries(db).latestInstant() ?? 0
  return scaledClock(speed, Math.max(wall.now(), latest), wall)
}

// What a run draws, whether generated (seed generate) or simulated (serve --simulate): queueing, step durations,
// gaps, the final phase, the failing step and its message. The timeline is laid out from these elsewhere.
import type { WorkflowPhase } from './argo.ts'
import type { Random } from './random.ts'

export const QUEUE_MAX_SECONDS = 180
export const STEP_MAX_SECONDS = 360
export const GAP_MAX_SECONDS = 3
/** Runs that wait in the queue well beyond the usual second or two. */
const QUEUED_SHARE = 0.08
const FINAL_PHASE_WEIGHTS: Array<[WorkflowPhase, number]> = [['Succeeded', 0.88], ['Failed', 0.085], ['Error', 0.035]]
const ERROR_MESSAGES = [
  'pod deleted',
  'Pod was active on the node longer than the specified deadline',
  'failed to save outputs: timed out waiting for the condition'
]

export interface RunDraws {
  queueSeconds: number
  firstGap: number
  durations: number[]
  gaps: number[]
  outcome: WorkflowPhase
  failingStep: number
  errorMessage: string
  finishGap: number
}

/** A version's steps as the draws see them: how long each usually takes, and which run on weekdays only. */
export interface StepShape {
  typicalSeconds: readonly number[]
  conditional: readonly boolean[]
}

/** `queued`: a run known to be waiting (the newest, still Pending ones) waits at least 30 s. */
export function drawRun (random: Random, steps: StepShape, queued: boolean): RunDraws {
  const count = steps.typicalSeconds.length
  const durations = new Array<number>(count)
  const gaps = new Array<number>(count)
  for (let i = 0; i < count; i++) {
    const typical = steps.typicalSeconds[i] as number
    const slowdown = random.chance(0.03) ? 1.5 + random.float() : 0.75 + 0.5 * random.float()
    durations[i] = Math.max(1, Math.min(STEP_MAX_SECONDS, Math.round(typical * slowdown)))
    gaps[i] = random.int(1, GAP_MAX_SECONDS)
  }
  const candidates: number[] = []
  steps.conditional.forEach((conditional, index) => { if (!conditional) candidates.push(index) })
  const drawn = random.weighted(FINAL_PHASE_WEIGHTS)
  const outcome = candidates.length === 0 ? 'Succeeded' : drawn
  const failingStep = outcome === 'Succeeded' ? -1 : random.pick(candidates)
  if (failingStep >= 0) durations[failingStep] = Math.max(1, Math.floor((durations[failingStep] as number) * (0.05 + 0.85 * random.float())))
  return {
    queueSeconds: queued ? random.int(30, QUEUE_MAX_SECONDS) : random.chance(QUEUED_SHARE) ? random.int(20, QUEUE_MAX_SECONDS) : random.int(0, 2),
    firstGap: random.int(0, 1),
    durations,
    gaps,
    outcome,
    failingStep,
    errorMessage: outcome === 'Error' ? random.pick(ERROR_MESSAGES) : '',
    finishGap: random.int(0, 1)
  }
}

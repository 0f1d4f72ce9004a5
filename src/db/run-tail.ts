// A run's stored tail_json rendered in JS: byte for byte what the view run_tail_json renders (migrations/004).
import { formatTimestamp } from '../contract/timestamps.ts'
import type { RunRead } from '../schemas/runs.ts'

/** Text to microseconds; throws on an invalid timestamp (see timestampReader). */
export type MicrosReader = (text: string) => number

// pydantic's own form: what formatTimestamp gives back unchanged (a zero fraction is written without one).
const RESPONSE_FORM = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.(?!0{6})\d{6})?Z$/

/**
 * `,"created_at":…,"finished_at":…,"run_steps":[…]}`: the run's JSON from created_at to its end. Call it after
 * `micros` has accepted every timestamp of the run (the row values are read first), so any text already in
 * pydantic's form is its own rendering.
 */
export function runTailJson (run: Pick<RunRead, 'created_at' | 'finished_at' | 'run_steps'>, micros: MicrosReader): string {
  // Fresh objects in the response's key order, serialised natively in one go: json_quote escapes what
  // JSON.stringify escapes, the same way, for well-formed text (the writer stores step texts well-formed too).
  const steps = run.run_steps.map((step) => ({
    name: step.name.toWellFormed(),
    run_name: step.run_name.toWellFormed(),
    status: step.status,
    started_at: responseTime(step.started_at, micros),
    finished_at: responseTime(step.finished_at, micros)
  }))
  const createdAt = responseTime(run.created_at, micros)
  const finishedAt = responseTime(run.finished_at, micros)
  return `,"created_at":${JSON.stringify(createdAt)},"finished_at":${JSON.stringify(finishedAt)},"run_steps":${JSON.stringify(steps)}}`
}

function responseTime (text: string | null, micros: MicrosReader): string | null {
  if (text === null) return null
  return RESPONSE_FORM.test(text) ? text : formatTimestamp(micros(text))
}

// Clocks for the simulation, in microseconds since the epoch: the wall clock, a scaled one (--speed) and a manual one.
import { performance } from 'node:perf_hooks'

export interface Clock {
  /** Microseconds since the epoch (UTC), a whole number that never goes backwards. */
  now: () => number
}

export interface ManualClock extends Clock {
  set: (microseconds: number) => void
  advance: (microseconds: number) => void
}

/** The wall clock with microsecond resolution (performance.timeOrigin + performance.now()), never going backwards. */
export function realClock (): Clock {
  let last = 0
  return {
    now () {
      last = Math.max(last, Math.floor((performance.timeOrigin + performance.now()) * 1000))
      return last
    }
  }
}

/** Starts at `start` and runs `speed` times faster than `source` from the moment it is made. */
export function scaledClock (speed: number, start: number, source: Clock = realClock()): Clock {
  if (!(speed > 0) || !Number.isFinite(speed)) throw new RangeError(`speed must be a positive number, got ${speed}`)
  const origin = source.now()
  return { now: () => start + Math.floor((source.now() - origin) * speed) }
}

/** A clock that moves only when told to; it refuses to go backwards, as a real one would. */
export function manualClock (start: number): ManualClock {
  let current = start
  const set = (microseconds: number): void => {
    if (microseconds < current) throw new RangeError(`a clock never goes backwards (${microseconds} < ${current})`)
    current = Math.floor(microseconds)
  }
  return {
    now: () => current,
    set,
    advance: (microseconds) => { set(current + microseconds) }
  }
}

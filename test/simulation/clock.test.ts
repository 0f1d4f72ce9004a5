// Clocks: the manual clock refuses to go back, the scaled clock runs N times faster than its source.
import { describe, expect, it } from 'vitest'
import { manualClock, realClock, scaledClock } from '../../src/simulation/clock.ts'

describe('clocks', () => {
  it('manual: moves only when told, never backwards', () => {
    const clock = manualClock(1_000)
    clock.advance(500)
    expect(clock.now()).toBe(1_500)
    clock.set(2_000)
    expect(clock.now()).toBe(2_000)
    expect(() => clock.set(1_999)).toThrow(/never goes backwards/)
  })

  it('scaled: starts where told and runs speed times faster than its source', () => {
    const source = manualClock(5_000_000)
    const clock = scaledClock(60, 1_000_000_000, source)
    expect(clock.now()).toBe(1_000_000_000)
    source.advance(2_000_000)
    expect(clock.now()).toBe(1_120_000_000)
    expect(() => scaledClock(0, 0, source)).toThrow(RangeError)
  })

  it('real: microseconds near Date.now(), never decreasing', () => {
    const clock = realClock()
    const first = clock.now()
    expect(Number.isInteger(first)).toBe(true)
    expect(Math.abs(first / 1000 - Date.now())).toBeLessThan(60_000)
    expect(clock.now()).toBeGreaterThanOrEqual(first)
  })
})

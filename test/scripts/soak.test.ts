// The short soak `npm test` runs: autocannon over a real socket against the spawned server; nothing may go wrong.
import { describe, expect, it } from 'vitest'
import { describeSoak, runSoak, soakFailures } from '../../scripts/soak.ts'

describe('soak (short)', () => {
  it('answers every request of the mix as the contract says, with no error or timeout, and exits 0 after', async () => {
    const options = { connections: 20, durationSeconds: 3 }
    const result = await runSoak(options)
    console.info(describeSoak(result, options))
    expect(soakFailures(result)).toEqual([])
    expect(Object.keys(result.byKind)).toHaveLength(9)
    expect(result.requests).toBeGreaterThan(0)
  }, 60_000)
})

// Token and API-key checks take the same path whatever the candidate: fixed-length digests, every accepted value
// compared, no early exit. Checked by recording the comparisons, not by timing them.
import { beforeEach, describe, expect, it, vi } from 'vitest'

const comparisons = vi.hoisted(() => [] as Array<[number, number]>)

vi.mock('node:crypto', async (importOriginal) => {
  const crypto = await importOriginal<typeof import('node:crypto')>()
  return {
    ...crypto,
    timingSafeEqual: (a: NodeJS.ArrayBufferView, b: NodeJS.ArrayBufferView) => {
      comparisons.push([a.byteLength, b.byteLength])
      return crypto.timingSafeEqual(a, b)
    }
  }
})

const { createApiKeyCheck, createAuthenticator } = await import('../src/auth.ts')

const TOKENS = ['first-token', 'second-token-which-is-much-longer', 'third']

beforeEach(() => { comparisons.length = 0 })

describe('bearer tokens', () => {
  const authenticate = createAuthenticator({ tokens: TOKENS, apiKeys: [] })

  it.each([
    ['the first accepted token', 'first-token', true],
    ['the last accepted token', 'third', true],
    ['a prefix of a token', 'first', false],
    ['a wrong token of the same length', 'first-tokeX', false],
    ['a 10 KB token', 'x'.repeat(10_240), false],
    ['non-ASCII', 'tökén', false]
  ])('%s: compared with all %#', (_name, candidate, accepted) => {
    expect(authenticate(`Bearer ${candidate}`)).toBe(accepted ? undefined : authenticate('Bearer nope'))
    comparisons.length = 0
    authenticate(`Bearer ${candidate}`)
    expect(comparisons).toEqual(TOKENS.map(() => [32, 32]))
  })

  it('compares nothing when the header is not a bearer credential (FastAPI answers before any check)', () => {
    authenticate('Basic abc')
    authenticate(undefined)
    expect(comparisons).toEqual([])
  })
})

describe('API keys', () => {
  const check = createApiKeyCheck({ tokens: [], apiKeys: ['key-one', 'key-two'] })

  it.each(['key-one', 'key-two', 'key-three', 'k'.repeat(5_000)])('%s is compared with every configured key', (candidate) => {
    check(candidate)
    expect(comparisons).toEqual([[32, 32], [32, 32]])
  })
})

// formatTimestamp/parseTimestamp against what pydantic 2.13 writes and reads (test/fixtures/pydantic/timestamps.json).
import { describe, expect, it } from 'vitest'
import { formatTimestamp, parseTimestamp } from '../../src/contract/timestamps.ts'
import { readJson } from '../helpers/temp.ts'

interface Oracle {
  format: Array<{ micros: number, text: string }>
  parse: Array<{ text: string, micros: number, utc: string }>
}
const oracle = readJson<Oracle>('test/fixtures/pydantic/timestamps.json')

describe('formatTimestamp', () => {
  it.each(oracle.format.map((c) => [c.micros, c.text] as const))('%d µs → %s', (micros, text) => {
    expect(formatTimestamp(micros)).toBe(text)
  })

  it('never writes milliseconds the way toISOString does', () => {
    expect(formatTimestamp(1_699_335_116_120_000)).toBe('2023-11-07T05:31:56.120000Z')
    expect(formatTimestamp(1_699_335_116_000_000)).not.toContain('.000')
  })
})

describe('parseTimestamp', () => {
  it.each(oracle.parse.map((c) => [c.text, c] as const))('%s', (text, c) => {
    expect(parseTimestamp(text)).toBe(c.micros)
    expect(formatTimestamp(c.micros)).toBe(c.utc)
  })

  it.each([
    ['no offset', '2023-11-07T05:31:56'],
    ['month 13', '2023-13-07T05:31:56Z'],
    ['30 February', '2024-02-30T00:00:00Z'],
    ['hour 24', '2023-11-07T24:00:00Z'],
    ['seven fraction digits', '2023-11-07T05:31:56.1234567Z'],
    ['not a date', 'yesterday']
  ])('rejects %s', (_name, text) => {
    expect(parseTimestamp(text)).toBeUndefined()
  })
})

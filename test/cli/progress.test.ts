// createProgress off a terminal: one plain line per 10% on the given stream, nothing for small jobs.
import { describe, expect, it } from 'vitest'
import { createProgress } from '../../src/cli/progress.ts'

function fakeStream (isTTY: boolean): { stream: NodeJS.WriteStream, lines: () => string[] } {
  let text = ''
  const stream = { isTTY, write: (chunk: string) => { text += chunk; return true } } as unknown as NodeJS.WriteStream
  return { stream, lines: () => text.split('\n').filter((line) => line !== '') }
}

describe('createProgress off a terminal', () => {
  it('prints a line each time another tenth is done, however the updates fall', () => {
    const { stream, lines } = fakeStream(false)
    const progress = createProgress({ label: 'generating runs', total: 1000, stream })
    for (const value of [50, 100, 150, 420, 999, 1000]) progress.update(value)
    progress.stop()
    expect(lines()).toEqual([
      'generating runs: 100/1000 (10%)',
      'generating runs: 420/1000 (42%)',
      'generating runs: 999/1000 (99%)',
      'generating runs: 1000/1000 (100%)'
    ])
  })

  it('formats values and stays silent below linesFrom', () => {
    const big = fakeStream(false)
    const progress = createProgress({ label: 'importing', total: 2e6, format: (v) => `${v / 1e6} MB`, stream: big.stream, linesFrom: 1e6 })
    progress.update(2e6)
    expect(big.lines()).toEqual(['importing: 2 MB/2 MB (100%)'])
    const small = fakeStream(false)
    createProgress({ label: 'importing', total: 10, stream: small.stream, linesFrom: 1e6 }).update(10)
    expect(small.lines()).toEqual([])
  })
})

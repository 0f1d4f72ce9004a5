// Replays 1,200 raw requests recorded against the real FastAPI 0.141.1 / uvicorn backend (test/fixtures/fastapi-oracle)
// on a real socket: status, every header in order (date's value aside) and body must be the recorded ones.
import { describe, expect, it } from 'vitest'
import { readJson } from './helpers/temp.ts'
import { listen, seededDb, testApp } from './helpers/test-app.ts'
import { exchange } from './helpers/raw-http.ts'
import type { RunRead } from '../src/schemas/runs.ts'

const ORACLE = 'test/fixtures/fastapi-oracle'
const PARALLEL = 16

interface Recorded {
  request: string
  status: number
  headers: Array<[string, string]>
  body: string
}

interface Seen {
  status: number
  headers: Array<[string, string]>
  body: string
}

/** The answer of a connection the server closed after one response, headers as sent (name, value) in order. */
function parseClosedAnswer (raw: Buffer): Seen {
  const end = raw.indexOf('\r\n\r\n')
  const [statusLine = '', ...lines] = raw.subarray(0, end === -1 ? raw.length : end).toString('latin1').split('\r\n')
  const headers = lines.map((line): [string, string] => {
    const colon = line.indexOf(':')
    return [line.slice(0, colon), line.slice(colon + 1).trim()]
  })
  const masked = headers.map(([name, value]): [string, string] => [name, name.toLowerCase() === 'date' ? '<date>' : value])
  return { status: Number(statusLine.split(' ')[1]), headers: masked, body: end === -1 ? '' : raw.subarray(end + 4).toString('utf8') }
}

async function inParallel<T, R> (items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length)
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const index = next++
      results[index] = await fn(items[index] as T)
    }
  }
  await Promise.all(Array.from({ length: limit }, worker))
  return results
}

describe('replaying the real FastAPI backend', () => {
  it('answers every recorded request as FastAPI 0.141.1 on uvicorn did, byte for byte but for the date', async () => {
    const recorded = readJson<Recorded[]>(`${ORACLE}/fastapi-0.141.1-answers.json`)
    const app = await testApp({ token: ['demo-token'] }, seededDb(readJson<RunRead[]>(`${ORACLE}/runs.json`)))
    const port = await listen(app)
    const seen = await inParallel(recorded, PARALLEL, async (answer) =>
      parseClosedAnswer((await exchange(port, Buffer.from(answer.request, 'latin1'), 10_000)).raw))
    const differences = recorded.flatMap((answer, index) => {
      const expected: Seen = { status: answer.status, headers: answer.headers, body: answer.body }
      return JSON.stringify(seen[index]) === JSON.stringify(expected) ? [] : [{ request: answer.request, expected, seen: seen[index] }]
    })
    expect(recorded).toHaveLength(1200)
    expect(`${recorded.length - differences.length}/${recorded.length} equal`).toBe('1200/1200 equal')
    expect(differences.slice(0, 3)).toEqual([])
  }, 60_000)
})

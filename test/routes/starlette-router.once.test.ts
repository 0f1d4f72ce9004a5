// Each request runs its handler once, whatever its path: one runs lookup, one fault draw, no "Reply was already sent".
import { Writable } from 'node:stream'
import { describe, expect, it, vi } from 'vitest'
import { buildApp } from '../../src/app.ts'
import { loadConfig } from '../../src/config.ts'
import { rawExchange } from '../helpers/raw-http.ts'
import { FIXTURE, listen, seededDb } from '../helpers/test-app.ts'

const counts = vi.hoisted(() => ({ lookups: 0, draws: 0 }))

// The real query and the real injector, counted.
vi.mock('../../src/queries/runs.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/queries/runs.ts')>()
  return {
    ...real,
    createRunQueries: (...args: Parameters<typeof real.createRunQueries>) => {
      const queries = real.createRunQueries(...args)
      return { ...queries, runsBody: (...query: Parameters<typeof queries.runsBody>) => { counts.lookups++; return queries.runsBody(...query) } }
    }
  }
})
vi.mock('../../src/faults/inject.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/faults/inject.ts')>()
  return {
    ...real,
    createFaultInjector: (...args: Parameters<typeof real.createFaultInjector>) => {
      const injector = real.createFaultInjector(...args)
      return injector === undefined ? undefined : { ...injector, draw: () => { counts.draws++; return injector.draw() } }
    }
  }
})

const ID = FIXTURE.pipeline1
// [raw target, status, runs lookups, fault draws]: the draw comes first for every request the runs route takes.
const CASES: Array<[string, number, number, number]> = [
  [`/pipelines/${ID}/runs/`, 200, 1, 1],
  [`/pipelines/${ID}/runs/%0A`, 200, 1, 1],
  [`/pipelines/${ID}/runs/#fragment`, 200, 1, 1],
  [`/pipelines/${ID.toUpperCase()}/runs/`, 200, 1, 1],
  [`/pipelines/${ID}./runs/`, 422, 0, 1],
  [`/pipelines/${ID}/runs/.`, 404, 0, 0],
  [`/pipelines/${ID}%2F/runs/`, 404, 0, 0],
  [`/pipelines/${ID}%2Fx/runs/`, 404, 0, 0],
  [`/pipelines/${ID}/runs/%2E`, 404, 0, 0],
  ['/pipelines/%E6%9D%B1%E4%BA%AC/runs/', 422, 0, 1],
  [`/pipelines/${ID}/runs`, 307, 0, 0],
  ['/pipelines/b1b2c3d4-0009-4b6e-8f21-7a9c0d4e3b69/runs/%0A', 404, 1, 1]
]

async function loggedApp (lines: string[]) {
  const stream = new Writable({ write (chunk: Buffer, _encoding, callback) { lines.push(chunk.toString()); callback() } })
  const config = loadConfig({ token: ['demo-token'], latency: '1', 'fault-seed': '7', 'cache-mb': '0' }, {})
  return await buildApp({ config, db: seededDb(), logger: { level: 'debug', stream } })
}

describe('one dispatch per request', () => {
  it.each(CASES)('GET %s → %i with %i lookup(s) and %i draw(s), nothing answered twice', async (url, status, lookups, draws) => {
    const lines: string[] = []
    const app = await loggedApp(lines)
    try {
      counts.lookups = 0
      counts.draws = 0
      const port = await listen(app)
      const answer = await rawExchange(port, `GET ${url} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer demo-token\r\nConnection: close\r\n\r\n`)
      await new Promise((resolve) => setTimeout(resolve, 20)) // a second dispatch would still be running
      expect({ status: Number(answer.split(' ')[1]), lookups: counts.lookups, draws: counts.draws }).toEqual({ status, lookups, draws })
      expect(lines.length).toBeGreaterThan(0)
      expect(lines.filter((line) => /already sent|"level":(?:40|50)/.test(line))).toEqual([])
    } finally {
      await app.close()
    }
  })
})

// Global fault injection: seeded draws are reproducible, bounded, and reach clients over HTTP.
import { afterEach, describe, expect, it } from 'vitest'
import { createFaultInjector, NO_FAULTS, type FaultConfig } from '../../src/faults/inject.ts'
import { bearer, FIXTURE_PIPELINE, startTestServer, type TestServer } from '../fixtures/contract-server.ts'

const RUNS = `/pipelines/${FIXTURE_PIPELINE}/runs/`
const faults = (config: Partial<FaultConfig>): FaultConfig => ({ ...NO_FAULTS, ...config })
const draws = (config: FaultConfig, count: number) => {
  const injector = createFaultInjector(config)
  if (injector === undefined) throw new Error('expected an injector')
  return Array.from({ length: count }, () => injector.draw())
}

describe('createFaultInjector', () => {
  it('is off unless latency or an error rate is set', () => {
    expect(createFaultInjector(NO_FAULTS)).toBeUndefined()
    expect(createFaultInjector(faults({ seed: 3 }))).toBeUndefined()
  })

  it('repeats the same draws for the same seed, and others for another seed', () => {
    const config = faults({ latency: { min: 0, max: 1000 }, errorRate: 0.5, errorStatuses: [500, 503], seed: 42 })
    expect(draws(config, 200)).toEqual(draws(config, 200))
    expect(draws(config, 200)).not.toEqual(draws({ ...config, seed: 43 }, 200))
  })

  it('keeps the error sequence when only the latency changes', () => {
    const base = faults({ errorRate: 0.3, errorStatuses: [500, 503], seed: 7 })
    const statuses = (config: FaultConfig) => draws(config, 300).map((d) => d.status)
    expect(statuses({ ...base, latency: { min: 5, max: 50 } })).toEqual(statuses(base))
  })

  it('draws latency inside the range, both ends reachable', () => {
    const delays = draws(faults({ latency: { min: 10, max: 12 }, seed: 1 }), 300).map((d) => d.delayMs)
    expect(new Set(delays)).toEqual(new Set([10, 11, 12]))
  })

  it('gives a fixed latency when min equals max', () => {
    expect(new Set(draws(faults({ latency: { min: 25, max: 25 }, seed: 9 }), 50).map((d) => d.delayMs))).toEqual(new Set([25]))
  })

  it('fails about the configured share of requests, with the configured statuses', () => {
    const results = draws(faults({ errorRate: 0.25, errorStatuses: [500, 503], seed: 5 }), 4000)
    const failed = results.filter((d) => d.status !== undefined)
    expect(failed.length / results.length).toBeGreaterThan(0.22)
    expect(failed.length / results.length).toBeLessThan(0.28)
    expect(new Set(failed.map((d) => d.status))).toEqual(new Set([500, 503]))
    expect(draws(faults({ errorRate: 1, errorStatuses: [503], seed: 5 }), 100).every((d) => d.status === 503)).toBe(true)
  })

  it('picks a random seed when none is given and reports it', () => {
    const injector = createFaultInjector(faults({ errorRate: 0.5 }))
    expect(Number.isInteger(injector?.seed)).toBe(true)
  })
})

describe('fault injection over HTTP', () => {
  let servers: TestServer[] = []
  afterEach(async () => {
    await Promise.all(servers.map(async (s) => s.close()))
    servers = []
  })
  const start = async (config: FaultConfig) => {
    const server = await startTestServer({ faults: config })
    servers.push(server)
    return server
  }
  const statuses = async (server: TestServer, count: number) => {
    const seen: number[] = []
    for (let i = 0; i < count; i++) seen.push((await fetch(server.url + RUNS, { headers: bearer() })).status)
    return seen
  }

  it('two servers with the same seed fail the same requests', async () => {
    const config = faults({ errorRate: 0.4, errorStatuses: [500, 503], seed: 1234, latency: { min: 0, max: 3 } })
    const [a, b] = [await start(config), await start(config)]
    const first = await statuses(a, 40)
    expect(await statuses(b, 40)).toEqual(first)
    expect(new Set(first)).toEqual(new Set([200, 500, 503]))
  })

  it('answers injected errors in the contract shape, after routing and auth', async () => {
    const server = await start(faults({ errorRate: 1, errorStatuses: [503], seed: 1 }))
    const response = await server.app.inject({ url: RUNS, headers: bearer() })
    expect(response.statusCode).toBe(503)
    expect(response.body).toBe('{"detail":"Service Unavailable"}')
    expect((await server.app.inject({ url: RUNS })).statusCode).toBe(401)
    expect((await server.app.inject({ url: '/nowhere', headers: bearer() })).statusCode).toBe(404)
    expect((await server.app.inject({ url: '/openapi.json' })).statusCode).toBe(200)
  })

  it('a Prefer code wins over an injected error', async () => {
    const server = await start(faults({ errorRate: 1, errorStatuses: [500], seed: 1 }))
    const response = await server.app.inject({ url: RUNS, headers: { ...bearer(), prefer: 'code=404' } })
    expect(response.statusCode).toBe(404)
  })
})

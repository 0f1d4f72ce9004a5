// loadConfig: the contract-testing settings (compat, Prefer, faults, journal), flags over environment over defaults.
import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from '../src/config.ts'

describe('loadConfig: contract-testing settings', () => {
  it('defaults: current profile, Prefer honoured, no faults, a 1000-request journal', () => {
    const config = loadConfig({}, {})
    expect(config.compat).toBe('current')
    expect(config.prefer).toBe(true)
    expect(config.faults).toEqual({ latency: undefined, errorRate: 0, errorStatuses: [500], seed: undefined })
    expect(config.journalSize).toBe(1000)
  })

  it('reads the environment', () => {
    const config = loadConfig({}, {
      PIPELINES_MOCK_COMPAT: 'fastapi-0.110',
      PIPELINES_MOCK_NO_PREFER: 'true',
      PIPELINES_MOCK_LATENCY: '20-80',
      PIPELINES_MOCK_ERROR_RATE: '0.1',
      PIPELINES_MOCK_ERROR_STATUS: '503,500',
      PIPELINES_MOCK_FAULT_SEED: '42',
      PIPELINES_MOCK_JOURNAL_SIZE: '0'
    })
    expect(config).toMatchObject({
      compat: 'fastapi-0.110',
      prefer: false,
      faults: { latency: { min: 20, max: 80 }, errorRate: 0.1, errorStatuses: [503, 500], seed: 42 },
      journalSize: 0
    })
  })

  it('lets flags win over the environment', () => {
    const config = loadConfig({ compat: 'pydantic-2.12', latency: '15', 'error-status': '503' },
      { PIPELINES_MOCK_COMPAT: 'fastapi-0.121', PIPELINES_MOCK_LATENCY: '1-2', PIPELINES_MOCK_ERROR_STATUS: '500' })
    expect(config.compat).toBe('pydantic-2.12')
    expect(config.faults.latency).toEqual({ min: 15, max: 15 })
    expect(config.faults.errorStatuses).toEqual([503])
  })

  it.each([
    [{ compat: 'fastapi-0.99' }, 'invalid compatibility profile "fastapi-0.99": expected one of current, pydantic-2.12, fastapi-0.128, fastapi-0.121, fastapi-0.110 (--compat / PIPELINES_MOCK_COMPAT)'],
    [{ latency: '80-20' }, 'invalid latency "80-20": expected MS or MIN-MAX, whole milliseconds up to 60000 (--latency / PIPELINES_MOCK_LATENCY)'],
    [{ latency: '60001' }, 'invalid latency "60001": expected MS or MIN-MAX, whole milliseconds up to 60000 (--latency / PIPELINES_MOCK_LATENCY)'],
    [{ latency: 'fast' }, 'invalid latency "fast": expected MS or MIN-MAX, whole milliseconds up to 60000 (--latency / PIPELINES_MOCK_LATENCY)'],
    [{ 'error-rate': '1.5' }, 'invalid error rate "1.5": expected a number from 0 to 1 (--error-rate / PIPELINES_MOCK_ERROR_RATE)'],
    [{ 'error-rate': ' ' }, 'invalid error rate " ": expected a number from 0 to 1 (--error-rate / PIPELINES_MOCK_ERROR_RATE)'],
    [{ 'error-status': '502' }, 'invalid error status "502": expected 500, 503 or 500,503 (--error-status / PIPELINES_MOCK_ERROR_STATUS)'],
    [{ 'fault-seed': '-1' }, 'invalid fault seed "-1": expected an integer from 0 to 4294967295 (--fault-seed / PIPELINES_MOCK_FAULT_SEED)'],
    [{ 'journal-size': '100001' }, 'invalid journal size "100001": expected an integer from 0 to 100000 (--journal-size / PIPELINES_MOCK_JOURNAL_SIZE)']
  ])('rejects %j with one clear line', (flags, message) => {
    expect(() => loadConfig(flags, {})).toThrow(new ConfigError(message))
  })
})

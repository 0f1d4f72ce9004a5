// loadConfig: flags over environment over defaults, each value validated with one clear message.
import { describe, expect, it } from 'vitest'
import { ConfigError, DEFAULTS, ENV, loadConfig } from '../src/config.ts'

describe('loadConfig', () => {
  it('falls back to the documented defaults', () => {
    expect(loadConfig({}, {})).toEqual({
      host: '127.0.0.1',
      port: 8000,
      dbPath: './data/pipelines-mock.sqlite',
      tokens: ['demo-token'],
      apiKeys: [],
      adminToken: undefined,
      adminBodyLimit: 52428800,
      logLevel: 'info',
      seedDemo: true,
      compat: 'current',
      prefer: true,
      faults: { latency: undefined, errorRate: 0, errorStatuses: [500], seed: undefined },
      journalSize: 1000
    })
    expect(DEFAULTS.tokens).toEqual(['demo-token'])
  })

  it('reads every setting from the environment', () => {
    const env = {
      [ENV.host]: '0.0.0.0',
      [ENV.port]: '9000',
      [ENV.db]: '/tmp/x.sqlite',
      [ENV.tokens]: 'a, b',
      [ENV.apiKeys]: 'k1,k2',
      [ENV.adminToken]: 'admin-secret',
      [ENV.logLevel]: 'warn',
      [ENV.noSeed]: 'true'
    }
    expect(loadConfig({}, env)).toEqual({
      host: '0.0.0.0',
      port: 9000,
      dbPath: '/tmp/x.sqlite',
      tokens: ['a', 'b'],
      apiKeys: ['k1', 'k2'],
      adminToken: 'admin-secret',
      adminBodyLimit: 52428800,
      logLevel: 'warn',
      seedDemo: false,
      compat: 'current',
      prefer: true,
      faults: { latency: undefined, errorRate: 0, errorStatuses: [500], seed: undefined },
      journalSize: 1000
    })
  })

  it('lets flags win over the environment', () => {
    const env = { [ENV.host]: '0.0.0.0', [ENV.port]: '9000', [ENV.tokens]: 'env-token', [ENV.logLevel]: 'warn', [ENV.noSeed]: 'false' }
    const config = loadConfig({ host: '127.0.0.2', port: '0', token: ['flag-token'], 'log-level': 'debug', 'no-seed': true }, env)
    expect(config).toMatchObject({ host: '127.0.0.2', port: 0, tokens: ['flag-token'], logLevel: 'debug', seedDemo: false })
  })

  it.each(['0', '1', '8000', '65535'])('accepts port %s', (port) => {
    expect(loadConfig({ port }, {}).port).toBe(Number(port))
  })

  it.each([
    ['a port above 65535', { port: '65536' }, {}, 'invalid port "65536": expected an integer from 0 to 65535 (--port / PIPELINES_MOCK_PORT)'],
    ['a negative port', { port: '-1' }, {}, 'invalid port "-1"'],
    ['a port that is not a number', {}, { [ENV.port]: 'http' }, 'invalid port "http"'],
    ['a fractional port', { port: '80.5' }, {}, 'invalid port "80.5"'],
    ['an empty port', { port: '' }, {}, 'invalid port ""'],
    ['an unknown log level', { 'log-level': 'loud' }, {}, 'invalid log level "loud": expected one of fatal, error, warn, info, debug, trace, silent'],
    ['an empty host', { host: ' ' }, {}, '--host must not be empty'],
    ['an empty db path', {}, { [ENV.db]: '' }, '--db must not be empty'],
    ['an empty token', {}, { [ENV.tokens]: 'a,,b' }, '--token values must be non-empty and contain no whitespace'],
    ['a token with a space', { token: ['two words'] }, {}, '--token values must be non-empty and contain no whitespace'],
    ['a short admin token', { 'admin-token': 'short' }, {}, '--admin-token must be at least 8 characters with no whitespace'],
    ['a no-seed value that is not boolean', {}, { [ENV.noSeed]: 'maybe' }, 'invalid PIPELINES_MOCK_NO_SEED "maybe": expected true or false']
  ])('rejects %s with one clear line', (_name, flags, env, message) => {
    expect(() => loadConfig(flags, env)).toThrow(ConfigError)
    expect(() => loadConfig(flags, env)).toThrow(message)
  })

  it('never reads process.env when given an environment', () => {
    process.env[ENV.port] = 'not-a-port'
    try {
      expect(loadConfig({}, {}).port).toBe(8000)
    } finally {
      delete process.env[ENV.port]
    }
  })
})

describe('loadConfig: contract-testing settings', () => {
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

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
      adminBodyLimit: 50 * 1024 * 1024,
      logLevel: 'info',
      logFormat: 'text',
      seedDemo: true,
      readOnly: false,
      corsOrigins: ['http://localhost:*', 'http://127.0.0.1:*', 'http://[::1]:*'],
      limits: { maxConnections: 1024, keepAliveTimeout: 72_000, headersTimeout: 10_000, requestTimeout: 30_000 },
      simulation: undefined,
      cacheBytes: 32 * 1024 * 1024,
      workers: 1,
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
      [ENV.adminBodyLimit]: '2MB',
      [ENV.logLevel]: 'warn',
      [ENV.logFormat]: 'json',
      [ENV.noSeed]: 'true',
      [ENV.cacheMb]: '0',
      [ENV.workers]: '4'
    }
    expect(loadConfig({}, env)).toEqual({
      host: '0.0.0.0',
      port: 9000,
      dbPath: '/tmp/x.sqlite',
      tokens: ['a', 'b'],
      apiKeys: ['k1', 'k2'],
      adminToken: 'admin-secret',
      adminBodyLimit: 2 * 1024 * 1024,
      logLevel: 'warn',
      logFormat: 'json',
      seedDemo: false,
      readOnly: false,
      corsOrigins: ['http://localhost:*', 'http://127.0.0.1:*', 'http://[::1]:*'],
      limits: { maxConnections: 1024, keepAliveTimeout: 72_000, headersTimeout: 10_000, requestTimeout: 30_000 },
      simulation: undefined,
      cacheBytes: 0,
      workers: 4,
      compat: 'current',
      prefer: true,
      faults: { latency: undefined, errorRate: 0, errorStatuses: [500], seed: undefined },
      journalSize: 1000
    })
  })

  it('lets flags win over the environment', () => {
    const env = { [ENV.host]: '0.0.0.0', [ENV.port]: '9000', [ENV.tokens]: 'env-token', [ENV.logLevel]: 'warn', [ENV.noSeed]: 'false' }
    const config = loadConfig({ host: '127.0.0.2', port: '0', token: ['flag-token'], 'log-level': 'debug', 'no-seed': true, 'cache-mb': '5', workers: '2' },
      { ...env, [ENV.cacheMb]: '64', [ENV.workers]: '8' })
    expect(config).toMatchObject({ host: '127.0.0.2', port: 0, tokens: ['flag-token'], logLevel: 'debug', seedDemo: false, cacheBytes: 5 * 1024 * 1024, workers: 2 })
  })

  it.each([['1048576', 1048576], ['512kb', 512 * 1024], ['50mb', 50 * 1024 * 1024], ['1GB', 1024 ** 3], ['10 b', 10]])('admin body limit %s is %i bytes', (value, bytes) => {
    expect(loadConfig({ 'admin-body-limit': value }, { [ENV.adminBodyLimit]: '1kb' }).adminBodyLimit).toBe(bytes)
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
    ['a body limit without a number', { 'admin-body-limit': 'mb' }, {}, 'invalid body limit "mb": expected a size such as 50mb, 512kb or 1048576 (--admin-body-limit / PIPELINES_MOCK_ADMIN_BODY_LIMIT)'],
    ['a zero body limit', {}, { [ENV.adminBodyLimit]: '0' }, 'invalid body limit "0"'],
    ['a simulation across workers', { simulate: true, workers: '2' }, {}, '--simulate runs in one process, so it cannot be combined with --workers above 1'],
    ['no workers', { workers: '0' }, {}, 'invalid worker count "0": expected an integer from 1 to 64 (--workers / PIPELINES_MOCK_WORKERS)'],
    ['too many workers', {}, { [ENV.workers]: '65' }, 'invalid worker count "65": expected an integer from 1 to 64'],
    ['a worker count that is not a number', { workers: 'all' }, {}, 'invalid worker count "all"'],
    ['a negative cache size', { 'cache-mb': '-1' }, {}, 'invalid cache size "-1": expected an integer from 0 to 4096 (--cache-mb / PIPELINES_MOCK_CACHE_MB)'],
    ['a cache size with a unit', {}, { [ENV.cacheMb]: '32MB' }, 'invalid cache size "32MB"'],
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

  describe('--read-only and --simulate', () => {
    it('reads them from flags and the environment, with documented defaults', () => {
      expect(loadConfig({ simulate: true }, {}).simulation).toEqual({ speed: 1, randomSeed: 1, intervalSeconds: 300, keep: 200 })
      const env = { [ENV.simulate]: 'true', [ENV.speed]: '30', [ENV.randomSeed]: '9', [ENV.simulateInterval]: '45.5', [ENV.simulateKeep]: '0' }
      expect(loadConfig({}, env).simulation).toEqual({ speed: 30, randomSeed: 9, intervalSeconds: 45.5, keep: 0 })
      expect(loadConfig({ speed: '2', 'random-seed': '4' }, env).simulation).toMatchObject({ speed: 2, randomSeed: 4 })
      expect(loadConfig({ 'read-only': true }, {}).readOnly).toBe(true)
      expect(loadConfig({}, { [ENV.readOnly]: '1' }).readOnly).toBe(true)
    })

    it.each([
      [{ simulate: true, speed: '0' }, 'invalid --speed "0": expected a number from 0.001 to 1000000 (--speed / PIPELINES_MOCK_SPEED)'],
      [{ simulate: true, speed: 'fast' }, 'invalid --speed "fast"'],
      [{ simulate: true, 'random-seed': '1.5' }, 'invalid --random-seed "1.5": expected an integer'],
      [{ simulate: true, 'simulate-interval': '0.5' }, 'invalid --simulate-interval "0.5"'],
      [{ simulate: true, 'simulate-keep': '-1' }, 'invalid --simulate-keep "-1"'],
      [{ speed: '10' }, '--speed only applies with --simulate'],
      [{ simulate: true, 'read-only': true }, '--simulate writes runs to the database, so it cannot be combined with --read-only']
    ])('refuses %o in one line', (flags, message) => {
      expect(() => loadConfig(flags, {})).toThrow(ConfigError)
      expect(() => loadConfig(flags, {})).toThrow(message)
    })
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

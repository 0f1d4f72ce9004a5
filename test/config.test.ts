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

  it.each([['1048576', 1048576], ['512kb', 512 * 1024], ['50mb', 50 * 1024 * 1024], ['256MB', 256 * 1024 ** 2], ['10 b', 10]])('admin body limit %s is %i bytes', (value, bytes) => {
    expect(loadConfig({ 'admin-body-limit': value }, { [ENV.adminBodyLimit]: '1kb' }).adminBodyLimit).toBe(bytes)
  })

  it.each(['0', '1', '8000', '65535'])('accepts port %s', (port) => {
    expect(loadConfig({ port }, {}).port).toBe(Number(port))
  })

  it.each([
    ['a port above 65535', { port: '65536' }, {}, '--port: expected a whole number from 0 to 65535, got "65536"'],
    ['a negative port', { port: '-1' }, {}, '--port: expected a whole number from 0 to 65535, got "-1"'],
    ['a port that is not a number', {}, { [ENV.port]: 'http' }, 'PIPELINES_MOCK_PORT: expected a whole number from 0 to 65535, got "http"'],
    ['a fractional port', { port: '80.5' }, {}, '--port: expected a whole number from 0 to 65535, got "80.5"'],
    ['an empty port', { port: '' }, {}, '--port: expected a whole number from 0 to 65535, got ""'],
    ['an unknown log level', { 'log-level': 'loud' }, {}, '--log-level: expected one of fatal, error, warn, info, debug, trace, silent, got "loud"'],
    ['an empty host', { host: ' ' }, {}, '--host: expected a value, got " "'],
    ['an empty db path', {}, { [ENV.db]: '' }, 'PIPELINES_MOCK_DB: expected a value, got ""'],
    ['an empty token', {}, { [ENV.tokens]: 'a,,b' }, 'PIPELINES_MOCK_TOKENS: expected a value without whitespace, got ""'],
    ['a token with a space', { token: ['two words'] }, {}, '--token: expected a value without whitespace, got "two words"'],
    ['a short admin token', { 'admin-token': 'short' }, {}, '--admin-token: expected at least 8 characters without whitespace, got "short"'],
    ['a body limit without a number', { 'admin-body-limit': 'mb' }, {}, '--admin-body-limit: expected a size such as 50mb, 512kb or 1048576, at most 256mb, got "mb"'],
    ['a body limit past what one JSON string can hold', { 'admin-body-limit': '1gb' }, {}, '--admin-body-limit: expected a size such as 50mb, 512kb or 1048576, at most 256mb, got "1gb"'],
    ['a zero body limit', {}, { [ENV.adminBodyLimit]: '0' }, 'PIPELINES_MOCK_ADMIN_BODY_LIMIT: expected a size such as 50mb, 512kb or 1048576, at most 256mb, got "0"'],
    ['a simulation across workers', { simulate: true, workers: '2' }, {}, '--simulate runs in one process, so it cannot be combined with --workers above 1'],
    ['no workers', { workers: '0' }, {}, '--workers: expected a whole number from 1 to 64, got "0"'],
    ['too many workers', {}, { [ENV.workers]: '65' }, 'PIPELINES_MOCK_WORKERS: expected a whole number from 1 to 64, got "65"'],
    ['a worker count that is not a number', { workers: 'all' }, {}, '--workers: expected a whole number from 1 to 64, got "all"'],
    ['a negative cache size', { 'cache-mb': '-1' }, {}, '--cache-mb: expected a whole number from 0 to 4096, got "-1"'],
    ['a cache size with a unit', {}, { [ENV.cacheMb]: '32MB' }, 'PIPELINES_MOCK_CACHE_MB: expected a whole number from 0 to 4096, got "32MB"'],
    ['a no-seed value that is not boolean', {}, { [ENV.noSeed]: 'maybe' }, 'PIPELINES_MOCK_NO_SEED: expected true or false (or 1 or 0), got "maybe"']
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
      [{ simulate: true, speed: '0' }, '--speed: expected a number from 0.001 to 1000000, got "0"'],
      [{ simulate: true, speed: 'fast' }, '--speed: expected a number from 0.001 to 1000000, got "fast"'],
      [{ simulate: true, 'random-seed': '1.5' }, '--random-seed: expected a whole number from 0 to 4294967295, got "1.5"'],
      [{ simulate: true, 'simulate-interval': '0.5' }, '--simulate-interval: expected a number from 1 to 31536000, got "0.5"'],
      [{ simulate: true, 'simulate-keep': '-1' }, '--simulate-keep: expected a whole number from 0 to 1000000000, got "-1"'],
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
    [{ compat: 'fastapi-0.99' }, '--compat: expected one of current, pydantic-2.12, fastapi-0.128, fastapi-0.121, fastapi-0.110, got "fastapi-0.99"'],
    [{ latency: '80-20' }, '--latency: expected MS or MIN-MAX, whole milliseconds up to 60000, got "80-20"'],
    [{ latency: '60001' }, '--latency: expected MS or MIN-MAX, whole milliseconds up to 60000, got "60001"'],
    [{ latency: 'fast' }, '--latency: expected MS or MIN-MAX, whole milliseconds up to 60000, got "fast"'],
    [{ 'error-rate': '1.5' }, '--error-rate: expected a number from 0 to 1, got "1.5"'],
    [{ 'error-rate': ' ' }, '--error-rate: expected a number from 0 to 1, got " "'],
    [{ 'error-status': '502' }, '--error-status: expected 500, 503 or 500,503, got "502"'],
    [{ 'fault-seed': '-1' }, '--fault-seed: expected a whole number from 0 to 4294967295, got "-1"'],
    [{ 'journal-size': '100001' }, '--journal-size: expected a whole number from 0 to 100000, got "100001"']
  ])('rejects %j with one clear line', (flags, message) => {
    expect(() => loadConfig(flags, {})).toThrow(new ConfigError(message))
  })
})

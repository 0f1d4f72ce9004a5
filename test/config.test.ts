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
      logLevel: 'info',
      seedDemo: true
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
      logLevel: 'warn',
      seedDemo: false
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

// loadConfig for the operational settings: read-only, CORS origins, connection and timeout limits.
import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from '../src/config.ts'

describe('read-only', () => {
  it('comes from --read-only or PIPELINES_MOCK_READ_ONLY, and is off otherwise', () => {
    expect(loadConfig({}, {}).readOnly).toBe(false)
    expect(loadConfig({ 'read-only': true }, {}).readOnly).toBe(true)
    expect(loadConfig({}, { PIPELINES_MOCK_READ_ONLY: 'true' }).readOnly).toBe(true)
    expect(loadConfig({}, { PIPELINES_MOCK_READ_ONLY: '0' }).readOnly).toBe(false)
    expect(() => loadConfig({}, { PIPELINES_MOCK_READ_ONLY: 'yes please' })).toThrow(/PIPELINES_MOCK_READ_ONLY/)
  })
})

describe('CORS origins', () => {
  it('defaults to local origins on any port', () => {
    expect(loadConfig({}, {}).corsOrigins).toEqual(['http://localhost:*', 'http://127.0.0.1:*', 'http://[::1]:*'])
  })

  it('takes --cors-origin over PIPELINES_MOCK_CORS_ORIGINS (comma-separated, trimmed)', () => {
    const env = { PIPELINES_MOCK_CORS_ORIGINS: 'https://a.example, http://b.example:8080' }
    expect(loadConfig({}, env).corsOrigins).toEqual(['https://a.example', 'http://b.example:8080'])
    expect(loadConfig({ 'cors-origin': ['*'] }, env).corsOrigins).toEqual(['*'])
  })

  it('turns off with --no-cors or PIPELINES_MOCK_NO_CORS, and refuses --no-cors with --cors-origin', () => {
    expect(loadConfig({ 'no-cors': true }, {}).corsOrigins).toBe(false)
    expect(loadConfig({}, { PIPELINES_MOCK_NO_CORS: 'true' }).corsOrigins).toBe(false)
    expect(() => loadConfig({ 'no-cors': true, 'cors-origin': ['*'] }, {})).toThrow('--no-cors and --cors-origin contradict each other')
  })

  it.each(['localhost:3000', 'http://x.example/', 'http://x.example/path', '//x.example', 'http://', 'http://user@x.example'])(
    'refuses %s with a line naming the flag', (origin) => {
      expect(() => loadConfig({ 'cors-origin': [origin] }, {})).toThrow(new ConfigError(`--cors-origin: expected scheme://host[:port] (":*" for any port) or "*", got "${origin}"`))
    })
})

describe('limits', () => {
  it('reads each limit from its flag, else its environment variable', () => {
    const flags = { 'max-connections': '10', 'keep-alive-timeout': '5000' }
    const env = { PIPELINES_MOCK_HEADERS_TIMEOUT: '2000', PIPELINES_MOCK_REQUEST_TIMEOUT: '4000', PIPELINES_MOCK_MAX_CONNECTIONS: '99' }
    expect(loadConfig(flags, env).limits).toEqual({ maxConnections: 10, keepAliveTimeout: 5000, headersTimeout: 2000, requestTimeout: 4000 })
  })

  it.each([
    ['max-connections', '0'], ['max-connections', '-1'], ['keep-alive-timeout', '1.5'], ['headers-timeout', 'soon'],
    ['request-timeout', ''], ['request-timeout', '99999999999']
  ] as const)('refuses --%s %j', (flag, value) => {
    expect(() => loadConfig({ [flag]: value }, {})).toThrow(`--${flag}: expected a whole number from 1 to 2147483647, got "${value}"`)
  })

  it('refuses a headers timeout longer than the request timeout (Node would ignore one of them)', () => {
    expect(() => loadConfig({ 'headers-timeout': '5000', 'request-timeout': '1000' }, {}))
      .toThrow('--headers-timeout (5000) must not exceed --request-timeout (1000)')
  })
})

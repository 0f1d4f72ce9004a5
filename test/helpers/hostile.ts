// fast-check arbitraries for hostile requests: paths, %-encodings, NUL, unicode, huge segments, SQL, odd headers.
import fc from 'fast-check'

export const SQL_INJECTION = [
  "' OR '1'='1", '1; DROP TABLE runs;--', '" OR 1=1 --', "' UNION SELECT sql FROM sqlite_schema--",
  "%' --", "\\'; DELETE FROM pipelines; --", "') OR ('a'='a", '1) OR 1=1 LIMIT 1 --', "'||(SELECT hex(randomblob(8)))||'",
  "x' AND json_extract('{}','$')--", '; ATTACH DATABASE \'/tmp/x\' AS x; --'
]

// Escapes that decoders get wrong: valid, invalid, truncated, overlong UTF-8, surrogates, beyond U+10FFFF, NUL, %2F.
export const PERCENT_PIECES = [
  '%2F', '%2f', '%00', '%', '%G1', '%4', '%E0%A4%A', '%C0%AF', '%C0%80', '%E0%80%AF', '%ED%A0%80', '%F4%90%80%80',
  '%FF', '%FE%FF', '%25', '%2525', '%2e%2e', '%2E', '%20', '+', '%0A', '%0D%0A', '%09', '%3F', '%23', '%26', '%3D',
  '%C3%A9', '%F0%9F%98%80', '%E2%80%AE', '%EF%BB%BF', '%7B', '%7D', '%5C'
]

/** Percent-encodes every UTF-8 byte (lone surrogates become U+FFFD, as on the wire). */
export function encodeAll (text: string): string {
  return [...Buffer.from(text, 'utf8')].map((byte) => '%' + byte.toString(16).toUpperCase().padStart(2, '0')).join('')
}

const uuidForms = (uuid: string): string[] => [
  uuid, uuid.toUpperCase(), uuid.replaceAll('-', ''), `{${uuid}}`, `urn:uuid:${uuid}`, `URN:UUID:${uuid}`, ` ${uuid}`, `${uuid} `
]

export function segmentArbitrary (knownUuids: readonly string[]): fc.Arbitrary<string> {
  const piece = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...knownUuids.flatMap(uuidForms)) },
    { weight: 2, arbitrary: fc.uuid() },
    { weight: 3, arbitrary: fc.constantFrom(...PERCENT_PIECES) },
    { weight: 2, arbitrary: fc.constantFrom(...SQL_INJECTION).map(encodeURIComponent) },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }).map(encodeAll) },
    { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 8 }) },
    { weight: 3, arbitrary: fc.stringMatching(/^[A-Za-z0-9._~-]{0,40}$/) },
    { weight: 1, arbitrary: fc.constantFrom('a'.repeat(10_240), '%41'.repeat(3_400), 'f'.repeat(10_000), '0'.repeat(32) + '/'.repeat(3)) }
  )
  return fc.oneof(
    { weight: 2, arbitrary: fc.constantFrom(...knownUuids.flatMap(uuidForms)) },
    { weight: 5, arbitrary: fc.array(piece, { minLength: 1, maxLength: 4 }).map((pieces) => pieces.join('')) }
  )
}

export function queryArbitrary (knownUuids: readonly string[]): fc.Arbitrary<string | undefined> {
  const key = fc.oneof(
    { weight: 6, arbitrary: fc.constant('version_id') },
    { weight: 1, arbitrary: fc.constantFrom('VERSION_ID', 'version_id[]', 'version%5Fid', 'version_id%00', 'version+id', '', '%', 'version_id%3D') },
    { weight: 1, arbitrary: fc.stringMatching(/^[a-z_]{1,10}$/) }
  )
  const value = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...knownUuids) },
    { weight: 2, arbitrary: fc.uuid() },
    { weight: 1, arbitrary: fc.constant('') },
    { weight: 2, arbitrary: fc.constantFrom(...PERCENT_PIECES) },
    { weight: 1, arbitrary: fc.constantFrom(...SQL_INJECTION).map(encodeURIComponent) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }).map(encodeAll) },
    { weight: 1, arbitrary: fc.constant('x'.repeat(5_000)) }
  )
  const pair = fc.oneof(
    { weight: 5, arbitrary: fc.tuple(key, value).map(([k, v]) => `${k}=${v}`) },
    { weight: 1, arbitrary: key },
    { weight: 1, arbitrary: fc.constantFrom('=', '==', '&', '=&=', ';version_id=x') }
  )
  return fc.option(fc.array(pair, { maxLength: 6 }).map((pairs) => pairs.join('&')), { nil: undefined })
}

export function pathArbitrary (knownUuids: readonly string[]): fc.Arbitrary<string> {
  const segment = segmentArbitrary(knownUuids)
  return fc.oneof(
    { weight: 8, arbitrary: segment.map((s) => `/pipelines/${s}/runs/`) },
    { weight: 2, arbitrary: segment.map((s) => `/pipelines/${s}/runs`) },
    { weight: 1, arbitrary: fc.tuple(segment, segment).map(([a, b]) => `/pipelines/${a}/runs/${b}`) },
    { weight: 1, arbitrary: segment.map((s) => `/pipelines%2F${s}%2Fruns%2F`) },
    { weight: 1, arbitrary: fc.array(segment, { maxLength: 5 }).map((parts) => `/${parts.join('/')}`) },
    { weight: 1, arbitrary: fc.constantFrom('/', '//', '/pipelines', '/pipelines/', '/pipelines//runs/', '/openapi.json', '/openapi.json/', '/docs', '/docs/', '/__admin/health', '/__admin/health/', '/__admin/', '/%2e%2e/%2e%2e/etc/passwd', '/pipelines/../openapi.json') }
  )
}

const TOKEN_CHARS = fc.string({ unit: 'binary-ascii', maxLength: 40 })

export function authorizationArbitrary (token: string): fc.Arbitrary<string | undefined> {
  return fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(`Bearer ${token}`, `bearer ${token}`, `BEARER   ${token}  `, `Bearer\u00a0${token}`) },
    { weight: 1, arbitrary: fc.constant(undefined) },
    { weight: 2, arbitrary: fc.constantFrom('', ' ', 'Bearer', 'Bearer ', 'Bearer    ', 'Basic dXNlcjpwYXNz', 'Token abc', `Bearer${token}`, `Bearer ${token}x`, `Bearer ${token} ${token}`) },
    { weight: 1, arbitrary: fc.constantFrom(`Bearer ${'x'.repeat(8_000)}`, `Bearer ${'é'.repeat(100)}`, 'Bearer \u00ff\u00fe', `Bearer ${SQL_INJECTION[0] as string}`) },
    { weight: 1, arbitrary: TOKEN_CHARS.map((t) => `Bearer ${t}`) },
    { weight: 1, arbitrary: TOKEN_CHARS }
  )
}

export function apiKeyArbitrary (keys: readonly string[]): fc.Arbitrary<string | undefined> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.constant(undefined) },
    { weight: 2, arbitrary: fc.constantFrom(...keys, '', ' ', 'k'.repeat(6_000), SQL_INJECTION[1] as string) },
    { weight: 1, arbitrary: TOKEN_CHARS }
  )
}

const HEADER_NAME = fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/)

export function extraHeadersArbitrary (): fc.Arbitrary<Record<string, string>> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.dictionary(HEADER_NAME, fc.string({ unit: 'binary-ascii', maxLength: 30 }).map((v) => v.replace(/[\r\n\0]/g, ' ')), { maxKeys: 8 }) },
    { weight: 1, arbitrary: fc.integer({ min: 50, max: 400 }).map((n) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`x-many-${i}`, String(i)]))) },
    { weight: 1, arbitrary: fc.constantFrom<Record<string, string>>({ origin: 'http://localhost:5173' }, { origin: 'https://evil.example' }, { origin: 'http://localhost:3000', 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization, api-key' }, { origin: 'null', 'access-control-request-method': 'DELETE' }, { expect: '100-continue' }, { 'content-type': 'application/json' }) }
  )
}

export const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE', 'SEARCH', 'PROPFIND', 'LOCK', 'PURGE', 'QUERY', 'MKCOL'] as const

export function methodArbitrary (): fc.Arbitrary<string> {
  return fc.oneof({ weight: 6, arbitrary: fc.constant('GET') }, { weight: 4, arbitrary: fc.constantFrom(...METHODS) })
}

export interface BodySpec {
  contentType?: string
  body?: string
}

export function bodyArbitrary (): fc.Arbitrary<BodySpec> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.constant({}) },
    {
      weight: 1,
      arbitrary: fc.constantFrom<BodySpec>(
        { contentType: 'application/json', body: '{"x":' },
        { contentType: 'application/json', body: '{"__proto__":{"polluted":true}}' },
        { contentType: 'application/json', body: '' },
        { contentType: 'text/xml', body: '<x/>' },
        { contentType: 'application/x-www-form-urlencoded', body: 'a=1&b=2' },
        { contentType: 'multipart/form-data; boundary=x', body: '--x--' },
        { contentType: 'application/json; charset=utf-16', body: '{}' },
        { contentType: ';;;', body: 'x' },
        { contentType: 'application/json', body: JSON.stringify({ big: 'x'.repeat(2 * 1024 * 1024) }) },
        { body: 'no content type' }
      )
    }
  )
}

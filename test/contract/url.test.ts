// unquote, lastQueryValue and quoteLocation against Python's urllib (test/fixtures/pydantic/url.json).
import { describe, expect, it } from 'vitest'
import { lastQueryValue, quoteLocation, splitUrl, unquote } from '../../src/contract/url.ts'
import { readJson } from '../helpers/temp.ts'

interface Oracle {
  unquote: Array<{ raw: string, decoded: string }>
  version_id: Array<{ query: string, value: string | null }>
  location: Array<{ url: string, quoted: string }>
}
const oracle = readJson<Oracle>('test/fixtures/pydantic/url.json')

describe('unquote (urllib.parse.unquote, errors="replace")', () => {
  it.each(oracle.unquote.map((c) => [c.raw, c.decoded] as const))('%s', (raw, decoded) => {
    expect(unquote(raw)).toBe(decoded)
  })
})

describe('lastQueryValue (parse_qsl with keep_blank_values, last value wins)', () => {
  it.each(oracle.version_id.map((c) => [c.query, c.value] as const))('%j', (query, value) => {
    expect(lastQueryValue(query, 'version_id')).toBe(value ?? undefined)
  })
})

describe('quoteLocation (quote with RedirectResponse\'s safe characters)', () => {
  it.each(oracle.location.map((c) => [c.url, c.quoted] as const))('%s', (url, quoted) => {
    expect(quoteLocation(url)).toBe(quoted)
  })
})

describe('splitUrl', () => {
  it('decodes the path and keeps the query raw', () => {
    expect(splitUrl('/p/a%20b?x=%20&y')).toEqual({ path: '/p/a b', query: 'x=%20&y' })
    expect(splitUrl('/p?')).toEqual({ path: '/p', query: '' })
  })

  it('drops a #fragment from the path and the query, as httptools parse_url does', () => {
    expect(splitUrl('/p/runs/#x')).toEqual({ path: '/p/runs/', query: '' })
    expect(splitUrl('/p?version_id=a#b?c')).toEqual({ path: '/p', query: 'version_id=a' })
    expect(splitUrl('/p#x?version_id=a')).toEqual({ path: '/p', query: '' })
    expect(splitUrl('/p%23x')).toEqual({ path: '/p#x', query: '' })
  })
})

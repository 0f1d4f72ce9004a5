// How Starlette sees a request URL: the path percent-decoded (invalid escapes kept, bad UTF-8 replaced),
// the query split like parse_qsl(keep_blank_values=True), and the trailing-slash redirect target.
const HEX = /^[0-9a-fA-F]{2}$/
const utf8 = new TextDecoder('utf-8', { fatal: false })

/** urllib.parse.unquote(text, errors='replace'). */
export function unquote (text: string): string {
  if (!text.includes('%')) return text
  const bytes: number[] = []
  for (let i = 0; i < text.length; i++) {
    const escape = text.slice(i + 1, i + 3)
    if (text[i] === '%' && HEX.test(escape)) {
      bytes.push(parseInt(escape, 16))
      i += 2
    } else {
      pushUtf8(bytes, text.codePointAt(i) as number)
      if ((text.codePointAt(i) as number) > 0xffff) i++
    }
  }
  return utf8.decode(Uint8Array.from(bytes))
}

function pushUtf8 (bytes: number[], codePoint: number): void {
  for (const byte of Buffer.from(String.fromCodePoint(codePoint), 'utf8')) bytes.push(byte)
}

export interface SplitUrl {
  path: string
  query: string
}

/**
 * Splits a raw request target into its decoded path and raw query string. A `#fragment` is dropped, as uvicorn's
 * httptools parser (parse_url) leaves it out of both.
 */
export function splitUrl (rawUrl: string): SplitUrl {
  const hash = rawUrl.indexOf('#')
  const target = hash === -1 ? rawUrl : rawUrl.slice(0, hash)
  const mark = target.indexOf('?')
  const rawPath = mark === -1 ? target : target.slice(0, mark)
  return { path: unquote(rawPath), query: mark === -1 ? '' : target.slice(mark + 1) }
}

/** The last value of `name` in the query, as parse_qsl decodes it ('+' is a space); undefined when absent. */
export function lastQueryValue (query: string, name: string): string | undefined {
  if (query === '') return undefined
  let found: string | undefined
  for (const pair of query.split('&')) {
    if (pair === '') continue
    const equals = pair.indexOf('=')
    const key = equals === -1 ? pair : pair.slice(0, equals)
    if (decodeQueryPart(key) !== name) continue
    found = equals === -1 ? '' : decodeQueryPart(pair.slice(equals + 1))
  }
  return found
}

function decodeQueryPart (part: string): string {
  return unquote(part.includes('+') ? part.replaceAll('+', ' ') : part)
}

// Python's quote(url, safe=":/%#?=@[]!$&'()*+,;"), as RedirectResponse applies it to the location.
const LOCATION_SAFE = new Set(Array.from(":/%#?=@[]!$&'()*+,;" + 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-~'))

export function quoteLocation (url: string): string {
  let out = ''
  for (const char of url) {
    if (LOCATION_SAFE.has(char)) {
      out += char
      continue
    }
    for (const byte of Buffer.from(char, 'utf8')) out += '%' + byte.toString(16).toUpperCase().padStart(2, '0')
  }
  return out
}

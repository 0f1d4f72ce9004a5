// UUID parsing as uuid-rs `Uuid::parse_str` does it, with the error text pydantic-core puts in `ctx.error`.

/** 'short': pydantic >= 2.13 (uuid crate 1.23.0/1.23.1); 'long': pydantic <= 2.12 (uuid crate 1.18.1). */
export type UuidMessageStyle = 'short' | 'long'
export type UuidParse = { ok: true, uuid: string } | { ok: false, error: string }

type Parsed = { uuid: string } | { invalid: string }

const HYPHENATED = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const SIMPLE = /^[0-9a-f]{32}$/i
const URN_PREFIX = 'urn:uuid:'
const BLOCK_STARTS = [0, 9, 14, 19, 24] as const
const GROUP_LENGTHS = [8, 4, 4, 4, 12] as const
const CHAR_PREFIX: Record<UuidMessageStyle, string> = {
  short: 'invalid character: found `',
  long: 'invalid character: expected an optional prefix of `urn:uuid:` followed by [0-9a-fA-F-], found `'
}

/** Parses `input` like `Uuid::parse_str`: lowercase hyphenated on success, else the uuid-rs error text. */
export function parseUuid (input: string, style: UuidMessageStyle = 'short'): UuidParse {
  if (HYPHENATED.test(input)) return { ok: true, uuid: input.toLowerCase() }
  const parsed = tryParse(input)
  if ('uuid' in parsed) return { ok: true, uuid: parsed.uuid }
  return { ok: false, error: intoErr(parsed.invalid, style) }
}

// uuid-rs src/parser.rs `try_parse`: the shape is chosen by UTF-8 byte length, and for the
// 38-byte `{…}` and 45-byte `urn:uuid:…` shapes `parse_hyphenated` hands only the inner 36
// bytes to `InvalidUuid`, so `into_err` never sees the wrapper (docs/contract.md, "422 bodies for a bad UUID").
function tryParse (input: string): Parsed {
  switch (Buffer.byteLength(input, 'utf8')) {
    case 32:
      return SIMPLE.test(input) ? { uuid: hyphenate(input.toLowerCase()) } : { invalid: input }
    case 36:
      return parseHyphenated(input)
    case 38:
      return input[0] === '{' && input[input.length - 1] === '}' ? parseHyphenated(input.slice(1, -1)) : { invalid: input }
    case 45:
      return input.startsWith(URN_PREFIX) ? parseHyphenated(input.slice(URN_PREFIX.length)) : { invalid: input }
    default:
      return { invalid: input }
  }
}

function parseHyphenated (s: string): Parsed {
  return HYPHENATED.test(s) ? { uuid: s.toLowerCase() } : { invalid: s }
}

function hyphenate (hex: string): string {
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

// uuid-rs src/error.rs `InvalidUuid::into_err`, the same algorithm in 1.18.1 and 1.23.0/1.23.1
// (uuid-rs PR #882 rewrote it with 0-based positions and `invalid length: found N`; issue #885
// shows that code in 1.23.2). `input` is the slice try_parse handed over: 36 bytes for a wrapped
// 38/45-byte value, so "found N" is not always the request value's length (docs/contract.md, "422 bodies").
function intoErr (input: string, style: UuidMessageStyle): string {
  const { body, offset, simple } = unwrap(input)
  const groupBounds = [0, 0, 0, 0]
  let hyphenCount = 0
  // Every character before the reported one is `-` or ASCII hex, so the UTF-16 index equals
  // the byte index `str::char_indices` gives, and the reported character is taken whole.
  for (let index = 0; index < body.length; index += 1) {
    const code = body.charCodeAt(index)
    if (code === 0x2d) {
      if (hyphenCount < 4) groupBounds[hyphenCount] = index
      hyphenCount += 1
    } else if (!isAsciiHexDigit(code)) {
      return `${CHAR_PREFIX[style]}${charAt(body, index)}\` at ${index + offset + 1}`
    }
  }
  // Reaching here means the input is all ASCII, so its length is its byte length.
  if (hyphenCount === 0 && simple) return `invalid length: expected length 32 for simple format, found ${input.length}`
  if (hyphenCount !== 4) return `invalid group count: expected 5, found ${hyphenCount + 1}`
  for (let group = 0; group < 4; group += 1) {
    const start = BLOCK_STARTS[group] ?? 0
    const bound = groupBounds[group] ?? 0
    if (bound !== (BLOCK_STARTS[group + 1] ?? 0) - 1) return groupLength(group, bound - start)
  }
  // The last group is measured against the whole slice, wrapper included (uuid-rs issue #881).
  return groupLength(4, input.length - BLOCK_STARTS[4])
}

// `[b'{', s @ .., b'}']` needs two bytes, so a lone `{` stays "simple"; only lowercase `urn:uuid:` counts.
function unwrap (input: string): { body: string, offset: number, simple: boolean } {
  if (input.length >= 2 && input[0] === '{' && input[input.length - 1] === '}') {
    return { body: input.slice(1, -1), offset: 1, simple: false }
  }
  if (input.startsWith(URN_PREFIX)) return { body: input.slice(URN_PREFIX.length), offset: URN_PREFIX.length, simple: false }
  return { body: input, offset: 0, simple: true }
}

function groupLength (group: number, length: number): string {
  return `invalid group length in group ${group}: expected ${GROUP_LENGTHS[group] ?? 0}, found ${length}`
}

function isAsciiHexDigit (code: number): boolean {
  return (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x46) || (code >= 0x61 && code <= 0x66)
}

// Rust prints the char with `{}` (Display): raw, unescaped. A lone UTF-16 surrogate cannot be in a
// Rust `&str`; Python's `unquote` turns invalid UTF-8 into U+FFFD, so it is shown as that.
function charAt (text: string, index: number): string {
  const code = text.codePointAt(index) ?? 0
  return code >= 0xd800 && code <= 0xdfff ? '\uFFFD' : String.fromCodePoint(code)
}

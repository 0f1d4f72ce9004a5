// parseUuid against expectations read from uuid-rs src/parser.rs + src/error.rs (1.18.1 long, 1.23.0/1.23.1 short).
import { readFileSync } from 'node:fs'
import { describe, it, expect } from 'vitest'
import { parseUuid } from '../../src/contract/uuid.ts'

const UUID = '67e55044-10b1-426f-9247-bb680e5fe0c8'
const SHORT_CHAR = 'invalid character: found '
const LONG_CHAR = 'invalid character: expected an optional prefix of `urn:uuid:` followed by [0-9a-fA-F-], found '

// [input, expected] where expected is either the full message (same in both styles) or
// { char: '`c` at n' } for the invalid-character message, whose prefix differs by style.
type Expected = string | { char: string }
type Case = [name: string, input: string, expected: Expected]

const expand = (expected: Expected, prefix: string) => typeof expected === 'string' ? expected : prefix + expected.char
const length = (n: number) => `invalid length: expected length 32 for simple format, found ${n}`
const groups = (n: number) => `invalid group count: expected 5, found ${n}`
const group = (g: number, expected: number, found: number) => `invalid group length in group ${g}: expected ${expected}, found ${found}`

describe('parseUuid: accepted forms', () => {
  const accepted: Array<[string, string]> = [
    ['hyphenated, lower', UUID],
    ['hyphenated, upper', UUID.toUpperCase()],
    ['hyphenated, mixed', '67E55044-10b1-426F-9247-Bb680E5fE0c8'],
    ['simple, lower', UUID.replaceAll('-', '')],
    ['simple, upper', UUID.replaceAll('-', '').toUpperCase()],
    ['simple, mixed', '67E5504410b1426F9247Bb680E5fE0c8'],
    ['braced, lower', `{${UUID}}`],
    ['braced, upper', `{${UUID.toUpperCase()}}`],
    ['braced, mixed', '{67E55044-10b1-426F-9247-Bb680E5fE0c8}'],
    ['urn, lower', `urn:uuid:${UUID}`],
    ['urn, upper hex', `urn:uuid:${UUID.toUpperCase()}`],
    ['urn, mixed hex', 'urn:uuid:67E55044-10b1-426F-9247-Bb680E5fE0c8']
  ]
  it.each(accepted)('%s', (_name, input) => {
    expect(parseUuid(input)).toEqual({ ok: true, uuid: UUID })
    expect(parseUuid(input, 'long')).toEqual({ ok: true, uuid: UUID })
  })

  it('keeps nil and max', () => {
    expect(parseUuid('00000000000000000000000000000000')).toEqual({ ok: true, uuid: '00000000-0000-0000-0000-000000000000' })
    expect(parseUuid('FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF')).toEqual({ ok: true, uuid: 'ffffffff-ffff-ffff-ffff-ffffffffffff' })
  })
})

// Each row: the uuid-rs source it comes from is noted where it is a test in that file.
const rejected: Case[] = [
  // docs/contract.md's 422 examples
  ['not-a-uuid', 'not-a-uuid', { char: '`n` at 1' }],
  ['123', '123', length(3)],
  // src/parser.rs `test_parse_uuid_v4_invalid` (ErrorKind values rendered by src/error.rs Display)
  ['empty', '', length(0)],
  ['!', '!', { char: '`!` at 1' }],
  ['37 bytes, group 4 long', 'F9168C5E-CEB2-4faa-B6BF-329BF39FA1E45', group(4, 12, 13)],
  ['35 bytes, group 3 short', 'F9168C5E-CEB2-4faa-BBF-329BF39FA1E4', group(3, 4, 3)],
  ['G in group 3', 'F9168C5E-CEB2-4faa-BGBF-329BF39FA1E4', { char: '`G` at 21' }],
  ['2 groups', 'F9168C5E-CEB2F4faaFB6BFF329BF39FA1E4', groups(2)],
  ['3 groups', 'F9168C5E-CEB2-4faaFB6BFF329BF39FA1E4', groups(3)],
  ['4 groups', 'F9168C5E-CEB2-4faa-B6BFF329BF39FA1E4', groups(4)],
  ['3 groups, short', 'F9168C5E-CEB2-4faa', groups(3)],
  ['X where a hyphen goes', 'F9168C5E-CEB2-4faaXB6BFF329BF39FA1E4', { char: '`X` at 19' }],
  ['unclosed brace', '{F9168C5E-CEB2-4faa9B6BFF329BF39FA1E41', { char: '`{` at 1' }],
  ['braced, 39 bytes, 3 groups', '{F9168C5E-CEB2-4faa9B6BFF329BF39FA1E41}', groups(3)],
  ['group 1 short', 'F9168C5E-CEB-24fa-eB6BFF32-BF39FA1E4', group(1, 4, 3)],
  ['32 bytes with hyphens', '01020304-1112-2122-3132-41424344', group(4, 12, 8)],
  ['simple 31', '67e5504410b1426f9247bb680e5fe0c', length(31)],
  ['simple 33', '67e5504410b1426f9247bb680e5fe0c88', length(33)],
  ['g in simple 33', '67e5504410b1426f9247bb680e5fe0cg8', { char: '`g` at 32' }],
  ['% in simple', '67e5504410b1426%9247bb680e5fe0c8', { char: '`%` at 16' }],
  ['36 digits, no hyphen', '231231212212423424324323477343246663', length(36)],
  ['braced simple', '{00000000000000000000000000000000}', groups(1)],
  ['X in simple', '67e550X410b1426f9247bb680e5fe0cd', { char: '`X` at 7' }],
  ['one hyphen in 32', '67e550-4105b1426f9247bb680e5fe0c', groups(2)],
  ['group 3 long', 'F9168C5E-CEB2-4faa-B6BF1-02BF39FA1E4', group(3, 4, 5)],
  ['4-byte char U+BCF3C', '\u{bcf3c}', { char: '`\u{bcf3c}` at 1' }],
  // src/error.rs `into_err`, other branches
  ['{ alone (needs 2 bytes to be braced)', '{', { char: '`{` at 1' }],
  ['} alone', '}', { char: '`}` at 1' }],
  ['{}', '{}', groups(1)],
  ['urn:uuid: alone', 'urn:uuid:', groups(1)],
  ['urn:uuid without colon', 'urn:uuid', { char: '`u` at 1' }],
  ['{abc}', '{abc}', groups(1)],
  ['urn:uuid:abc', 'urn:uuid:abc', groups(1)],
  ['urn:uuid:xyz', 'urn:uuid:xyz', { char: '`x` at 10' }],
  ['{-}', '{-}', groups(2)],
  ['-', '-', groups(2)],
  ['----', '----', group(0, 8, 0)],
  ['1-1-1-1-1', '1-1-1-1-1', group(0, 8, 1)],
  ['uppercase URN prefix', `URN:UUID:${UUID}`, { char: '`U` at 1' }],
  ['Urn:Uuid prefix', `Urn:Uuid:${UUID}`, { char: '`U` at 1' }],
  ['braced twice', `{{${UUID}}}`, { char: '`{` at 2' }],
  ['leading space', ` ${UUID}`, { char: '` ` at 1' }],
  ['trailing space', `${UUID} `, { char: '` ` at 37' }],
  ['trailing brace only', `${UUID}}`, { char: '`}` at 37' }],
  ['parentheses', `(${UUID})`, { char: '`(` at 1' }],
  ['urn simple', `urn:uuid:${UUID.replaceAll('-', '')}`, groups(1)],
  // 36-byte strings with hyphens in the wrong places or wrong count
  ['36, hyphen early in group 0', '67e5504-410b1-426f-9247-bb680e5fe0c8', group(0, 8, 7)],
  ['36, hyphen early in group 2', '67e55044-10b1-426-f9247-bb680e5fe0c8', group(2, 4, 3)],
  ['36, five hyphens', '67e55044-10b1-426f-9247-bb680e5f-0c8', groups(6)],
  ['36, three hyphens', '67e55044-10b1-426f-92470bb680e5fe0c8', groups(4)],
  ['35, group 4 short', '67e55044-10b1-426f-9247-bb680e5fe0c', group(4, 12, 11)],
  ['trailing hyphen', `${UUID}-`, groups(6)],
  ['24 bytes, empty group 4', '67e55044-10b1-426f-9247-', group(4, 12, 0)]
]

// try_parse passes only the inner 36 bytes of a 38-byte `{…}` / 45-byte `urn:uuid:…` input to into_err.
const wrapped: Case[] = [
  ['38 braced, z last', '{67e55044-10b1-426f-9247-bb680e5fe0cz}', { char: '`z` at 36' }],
  ['45 urn, z last', 'urn:uuid:67e55044-10b1-426f-9247-bb680e5fe0cz', { char: '`z` at 36' }],
  ['38 braced, z first', '{z7e55044-10b1-426f-9247-bb680e5fe0c8}', { char: '`z` at 1' }],
  ['45 urn, z first', 'urn:uuid:z7e55044-10b1-426f-9247-bb680e5fe0c8', { char: '`z` at 1' }],
  ['38 braced, no hyphens: inner is "simple"', `{${'0'.repeat(36)}}`, length(36)],
  ['45 urn, no hyphens: inner is "simple"', `urn:uuid:${'0'.repeat(36)}`, length(36)],
  ['38 braced, misplaced hyphen', '{67e5504-410b1-426f-9247-bb680e5fe0c8}', group(0, 8, 7)],
  ['38 braced around braced', '{{67e55044-10b1-426f-9247-bb680e5fe0}}', group(4, 12, 12)],
  ['45 urn around braced', 'urn:uuid:{67e55044-10b1-426f-9247-bb680e5fz0}', { char: '`z` at 34' }],
  // other lengths: the whole input goes to into_err, wrapper offset included
  ['39 braced, z', '{67e55044-10b1-426f-9247-bb680e5fe0cz0}', { char: '`z` at 37' }],
  ['46 urn, z', 'urn:uuid:67e55044-10b1-426f-9247-bb680e5fe0cz0', { char: '`z` at 45' }],
  ['braced with wrong length, 37', '{67e55044-10b1-426f-9247-bb680e5fe0c}', group(4, 12, 13)],
  // uuid-rs issue #881 (uuid 1.23.0 output): group 4 counts the wrapper bytes
  ['#881 urn long', 'urn:uuid:550e8400-e29b-41d4-a716-446655440000abc', group(4, 12, 24)],
  ['#881 urn short', 'urn:uuid:550e8400-e29b-41d4-a716-44665544', group(4, 12, 17)],
  ['#881 urn shorter', 'urn:uuid:550e8400-e29b-41d4-a716-446', group(4, 12, 12)],
  ['#881 braced long', '{550e8400-e29b-41d4-a716-446655440000abc}', group(4, 12, 17)],
  ['#881 braced short', '{550e8400-e29b-41d4-a716-44665544}', group(4, 12, 10)],
  ['#881 braced shorter', '{550e8400-e29b-41d4-a716-4466554400}', group(4, 12, 12)]
]

// Shapes are chosen by UTF-8 byte length; positions are byte index + offset + 1.
const multibyte: Case[] = [
  ['é alone', 'é', { char: '`é` at 1' }],
  ['é after a', 'aé', { char: '`é` at 2' }],
  ['日 after ab', 'ab日', { char: '`日` at 3' }],
  ['emoji after a', 'a😀b', { char: '`😀` at 2' }],
  ['{日}', '{日}', { char: '`日` at 2' }],
  ['urn:uuid:é', 'urn:uuid:é', { char: '`é` at 10' }],
  ['é after a hyphenated prefix', '0123456789abcdef-é', { char: '`é` at 18' }],
  ['38 bytes braced with é: inner slice', `{${'0'.repeat(34)}é}`, { char: '`é` at 35' }],
  ['38 UTF-16 units but 39 bytes: whole input', `{${'0'.repeat(35)}é}`, { char: '`é` at 37' }],
  ['45 bytes urn with é: inner slice', `urn:uuid:${'0'.repeat(34)}é`, { char: '`é` at 35' }],
  ['45 bytes urn with emoji: inner slice', `urn:uuid:${'0'.repeat(32)}😀`, { char: '`😀` at 33' }],
  ['32 bytes with é', `${'0'.repeat(30)}é`, { char: '`é` at 31' }],
  ['U+00FF', '\u00ff', { char: '`\u00ff` at 1' }],
  ['U+012D (low byte is a hyphen)', '\u012d', { char: '`\u012d` at 1' }],
  ['lone surrogate shown as U+FFFD', 'a\ud800', { char: '`\ufffd` at 2' }]
]

// Display writes the char raw: no escaping of control characters or quotes.
const raw: Case[] = [
  ['NUL', '\u0000', { char: '`\u0000` at 1' }],
  ['NUL at the end of 36', `${UUID.slice(0, 35)}\u0000`, { char: '`\u0000` at 36' }],
  ['braced then NUL', `{${UUID}}\u0000`, { char: '`{` at 1' }],
  ['newline', '\n', { char: '`\n` at 1' }],
  ['tab after hex', 'ab\t', { char: '`\t` at 3' }],
  ['double quote', '"', { char: '`"` at 1' }],
  ['backtick', '`', { char: '``` at 1' }],
  ['DEL', '\u007f', { char: '`\u007f` at 1' }]
]

const large: Case[] = [
  ['10 KiB of hex', '0'.repeat(10240), length(10240)],
  ['10 KiB of hyphens', '-'.repeat(10240), groups(10241)],
  ['10 KiB, bad last char', `${'0'.repeat(10239)}x`, { char: '`x` at 10240' }],
  ['10 KiB of é', 'é'.repeat(5120), { char: '`é` at 1' }],
  ['10 KiB, right hyphens, huge group 4', `67e55044-10b1-426f-9247-${'0'.repeat(10216)}`, group(4, 12, 10216)]
]

describe.each([
  ['short', SHORT_CHAR],
  ['long', LONG_CHAR]
] as const)('parseUuid: %s messages', (style, prefix) => {
  describe.each([
    ['rejected', rejected],
    ['wrapped-form positions', wrapped],
    ['multi-byte characters', multibyte],
    ['raw characters', raw],
    ['large inputs', large]
  ] as const)('%s', (_group, cases) => {
    it.each(cases)('%s', (_name, input, expected) => {
      expect(parseUuid(input, style)).toEqual({ ok: false, error: expand(expected, prefix) })
    })
  })
})

describe('parseUuid: exact texts', () => {
  it('gives the texts of the 422 examples in docs/contract.md verbatim', () => {
    expect(parseUuid('not-a-uuid')).toEqual({ ok: false, error: 'invalid character: found `n` at 1' })
    expect(parseUuid('123')).toEqual({ ok: false, error: 'invalid length: expected length 32 for simple format, found 3' })
  })

  it('defaults to the short style and writes the long one in full', () => {
    expect(parseUuid('invalid_workflow_id', 'long')).toEqual({
      ok: false,
      error: 'invalid character: expected an optional prefix of `urn:uuid:` followed by [0-9a-fA-F-], found `i` at 1'
    })
    expect(parseUuid('zz')).toEqual(parseUuid('zz', 'short'))
  })
})

// test/fixtures/pydantic/uuid.json: what pydantic 2.13's UUID validator answered (scripts/pydantic-oracle.py).
interface OracleCase { input: string, ok: boolean, uuid?: string, error?: string, msg?: string }
const oracle = (JSON.parse(readFileSync(new URL('../fixtures/pydantic/uuid.json', import.meta.url), 'utf8')) as { cases: OracleCase[] }).cases

describe('parseUuid: agrees with pydantic 2.13', () => {
  it.each(oracle.map((c) => [JSON.stringify(c.input), c] as const))('%s', (_name, c) => {
    const result = parseUuid(c.input)
    if (c.ok) expect(result).toEqual({ ok: true, uuid: c.uuid })
    else {
      expect(result).toEqual({ ok: false, error: c.error })
      expect(`Input should be a valid UUID, ${c.error ?? ''}`).toBe(c.msg)
    }
  })
})

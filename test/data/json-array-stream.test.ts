// JsonArraySplitter: the same elements whatever the chunking, and every kind of bad input named with its byte offset.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { JsonArrayError, JsonArraySplitter } from '../../src/data/json-array-stream.ts'

/** Feeds `input` cut at `cuts` (byte offsets); returns the elements, or the error thrown. */
function split (input: string | Buffer, cuts: number[] = []): unknown[] {
  const bytes = typeof input === 'string' ? Buffer.from(input, 'utf8') : input
  const splitter = new JsonArraySplitter()
  const elements: unknown[] = []
  let from = 0
  for (const cut of [...cuts.filter((c) => c > 0 && c < bytes.length).sort((a, b) => a - b), bytes.length]) {
    splitter.push(bytes.subarray(from, cut), (value, index) => {
      expect(index).toBe(elements.length)
      elements.push(value)
    })
    from = cut
  }
  splitter.end()
  return elements
}

/** Every way of cutting `input` in two and in single bytes gives JSON.parse's elements. */
function expectEveryChunking (input: string): void {
  const expected = JSON.parse(input) as unknown[]
  const length = Buffer.byteLength(input)
  for (let cut = 0; cut <= length; cut++) expect(split(input, [cut])).toEqual(expected)
  expect(split(input, Array.from({ length }, (_, i) => i))).toEqual(expected)
}

function errorOf (input: string | Buffer, cuts: number[] = []): JsonArrayError {
  try {
    split(input, cuts)
  } catch (error) {
    if (error instanceof JsonArrayError) return error
    throw error
  }
  throw new Error('expected a JsonArrayError')
}

describe('JsonArraySplitter', () => {
  it.each([
    ['an empty array', '[]'],
    ['an empty array with whitespace', ' \n\t[ \r\n ] \n'],
    ['objects', '[{"a":1},{"b":[1,2,{"c":null}]}]'],
    ['nested arrays and scalars', '[[1,[2,[3]]],"x",-1.5e3,true,false,null,[]]'],
    ['brackets, braces and commas inside strings', '[{"a":"],}{[,"},"[{\\"]}"]'],
    ['escapes, including an escaped backslash before a quote', '[{"a":"x\\\\","b":"\\"q\\"","c":"\\u00e9\\n"},"\\\\"]'],
    ['multi-byte UTF-8', '[{"name":"café ☕ 𝄞"},"日本語"]'],
    ['whitespace everywhere', '[ {\n "a" : [ 1 , 2 ] } ,\n\t"b" ]']
  ])('%s: the same elements however the bytes are chunked', (_name, input) => {
    expectEveryChunking(input)
  })

  it('any JSON array of objects, cut anywhere, gives JSON.parse\'s elements', () => {
    fc.assert(fc.property(fc.array(fc.jsonValue()), fc.array(fc.nat()), (values, cuts) => {
      const input = JSON.stringify(values, null, values.length % 2 === 0 ? undefined : 1)
      const bytes = Buffer.from(input, 'utf8')
      expect(split(bytes, cuts.map((c) => c % (bytes.length + 1)))).toEqual(JSON.parse(input))
    }), { numRuns: 300 })
  })

  it('an element bigger than many chunks is put together', () => {
    const big = { text: 'x'.repeat(100_000), list: Array.from({ length: 1000 }, (_, i) => ({ i, s: `"${i}"` })) }
    const input = JSON.stringify([1, big, 2])
    expect(split(input, Array.from({ length: 200 }, (_, i) => i * 997))).toEqual([1, big, 2])
  })

  it('skips a UTF-8 byte order mark at the start, even cut in the middle', () => {
    const input = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('[1]')])
    for (let cut = 0; cut <= input.length; cut++) expect(split(input, [cut, 1])).toEqual([1])
  })

  it.each([
    ['an object', '{"runs": []}'],
    ['a string', '"runs"'],
    ['a number', ' 42'],
    ['null', 'null']
  ])('%s is not an array', (_name, input) => {
    expect(errorOf(input)).toMatchObject({ notArray: true, message: 'expected a JSON array' })
  })

  it.each<[string, string | Buffer, string]>([
    ['an empty input', '', 'the input is empty'],
    ['whitespace only', ' \n ', 'unexpected end of input at byte 3'],
    ['garbage', 'xyz', 'unexpected "x" at byte 0'],
    ['a byte order mark alone', '\ufeff', 'unexpected end of input at byte 3'],
    ['half a byte order mark', Buffer.from([0xef, 0x5b, 0x5d]), 'unexpected "[" at byte 1'],
    ['a truncated element', '[{"id": 1}, {', 'unexpected end of input at byte 13'],
    ['a truncated string', '[{"id": "ab', 'unexpected end of input at byte 11'],
    ['no closing bracket', '[1, 2', 'unexpected end of input at byte 5'],
    ['a trailing comma', '[1,]', 'unexpected "]" at byte 3'],
    ['a missing element', '[1,,2]', 'unexpected "," at byte 3'],
    ['a leading comma', '[,1]', 'unexpected "," at byte 1'],
    ['a stray closing brace', '[1}]', 'unexpected "}" at byte 2'],
    ['garbage after the array', '[1] x', 'unexpected "x" after the array at byte 4'],
    ['a second array', '[1][2]', 'unexpected "[" after the array at byte 3'],
    ['two values in one element', '[1 2]', 'Unexpected non-whitespace character after JSON at byte 3 (element [0])'],
    ['a bad value in the second element', '[{"a":1}, {"a":1 "b":2}]', 'Expected \',\' or \'}\' after property value at byte 17 (element [1])'],
    ['a position after multi-byte characters', '["é", {"é":1 "b":2}]', 'Expected \',\' or \'}\' after property value at byte 15 (element [1])'],
    ['an unexpected token', '[{"a":}]', 'Unexpected token \'}\', "{"a":}" is not valid JSON (element [0] at byte 1)'],
    ['mismatched brackets', '[{"a":[1}]]', 'Expected \',\' or \']\' after array element at byte 8 (element [0])'],
    ['a control character in a string', '[1, "a\tb"]', 'Bad control character in string literal at byte 6 (element [1])']
  ])('%s: %s', (_name, input, message) => {
    expect(errorOf(input)).toMatchObject({ notArray: false, message })
  })

  it('errors are the same however the input is chunked', () => {
    const input = '[{"a":"x,y"}, {"b": [1, 2}]'
    const message = errorOf(input).message
    for (let cut = 0; cut <= input.length; cut++) expect(errorOf(input, [cut]).message).toBe(message)
  })
})

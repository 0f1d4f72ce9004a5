// The option machinery: flag over variable over default, one rule for empty values, lists, toggles, required values.
import { describe, expect, it } from 'vitest'
import { ConfigError, helpLines, InvalidValue, list, readOption, requiredValue, toggle, UsageError, value, type Parser } from '../../src/options/option.ts'
import { number, word } from '../../src/options/parsers.ts'

const count = value('count', number({ min: 1, max: 9, whole: true }), 3, { env: 'X_COUNT', arg: 'N', help: 'how many' })
const names = list('name', word(), ['a'], { env: 'X_NAMES', help: 'names' })
const quiet = toggle('quiet', { env: 'X_QUIET', help: 'say less' })
const id = requiredValue('id', word(), { env: 'X_ID', help: 'the id' })
const refusal = (run: () => unknown): string => {
  try {
    run()
  } catch (error) {
    if (error instanceof ConfigError) return error.message
    throw error
  }
  throw new Error('nothing was refused')
}

describe('readOption', () => {
  it('takes the flag over the variable over the default', () => {
    expect(readOption(count, { count: '5' }, { X_COUNT: '7' })).toBe(5)
    expect(readOption(count, {}, { X_COUNT: '7' })).toBe(7)
    expect(readOption(count, {}, {})).toBe(3)
  })

  it('refuses an empty value from the flag and from the variable alike, naming the source', () => {
    expect(refusal(() => readOption(count, { count: '' }, {}))).toBe('--count: expected a whole number from 1 to 9, got ""')
    expect(refusal(() => readOption(count, {}, { X_COUNT: ' ' }))).toBe('X_COUNT: expected a whole number from 1 to 9, got " "')
  })

  it.each(['1e3', '+5', '5.0', '0x5', '10', '-1'])('refuses %j as a whole number in range', (text) => {
    expect(refusal(() => readOption(count, { count: text }, {}))).toBe(`--count: expected a whole number from 1 to 9, got ${JSON.stringify(text)}`)
  })

  it('splits a list variable on commas and takes a repeated flag as it is', () => {
    expect(readOption(names, {}, { X_NAMES: 'b, c' })).toEqual(['b', 'c'])
    expect(readOption(names, { name: ['d', 'e'] }, { X_NAMES: 'b' })).toEqual(['d', 'e'])
    expect(refusal(() => readOption(names, {}, { X_NAMES: 'b,,c' }))).toBe('X_NAMES: expected a value without whitespace, got ""')
  })

  it('reads a toggle from the flag or true/false/1/0 in its variable, and refuses anything else', () => {
    expect(readOption(quiet, { quiet: true }, {})).toBe(true)
    expect([readOption(quiet, {}, { X_QUIET: '1' }), readOption(quiet, {}, { X_QUIET: 'false' }), readOption(quiet, {}, {})]).toEqual([true, false, false])
    expect(refusal(() => readOption(quiet, {}, { X_QUIET: 'yes' }))).toBe('X_QUIET: expected true or false (or 1 or 0), got "yes"')
  })

  it('says a required value is missing, and where else it may come from', () => {
    expect(refusal(() => readOption(id, {}, {}))).toBe('--id is required (or set X_ID)')
    expect(readOption(id, {}, { X_ID: 'abc' })).toBe('abc')
  })

  it('shows what the parser chose instead of a text that holds a secret, and why', () => {
    const secretive: Parser<string> = { expects: 'no password', parse: () => { throw new InvalidValue('drop it', 'http://host') } }
    const url = value('url', secretive, undefined, { help: 'a URL' })
    expect(refusal(() => readOption(url, { url: 'http://u:pw@host' }, {}))).toBe('--url: expected no password, got "http://host" (drop it)')
  })

  it('makes every refusal bad usage', () => {
    expect(new ConfigError('x')).toBeInstanceOf(UsageError)
  })
})

describe('helpLines', () => {
  it('writes each option once with its variable and default, then -h', () => {
    expect(helpLines({ count, names, quiet }).split('\n')).toEqual([
      '  --count N                how many (env X_COUNT; default 3)',
      '  --name                   names (env X_NAMES, comma-separated; default a)',
      '  --quiet                  say less (env X_QUIET=true)',
      '  -h, --help               show this help'
    ])
  })
})

// The parsers an option table uses: one number parser, choices, sizes, UUIDs, timestamps, and free text.
import { parseTimestamp } from '../contract/timestamps.ts'
import { parseUuid } from '../contract/uuid.ts'
import { InvalidValue, type Parser } from './option.ts'

interface NumberRange {
  min: number
  max?: number
  /** Whole numbers only (digits, no sign, no exponent). */
  whole?: boolean
}

/** Decimal numbers in a range; `whole` takes digits only, so "1e3", "1.0" and "+5" are refused. */
export function number ({ min, max = Number.MAX_SAFE_INTEGER, whole = false }: NumberRange): Parser<number> {
  const range = max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `from ${min} to ${max}`
  return {
    expects: `${whole ? 'a whole number' : 'a number'} ${range}`,
    parse: (text) => {
      const pattern = whole ? /^\d+$/ : /^\d+(\.\d+)?$/
      const parsed = Number(text)
      if (!pattern.test(text) || parsed < min || parsed > max) throw new InvalidValue()
      return parsed
    }
  }
}

export function oneOf<const T extends string> (choices: readonly T[]): Parser<T> {
  return {
    expects: `one of ${choices.join(', ')}`,
    parse: (text) => {
      if (!(choices as readonly string[]).includes(text)) throw new InvalidValue()
      return text as T
    }
  }
}

/** Any text; emptiness is refused before a parser is asked. */
export const text: Parser<string> = { expects: 'a value', parse: (value) => value }

/** A secret or name: no whitespace, at least `min` characters. */
export function word (min = 1): Parser<string> {
  return {
    expects: min > 1 ? `at least ${min} characters without whitespace` : 'a value without whitespace',
    parse: (value) => {
      if (/\s/.test(value) || [...value].length < min) throw new InvalidValue()
      return value
    }
  }
}

const BYTE_UNITS: Record<string, number> = { '': 1, b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 }

/** `52428800`, `512kb`, `50mb`, `1gb` (binary units, any case), from 1 byte to `max`. */
export function byteSize (max: number): Parser<number> {
  return {
    expects: `a size such as 50mb, 512kb or 1048576, at most ${max / 1024 ** 2}mb`,
    parse: (value) => {
      const match = /^(\d+)\s*(b|kb|mb|gb)?$/i.exec(value.trim())
      const bytes = match === null ? NaN : Number(match[1]) * (BYTE_UNITS[(match[2] ?? '').toLowerCase()] ?? NaN)
      if (!Number.isSafeInteger(bytes) || bytes < 1 || bytes > max) throw new InvalidValue()
      return bytes
    }
  }
}

/** `MS` or `MIN-MAX`, whole milliseconds up to `max`. */
export function millisecondRange (max: number): Parser<{ min: number, max: number }> {
  return {
    expects: `MS or MIN-MAX, whole milliseconds up to ${max}`,
    parse: (value) => {
      const match = /^(\d{1,6})(?:-(\d{1,6}))?$/.exec(value.trim())
      const low = Number(match?.[1])
      const high = match?.[2] === undefined ? low : Number(match[2])
      if (match === null || low > high || high > max) throw new InvalidValue()
      return { min: low, max: high }
    }
  }
}

/** A comma-separated set drawn from `choices`, in one value: `500,503`. */
export function setOf<T extends number> (choices: readonly T[]): Parser<T[]> {
  return {
    expects: `${choices.join(', ')} or ${choices.join(',')}`,
    parse: (value) => {
      const picked = value.split(',').map((part) => choices.find((choice) => String(choice) === part.trim()))
      if (picked.some((choice) => choice === undefined)) throw new InvalidValue()
      return [...new Set(picked as T[])]
    }
  }
}

/** A CORS origin: `scheme://host[:port]`, `:*` for any port, or `*`. */
export const origin: Parser<string> = {
  expects: 'scheme://host[:port] (":*" for any port) or "*"',
  parse: (value) => {
    if (value !== '*' && !/^[a-z][a-z0-9+.-]*:\/\/[^/?#@\s]+$/i.test(value)) throw new InvalidValue()
    return value
  }
}

/** A UUID in any form the endpoint accepts, returned lowercase and hyphenated. */
export const uuid: Parser<string> = {
  expects: 'a UUID',
  parse: (value) => {
    const parsed = parseUuid(value)
    if (!parsed.ok) throw new InvalidValue(parsed.error)
    return parsed.uuid
  }
}

/** An RFC 3339 date-time, as microseconds since the epoch. */
export const timestamp: Parser<number> = {
  expects: 'an RFC 3339 date-time',
  parse: (value) => {
    const parsed = parseTimestamp(value)
    if (parsed === undefined) throw new InvalidValue()
    return parsed
  }
}

/** An http:// or https:// URL without credentials (which fetch refuses and a CI log must not show). */
export const httpUrl: Parser<string> = {
  expects: 'an http:// or https:// URL without user:password@',
  parse: (value) => {
    if (!/^https?:\/\/[^/]/.test(value) || !URL.canParse(value)) throw new InvalidValue()
    const parsed = new URL(value)
    if (parsed.username === '' && parsed.password === '') return value
    parsed.username = ''
    parsed.password = ''
    throw new InvalidValue('give the bearer token with --token', parsed.href.replace(/\/$/, ''))
  }
}

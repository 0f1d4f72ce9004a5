// The `Prefer` request header (RFC 7240, as Prism reads it): `code=N` forces an answer (`code=200` asks for the
// normal one), `delay=MS` delays it; Prism's example selectors are accepted and change nothing.
export const FORCED_CODES = [401, 404, 422, 500, 503] as const
/** What `code=` takes: the normal answer's status, or one to force. */
export const PREFER_CODES = [200, ...FORCED_CODES] as const
export type ForcedCode = typeof FORCED_CODES[number]
export const MAX_PREFER_DELAY_MS = 30_000

export interface Preferences {
  code?: ForcedCode
  delayMs?: number
  /** The honoured preferences, for the `Preference-Applied` response header. */
  applied: string[]
}

export type PreferParse = { ok: true, preferences: Preferences } | { ok: false, reason: string }

// Registered preferences (RFC 7240 §4, RFC 8144) that this server may ignore, as the RFC lets any server do.
const IGNORED = new Set(['respond-async', 'return', 'wait', 'handling', 'depth-noroot'])
// Prism's selectors of a generated or named example: a suite written for Prism sends them, and here every 200 comes
// from the database, so they are accepted and not applied (Preference-Applied lists only what was honoured).
const PRISM_EXAMPLE_SELECTORS = new Set(['example', 'dynamic'])
const TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+"
const PREFERENCE = new RegExp(`^(${TOKEN})(?:[ \\t]*=[ \\t]*(?:"((?:[^"\\\\]|\\\\.)*)"|(${TOKEN})))?[ \\t]*(?:;.*)?$`, 's')

/** Parses every Prefer header of a request; no header, or only ignorable preferences, gives no preferences. */
export function parsePrefer (header: string | string[] | undefined): PreferParse {
  const preferences: Preferences = { applied: [] }
  const values = header === undefined ? [] : Array.isArray(header) ? header : [header]
  for (const element of values.flatMap(splitList)) {
    const match = PREFERENCE.exec(element)
    if (match === null) return fail(`cannot read "${element}"; expected name=value pairs such as code=503, delay=200`)
    const name = (match[1] as string).toLowerCase()
    const value = match[2] === undefined ? match[3] : match[2].replace(/\\(.)/g, '$1')
    const problem = apply(preferences, name, value)
    if (problem !== undefined) return fail(problem)
  }
  return { ok: true, preferences }
}

function apply (preferences: Preferences, name: string, value: string | undefined): string | undefined {
  if (IGNORED.has(name) || PRISM_EXAMPLE_SELECTORS.has(name)) return undefined
  if (name !== 'code' && name !== 'delay') return `unknown preference "${name}"; supported: code, delay`
  if (preferences.applied.some((applied) => applied.startsWith(`${name}=`))) return `${name} is given more than once`
  if (name === 'code') {
    const code = PREFER_CODES.find((c) => String(c) === value)
    if (code === undefined) return `code must be one of ${PREFER_CODES.join(', ')}, got ${shown(value)}`
    if (code !== 200) preferences.code = code
  } else {
    if (value === undefined || !/^\d{1,6}$/.test(value) || Number(value) > MAX_PREFER_DELAY_MS) {
      return `delay must be a whole number of milliseconds from 0 to ${MAX_PREFER_DELAY_MS}, got ${shown(value)}`
    }
    preferences.delayMs = Number(value)
  }
  preferences.applied.push(`${name}=${value as string}`)
  return undefined
}

// Splits a header list on commas outside quoted strings; empty elements are allowed by the list syntax.
function splitList (value: string): string[] {
  const elements: string[] = []
  let current = ''
  let quoted = false
  for (let i = 0; i < value.length; i++) {
    const char = value[i] as string
    if (quoted && char === '\\') {
      current += char + (value[i + 1] ?? '')
      i++
      continue
    }
    if (char === '"') quoted = !quoted
    if (char === ',' && !quoted) {
      elements.push(current)
      current = ''
    } else current += char
  }
  elements.push(current)
  return elements.map((e) => e.trim()).filter((e) => e !== '')
}

function shown (value: string | undefined): string {
  return value === undefined ? 'no value' : `"${value}"`
}

function fail (reason: string): PreferParse {
  return { ok: false, reason }
}

// FastAPI's HTTPBearer check plus the accepted-token and Api-key checks, compared in constant time.
import { createHash, timingSafeEqual } from 'node:crypto'
import { compatProfile, type CompatName } from './contract/compat.ts'
import { authError, errors, type ContractError } from './errors.ts'

export interface AuthOptions {
  tokens: readonly string[]
  apiKeys: readonly string[]
  compat?: CompatName
}

// Characters Python's str.strip() removes (str.isspace), which differ slightly from String.prototype.trim.
// eslint-disable-next-line no-control-regex -- \x1c-\x1f are whitespace to Python
const PY_WHITESPACE = /^[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+|[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/g

export type BearerRead = { ok: true, credentials: string } | { ok: false, reason: 'missing' | 'scheme' }

/**
 * HTTPBearer: split at the first space; missing header, scheme or credentials come first, then the scheme is
 * compared case-insensitively. `strip` is FastAPI >= 0.128.1, which strips the credentials.
 */
export function readBearer (authorization: string | undefined, strip = true): BearerRead {
  if (authorization === undefined || authorization === '') return { ok: false, reason: 'missing' }
  const space = authorization.indexOf(' ')
  const scheme = space === -1 ? authorization : authorization.slice(0, space)
  const rest = space === -1 ? '' : authorization.slice(space + 1)
  const credentials = strip ? rest.replace(PY_WHITESPACE, '') : rest
  if (scheme === '' || credentials === '') return { ok: false, reason: 'missing' }
  if (scheme.toLowerCase() !== 'bearer') return { ok: false, reason: 'scheme' }
  return { ok: true, credentials }
}

/** The accepted credentials of a current FastAPI, or undefined when HTTPBearer rejects the header. */
export function bearerCredentials (authorization: string | undefined): string | undefined {
  const read = readBearer(authorization)
  return read.ok ? read.credentials : undefined
}

export type Authenticator = (authorization: string | undefined) => ContractError | undefined

export function createAuthenticator (options: AuthOptions): Authenticator {
  const tokens = options.tokens.map(configured)
  const profile = compatProfile(options.compat)
  const missing = authError(profile.missingCredentials)
  const wrongScheme = authError(profile.wrongScheme)
  return (authorization) => {
    const read = readBearer(authorization, profile.stripCredentials)
    if (!read.ok) return read.reason === 'missing' ? missing : wrongScheme
    return matchesAny(read.credentials, tokens) ? undefined : errors.invalidCredentials
  }
}

/** When API keys are configured, a present Api-key header must be one of them; otherwise it is ignored. */
export function createApiKeyCheck (options: AuthOptions): (apiKey: string | undefined) => ContractError | undefined {
  const keys = options.apiKeys.map(configured)
  return (apiKey) => {
    if (keys.length === 0 || apiKey === undefined) return undefined
    return matchesAny(apiKey, keys) ? undefined : errors.invalidApiKey
  }
}

// Hashing first gives equal-length buffers, so the comparison time says nothing about the token.
function digest (bytes: Buffer): Buffer {
  return createHash('sha256').update(bytes).digest()
}

/** A configured token or key (from flags, environment or config) as the UTF-8 bytes a client sends. */
function configured (value: string): Buffer {
  return digest(Buffer.from(value, 'utf8'))
}

// Node's HTTP parser gives header values as latin1 strings: one character per byte on the wire, so 'latin1'
// restores those bytes exactly. A string with characters above U+00FF did not come off the wire (app.inject), and
// is taken as its UTF-8 bytes rather than truncated.
// eslint-disable-next-line no-control-regex -- the test is for any character outside latin1
const OUTSIDE_LATIN1 = /[^\u0000-\u00ff]/
function received (value: string): Buffer {
  return digest(Buffer.from(value, OUTSIDE_LATIN1.test(value) ? 'utf8' : 'latin1'))
}

function matchesAny (candidate: string, accepted: readonly Buffer[]): boolean {
  const hashed = received(candidate)
  let found = false
  for (const token of accepted) found = timingSafeEqual(hashed, token) || found
  return found
}

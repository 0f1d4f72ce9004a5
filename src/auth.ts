// FastAPI's HTTPBearer check plus the accepted-token and Api-key checks, compared in constant time.
import { createHash, timingSafeEqual } from 'node:crypto'
import { errors, type ContractError } from './errors.ts'

export interface AuthOptions {
  tokens: readonly string[]
  apiKeys: readonly string[]
}

// Characters Python's str.strip() removes (str.isspace), which differ slightly from String.prototype.trim.
// eslint-disable-next-line no-control-regex -- \x1c-\x1f are whitespace to Python
const PY_WHITESPACE = /^[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+|[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/g

/** HTTPBearer: split at the first space, strip the credentials, scheme compared case-insensitively. */
export function bearerCredentials (authorization: string | undefined): string | undefined {
  if (authorization === undefined || authorization === '') return undefined
  const space = authorization.indexOf(' ')
  const scheme = space === -1 ? authorization : authorization.slice(0, space)
  const credentials = space === -1 ? '' : authorization.slice(space + 1).replace(PY_WHITESPACE, '')
  if (scheme === '' || credentials === '' || scheme.toLowerCase() !== 'bearer') return undefined
  return credentials
}

export type Authenticator = (authorization: string | undefined) => ContractError | undefined

export function createAuthenticator (options: AuthOptions): Authenticator {
  const tokens = options.tokens.map(digest)
  return (authorization) => {
    const credentials = bearerCredentials(authorization)
    if (credentials === undefined) return errors.notAuthenticated
    return matchesAny(credentials, tokens) ? undefined : errors.invalidCredentials
  }
}

/** When API keys are configured, a present Api-key header must be one of them; otherwise it is ignored. */
export function createApiKeyCheck (options: AuthOptions): (apiKey: string | undefined) => ContractError | undefined {
  const keys = options.apiKeys.map(digest)
  return (apiKey) => {
    if (keys.length === 0 || apiKey === undefined) return undefined
    return matchesAny(apiKey, keys) ? undefined : errors.invalidApiKey
  }
}

// Hashing first gives equal-length buffers, so the comparison time says nothing about the token.
function digest (value: string): Buffer {
  return createHash('sha256').update(value, 'latin1').digest()
}

function matchesAny (candidate: string, accepted: readonly Buffer[]): boolean {
  const hashed = digest(candidate)
  let found = false
  for (const token of accepted) found = timingSafeEqual(hashed, token) || found
  return found
}

export function safeEqual (a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b))
}

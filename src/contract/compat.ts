// Compatibility profiles: the one table of every answer that differs between FastAPI/pydantic generations.
import type { UuidMessageStyle } from './uuid.ts'

export interface AuthAnswer {
  status: 401 | 403
  detail: string
  /** Whether the answer carries `www-authenticate: Bearer`. */
  challenge: boolean
}

export interface CompatProfile {
  name: CompatName
  fastapi: string
  pydantic: string
  /** HTTPBearer with no header, an empty scheme or empty credentials. */
  missingCredentials: AuthAnswer
  /** HTTPBearer with a scheme other than `bearer`. */
  wrongScheme: AuthAnswer
  /** get_authorization_scheme_param strips the credentials (FastAPI >= 0.128.1). */
  stripCredentials: boolean
  /** uuid-rs invalid-character wording: 'short' from uuid 1.23 (pydantic >= 2.13), else 'long'. */
  uuidMessages: UuidMessageStyle
  /** pydantic's documentation link added as `url` to each 422 item (FastAPI 0.100.0 to 0.110.1). */
  errorUrl: string | undefined
}

export const COMPAT_NAMES = ['current', 'pydantic-2.12', 'fastapi-0.128', 'fastapi-0.121', 'fastapi-0.110'] as const
export type CompatName = typeof COMPAT_NAMES[number]
export const DEFAULT_COMPAT: CompatName = 'current'

const UNAUTHENTICATED_401: AuthAnswer = { status: 401, detail: 'Not authenticated', challenge: true }
const UNAUTHENTICATED_403: AuthAnswer = { status: 403, detail: 'Not authenticated', challenge: false }
const INVALID_SCHEME_403: AuthAnswer = { status: 403, detail: 'Invalid authentication credentials', challenge: false }

// Sources: docs/contract.md, "HTTPBearer" (401 since FastAPI 0.122.0, strip since 0.128.1) and "422 bodies" (url
// removed in 0.110.2, uuid crate 1.23 from pydantic 2.13). FastAPI 0.110.1 was current while pydantic 2.6 was; FastAPI's
// own test suites of that time assert `https://errors.pydantic.dev/2.6/v/uuid_parsing` with the long text.
export const COMPAT_PROFILES: Record<CompatName, CompatProfile> = {
  current: {
    name: 'current',
    fastapi: '>= 0.128.1',
    pydantic: '>= 2.13',
    missingCredentials: UNAUTHENTICATED_401,
    wrongScheme: UNAUTHENTICATED_401,
    stripCredentials: true,
    uuidMessages: 'short',
    errorUrl: undefined
  },
  'pydantic-2.12': {
    name: 'pydantic-2.12',
    fastapi: '>= 0.128.1',
    pydantic: '2.x <= 2.12',
    missingCredentials: UNAUTHENTICATED_401,
    wrongScheme: UNAUTHENTICATED_401,
    stripCredentials: true,
    uuidMessages: 'long',
    errorUrl: undefined
  },
  'fastapi-0.128': {
    name: 'fastapi-0.128',
    fastapi: '0.122.0 - 0.128.0',
    pydantic: '2.12',
    missingCredentials: UNAUTHENTICATED_401,
    wrongScheme: UNAUTHENTICATED_401,
    stripCredentials: false,
    uuidMessages: 'long',
    errorUrl: undefined
  },
  'fastapi-0.121': {
    name: 'fastapi-0.121',
    fastapi: '0.110.2 - 0.121.x',
    pydantic: '2.12',
    missingCredentials: UNAUTHENTICATED_403,
    wrongScheme: INVALID_SCHEME_403,
    stripCredentials: false,
    uuidMessages: 'long',
    errorUrl: undefined
  },
  'fastapi-0.110': {
    name: 'fastapi-0.110',
    fastapi: '0.100.0 - 0.110.1',
    pydantic: '2.6',
    missingCredentials: UNAUTHENTICATED_403,
    wrongScheme: INVALID_SCHEME_403,
    stripCredentials: false,
    uuidMessages: 'long',
    errorUrl: 'https://errors.pydantic.dev/2.6/v/'
  }
}

export function isCompatName (value: string): value is CompatName {
  return (COMPAT_NAMES as readonly string[]).includes(value)
}

export function compatProfile (name: CompatName = DEFAULT_COMPAT): CompatProfile {
  return COMPAT_PROFILES[name]
}

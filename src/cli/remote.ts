// Flags shared by the commands that talk to a live server (verify, record): URL, credentials, timeout, retries.
import { parseUuid } from '../contract/uuid.ts'
import { UsageError } from './usage.ts'

export const REMOTE_TOKEN_ENV = 'PIPELINES_MOCK_REMOTE_TOKEN'

export const remoteOptions = {
  'base-url': { type: 'string' },
  token: { type: 'string' },
  'api-key': { type: 'string' },
  timeout: { type: 'string' },
  retries: { type: 'string' }
} as const

export const REMOTE_HELP = `  --base-url URL      the server, e.g. http://127.0.0.1:8000 (a path prefix is kept)
  --token T           an accepted bearer token (or env ${REMOTE_TOKEN_ENV}); never printed or stored
  --api-key KEY       sent as Api-key with authenticated requests
  --timeout MS        per attempt (default 10000)
  --retries N         extra attempts after a network error, a timeout, 502, 503 or 504 (default 2)`

export interface Remote {
  baseUrl: string
  token: string
  apiKey: string | undefined
  timeoutMs: number
  retries: number
}

type RemoteValues = { [K in keyof typeof remoteOptions]?: string }

export function parseRemote (values: RemoteValues, env: Record<string, string | undefined>): Remote {
  const baseUrl = required(values['base-url'], '--base-url')
  if (!/^https?:\/\/[^/]/.test(baseUrl) || !URL.canParse(baseUrl)) throw new UsageError(`--base-url must be an http:// or https:// URL, got "${baseUrl}"`)
  const parsed = new URL(baseUrl)
  if (parsed.username !== '' || parsed.password !== '') {
    parsed.username = ''
    parsed.password = ''
    // fetch refuses such a URL, and the password must not reach a CI log: the message shows the URL without it.
    throw new UsageError(`--base-url must not carry credentials (user:password@); give the bearer token with --token: ${parsed.href.replace(/\/$/, '')}`)
  }
  const token = values.token ?? env[REMOTE_TOKEN_ENV]
  if (token === undefined || token === '') throw new UsageError(`--token is required (or set ${REMOTE_TOKEN_ENV})`)
  return {
    baseUrl,
    token,
    apiKey: values['api-key'],
    timeoutMs: integer(values.timeout, '--timeout', 10_000, 1, 300_000),
    retries: integer(values.retries, '--retries', 2, 0, 10)
  }
}

export function required (value: string | undefined, name: string): string {
  if (value === undefined || value === '') throw new UsageError(`${name} is required`)
  return value
}

export function uuidFlag (value: string, name: string): string {
  const parsed = parseUuid(value)
  if (!parsed.ok) throw new UsageError(`${name} must be a UUID, got "${value}" (${parsed.error})`)
  return parsed.uuid
}

function integer (value: string | undefined, name: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) throw new UsageError(`${name} must be an integer from ${min} to ${max}, got "${value}"`)
  return Number(value)
}

// Redaction of recorded runs: SQL text, Argo label and annotation values, and credentials, deterministically.
import { createHash } from 'node:crypto'
import type { RunRead } from '../schemas/runs.ts'

export interface RedactOptions {
  sql: boolean
  labels: boolean
  /** Strings (tokens, API keys) to remove wherever they appear, object keys included. */
  secrets: readonly string[]
}

// Set by the Argo controller from the run's state (phase, completed…): no user data, and the data relies on them.
const CONTROLLER_PREFIX = 'workflows.argoproj.io/'
const SQL_KEYWORDS = new Set(['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'MERGE', 'WITH', 'CREATE', 'DROP', 'ALTER', 'COPY', 'CALL', 'TRUNCATE', 'REPLACE', 'UPSERT'])
const SQL_PARAMETERS = new Set(['query', 'sql'])
const SECRET_MARK = '[redacted]'

/** A short, stable fingerprint: equal inputs stay equal after redaction, so relations between objects hold. */
export function fingerprint (text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 8)
}

// `INSERT INTO mart.orders SELECT …` becomes `INSERT … /* redacted 1a2b3c4d */`: still reads as SQL of that kind.
export function redactSql (query: string): string {
  const keyword = /^\s*([A-Za-z]+)/.exec(query)?.[1]?.toUpperCase()
  return `${keyword !== undefined && SQL_KEYWORDS.has(keyword) ? keyword : 'SELECT'} … /* redacted ${fingerprint(query)} */`
}

/** A valid Kubernetes label value (63 characters at most, alphanumeric ends). */
export function redactLabelValue (value: string): string {
  return value === '' ? '' : `redacted-${fingerprint(value)}`
}

/** Redacts runs as a server sent them: anything not shaped like a run is walked all the same, never trusted. */
export function redactRuns<T = RunRead> (runs: readonly T[], options: RedactOptions): T[] {
  return runs.map((run) => redactRun(run, options))
}

function redactRun<T> (run: T, options: RedactOptions): T {
  const queries = stepQueries(run)
  const ids = runIds(run)
  const transform = (value: unknown, key: string | undefined, parent: unknown): unknown => {
    if (typeof value === 'string') return redactString(value, key, parent, queries, options)
    if (options.labels && (key === 'labels' || key === 'annotations') && isStringRecord(value)) return redactLabels(value, ids)
    return undefined
  }
  return walk(run, transform, undefined, undefined, (key) => removeSecrets(key, options.secrets)) as T
}

function stepQueries (run: unknown): Set<string> {
  const version = isRecord(run) ? run.pipeline_version : undefined
  const steps = isRecord(version) && Array.isArray(version.steps) ? version.steps as unknown[] : []
  const queries = steps.map((step) => isRecord(step) && isRecord(step.config) ? step.config.query : undefined)
  return new Set(queries.filter((query): query is string => typeof query === 'string'))
}

function redactString (value: string, key: string | undefined, parent: unknown, queries: Set<string>, options: RedactOptions): string {
  let text = value
  if (options.sql && (queries.has(text) || isSqlText(key, parent))) text = redactSql(text)
  return removeSecrets(text, options.secrets)
}

function removeSecrets (text: string, secrets: readonly string[]): string {
  return secrets.reduce((out, secret) => secret === '' ? out : out.replaceAll(secret, SECRET_MARK), text)
}

// `config.query` of a step, and Argo parameters `{"name":"query","value":"…"}` wherever they sit.
function isSqlText (key: string | undefined, parent: unknown): boolean {
  if (key === 'query' && isRecord(parent) && 'query_type' in parent) return true
  return key === 'value' && isRecord(parent) && typeof parent.name === 'string' && SQL_PARAMETERS.has(parent.name.toLowerCase())
}

// Controller labels, and values that are the run's own ids (already in the data), say nothing new: they stay.
function redactLabels (labels: Record<string, string>, ids: Set<string>): Record<string, string> {
  return Object.fromEntries(Object.entries(labels).map(([name, value]) =>
    [name, name.startsWith(CONTROLLER_PREFIX) || ids.has(value) ? value : redactLabelValue(value)]))
}

function runIds (run: unknown): Set<string> {
  if (!isRecord(run)) return new Set()
  const version = isRecord(run.pipeline_version) ? run.pipeline_version : {}
  return new Set([run.id, run.pipeline_config_version_id, version.id, version.pipeline_id].filter((id): id is string => typeof id === 'string'))
}

type Transform = (value: unknown, key: string | undefined, parent: unknown) => unknown

/**
 * Copies `value`, letting `transform` replace any node (undefined keeps walking) and `renameKey` any object key;
 * key order is kept, and `transform` sees the original keys.
 */
function walk (value: unknown, transform: Transform, key: string | undefined, parent: unknown, renameKey: (key: string) => string): unknown {
  const replaced = transform(value, key, parent)
  if (replaced !== undefined) return replaced
  if (Array.isArray(value)) return value.map((item) => walk(item, transform, undefined, value, renameKey))
  if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [renameKey(k), walk(v, transform, k, value, renameKey)]))
  return value
}

function isRecord (value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function isStringRecord (value: unknown): value is Record<string, string> {
  return isRecord(value) && Object.values(value).every((v) => typeof v === 'string')
}

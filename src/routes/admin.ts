// The data-changing /__admin endpoints (runs, reset, delete pipeline): an encapsulated plugin behind the admin token.
import type { FastifyError, FastifyPluginAsync, FastifyReply } from 'fastify'
import { createAuthenticator } from '../auth.ts'
import { parseUuid } from '../contract/uuid.ts'
import { importRuns, ImportValidationError, MAX_COUNTED_FINDINGS, MAX_FINDINGS, type ImportFinding } from '../data/import.ts'
import { isBusy, writeWithoutWaiting } from '../db/busy.ts'
import type { Db } from '../db/open.ts'
import { loadDemo } from '../db/seed-demo.ts'
import { createRunWriter } from '../db/write-runs.ts'
import { bodyValidationError, errors, sendError, sendJson, validationError, type BodyProblem } from '../errors.ts'
import { useAdminJsonParser } from './admin-body.ts'

export interface AdminOptions {
  db: Db
  adminToken: string
  /** Largest body read, in bytes. */
  bodyLimit: number
  /** serve --read-only: every admin request is refused once authenticated. */
  readOnly?: boolean
}

const DATASETS = ['demo', 'empty'] as const

/** Register with `app.register(adminRoutes, options)`: hooks and error handling stay inside this plugin. */
export const adminRoutes: FastifyPluginAsync<AdminOptions> = async (scope, { db, adminToken, bodyLimit, readOnly = false }) => {
  const authenticate = createAuthenticator({ tokens: [adminToken], apiKeys: [] })
  const writer = createRunWriter(db)
  const countRuns = db.prepare<[string], number>('SELECT count(*) FROM runs WHERE pipeline_id = ?').pluck()

  // Before the body is read: an unauthenticated request never makes the server parse a large body.
  scope.addHook('onRequest', async (request, reply) => {
    const problem = authenticate(request.headers.authorization)
    if (problem === undefined) return readOnly ? sendError(reply, errors.readOnlyDatabase) : undefined
    return sendError(reply, problem === errors.notAuthenticated ? errors.adminNotAuthenticated : errors.adminInvalidToken)
  })
  scope.setErrorHandler((error: FastifyError, request, reply) => answerBodyError(error, reply, (e) => request.log.error({ err: e }, 'admin request failed')))
  useAdminJsonParser(scope)

  scope.post('/__admin/runs', { bodyLimit }, (request, reply) => {
    if (!Array.isArray(request.body)) {
      return sendError(reply, bodyValidationError([{ type: 'list_type', loc: [], msg: 'Input should be a valid list', input: request.body ?? null }]))
    }
    try {
      const body = request.body
      const result = writeWithoutWaiting(db, () => importRuns(db, body, { source: 'body' }))
      return sendJson(reply, Buffer.from(JSON.stringify(result)))
    } catch (error) {
      if (!(error instanceof ImportValidationError)) throw error
      return sendError(reply, bodyValidationError(findingsAsProblems(error)))
    }
  })

  scope.post('/__admin/reset', (request, reply) => {
    const body = request.body as { dataset?: unknown } | undefined | null
    const problem = datasetProblem(body)
    if (problem !== undefined) return sendError(reply, bodyValidationError([problem]))
    const dataset = (body as { dataset: typeof DATASETS[number] }).dataset
    const runs = writeWithoutWaiting(db, () => dataset === 'demo' ? loadDemo(db) : emptyDatabase(writer))
    return sendJson(reply, Buffer.from(JSON.stringify({ dataset, runs })))
  })

  scope.delete<{ Params: { pipeline_id: string } }>('/__admin/pipelines/:pipeline_id', (request, reply) => {
    const raw = request.params.pipeline_id
    const parsed = parseUuid(raw)
    if (!parsed.ok) return sendError(reply, validationError([{ loc: ['path', 'pipeline_id'], input: raw, error: parsed.error }]))
    const deleted = writeWithoutWaiting(db, () => {
      const runs = countRuns.get(parsed.uuid) as number
      return writer.deletePipeline(parsed.uuid) ? runs : undefined
    })
    if (deleted === undefined) return sendError(reply, errors.pipelineNotFound)
    return sendJson(reply, Buffer.from(JSON.stringify({ pipeline_id: parsed.uuid, runs: deleted })))
  })
}

function emptyDatabase (writer: ReturnType<typeof createRunWriter>): number {
  writer.deleteAll()
  return 0
}

function datasetProblem (body: { dataset?: unknown } | undefined | null): BodyProblem | undefined {
  if (body === undefined || body === null) return { type: 'missing', loc: [], msg: 'Field required', input: null }
  if (typeof body !== 'object' || Array.isArray(body)) {
    return { type: 'model_attributes_type', loc: [], msg: 'Input should be a valid dictionary or object to extract fields from', input: body }
  }
  if (!('dataset' in body)) return { type: 'missing', loc: ['dataset'], msg: 'Field required', input: body }
  if (!(DATASETS as readonly unknown[]).includes(body.dataset)) {
    return { type: 'literal_error', loc: ['dataset'], msg: "Input should be 'demo' or 'empty'", input: body.dataset, ctx: { expected: "'demo' or 'empty'" } }
  }
  return undefined
}

function findingsAsProblems (error: ImportValidationError): BodyProblem[] {
  const problems: BodyProblem[] = error.findings.map((finding: ImportFinding) => ({
    type: finding.type,
    loc: pathSegments(finding.path),
    msg: finding.message
  }))
  if (error.total > MAX_FINDINGS) {
    const more = error.total - error.findings.length
    const msg = error.complete ? `and ${more} more problems` : `and at least ${more} more problems (checking stops after ${MAX_COUNTED_FINDINGS})`
    problems.push({ type: 'too_many_errors', loc: [], msg })
  }
  return problems
}

/** `[3].run_steps[0]["odd key"]` → [3, 'run_steps', 0, 'odd key'] */
export function pathSegments (path: string): Array<string | number> {
  const segments: Array<string | number> = []
  for (const match of path.matchAll(/\[(\d+)\]|\.([A-Za-z_][A-Za-z0-9_]*)|\[("(?:[^"\\]|\\.)*")\]/g)) {
    if (match[1] !== undefined) segments.push(Number(match[1]))
    else if (match[2] !== undefined) segments.push(match[2])
    else segments.push(JSON.parse(match[3] as string) as string)
  }
  return segments
}

/** Bodies Fastify could not read, in FastAPI's words; anything else is a 500. */
function answerBodyError (error: FastifyError, reply: FastifyReply, logError: (error: Error) => void): FastifyReply {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return sendError(reply, errors.payloadTooLarge)
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return sendError(reply, errors.unsupportedMediaType)
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return sendError(reply, bodyValidationError([{ type: 'missing', loc: [], msg: 'Field required', input: null }]))
  }
  if (error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || (error.statusCode === 400 && error instanceof SyntaxError)) {
    const cause = error.cause instanceof Error ? error.cause.message : error.message
    return sendError(reply, bodyValidationError([{ type: 'json_invalid', loc: [], msg: 'JSON decode error', input: {}, ctx: { error: cause } }]))
  }
  if (isBusy(error)) return sendError(reply, errors.databaseBusy)
  if ((error as { code?: string }).code === 'SQLITE_READONLY') return sendError(reply, errors.readOnlyDatabase)
  if (error.statusCode !== undefined && error.statusCode < 500) {
    return sendError(reply, bodyValidationError([{ type: 'value_error', loc: [], msg: error.message }]))
  }
  logError(error)
  return sendError(reply, errors.internal)
}

// The request journal over HTTP: GET and DELETE /__admin/requests (admin token), and the hook that fills it.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { createAuthenticator } from '../auth.ts'
import { formatTimestamp } from '../contract/timestamps.ts'
import { splitUrl } from '../contract/url.ts'
import { errors, sendError, sendJson, type ContractError } from '../errors.ts'
import type { Journal, JournalFilter } from '../journal.ts'

// Mock-only and documentation requests say nothing about what a client of the API called.
const UNJOURNALED = /^\/(?:__admin(?:\/|$)|docs(?:\/|$)|openapi\.json$)/

export interface JournalOptions {
  journal: Journal
  adminToken: string
}

/** Call before any route is added, so the hook sees every request, the Starlette router's included. */
export function recordRequests (app: FastifyInstance, journal: Journal): void {
  if (journal.capacity === 0) return
  app.addHook('onResponse', async (request, reply) => {
    const { path, query } = splitUrl(request.raw.url ?? '/')
    if (UNJOURNALED.test(path)) return
    const duration = reply.elapsedTime
    journal.record({
      time: formatTimestamp(Math.round((Date.now() - duration) * 1000)),
      method: request.method,
      path,
      query,
      status: reply.statusCode,
      duration_ms: Math.round(duration * 1000) / 1000
    })
  })
}

export async function registerRequestJournal (app: FastifyInstance, { journal, adminToken }: JournalOptions): Promise<void> {
  // The same admin check as src/routes/admin.ts: HTTPBearer with the admin token, compared in constant time.
  const authenticate = createAuthenticator({ tokens: [adminToken], apiKeys: [] })
  await app.register(async (admin) => {
    admin.addHook('onRequest', async (request, reply) => {
      const problem = authenticate(request.headers.authorization)
      if (problem === undefined) return
      return sendError(reply, problem === errors.notAuthenticated ? errors.adminNotAuthenticated : errors.adminInvalidToken)
    })
    admin.get('/requests', (request, reply) => listRequests(request, reply, journal))
    admin.delete('/requests', (_request, reply) => {
      journal.clear()
      return reply.code(204).send()
    })
  }, { prefix: '/__admin' })
}

function listRequests (request: FastifyRequest, reply: FastifyReply, journal: Journal): FastifyReply {
  const read = readFilter(request.query as Record<string, string | string[] | undefined>, journal.capacity)
  if (!read.ok) return sendError(reply, read.error)
  const { requests, total } = journal.list(read.filter)
  return sendJson(reply, Buffer.from(JSON.stringify({ requests, total, capacity: journal.capacity })))
}

type FilterRead = { ok: true, filter: JournalFilter } | { ok: false, error: ContractError }

function readFilter (query: Record<string, string | string[] | undefined>, capacity: number): FilterRead {
  const one = (name: string) => {
    const value = query[name]
    return Array.isArray(value) ? value[value.length - 1] : value
  }
  const filter: JournalFilter = {}
  const method = one('method')
  const path = one('path')
  const status = one('status')
  const limit = one('limit')
  if (method !== undefined) filter.method = method
  if (path !== undefined) filter.path = path
  if (status !== undefined) {
    if (!/^[1-5](?:\d\d|xx)$/i.test(status)) return badFilter(`status must be a code such as 404 or a class such as 4xx, got "${status}"`)
    filter.status = status
  }
  if (limit !== undefined) {
    if (!/^\d+$/.test(limit) || Number(limit) < 1) return badFilter(`limit must be a positive integer, got "${limit}"`)
    filter.limit = Math.min(Number(limit), Math.max(capacity, 1))
  }
  return { ok: true, filter }
}

function badFilter (message: string): FilterRead {
  return { ok: false, error: { status: 400, body: Buffer.from(JSON.stringify({ detail: message })) } }
}

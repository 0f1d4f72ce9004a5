// GET /__admin/health: liveness and readiness for probes (and which process answered, for --workers); needs no token.
import type { FastifyInstance } from 'fastify'
import type { Db } from '../db/open.ts'
import { sendJson } from '../errors.ts'

export function registerHealth (app: FastifyInstance, { db }: { db: Db }): void {
  const ping = db.prepare('SELECT max(version) FROM schema_migrations').pluck()
  app.get('/__admin/health', (_request, reply) => {
    const schemaVersion = ping.get() as number
    return sendJson(reply, Buffer.from(JSON.stringify({ status: 'ok', schema_version: schemaVersion, pid: process.pid })))
  })
}

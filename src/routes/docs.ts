// GET /openapi.json (the contract document) and GET /docs (Swagger UI served from the package, no CDN).
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { FastifyInstance } from 'fastify'
import { sendJson } from '../errors.ts'
import { buildOpenApiDocument } from '../openapi.ts'
import { PACKAGE_VERSION } from '../version.ts'

export async function registerDocs (app: FastifyInstance): Promise<void> {
  const document = buildOpenApiDocument(PACKAGE_VERSION)
  const body = Buffer.from(JSON.stringify(document))
  app.route({ method: ['GET', 'HEAD'], url: '/openapi.json', handler: (_request, reply) => sendJson(reply, body) })
  await app.register(swagger, { mode: 'static', specification: { document: document as never } })
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    staticCSP: true,
    uiConfig: { persistAuthorization: true, tryItOutEnabled: true }
  })
}

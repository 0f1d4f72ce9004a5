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
    // Swagger UI sets a few inline styles (e.g. the Authorize dialog); the default CSP would block them.
    transformStaticCSP: (header) => header.replace("style-src 'self' https:", "style-src 'self' https: 'unsafe-inline'"),
    theme: { title: 'Pipelines API - Swagger UI' },
    // FastAPI's swagger_ui_parameters (no top bar), plus a remembered token and "Try it out" already on.
    uiConfig: { layout: 'BaseLayout', deepLinking: true, showExtensions: true, showCommonExtensions: true, persistAuthorization: true, tryItOutEnabled: true }
  })
}

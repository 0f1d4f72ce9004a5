// The Swagger UI at /docs (@fastify/swagger in static mode and @fastify/swagger-ui) as an instance of its own.
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import Fastify, { type FastifyInstance } from 'fastify'

/** `document`: the OpenAPI document's JSON bytes. */
export async function buildDocsUi (document: Buffer): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, exposeHeadRoutes: false })
  await app.register(swagger, { mode: 'static', specification: { document: JSON.parse(document.toString()) as never } })
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    staticCSP: true,
    // Swagger UI sets a few inline styles (e.g. the Authorize dialog); the default CSP would block them.
    // upgrade-insecure-requests would make a browser fetch every asset over https at any host but localhost (a
    // container's or a demo environment's name over plain HTTP), leaving the page blank.
    transformStaticCSP: (header) => header.replace("style-src 'self' https:", "style-src 'self' https: 'unsafe-inline'").replace(' upgrade-insecure-requests;', ''),
    theme: { title: 'Pipelines API - Swagger UI' },
    // FastAPI's swagger_ui_parameters (no top bar), plus a remembered token and "Try it out" already on.
    uiConfig: { layout: 'BaseLayout', deepLinking: true, showExtensions: true, showCommonExtensions: true, persistAuthorization: true, tryItOutEnabled: true }
  })
  await app.ready()
  return app
}

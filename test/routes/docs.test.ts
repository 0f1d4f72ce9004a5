// GET /openapi.json (the committed contract document, compact) and GET /docs (Swagger UI from this server, no CDN).
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { socketRequest, transports } from '../helpers/raw-http.ts'
import { ROOT } from '../helpers/temp.ts'
import { listen, testApp } from '../helpers/test-app.ts'

const app = await testApp()
let port = 0
beforeAll(async () => { port = await listen(app) })

const committed = JSON.parse(readFileSync(join(ROOT, 'openapi/openapi.json'), 'utf8')) as Record<string, unknown>

describe.each(transports(app, () => port))('over %s', (_transport, send) => {
  it('GET /openapi.json serves openapi/openapi.json as compact JSON with content-type application/json', async () => {
    const response = await send('GET', '/openapi.json')
    expect(response.status).toBe(200)
    expect(response.headers['content-type']).toBe('application/json')
    expect(response.body).toBe(JSON.stringify(committed))
  })

  it('HEAD /openapi.json answers like GET without the body', async () => {
    const response = await send('HEAD', '/openapi.json')
    expect({ status: response.status, body: response.body }).toEqual({ status: 200, body: '' })
    expect(response.headers['content-length']).toBe(String(Buffer.byteLength(JSON.stringify(committed))))
  })

  it('GET /docs is the Swagger UI page, every asset from this server', async () => {
    const page = await send('GET', '/docs')
    expect(page.status).toBe(200)
    expect(page.headers['content-type']).toMatch(/^text\/html/)
    expect(page.body).toContain('<div id="swagger-ui"></div>')
    expect(page.body).toContain('<title>Pipelines API - Swagger UI</title>')
    // A browser would refuse the Authorize dialog's inline styles under the plugin's default policy.
    expect(page.headers['content-security-policy']).toContain("style-src 'self' https: 'unsafe-inline'")
    expect(page.body).not.toMatch(/(src|href)="(https?:)?\/\//)
    const assets = [...page.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] as string)
    expect(assets).toEqual(expect.arrayContaining(['/docs/static/swagger-ui-bundle.js', '/docs/static/swagger-initializer.js', '/docs/static/swagger-ui.css']))
    for (const asset of assets) {
      const response = await send('GET', asset)
      expect({ asset, status: response.status }).toEqual({ asset, status: 200 })
      expect(response.body.length).toBeGreaterThan(0)
    }
  })

  it.each([['/docs/static/..%5c..%5cpackage.json'], ['/docs/static/%00'], ['/docs/static/%2e%2e/%2e%2e/package.json'], ['/docs/static/no-such-file.js']])('%s is the contract\'s 404, never the UI server\'s own error body', async (path) => {
    const response = await send('GET', path)
    expect({ status: response.status, body: response.body }).toEqual({ status: 404, body: '{"detail":"Not Found"}' })
    expect(response.headers['content-type']).toBe('application/json')
  })

  it('points the UI at the contract document, which offers the bearer Authorize dialog', async () => {
    const initializer = await send('GET', '/docs/static/swagger-initializer.js')
    expect(initializer.body).toContain("resolveUrl('./json')")
    expect(initializer.body).toContain('"persistAuthorization":true')
    expect(initializer.body).toContain('"layout":"BaseLayout"')
    const spec = JSON.parse((await send('GET', '/docs/json')).body) as typeof committed
    expect(spec).toStrictEqual(committed)
    expect(spec.components).toMatchObject({ securitySchemes: { HTTPBearer: { type: 'http', scheme: 'bearer' } } })
  })
})

it('lets the docs page call the endpoint from the same origin', async () => {
  // Swagger UI's "Try it out" sends exactly this request; same origin, so no CORS is involved.
  const response = await socketRequest(port, 'GET', '/pipelines/a1b2c3d4-0001-4c1e-9f7a-2d3b8e5a6c01/runs/', {
    accept: 'application/json', authorization: 'Bearer demo-token', referer: `http://127.0.0.1:${port}/docs`
  })
  expect(response.status).toBe(200)
})

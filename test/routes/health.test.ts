// GET /__admin/health: answers probes without a token, with the schema version it reads from the database.
import { beforeAll, describe, expect, it } from 'vitest'
import { loadMigrations } from '../../src/db/migrate.ts'
import { transports } from '../helpers/raw-http.ts'
import { listen, testApp } from '../helpers/test-app.ts'

const app = await testApp()
let port = 0
beforeAll(async () => { port = await listen(app) })

describe.each(transports(app, () => port))('over %s', (_transport, send) => {
  it('answers 200 with the schema version and the pid of the process that answered, no token needed', async () => {
    const response = await send('GET', '/__admin/health')
    const latest = loadMigrations().at(-1)?.version
    expect({ status: response.status, body: response.body }).toEqual({ status: 200, body: `{"status":"ok","schema_version":${String(latest)},"pid":${process.pid}}` })
    expect(response.headers['content-type']).toBe('application/json')
  })
})

it('is not part of the OpenAPI document', async () => {
  const document = JSON.parse((await app.inject({ url: '/openapi.json' })).body) as { paths: object }
  expect(Object.keys(document.paths)).not.toContain('/__admin/health')
})

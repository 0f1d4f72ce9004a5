// serve loads, before it listens and for the endpoint, only what answering needs: start-up time is mostly module loading.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { serve } from './helpers/cli.ts'
import { shapedRuns, pipelineIds } from './helpers/fixture-runs.ts'
import { seededDb, tempDir } from './helpers/test-app.ts'

const RECORDER = join(import.meta.dirname, 'fixtures/record-loads.mjs')
// The OpenAPI document's TypeBox models, the admin import's validation and streaming, the Swagger UI, Fastify's
// schema compilers and the fault injector's generator: each is loaded when first needed, if ever.
const LATER = /node_modules\/(@sinclair\/typebox|stream-json|@fastify\/swagger|@fastify\/swagger-ui|yaml|ajv|pure-rand|@fastify\/ajv-compiler|@fastify\/fast-json-stringify-compiler)\//

it('answers the runs endpoint without loading TypeBox, the Swagger UI, Ajv, the admin import or pure-rand', async () => {
  const dir = tempDir()
  const runs = shapedRuns()
  seededDb(runs, join(dir, 'db.sqlite')).close()
  const record = join(dir, 'loads.txt')
  const server = await serve(['--db', join(dir, 'db.sqlite'), '--log-level', 'warn'], { env: { NODE_OPTIONS: `--import=${RECORDER}`, RECORD_LOADS: record } })
  const response = await fetch(`${server.url}/pipelines/${pipelineIds(runs)[0] as string}/runs/`, { headers: { authorization: 'Bearer demo-token' } })
  expect(response.status).toBe(200)
  expect(await server.stop()).toEqual({ code: 0, signal: null })
  const loaded = readFileSync(record, 'utf8').split('\n')
  expect(loaded.some((file) => file.includes('node_modules/fastify/'))).toBe(true)
  expect(loaded.filter((file) => LATER.test(file))).toEqual([])
})

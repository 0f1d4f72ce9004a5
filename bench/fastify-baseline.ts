// The baseline for first requests: Fastify returning the runs as an object, which it serialises with JSON.stringify.
import { readFileSync } from 'node:fs'
import Fastify from 'fastify'

const runs = JSON.parse(readFileSync(process.argv[2] as string, 'utf8')) as unknown[]
const app = Fastify({ logger: false })
app.get('/pipelines/:pipelineId/runs/', async () => runs)
const url = await app.listen({ host: '127.0.0.1', port: 0 })
process.stdout.write(`listening on ${url}\n`)
process.on('SIGTERM', () => { app.close().then(() => process.exit(0), () => process.exit(1)) })

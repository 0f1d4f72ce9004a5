// The Dockerfile without Docker (no engine runs on these machines): its text checked, its bake step, CMD and HEALTHCHECK run with plain node.
import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it, vi } from 'vitest'
import { readDemoRuns } from '../src/db/seed-demo.ts'
import { startCli } from './helpers/cli.ts'
import { socketRequest } from './helpers/raw-http.ts'
import { ROOT, tempDir } from './helpers/temp.ts'
import { AUTH } from './helpers/test-app.ts'

// Each test spawns node processes; on a loaded 2-core machine that can take a while.
vi.setConfig({ testTimeout: 60_000 })

const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8').replaceAll('\\\n', ' ')
const lines = dockerfile.split('\n').map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#'))
const runtime = lines.slice(lines.findLastIndex((line) => line.startsWith('FROM ')))
const buildStage = lines.slice(0, lines.findLastIndex((line) => line.startsWith('FROM ')))
const BAKED_DIR = '/app/data'
const instruction = (name: string) => runtime.filter((line) => line.startsWith(`${name} `)).map((line) => line.slice(name.length + 1).trim())
const execArray = (text: string) => JSON.parse(text.slice(text.indexOf('['))) as string[]

const env = Object.fromEntries(instruction('ENV').flatMap((line) => [...line.matchAll(/(\w+)=(\S+)/g)].map((m) => [m[1] as string, m[2] as string])))
const cmd = execArray(instruction('CMD')[0] ?? '[]')
const healthcheck = execArray((instruction('HEALTHCHECK')[0] ?? '').split(' CMD ')[1] ?? '[]')
const run = promisify(execFile)

describe('the Dockerfile read as text, and its commands run with plain node (no Docker engine runs on these machines)', () => {
  it('builds in two stages, drops dev dependencies, runs as a non-root user on 0.0.0.0:8000', () => {
    expect(lines.filter((line) => line.startsWith('FROM '))).toEqual(['FROM node:20-bookworm-slim AS build', 'FROM node:20-bookworm-slim'])
    expect(dockerfile).toContain('npm ci')
    expect(dockerfile).toContain('npm prune --omit=dev')
    expect(dockerfile).not.toContain('--ignore-scripts')
    expect(instruction('USER')).toEqual(['node'])
    expect(env).toMatchObject({ PIPELINES_MOCK_HOST: '0.0.0.0', PIPELINES_MOCK_PORT: '8000' })
    expect(instruction('EXPOSE')).toEqual(['8000'])
    expect(instruction('STOPSIGNAL')).toEqual(['SIGTERM'])
    expect(cmd).toEqual(['node', 'bin/pipelines-mock.js', 'serve', '--read-only'])
    expect(env.PIPELINES_MOCK_DB).toBe(`${BAKED_DIR}/demo.sqlite`)
    expect(runtime).toContain(`COPY --from=build ${BAKED_DIR} ./data`)
  })

  it('bakes the demo database as the build stage does; the image\'s CMD, run with plain node, serves it read-only (no byte written) and passes the HEALTHCHECK', async () => {
    // The build stage's bake step, run as the image's shell would, with /app/data moved into a temp dir.
    const dataDir = tempDir()
    const bake = buildStage.filter((line) => line.startsWith('RUN ') && line.includes('seed demo'))
    expect(bake).toHaveLength(1)
    await run('sh', ['-c', (bake[0] as string).slice(4).replaceAll(BAKED_DIR, dataDir)], { cwd: ROOT })
    const dbPath = join(dataDir, 'demo.sqlite')
    const baked = createHash('sha256').update(readFileSync(dbPath)).digest('hex')

    // 127.0.0.1 and port 0 stand in for the container's 0.0.0.0:8000.
    const containerEnv = { ...env, PIPELINES_MOCK_HOST: '127.0.0.1', PIPELINES_MOCK_PORT: '0', PIPELINES_MOCK_DB: dbPath }
    const [node, ...args] = cmd
    expect(node).toBe('node')
    const server = await startCli(args.slice(1), { env: containerEnv })
    const pipelineId = readDemoRuns()[0]?.pipeline_version.pipeline_id ?? 'missing'
    const response = await socketRequest(server.port, 'GET', `/pipelines/${pipelineId}/runs/`, AUTH)
    expect({ status: response.status, type: response.headers['content-type'] }).toEqual({ status: 200, type: 'application/json' })
    expect((JSON.parse(response.body) as unknown[]).length).toBe(readDemoRuns().filter((r) => r.pipeline_version.pipeline_id === pipelineId).length)

    const [checkNode, ...checkArgs] = healthcheck
    expect(checkNode).toBe('node')
    const check = { env: { PATH: process.env.PATH ?? '', PIPELINES_MOCK_PORT: String(server.port) } }
    await expect(run(process.execPath, checkArgs, check)).resolves.toBeDefined()
    expect((await server.stop()).code).toBe(0)
    await expect(run(process.execPath, checkArgs, check)).rejects.toMatchObject({ code: 1 })
    // A read-only root filesystem works: nothing was written to the file, and no -wal/-shm appeared beside it.
    expect(createHash('sha256').update(readFileSync(dbPath)).digest('hex')).toBe(baked)
    expect(readdirSync(dataDir)).toEqual(['demo.sqlite'])
  })
})

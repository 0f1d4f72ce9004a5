// The Docker image's path without Docker: compiled dist/ run by plain node with the image's env, CMD and HEALTHCHECK.
import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it, vi } from 'vitest'
import { readDemoRuns } from '../src/db/seed-demo.ts'
import { AUTH, ROOT, socketRequest, startCli, tempDir } from './helpers.ts'

// Each test spawns node processes; on a loaded 2-core machine that can take a while.
vi.setConfig({ testTimeout: 60_000 })

const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8').replaceAll('\\\n', ' ')
const lines = dockerfile.split('\n').map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#'))
const runtime = lines.slice(lines.findLastIndex((line) => line.startsWith('FROM ')))
const instruction = (name: string) => runtime.filter((line) => line.startsWith(`${name} `)).map((line) => line.slice(name.length + 1).trim())
const execArray = (text: string) => JSON.parse(text.slice(text.indexOf('['))) as string[]

const env = Object.fromEntries(instruction('ENV').flatMap((line) => [...line.matchAll(/(\w+)=(\S+)/g)].map((m) => [m[1] as string, m[2] as string])))
const cmd = execArray(instruction('CMD')[0] ?? '[]')
const healthcheck = execArray((instruction('HEALTHCHECK')[0] ?? '').split(' CMD ')[1] ?? '[]')
const run = promisify(execFile)

describe('Dockerfile', () => {
  it('builds in two stages, drops dev dependencies, runs as a non-root user on 0.0.0.0:8000', () => {
    expect(lines.filter((line) => line.startsWith('FROM '))).toEqual(['FROM node:20-bookworm-slim AS build', 'FROM node:20-bookworm-slim'])
    expect(dockerfile).toContain('npm ci')
    expect(dockerfile).toContain('npm prune --omit=dev')
    expect(dockerfile).not.toContain('--ignore-scripts')
    expect(instruction('USER')).toEqual(['node'])
    expect(env).toMatchObject({ PIPELINES_MOCK_HOST: '0.0.0.0', PIPELINES_MOCK_PORT: '8000' })
    expect(instruction('EXPOSE')).toEqual(['8000'])
    expect(instruction('STOPSIGNAL')).toEqual(['SIGTERM'])
    expect(cmd).toEqual(['node', 'bin/pipelines-mock.js', 'serve'])
  })

  it('CMD, as plain node on dist/ with the image\'s environment, serves the demo and passes the HEALTHCHECK', async () => {
    // 127.0.0.1 and port 0 stand in for the container's 0.0.0.0:8000; the database path moves into a temp dir.
    const containerEnv = { ...env, PIPELINES_MOCK_HOST: '127.0.0.1', PIPELINES_MOCK_PORT: '0', PIPELINES_MOCK_DB: join(tempDir(), 'data', 'pipelines-mock.sqlite') }
    const [node, ...args] = cmd
    expect(node).toBe('node')
    const server = await startCli(args.slice(1), { env: containerEnv })
    const pipelineId = readDemoRuns()[0]?.pipeline_version.pipeline_id ?? 'missing'
    const response = await socketRequest(server.port, 'GET', `/pipelines/${pipelineId}/runs/`, AUTH)
    expect({ status: response.status, type: response.headers['content-type'] }).toEqual({ status: 200, type: 'application/json' })

    const [checkNode, ...checkArgs] = healthcheck
    expect(checkNode).toBe('node')
    const check = { env: { PATH: process.env.PATH ?? '', PIPELINES_MOCK_PORT: String(server.port) } }
    await expect(run(process.execPath, checkArgs, check)).resolves.toBeDefined()
    expect((await server.stop()).code).toBe(0)
    await expect(run(process.execPath, checkArgs, check)).rejects.toMatchObject({ code: 1 })
  })
})

// `npm run soak`: autocannon against the compiled server spawned as a process (127.0.0.1 only), mixing valid
// requests, 401s, 422s, 404s, a 405 and a 307; fails on any connection error, timeout or unexpected answer.
import autocannon from 'autocannon'
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const TOKEN = 'soak-token'

export interface SoakOptions {
  connections: number
  durationSeconds: number
}

export interface SoakResult {
  requests: number
  requestsPerSecond: number
  latencyP99Ms: number
  errors: number
  timeouts: number
  /** Answers whose status or body differed from the one that request must get. */
  unexpected: number
  byKind: Record<string, number>
  exitCode: number | null
}

interface Kind {
  name: string
  method: 'GET' | 'POST'
  path: string
  headers: Record<string, string>
  status: number
}

function kinds (pipeline: string, version: string): Kind[] {
  const auth = { authorization: `Bearer ${TOKEN}` }
  return [
    { name: 'runs 200', method: 'GET', path: `/pipelines/${pipeline}/runs/`, headers: auth, status: 200 },
    { name: 'version 200', method: 'GET', path: `/pipelines/${pipeline}/runs/?version_id=${version}`, headers: auth, status: 200 },
    { name: 'no token 401', method: 'GET', path: `/pipelines/${pipeline}/runs/`, headers: {}, status: 401 },
    { name: 'wrong token 401', method: 'GET', path: `/pipelines/${pipeline}/runs/`, headers: { authorization: 'Bearer wrong' }, status: 401 },
    { name: 'bad uuid 422', method: 'GET', path: '/pipelines/not-a-uuid/runs/?version_id=nope', headers: auth, status: 422 },
    { name: 'no pipeline 404', method: 'GET', path: `/pipelines/${'0'.repeat(32)}/runs/`, headers: auth, status: 404 },
    { name: 'no route 404', method: 'GET', path: '/nowhere', headers: auth, status: 404 },
    { name: 'method 405', method: 'POST', path: `/pipelines/${pipeline}/runs/`, headers: auth, status: 405 },
    { name: 'slash 307', method: 'GET', path: `/pipelines/${pipeline}/runs`, headers: {}, status: 307 }
  ]
}

interface Server {
  url: string
  stop: () => Promise<number | null>
}

async function startServer (db: string): Promise<Server> {
  const child = spawn(process.execPath, [join(ROOT, 'bin/pipelines-mock.js'), 'serve', '--host', '127.0.0.1', '--port', '0',
    '--db', db, '--token', TOKEN, '--log-level', 'warn'], { stdio: ['ignore', 'pipe', 'inherit'] })
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  const url = await new Promise<string>((resolve, reject) => {
    let output = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk
      const match = /listening on (http:\/\/\S+)/.exec(output)
      if (match !== null) resolve(match[1] as string)
    })
    exited.then((code) => reject(new Error(`the server exited (${String(code)}) before listening: ${output}`)))
  })
  return { url, stop: async () => { child.kill('SIGTERM'); return await exited } }
}

/** Starts a server on a fresh database (the demo data set), loads it, stops it, and counts what happened. */
export async function runSoak ({ connections, durationSeconds }: SoakOptions): Promise<SoakResult> {
  const dir = mkdtempSync(join(tmpdir(), 'pipelines-mock-soak-'))
  const demo = JSON.parse(readFileSync(join(ROOT, 'seed/demo.json'), 'utf8')) as Array<{ pipeline_config_version_id: string, pipeline_version: { pipeline_id: string } }>
  const run = demo[0] as typeof demo[number]
  const server = await startServer(join(dir, 'soak.sqlite'))
  try {
    const mix = kinds(run.pipeline_version.pipeline_id, run.pipeline_config_version_id)
    const expected = await Promise.all(mix.map(async (kind) => {
      const response = await fetch(`${server.url}${kind.path}`, { method: kind.method, headers: kind.headers, redirect: 'manual' })
      const body = await response.text()
      if (response.status !== kind.status) throw new Error(`${kind.name}: warm-up answered ${response.status}`)
      return body
    }))
    const byKind: Record<string, number> = {}
    let unexpected = 0
    const result = await autocannon({
      url: server.url,
      connections,
      duration: durationSeconds,
      timeout: 10,
      requests: mix.map((kind, i) => ({
        method: kind.method,
        path: kind.path,
        headers: kind.headers,
        onResponse: (status: number, body: string) => {
          byKind[kind.name] = (byKind[kind.name] ?? 0) + 1
          if (status !== kind.status || body !== expected[i]) unexpected++
        }
      }))
    })
    return {
      requests: result.requests.total,
      requestsPerSecond: Math.round(result.requests.average),
      latencyP99Ms: result.latency.p99,
      errors: result.errors,
      timeouts: result.timeouts,
      unexpected,
      byKind,
      exitCode: await server.stop()
    }
  } finally {
    await server.stop()
    rmSync(dir, { recursive: true, force: true })
  }
}

export function soakFailures (result: SoakResult): string[] {
  const failures: string[] = []
  if (result.errors > 0) failures.push(`${result.errors} connection errors`)
  if (result.timeouts > 0) failures.push(`${result.timeouts} timeouts`)
  if (result.unexpected > 0) failures.push(`${result.unexpected} unexpected answers`)
  if (result.exitCode !== 0) failures.push(`the server exited with ${String(result.exitCode)} on SIGTERM`)
  return failures
}

export function describeSoak (result: SoakResult, options: SoakOptions): string {
  const kinds = Object.entries(result.byKind).map(([name, count]) => `${name}: ${count}`).join(', ')
  return `soak: ${options.connections} connections for ${options.durationSeconds} s: ${result.requests} requests ` +
    `(${result.requestsPerSecond}/s, p99 ${result.latencyP99Ms} ms), ${result.errors} errors, ${result.timeouts} timeouts, ` +
    `${result.unexpected} unexpected answers; server exit ${String(result.exitCode)}\n  ${kinds}`
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const options = { connections: Number(process.env.SOAK_CONNECTIONS ?? 100), durationSeconds: Number(process.env.SOAK_SECONDS ?? 30) }
  const result = await runSoak(options)
  console.log(describeSoak(result, options))
  const failures = soakFailures(result)
  if (failures.length > 0) {
    console.error(`soak failed: ${failures.join('; ')}`)
    process.exitCode = 1
  }
}

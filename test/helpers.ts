// Shared test plumbing: temp dirs, a migrated SQLite file with fixture runs, the app over inject or a real socket.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { afterAll } from 'vitest'
import { buildApp } from '../src/app.ts'
import { loadConfig, type ConfigFlags } from '../src/config.ts'
import { migrate } from '../src/db/migrate.ts'
import { openDatabase, type Db } from '../src/db/open.ts'
import { createRunWriter } from '../src/db/write-runs.ts'
import type { RunRead } from '../src/schemas/runs.ts'

export const TOKEN = 'demo-token'
export const AUTH = { authorization: `Bearer ${TOKEN}` }
export const ROOT = new URL('..', import.meta.url).pathname

/** Fixture pipelines in test/fixtures/runs.json (P3 exists only when added by a test). */
export const FIXTURE = {
  pipeline1: 'a1b2c3d4-0001-4c1e-9f7a-2d3b8e5a6c01',
  pipeline2: 'a1b2c3d4-0002-4c1e-9f7a-2d3b8e5a6c02',
  version1a: 'b1b2c3d4-0001-4b6e-8f21-7a9c0d4e3b61',
  version1b: 'b1b2c3d4-0002-4b6e-8f21-7a9c0d4e3b62',
  version2a: 'b1b2c3d4-0003-4b6e-8f21-7a9c0d4e3b63'
}

// Cleanups run after the file's tests, newest first (apps, then databases, then temp dirs). A list rather than
// afterAll calls, because helpers are also called inside tests, where vitest no longer registers hooks.
const cleanups: Array<() => unknown> = []
afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

export function readJson<T = unknown> (relativePath: string): T {
  return JSON.parse(readFileSync(join(ROOT, relativePath), 'utf8')) as T
}

export const fixtureRuns = (): RunRead[] => readJson<RunRead[]>('test/fixtures/runs.json')

/** A fresh temp directory, removed after the file's tests. */
export function tempDir (prefix = 'pipelines-mock-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

/** A migrated SQLite file in a temp dir holding `runs`. */
export function seededDb (runs: RunRead[] = fixtureRuns(), dir = tempDir()): Db {
  const db = openDatabase(join(dir, 'test.sqlite'))
  migrate(db)
  const writer = createRunWriter(db)
  db.transaction(() => writer.writeRuns(runs))()
  cleanups.push(() => { if (db.open) db.close() })
  return db
}

export async function testApp (flags: ConfigFlags = {}, db: Db = seededDb()): Promise<FastifyInstance> {
  const app = await buildApp({ config: loadConfig(flags, {}), db })
  cleanups.push(async () => { await app.close() })
  return app
}

/** Listens on 127.0.0.1, a free port; returns the port. */
export async function listen (app: FastifyInstance): Promise<number> {
  await app.listen({ host: '127.0.0.1', port: 0 })
  const address = app.server.address()
  if (address === null || typeof address === 'string') throw new Error('no port')
  return address.port
}

export interface RawResponse {
  status: number
  headers: IncomingHttpHeaders
  body: string
}

export type Headers = Record<string, string | string[]>

/** One request over a real socket with node:http: the path is sent exactly as given. */
export async function socketRequest (port: number, method: string, path: string, headers: Headers = {}): Promise<RawResponse> {
  return await new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end()
  })
}

/** Writes `text` to the socket as is and returns everything the server sent until it closed. */
export async function rawExchange (port: number, text: string): Promise<string> {
  return await new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port })
    const chunks: Buffer[] = []
    socket.on('data', (chunk) => chunks.push(chunk))
    socket.on('end', () => resolve(Buffer.concat(chunks).toString('latin1')))
    socket.on('error', reject)
    socket.write(text)
  })
}

export type Transport = (method: string, path: string, headers?: Headers) => Promise<RawResponse>

/** The same request over app.inject and over a real socket, so each case runs through both. */
export function transports (app: FastifyInstance, port: () => number): Array<[string, Transport]> {
  const inject: Transport = async (method, path, headers = {}) => {
    const response = await app.inject({ method: method as 'GET', url: path, headers })
    return { status: response.statusCode, headers: response.headers as IncomingHttpHeaders, body: response.body }
  }
  const socket: Transport = async (method, path, headers) => await socketRequest(port(), method, path, headers)
  return [['inject', inject], ['socket', socket]]
}

export interface CliResult {
  code: number | null
  stdout: string
  stderr: string
}

export interface CliOptions {
  env?: Record<string, string>
  cwd?: string
}

// The child gets PATH and HOME only, plus what the test gives, so no PIPELINES_MOCK_* leaks in from the shell.
function childEnv (env: Record<string, string> = {}): Record<string, string> {
  return { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env }
}

export const BIN = join(ROOT, 'bin/pipelines-mock.js')

/** Runs `node bin/pipelines-mock.js ...args` to completion. */
export async function runCli (args: string[], options: CliOptions = {}): Promise<CliResult> {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd ?? ROOT, env: childEnv(options.env), stdio: ['ignore', 'pipe', 'pipe'] })
  return await collect(child)
}

async function collect (child: ChildProcess): Promise<CliResult> {
  let stdout = ''
  let stderr = ''
  child.stdout?.on('data', (chunk: Buffer) => { stdout += chunk.toString() })
  child.stderr?.on('data', (chunk: Buffer) => { stderr += chunk.toString() })
  return await new Promise((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

export interface RunningCli {
  url: string
  port: number
  /** Sends SIGTERM and waits for the exit. */
  stop: () => Promise<CliResult>
}

/** Starts a long-running command (serve) and resolves once it prints its URL. */
export async function startCli (args: string[], options: CliOptions = {}): Promise<RunningCli> {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd ?? ROOT, env: childEnv(options.env), stdio: ['ignore', 'pipe', 'pipe'] })
  const result = collect(child)
  const url = await new Promise<string>((resolve, reject) => {
    let seen = ''
    const timer = setTimeout(() => reject(new Error(`no URL printed; output so far: ${seen}`)), 45_000)
    child.stdout?.on('data', (chunk: Buffer) => {
      seen += chunk.toString()
      const match = /pipelines-mock listening on (http:\/\/\S+)/.exec(seen)
      if (match !== null) {
        clearTimeout(timer)
        resolve(match[1] as string)
      }
    })
    result.then((r) => {
      clearTimeout(timer)
      reject(new Error(`exited with ${String(r.code)} before listening: ${r.stderr}`))
    }, reject)
  })
  let stopped: Promise<CliResult> | undefined
  const stop = async () => {
    stopped ??= (child.kill('SIGTERM'), result)
    return await stopped
  }
  cleanups.push(stop)
  return { url, port: Number(new URL(url).port), stop }
}

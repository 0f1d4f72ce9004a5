// The real CLI as a child process (node bin/pipelines-mock.js, built by `npm run build`), with its output captured.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

export const BIN = fileURLToPath(new URL('../../bin/pipelines-mock.js', import.meta.url))
const MAIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url))

export interface Exit {
  code: number | null
  signal: NodeJS.Signals | null
}

export interface Spawned {
  child: ChildProcess
  stdout: () => string
  stderr: () => string
  exited: Promise<Exit>
}

export interface SpawnExtras {
  env?: Record<string, string>
  /** Run as this user (tests running as root use it to meet real file permissions). */
  uid?: number
  cwd?: string
}

/** The parent's environment without PIPELINES_MOCK_* settings, so only what a test passes applies. */
function cleanEnv (extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('PIPELINES_MOCK_')))
  return { ...env, ...extra }
}

export function spawnNode (args: string[], extras: SpawnExtras = {}): Spawned {
  if (!existsSync(MAIN)) throw new Error('dist/ is missing: run `npm run build` (npm test does) before these tests')
  const options: SpawnOptions = { env: cleanEnv(extras.env), stdio: ['ignore', 'pipe', 'pipe'], ...(extras.cwd === undefined ? {} : { cwd: extras.cwd }) }
  if (extras.uid !== undefined) Object.assign(options, { uid: extras.uid, gid: extras.uid })
  const child = spawn(process.execPath, args, options)
  let stdout = ''
  let stderr = ''
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => { stdout += chunk })
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk })
  const exited = new Promise<Exit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })))
  return { child, stdout: () => stdout, stderr: () => stderr, exited }
}

export function spawnCli (args: string[], extras: SpawnExtras = {}): Spawned {
  return spawnNode([BIN, ...args], extras)
}

export async function runCli (args: string[], extras: SpawnExtras = {}): Promise<Exit & { stdout: string, stderr: string }> {
  const run = spawnCli(args, extras)
  const exit = await run.exited
  return { ...exit, stdout: run.stdout(), stderr: run.stderr() }
}

export interface Served extends Spawned {
  url: string
  port: number
  /** Sends `signal` (SIGTERM by default) and waits for the exit. */
  stop: (signal?: NodeJS.Signals) => Promise<Exit>
}

/** `serve --port 0 ...`, resolved once it prints its URL; rejects with its output if it exits first. */
export async function serve (args: string[], extras: SpawnExtras = {}): Promise<Served> {
  const run = spawnCli(['serve', '--port', '0', ...args], extras)
  const url = await new Promise<string>((resolve, reject) => {
    const check = () => {
      const match = /listening on (http:\/\/\S+)/.exec(run.stdout())
      if (match !== null) resolve(match[1] as string)
    }
    run.child.stdout?.on('data', check)
    run.exited.then((exit) => reject(new Error(`serve exited (${JSON.stringify(exit)}) before listening:\n${run.stdout()}${run.stderr()}`)))
  })
  return {
    ...run,
    url,
    port: Number(new URL(url).port),
    stop: async (signal = 'SIGTERM') => {
      run.child.kill(signal)
      return run.exited
    }
  }
}

/** Tests that need real permission checks run the CLI as `nobody` when they run as root. */
export const UNPRIVILEGED_UID = process.getuid?.() === 0 ? 65534 : undefined

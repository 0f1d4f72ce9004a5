// The one CLI spawner: the real CLI (node bin/pipelines-mock.js, built by `npm run build`) as a child process.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { afterFile, ROOT } from './temp.ts'

export const BIN = fileURLToPath(new URL('../../bin/pipelines-mock.js', import.meta.url))
const MAIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url))

export interface Exit {
  code: number | null
  signal: NodeJS.Signals | null
}

export interface CliResult {
  code: number | null
  stdout: string
  stderr: string
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
  /**
   * The command that runs pipelines-mock instead of `node bin/pipelines-mock.js` (an installed package through npx).
   * It gets its own process group, so a signal reaches the server behind npx's shell.
   */
  via?: string[]
}

// The child gets PATH and HOME only, plus what the test gives, so no PIPELINES_MOCK_* (or colour setting) leaks in.
function childEnv (extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...extra }
}

export function spawnNode (args: string[], extras: SpawnExtras = {}): Spawned {
  if (!existsSync(MAIN)) throw new Error('dist/ is missing: run `npm run build` (npm test does) before these tests')
  return spawnProcess(process.execPath, args, extras)
}

function spawnProcess (command: string, args: string[], extras: SpawnExtras): Spawned {
  const detached = extras.via !== undefined
  const options: SpawnOptions = { env: childEnv(extras.env), stdio: ['ignore', 'pipe', 'pipe'], cwd: extras.cwd ?? ROOT, detached }
  if (extras.uid !== undefined) Object.assign(options, { uid: extras.uid, gid: extras.uid })
  const child = spawn(command, args, options)
  let stdout = ''
  let stderr = ''
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => { stdout += chunk })
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk })
  const exited = new Promise<Exit>((resolve, reject) => {
    child.once('error', reject)
    child.once('close', (code, signal) => resolve({ code, signal }))
  })
  return { child, stdout: () => stdout, stderr: () => stderr, exited }
}

export function spawnCli (args: string[], extras: SpawnExtras = {}): Spawned {
  if (extras.via === undefined) return spawnNode([BIN, ...args], extras)
  const [command, ...prefix] = extras.via as [string, ...string[]]
  return spawnProcess(command, [...prefix, ...args], extras)
}

/** Runs `pipelines-mock ...args` to completion. */
export async function runCli (args: string[], extras: SpawnExtras = {}): Promise<CliResult> {
  const run = spawnCli(args, extras)
  const { code } = await run.exited
  return { code, stdout: run.stdout(), stderr: run.stderr() }
}

export interface Served extends Spawned {
  url: string
  port: number
  /** Sends `signal` (SIGTERM by default) and waits for the exit. */
  stop: (signal?: NodeJS.Signals) => Promise<Exit>
}

/** A long-running command (serve), resolved once it prints its URL; stopped after the file's tests if not before. */
export async function startCli (args: string[], extras: SpawnExtras = {}): Promise<Served> {
  const run = spawnCli(args, extras)
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL printed; output so far: ${run.stdout()}${run.stderr()}`)), 45_000)
    const check = () => {
      const match = /pipelines-mock listening on (http:\/\/\S+)/.exec(run.stdout())
      if (match === null) return
      clearTimeout(timer)
      resolve(match[1] as string)
    }
    run.child.stdout?.on('data', check)
    run.exited.then((exit) => {
      clearTimeout(timer)
      reject(new Error(`exited (${JSON.stringify(exit)}) before listening:\n${run.stdout()}${run.stderr()}`))
    }, reject)
  })
  const stop = async (signal: NodeJS.Signals = 'SIGTERM'): Promise<Exit> => {
    if (run.child.exitCode === null && run.child.signalCode === null) {
      if (extras.via === undefined) run.child.kill(signal)
      else process.kill(-(run.child.pid as number), signal)
    }
    return await run.exited
  }
  afterFile(stop)
  return { ...run, url, port: Number(new URL(url).port), stop }
}

/** `serve --port 0 ...args`. */
export async function serve (args: string[], extras: SpawnExtras = {}): Promise<Served> {
  return await startCli(['serve', '--port', '0', ...args], extras)
}

/** Tests that need real permission checks run the CLI as `nobody` when they run as root. */
export const UNPRIVILEGED_UID = process.getuid?.() === 0 ? 65534 : undefined

// Runs wrk (Debian's package) against one URL and reads its summary: requests/s, p50, p99, errors.
import { execFile, execFileSync } from 'node:child_process'

export interface WrkOptions {
  url: string
  headers: Record<string, string>
  seconds: number
  connections: number
  threads: number
}

export interface WrkResult {
  requests: number
  requestsPerSecond: number
  p50Ms: number
  p99Ms: number
  /** Socket errors plus answers that were not 2xx/3xx. */
  errors: number
}

export function wrkInstalled (): boolean {
  try {
    execFileSync('wrk', ['--version'], { stdio: 'ignore' })
    return true
  } catch (error) {
    // wrk --version prints its banner and exits 1; only a missing binary is a failure.
    return (error as NodeJS.ErrnoException).code !== 'ENOENT'
  }
}

export async function runWrk (options: WrkOptions): Promise<WrkResult> {
  const args = ['--latency', '-t', String(options.threads), '-c', String(options.connections), '-d', `${options.seconds}s`]
  for (const [name, value] of Object.entries(options.headers)) args.push('-H', `${name}: ${value}`)
  args.push(options.url)
  const output = await new Promise<string>((resolve, reject) => {
    execFile('wrk', args, { timeout: (options.seconds + 30) * 1000 }, (error, stdout, stderr) => {
      if (error !== null) reject(new Error(`wrk failed: ${error.message} ${stderr}`))
      else resolve(stdout)
    })
  })
  return parseWrk(output)
}

export function parseWrk (output: string): WrkResult {
  const requests = Number(/(\d+) requests in/.exec(output)?.[1] ?? NaN)
  const requestsPerSecond = Number(/Requests\/sec:\s+([\d.]+)/.exec(output)?.[1] ?? NaN)
  const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output)
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(output)?.[1] ?? 0)
  const errors = non2xx + (socketErrors === null ? 0 : socketErrors.slice(1).reduce((sum, n) => sum + Number(n), 0))
  return { requests, requestsPerSecond, p50Ms: percentile(output, '50'), p99Ms: percentile(output, '99'), errors }
}

function percentile (output: string, which: string): number {
  const match = new RegExp(`^\\s+${which}%\\s+([\\d.]+)(us|ms|s)\\s*$`, 'm').exec(output)
  if (match === null) return NaN
  const scale = { us: 0.001, ms: 1, s: 1000 }[match[2] as 'us' | 'ms' | 's']
  return Number(match[1]) * scale
}

// Starts a server as its own process, waits for the URL it prints, and reads its memory and CPU time from /proc.
import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'

export interface ServerProcess {
  url: string
  pid: number
  /** Resident memory now, in MB. */
  rssMb: () => number
  /** User plus system CPU time so far, in seconds. */
  cpuSeconds: () => number
  stop: () => Promise<void>
}

const URL_LINE = /listening on (http:\/\/\S+)/
const CLOCK_TICKS = 100

export async function startProcess (command: string, args: string[], env: Record<string, string> = {}): Promise<ServerProcess> {
  const child = spawn(command, args, { env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  const url = await waitForUrl(child, `${command} ${args.join(' ')}`)
  const pid = child.pid as number
  return {
    url,
    pid,
    rssMb: () => rssMb(pid),
    cpuSeconds: () => cpuSeconds(pid),
    stop: async () => {
      if (child.exitCode !== null) return
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
      await exited
      clearTimeout(timer)
    }
  }
}

async function waitForUrl (child: ChildProcess, description: string): Promise<string> {
  return await new Promise((resolve, reject) => {
    let output = ''
    const timer = setTimeout(() => reject(new Error(`${description}: no URL after 60 s: ${output}`)), 60_000)
    const read = (chunk: Buffer) => {
      output += chunk.toString()
      const match = URL_LINE.exec(output)
      if (match === null) return
      clearTimeout(timer)
      child.stdout?.off('data', read)
      child.stdout?.resume()
      resolve(match[1] as string)
    }
    child.stdout?.on('data', read)
    child.stderr?.on('data', (chunk: Buffer) => { output += chunk.toString() })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`${description} exited with ${String(code)}: ${output}`))
    })
  })
}

function rssMb (pid: number): number {
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]
  return Number(kb) / 1024
}

function cpuSeconds (pid: number): number {
  // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS
}

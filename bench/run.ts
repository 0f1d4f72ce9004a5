// `npm run bench`: builds (or reuses) the databases, then measures side by side with wrk, each server in its own
// process: plain node:http serving the server's exact bytes (the limit), Fastify returning the object (baseline),
// and the real server on repeat requests (cache on) and first requests (cache off), for 10- and 100-run answers over
// a 1,000- and a 1,000,000-run database, with wrk on one thread (one core left for the server) and on two. Prints
// one table; writes bench/results.json and the table in docs/performance.md.
import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { benchDatabase, type BenchDatabase } from './databases.ts'
import { startProcess, type ServerProcess } from './processes.ts'
import { evaluateGoals, formatGoals, formatTable, replaceResultsSection, type CaseResult, type Kind } from './report.ts'
import { runWrk, wrkInstalled } from './wrk.ts'

const ROOT = new URL('..', import.meta.url).pathname
const WORK = join(ROOT, 'bench/work')
const BIN = join(ROOT, 'bin/pipelines-mock.js')
const TOKEN = 'bench-token'
const AUTH = { authorization: `Bearer ${TOKEN}` }

const { values: flags } = parseArgs({
  options: {
    seconds: { type: 'string', default: '4' },
    rounds: { type: 'string', default: '3' },
    connections: { type: 'string', default: '50' },
    threads: { type: 'string', default: '1,2' },
    'big-db': { type: 'string', default: '1000000' },
    'no-docs': { type: 'boolean', default: false }
  }
})
const settings = {
  seconds: Number(flags.seconds),
  rounds: Number(flags.rounds),
  connections: Number(flags.connections),
  threads: flags.threads.split(',').map(Number),
  bigDb: Number(flags['big-db'])
}

interface Case {
  kind: Kind
  threads: number
  runsPerResponse: 10 | 100
  db: BenchDatabase | undefined
  start: () => Promise<ServerProcess>
  path: string
}

const log = (line: string) => process.stderr.write(`${line}\n`)

function serveArgs (db: BenchDatabase, cacheOff: boolean): string[] {
  return [BIN, 'serve', '--port', '0', '--db', db.path, '--token', TOKEN, '--log-level', 'warn', '--no-seed',
    ...(cacheOff ? ['--cache-mb', '0'] : [])]
}

const runsPath = (db: BenchDatabase, runsPerResponse: number) =>
  `/pipelines/${db.pipelineId}/runs/${runsPerResponse === 10 ? `?version_id=${db.versionId}` : ''}`

async function fetchBody (server: ServerProcess, path: string): Promise<Buffer> {
  const response = await fetch(server.url + path, { headers: AUTH })
  if (response.status !== 200) throw new Error(`GET ${path} answered ${response.status}`)
  return Buffer.from(await response.arrayBuffer())
}

const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)] as number

/** Spawn to first 200 on the runs endpoint, in ms (Node's own start included); the median of a few. */
async function measureStartup (db: BenchDatabase, trials = 5): Promise<number> {
  const times: number[] = []
  for (let i = 0; i < trials; i++) {
    const started = performance.now()
    const server = await startProcess(process.execPath, serveArgs(db, false))
    await fetchBody(server, runsPath(db, 10))
    times.push(performance.now() - started)
    await server.stop()
  }
  return median(times)
}

/** Spawn to exit of `node -e ""`: what Node itself costs on this machine before any of our code runs. */
function measureNodeBoot (trials = 5): number {
  const times: number[] = []
  for (let i = 0; i < trials; i++) {
    const started = performance.now()
    execFileSync(process.execPath, ['-e', ''])
    times.push(performance.now() - started)
  }
  return median(times)
}

async function measure (benchCase: Case): Promise<CaseResult> {
  const server = await benchCase.start()
  try {
    const wrk = { url: server.url.replace(/\/$/, '') + benchCase.path, headers: AUTH, connections: settings.connections, threads: benchCase.threads }
    await runWrk({ ...wrk, seconds: 1 })
    const cpuBefore = server.cpuSeconds()
    let rssMb = server.rssMb()
    const sampler = setInterval(() => { rssMb = Math.max(rssMb, server.rssMb()) }, 200)
    const result = await runWrk({ ...wrk, seconds: settings.seconds })
    clearInterval(sampler)
    rssMb = Math.max(rssMb, server.rssMb())
    const cpuUsPerRequest = (server.cpuSeconds() - cpuBefore) * 1e6 / result.requests
    return { kind: benchCase.kind, threads: benchCase.threads, runsPerResponse: benchCase.runsPerResponse, dbRuns: benchCase.db?.runs ?? null, ...result, rssMb, cpuUsPerRequest }
  } finally {
    await server.stop()
  }
}

async function main (): Promise<number> {
  if (!wrkInstalled()) {
    log('npm run bench needs wrk, the HTTP load generator: install it with `apt-get install wrk` (Debian, Ubuntu) or `brew install wrk` (macOS)')
    return 1
  }
  const loadBefore = loadavg().map((n) => Number(n.toFixed(2)))
  mkdirSync(WORK, { recursive: true })
  const small = await benchDatabase(WORK, 1000, log)
  const big = await benchDatabase(WORK, settings.bigDb, log)

  log('start-up: spawn to first 200 with the big database ...')
  const startupMs = await measureStartup(big)
  const nodeBootMs = measureNodeBoot()

  // The limit and the baseline serve exactly what the server answers.
  const bodies = new Map<number, string>()
  const probe = await startProcess(process.execPath, serveArgs(small, false))
  const probeBig = await startProcess(process.execPath, serveArgs(big, false))
  for (const size of [10, 100] as const) {
    const body = await fetchBody(probe, runsPath(small, size))
    if (!body.equals(await fetchBody(probeBig, runsPath(big, size)))) throw new Error(`the ${size}-run answers of the two databases differ`)
    if (JSON.stringify(JSON.parse(body.toString())) !== body.toString()) throw new Error('JSON.stringify does not give the server\'s bytes')
    const file = join(WORK, `body-${size}.json`)
    writeFileSync(file, body)
    bodies.set(size, file)
    log(`${size}-run answer: ${body.length} bytes`)
  }
  await probe.stop()
  await probeBig.stop()

  const tsx = (script: string, size: number) => async () =>
    await startProcess(process.execPath, ['--import', 'tsx', join(ROOT, 'bench', script), bodies.get(size) as string])
  const cases: Case[] = []
  for (const threads of settings.threads) {
    for (const size of [10, 100] as const) {
      cases.push({ kind: 'limit', threads, runsPerResponse: size, db: undefined, start: tsx('limit-server.ts', size), path: runsPath(small, size) })
      cases.push({ kind: 'baseline', threads, runsPerResponse: size, db: undefined, start: tsx('fastify-baseline.ts', size), path: runsPath(small, size) })
      for (const db of [small, big]) {
        cases.push({ kind: 'repeat', threads, runsPerResponse: size, db, start: async () => await startProcess(process.execPath, serveArgs(db, false)), path: runsPath(db, size) })
        cases.push({ kind: 'first', threads, runsPerResponse: size, db, start: async () => await startProcess(process.execPath, serveArgs(db, true)), path: runsPath(db, size) })
      }
    }
  }

  // Rounds interleave the cases so that a busy moment on the machine does not hit one case only; the best round counts.
  const best = new Map<Case, CaseResult>()
  for (let round = 1; round <= settings.rounds; round++) {
    for (const benchCase of cases) {
      const result = await measure(benchCase)
      log(`round ${round}: wrk -t${benchCase.threads}, ${benchCase.kind} ${benchCase.runsPerResponse} runs, db ${benchCase.db?.runs ?? '-'}: ${result.requestsPerSecond.toFixed(0)} req/s`)
      const previous = best.get(benchCase)
      if (previous === undefined || result.requestsPerSecond > previous.requestsPerSecond) best.set(benchCase, result)
    }
  }

  const results = cases.map((c) => best.get(c) as CaseResult)
  const goals = evaluateGoals(results, startupMs, nodeBootMs)
  const machine = { cpus: cpus().length, model: cpus()[0]?.model ?? 'unknown', loadAverage: loadavg().map((n) => Number(n.toFixed(2))), node: process.version }
  const table = formatTable(results)
  const goalLines = formatGoals(goals, startupMs, nodeBootMs)
  process.stdout.write(`${table}\n\n${goalLines}\n`)
  writeFileSync(join(ROOT, 'bench/results.json'), JSON.stringify({ date: new Date().toISOString(), machine, settings, startupMs, nodeBootMs, results, goals }, null, 2) + '\n')
  if (flags['no-docs'] !== true) {
    const docs = join(ROOT, 'docs/performance.md')
    const when = `${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, ${machine.cpus} CPUs (${machine.model}), load average before the run ${loadBefore.join(' ')} and after it ${machine.loadAverage.join(' ')}, Node ${machine.node}, wrk -t${settings.threads.join(' and -t')} -c${settings.connections} -d${settings.seconds}s, best of ${settings.rounds} rounds`
    writeFileSync(docs, replaceResultsSection(readFileSync(docs, 'utf8'), `${when}\n\n${table}\n\n${goalLines}`))
  }
  return 0
}

process.exitCode = await main()

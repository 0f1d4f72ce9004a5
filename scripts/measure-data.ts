// Measures seed generate / export / import at volume (time and peak RSS via /usr/bin/time -v); not part of npm test.
// Usage: npm run measure:data [-- --runs 1000000 --import-runs 100000 --dir /tmp/measure]   (--runs 0 skips the big generate)
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { createReadStream, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import Database from 'better-sqlite3'

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '1000000' },
    'import-runs': { type: 'string', default: '100000' },
    dir: { type: 'string' },
    keep: { type: 'boolean', default: false }
  }
})
const BIN = new URL('../bin/pipelines-mock.js', import.meta.url).pathname
const TIME = '/usr/bin/time'
const dir = values.dir ?? mkdtempSync(join(tmpdir(), 'pipelines-mock-measure-'))

interface Measured { seconds: number, peakMb: number | undefined, stdout: string }

function measure (label: string, args: string[], env: Record<string, string> = {}): Measured {
  const useTime = existsSync(TIME)
  const started = process.hrtime.bigint()
  const result = useTime
    ? spawnSync(TIME, ['-v', process.execPath, BIN, ...args], { encoding: 'utf8', maxBuffer: 1 << 30, env: { ...process.env, ...env } })
    : spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', maxBuffer: 1 << 30, env: { ...process.env, ...env } })
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  if (result.status !== 0) throw new Error(`${label} failed (${String(result.status)}): ${result.stderr}`)
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(result.stderr)
  const peakMb = rss === null ? undefined : Number(rss[1]) / 1024
  console.log(`${label.padEnd(44)} ${seconds.toFixed(1).padStart(7)} s   peak RSS ${peakMb === undefined ? '?' : peakMb.toFixed(0).padStart(5)} MB`)
  return { seconds, peakMb, stdout: result.stdout }
}

async function sha256 (path: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer)
  return hash.digest('hex')
}

function firstPipeline (db: string): string {
  const handle = new Database(db, { readonly: true })
  try {
    return handle.prepare('SELECT id FROM pipelines ORDER BY id LIMIT 1').pluck().get() as string
  } finally {
    handle.close()
  }
}

const mb = (path: string) => `${(statSync(path).size / 1e6).toFixed(0)} MB`
const runs = Number(values.runs)
const importRuns = Number(values['import-runs'])
console.log(`measuring in ${dir} (load average ${(await import('node:os')).loadavg().map((l) => l.toFixed(1)).join(' ')})`)

if (runs > 0) {
  const big = join(dir, 'big.sqlite')
  measure(`generate ${runs} runs (10 pipelines × ${runs / 10})`, ['seed', 'generate', '--db', big, '--pipelines', '10', '--versions', '5', '--runs', String(runs / 10), '--steps', '7'])
  console.log(`  database ${mb(big)}`)
  rmSync(big, { force: true })
}

const one = join(dir, 'one.sqlite')
measure(`generate ${importRuns} runs (1 pipeline)`, ['seed', 'generate', '--db', one, '--pipelines', '1', '--versions', '5', '--runs', String(importRuns), '--steps', '7'])
const pipeline = firstPipeline(one)
const exported = join(dir, 'exported.json')
measure(`export ${importRuns} runs`, ['seed', 'export', '--db', one, '--pipeline', pipeline, '--out', exported])
console.log(`  file ${mb(exported)}`)
const copy = join(dir, 'copy.sqlite')
// A small heap cap shows that the file is streamed: holding it (or slices of it) would run out of memory.
measure(`import ${importRuns} runs (JS heap capped at 128 MB)`, ['seed', 'import', '--db', copy, exported], { NODE_OPTIONS: '--max-old-space-size=128' })
measure(`import the same ${importRuns} runs again`, ['seed', 'import', '--db', copy, exported])
const again = join(dir, 'again.json')
measure(`export ${importRuns} runs (from the import)`, ['seed', 'export', '--db', copy, '--pipeline', pipeline, '--out', again])
const identical = (await sha256(exported)) === (await sha256(again))
console.log(`export → import → export byte-identical: ${String(identical)}`)
if (values.keep !== true) rmSync(dir, { recursive: true, force: true })
if (!identical) process.exitCode = 1

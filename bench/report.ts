// The benchmark's table (markdown, the same in the terminal and in docs/performance.md) and its goals.
export type Kind = 'limit' | 'baseline' | 'repeat' | 'first'

export interface CaseResult {
  kind: Kind
  /** wrk's threads: 1 leaves one core of two to the server, 2 shares both. */
  threads: number
  runsPerResponse: number
  /** Runs in the database; null for the limit and the baseline, which serve a file. */
  dbRuns: number | null
  requests: number
  requestsPerSecond: number
  p50Ms: number
  p99Ms: number
  errors: number
  rssMb: number
  cpuUsPerRequest: number
}

export interface Goal {
  goal: string
  value: number
  target: string
  holds: boolean
}

const LABELS: Record<Kind, string> = {
  limit: 'node:http, same bytes (limit)',
  baseline: 'Fastify + JSON.stringify',
  repeat: 'pipelines-mock, repeat',
  first: 'pipelines-mock, first (cache off)'
}

function find (results: CaseResult[], threads: number, kind: Kind, runsPerResponse: number, dbRuns: number | null = null): CaseResult {
  const found = results.find((r) => r.threads === threads && r.kind === kind && r.runsPerResponse === runsPerResponse && (dbRuns === null || r.dbRuns === dbRuns))
  if (found === undefined) throw new Error(`no result for -t${threads} ${kind} ${runsPerResponse} ${String(dbRuns)}`)
  return found
}

export function formatTable (results: CaseResult[]): string {
  const rows = results.map((r) => {
    const limit = find(results, r.threads, 'limit', r.runsPerResponse)
    return [
      `-t${r.threads}`, LABELS[r.kind], String(r.runsPerResponse), r.dbRuns === null ? '-' : r.dbRuns.toLocaleString('en-US'),
      r.requestsPerSecond.toFixed(0), r.p50Ms.toFixed(2), r.p99Ms.toFixed(2), r.rssMb.toFixed(0), r.cpuUsPerRequest.toFixed(0),
      (r.requestsPerSecond / limit.requestsPerSecond).toFixed(2) + '×', String(r.errors)
    ]
  })
  const header = ['wrk', 'server', 'runs/answer', 'runs in db', 'req/s', 'p50 ms', 'p99 ms', 'RSS MB', 'CPU µs/req', 'vs limit', 'errors']
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] as string).length)))
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i < 4 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join(' | ')} |`
  const rule = `|${widths.map((w, i) => (i < 4 ? '-'.repeat(w + 2) : '-'.repeat(w + 1) + ':')).join('|')}|`
  return [line(header), rule, ...rows.map(line)].join('\n')
}

/** The goals: repeat answers near the limit, first answers well ahead of Fastify, quick start, bounded memory. */
export const TARGETS = { repeatVsLimit: 0.85, firstVsBaseline: { 10: 2, 100: 5 } as Record<number, number>, startupMs: 200, dbSizeRatio: 1.25, rssMb: 120 }

export function evaluateGoals (results: CaseResult[], startupMs: number, nodeBootMs: number): Goal[] {
  const goals: Goal[] = []
  const dbSizes = [...new Set(results.filter((r) => r.dbRuns !== null).map((r) => r.dbRuns as number))].sort((a, b) => a - b)
  const smallest = dbSizes[0] as number
  const largest = dbSizes.at(-1) as number
  const threads = [...new Set(results.map((r) => r.threads))].sort()
  for (const t of threads) {
    for (const size of [10, 100]) {
      const limit = find(results, t, 'limit', size)
      const baseline = find(results, t, 'baseline', size)
      const repeat = find(results, t, 'repeat', size, largest)
      const first = find(results, t, 'first', size, largest)
      const at = `wrk -t${t}, ${size} runs/answer, ${largest.toLocaleString('en-US')}-run db`
      goals.push(ratioGoal(`repeat requests vs limit (${at})`, repeat.requestsPerSecond / limit.requestsPerSecond, TARGETS.repeatVsLimit))
      goals.push(ratioGoal(`first requests vs Fastify + JSON.stringify (${at})`, first.requestsPerSecond / baseline.requestsPerSecond, TARGETS.firstVsBaseline[size] ?? 1))
      for (const kind of ['repeat', 'first'] as const) {
        const a = find(results, t, kind, size, smallest)
        const b = find(results, t, kind, size, largest)
        const where = `wrk -t${t}, ${kind}, ${size} runs/answer`
        goals.push(atMost(`p50 ${largest.toLocaleString('en-US')}-run db / ${smallest.toLocaleString('en-US')}-run db (${where})`, b.p50Ms / a.p50Ms, TARGETS.dbSizeRatio, '×'))
      }
    }
  }
  goals.push(atMost(`start-up to first 200, ${largest.toLocaleString('en-US')}-run db (ms, spawn and Node's own boot included)`, startupMs, TARGETS.startupMs, ''))
  goals.push({ goal: 'of which Node\'s own boot (`node -e ""`, ms)', value: nodeBootMs, target: 'reported', holds: true })
  const rss = Math.max(...results.filter((r) => r.kind === 'repeat' || r.kind === 'first').map((r) => r.rssMb))
  goals.push(atMost('largest RSS of the server under any load (MB)', rss, TARGETS.rssMb, ''))
  return goals
}

function atMost (goal: string, value: number, limit: number, unit: string): Goal {
  return { goal, value, target: `≤ ${limit}${unit}`, holds: value <= limit }
}

function ratioGoal (goal: string, value: number, atLeast: number): Goal {
  return { goal, value, target: `≥ ${atLeast}×`, holds: value >= atLeast }
}

export function formatGoals (goals: Goal[], startupMs: number, nodeBootMs: number): string {
  const lines = goals.map((g) => `- ${g.holds ? 'holds' : 'MISSED'}: ${g.goal}: ${g.value.toFixed(2)} (${g.target})`)
  const startup = `Start-up (spawn to first 200): ${startupMs.toFixed(0)} ms; \`node -e ""\` alone: ${nodeBootMs.toFixed(0)} ms.`
  return [startup, '', 'Goals:', ...lines].join('\n')
}

const START = '<!-- bench:results -->'
const END = '<!-- /bench:results -->'

/** Puts `text` between the results markers of docs/performance.md. */
export function replaceResultsSection (markdown: string, text: string): string {
  const start = markdown.indexOf(START)
  const end = markdown.indexOf(END)
  if (start === -1 || end < start) throw new Error(`docs/performance.md has no ${START} … ${END} section`)
  return `${markdown.slice(0, start + START.length)}\n${text}\n${markdown.slice(end)}`
}

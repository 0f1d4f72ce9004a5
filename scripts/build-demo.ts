// Builds seed/demo.json, the committed demo data set: `npx tsx scripts/build-demo.ts` rewrites it byte for byte.
import { writeFileSync } from 'node:fs'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { parseTimestamp } from '../src/contract/timestamps.ts'
import { RUN_STATUSES, RUN_STEP_STATUSES, type RunRead } from '../src/schemas/runs.ts'
import { DEFAULT_NOW, type GenerateOptions, describePipelines, generateRuns } from '../src/data/generator.ts'

/** Three pipelines (orders-daily, customer-360, revenue-reporting); the seed is pinned because its runs cover every status. */
export const DEMO_OPTIONS: Readonly<Required<GenerateOptions>> = {
  pipelines: 3,
  versions: 3,
  runs: 12,
  steps: 5,
  randomSeed: 2024,
  now: DEFAULT_NOW
}

export const DEMO_PATH = fileURLToPath(new URL('../seed/demo.json', import.meta.url))

/** The demo runs in the endpoint's order: newest `created_at` first, ties by `id` descending. */
export function buildDemoRuns (): RunRead[] {
  return [...generateRuns(DEMO_OPTIONS)].sort((a, b) =>
    micros(b.created_at) - micros(a.created_at) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
}

/** Texts do not sort as times: `…:39Z` is earlier than `…:39.5Z` but sorts after it. */
function micros (text: string): number {
  return parseTimestamp(text) ?? Number.NaN
}

/** The file's text: pretty-printed for people reading it, ending with a newline. */
export function demoJson (runs: readonly RunRead[]): string {
  return `${JSON.stringify(runs, null, 2)}\n`
}

/** What the demo must show and does not: every run and step status, unfinished runs, both timestamp shapes. */
export function demoCoverageGaps (runs: readonly RunRead[]): string[] {
  const gaps: string[] = []
  const runStatuses = new Set(runs.map((run) => run.status))
  const steps = runs.flatMap((run) => run.run_steps)
  const stepStatuses = new Set(steps.map((step) => step.status))
  for (const status of RUN_STATUSES) if (!runStatuses.has(status)) gaps.push(`no ${status} run`)
  for (const status of RUN_STEP_STATUSES) if (!stepStatuses.has(status)) gaps.push(`no ${status} step`)
  if (!runs.some((run) => run.finished_at === null)) gaps.push('no unfinished run')
  if (!steps.some((step) => step.status === 'Pending' && step.started_at === null)) gaps.push('no Pending step without started_at')
  const createdAts = runs.flatMap((run) => [run.created_at, run.pipeline_version.created_at])
  if (!createdAts.some((text) => /\.\d{6}Z$/.test(text))) gaps.push('no created_at with microseconds')
  if (!createdAts.some((text) => /:\d{2}Z$/.test(text))) gaps.push('no created_at on a whole second')
  return gaps
}

function main (): void {
  const runs = buildDemoRuns()
  const gaps = demoCoverageGaps(runs)
  if (gaps.length > 0) throw new Error(`the demo seed ${DEMO_OPTIONS.randomSeed} falls short: ${gaps.join('; ')}`)
  writeFileSync(DEMO_PATH, demoJson(runs))
  console.log(`wrote ${runs.length} runs to ${DEMO_PATH}`)
  for (const pipeline of describePipelines(DEMO_OPTIONS)) {
    console.log(`${pipeline.name}  pipeline ${pipeline.id}`)
    for (const version of pipeline.versions) console.log(`  version ${version.id}  created ${version.created_at}  ${version.runs} runs`)
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) main()

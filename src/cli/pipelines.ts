// `pipelines-mock pipelines`: the pipelines in a database, with their versions, run counts and newest runs.
import { formatTimestamp } from '../contract/timestamps.ts'
import { listPipelines, type PipelineSummary } from '../queries/pipelines.ts'
import { helpLines } from '../options/option.ts'
import { LIST } from '../options/table.ts'
import { withDatabase } from './database.ts'
import { print, readArgs, type Command } from './usage.ts'

const time = (microseconds: number | undefined) => microseconds === undefined ? 'no runs' : `newest ${formatTimestamp(microseconds)}`
const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`

function asText (pipelines: PipelineSummary[]): string[] {
  return pipelines.flatMap((pipeline) => [
    `${pipeline.id}  ${plural(pipeline.versions.length, 'version')}, ${plural(pipeline.runs, 'run')}, ${time(pipeline.newestRunAt)}`,
    ...pipeline.versions.map((version) => `  version ${version.id}  ${plural(version.runs, 'run')}, ${time(version.newestRunAt)}`)
  ])
}

function asJson (pipelines: PipelineSummary[]): string {
  const at = (microseconds: number | undefined) => microseconds === undefined ? null : formatTimestamp(microseconds)
  return JSON.stringify(pipelines.map((p) => ({
    pipeline_id: p.id,
    runs: p.runs,
    newest_run_at: at(p.newestRunAt),
    versions: p.versions.map((v) => ({ version_id: v.id, created_at: formatTimestamp(v.createdAt), runs: v.runs, newest_run_at: at(v.newestRunAt) }))
  })), null, 2)
}

/** The closing lines of a command that wrote data: a few of the pipelines it wrote, and how to list them all. */
export function printPipelineHint (path: string, written: readonly string[], shown = 3): void {
  if (written.length === 0) return
  const more = written.length > shown ? ` (and ${written.length - shown} more)` : ''
  print(`pipelines: ${written.slice(0, shown).join(', ')}${more}`)
  print(`list them with their versions: npx pipelines-mock pipelines --db ${path}`)
}

export const pipelines: Command = {
  name: 'pipelines',
  help: `Usage: pipelines-mock pipelines [--db PATH] [--json]

Lists every pipeline in the database with its versions (oldest first), the number of runs of each and the time of
the newest run. Only reads the database.

Options:
${helpLines(LIST)}

Exit codes: 0 listed, 1 the database cannot be read, 2 bad usage.`,
  async run (argv) {
    const { db: path, json } = readArgs(argv, LIST).values
    const found = await withDatabase(path, (db) => listPipelines(db), { readOnly: true })
    if (json) print(asJson(found))
    else if (found.length === 0) print(`no pipelines in ${path}`)
    else for (const line of asText(found)) print(line)
    return 0
  }
}

// `pipelines-mock record`: pull a live server's runs into the database, through the same validation as `seed import`.
import { migrate } from '../db/migrate.ts'
import { openDatabase } from '../db/open.ts'
import { importRuns, type ImportResult } from '../data/import.ts'
import { fetchRuns } from '../record/fetch.ts'
import { redactRuns, type RedactOptions } from '../record/redact.ts'
import { createClient } from '../verify/client.ts'
import { PACKAGE_VERSION } from '../version.ts'
import { helpLines } from '../options/option.ts'
import { RECORD } from '../options/table.ts'
import { remoteOf, type Remote } from './remote.ts'
import { print, readArgs, type Command } from './usage.ts'

export interface RecordArgs {
  remote: Remote
  pipelineIds: string[]
  dbPath: string
  redact: Pick<RedactOptions, 'sql' | 'labels'>
}

export function parseRecordArgs (argv: string[], env: Record<string, string | undefined> = process.env): RecordArgs {
  const { values } = readArgs(argv, RECORD, env)
  return {
    remote: remoteOf(values),
    pipelineIds: [...new Set(values.pipelines)],
    dbPath: values.db,
    redact: { sql: values.redactSql, labels: values.redactLabels }
  }
}

export interface RecordSummary extends ImportResult {
  dbPath: string
}

/** Fetches every pipeline first; only then opens the database and imports them all in one transaction. */
export async function record (args: RecordArgs): Promise<RecordSummary> {
  const { remote } = args
  const send = createClient({ baseUrl: remote.baseUrl, timeoutMs: remote.timeoutMs, retries: remote.retries, userAgent: `pipelines-mock-record/${PACKAGE_VERSION}` })
  const secrets = [remote.token, remote.apiKey].filter((s): s is string => s !== undefined && s !== '')
  const fetched: Array<{ source: string, runs: unknown[] }> = []
  for (const pipelineId of args.pipelineIds) {
    const runs = await fetchRuns({ send, pipelineId, token: remote.token, apiKey: remote.apiKey })
    // Only runs that pass import's validation are written, so redacting what is not yet validated is safe.
    fetched.push({ source: `GET /pipelines/${pipelineId}/runs/`, runs: redactRuns(runs, { ...args.redact, secrets }) })
  }
  const db = openDatabase(args.dbPath)
  try {
    migrate(db)
    const result = db.transaction(() => fetched.reduce<ImportResult>((total, { source, runs }) => {
      const imported = importRuns(db, runs, { source })
      return { runs: total.runs + imported.runs, pipelines: total.pipelines + imported.pipelines }
    }, { runs: 0, pipelines: 0 })).immediate()
    return { ...result, dbPath: args.dbPath }
  } finally {
    db.close()
  }
}

export const recordCommand: Command = {
  name: 'record',
  help: `Usage: pipelines-mock record --base-url URL --token T --pipeline ID... [options]

Pulls a live server's runs (GET /pipelines/{ID}/runs/) into the database through the same path as
seed import: everything is validated first (schema, UUIDs, timestamps, relational rules, consistency with
the database), then upserted by id in one transaction; any problem and nothing is written. The token is
never stored: it is removed from every recorded string and object key.

Options:
${helpLines(RECORD)}`,
  async run (argv) {
    const args = parseRecordArgs(argv)
    const summary = await record(args)
    const redacted = [args.redact.sql ? 'SQL' : '', args.redact.labels ? 'labels' : ''].filter((s) => s !== '')
    print(`recorded ${summary.runs} runs of ${summary.pipelines} pipeline${summary.pipelines === 1 ? '' : 's'} from ${args.remote.baseUrl} into ${summary.dbPath}` +
      (redacted.length === 0 ? '' : ` (${redacted.join(' and ')} redacted)`))
    return 0
  }
}

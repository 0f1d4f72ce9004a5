// `pipelines-mock serve`: start the HTTP server with flags over environment over defaults.
import { LOG_LEVELS, loadConfig, SERVE_OPTIONS, type Config, type ConfigFlags, type LogLevel } from '../config.ts'
import { openDatabase } from '../db/open.ts'
import { argSpec, helpLines } from '../options/option.ts'
import { SERVE, SIMULATE } from '../options/table.ts'
import { closeOnSignals, startServer } from '../server.ts'
import { startBanner } from './start-banner.ts'
import { parseFlags, print, printError, type Command } from './usage.ts'

export const serve: Command = {
  name: 'serve',
  help: `Usage: pipelines-mock serve [options]

Serves GET /pipelines/{pipeline_id}/runs/ (plus /openapi.json, /docs, /__admin/health, /__admin/requests).
An empty database is filled with the demo data set on first start.

Options:
${helpLines(SERVE, false)}

Demo mode (runs move through Argo phases on a clock; written to the database, so a restart continues):
${helpLines(SIMULATE)}

Exit codes: 0 stopped by SIGTERM or SIGINT, 1 the server could not start, 2 bad usage or a bad value.`,
  async run (argv) {
    const { values } = parseFlags(argv, argSpec(SERVE_OPTIONS))
    const config = loadConfig(values as ConfigFlags)
    // Workers start with the same flags, so a single process never loads node:cluster.
    const workers = config.workers > 1 ? await import('../workers.ts') : undefined
    if (workers !== undefined && !workers.isWorker()) {
      const shows = (level: LogLevel) => config.logLevel !== 'silent' && LOG_LEVELS.indexOf(level) <= LOG_LEVELS.indexOf(config.logLevel)
      return await workers.runPrimary(config, {
        listening: (url, seededRuns) => { for (const line of readBanner(config, url, seededRuns)) print(line) },
        log: (level, line) => { if (shows(level)) (level === 'warn' ? printError : print)(line) }
      })
    }
    const server = await startServer(config)
    closeOnSignals(server)
    if (workers?.isWorker() === true) workers.reportListening(server.url)
    else for (const line of startBanner(config, server.url, server.db, server.seededRuns)) print(line)
    return 0
  }
}

/** The banner from the primary of --workers, which has no connection of its own once the database is prepared. */
function readBanner (config: Config, url: string, seededRuns: number | undefined): string[] {
  const db = openDatabase(config.dbPath, { readOnly: true })
  try {
    return startBanner(config, url, db, seededRuns)
  } finally {
    db.close()
  }
}

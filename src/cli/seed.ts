// `pipelines-mock seed <demo>`: replace or add data in the SQLite database.
import { DEFAULTS, ENV } from '../config.ts'
import { migrate } from '../db/migrate.ts'
import { openDatabase } from '../db/open.ts'
import { loadDemo } from '../db/seed-demo.ts'
import { parseFlags, print, UsageError, type Command } from './usage.ts'

const dbOption = { db: { type: 'string' } } as const

export function resolveDbPath (flag: string | undefined, env = process.env): string {
  return flag ?? env[ENV.db] ?? DEFAULTS.dbPath
}

const subcommands: Record<string, (argv: string[]) => Promise<number>> = {
  async demo (argv) {
    const { values } = parseFlags(argv, dbOption)
    const path = resolveDbPath(values.db)
    const db = openDatabase(path)
    try {
      migrate(db)
      const count = loadDemo(db)
      print(`loaded the demo data set (${count} runs) into ${path}`)
    } finally {
      db.close()
    }
    return 0
  }
}

export const seed: Command = {
  name: 'seed',
  help: `Usage: pipelines-mock seed demo [--db PATH]

  demo        replace all data with the demo data set (seed/demo.json)

Options:
  --db PATH   SQLite file (env ${ENV.db}, default ./data/pipelines-mock.sqlite)
  -h, --help  show this help`,
  async run (argv) {
    const [name, ...rest] = argv
    const subcommand = name === undefined ? undefined : subcommands[name]
    if (subcommand === undefined) throw new UsageError(`unknown seed command "${name ?? ''}"; expected one of: ${Object.keys(subcommands).join(', ')}`)
    return subcommand(rest)
  }
}

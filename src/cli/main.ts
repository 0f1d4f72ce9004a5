// The `pipelines-mock` CLI: dispatch to one command; exit 0 on success, 1 on failure, 2 on bad usage.
import { pathToFileURL } from 'node:url'
import { ConfigError } from '../config.ts'
import { PACKAGE_VERSION } from '../version.ts'
import { didYouMean, printError, print, UsageError, type Command } from './usage.ts'

// Commands load lazily, so each lists its one-line summary here for the main help.
const commands: Record<string, { summary: string, load: () => Promise<Command> }> = {
  serve: { summary: 'serve the API from the SQLite database', load: async () => (await import('./serve.ts')).serve },
  pipelines: { summary: 'list the pipelines in the database, with versions and run counts', load: async () => (await import('./pipelines.ts')).pipelines },
  seed: { summary: 'load data into the database', load: async () => (await import('./seed.ts')).seed },
  openapi: { summary: 'print or write the OpenAPI document', load: async () => (await import('./openapi.ts')).openapi },
  verify: { summary: 'check a live server against the contract', load: async () => (await import('./verify.ts')).verify },
  record: { summary: 'pull a live server\'s runs into the database', load: async () => (await import('./record.ts')).recordCommand }
}

function mainHelp (): string {
  const lines = Object.entries(commands).map(([name, { summary }]) => `  ${name.padEnd(10)} ${summary}`)
  return `Usage: pipelines-mock <command> [options]

Commands:
${lines.join('\n')}

Global options:
  --verbose      print stack traces on failure
  -h, --help     show help (also: pipelines-mock <command> --help)
  -v, --version  print the version

Exit codes (every command): 0 done, 1 the work failed (findings, failed checks, an unreachable
server, a database that cannot be used), 2 bad usage (unknown command or option, bad value).`
}

// `pipelines-mock verify | head -3`: a reader that goes away ends the command quietly, as it would a Unix tool.
function exitWhenStdoutCloses (error: NodeJS.ErrnoException): void {
  if (error.code !== 'EPIPE') throw error
  process.exit(process.exitCode ?? 0)
}

export async function main (argv: string[]): Promise<number> {
  if (process.stdout.listenerCount('error') === 0) process.stdout.on('error', exitWhenStdoutCloses)
  const verbose = argv.includes('--verbose')
  const args = argv.filter((arg) => arg !== '--verbose')
  const [name, ...rest] = args
  try {
    if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
      print(mainHelp())
      return name === undefined ? 2 : 0
    }
    if (name === '-v' || name === '--version') {
      print(PACKAGE_VERSION)
      return 0
    }
    const entry = commands[name]
    if (entry === undefined) throw new UsageError(`unknown command "${name}"${didYouMean(name, Object.keys(commands))}`)
    const command = await entry.load()
    if (rest.includes('--help') || rest.includes('-h')) {
      print(command.helpFor?.(rest) ?? command.help)
      return 0
    }
    return await command.run(rest)
  } catch (error) {
    return reportFailure(error, verbose)
  }
}

function reportFailure (error: unknown, verbose: boolean): number {
  const message = error instanceof Error ? error.message : String(error)
  // A value's line already says what is expected; other usage errors point at the help.
  printError(error instanceof UsageError && !(error instanceof ConfigError) ? `${message} (see --help)` : message)
  if (verbose && error instanceof Error && error.stack !== undefined) process.stderr.write(`${error.stack}\n`)
  return error instanceof UsageError ? 2 : 1
}

// Run directly (`npm run dev` runs this file under tsx watch); the installed CLI goes through bin/pipelines-mock.js.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2))
}

// Shared CLI plumbing: argument parsing with node:util, usage errors (exit 2) and one-line failures (exit 1).
import { parseArgs, type ParseArgsConfig } from 'node:util'

export class UsageError extends Error {}

export type Options = NonNullable<ParseArgsConfig['options']>

export interface Command {
  name: string
  help: string
  run: (argv: string[]) => Promise<number>
}

/** parseArgs in strict mode; unknown flags and missing values become a UsageError. */
export function parseFlags<T extends Options> (argv: string[], options: T, allowPositionals = false) {
  try {
    return parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals, strict: true })
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error))
  }
}

export function print (line: string): void {
  process.stdout.write(`${line}\n`)
}

export function printError (line: string): void {
  process.stderr.write(`pipelines-mock: ${line}\n`)
}

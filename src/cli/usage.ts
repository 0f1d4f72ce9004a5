// Shared CLI plumbing: argument parsing with node:util, usage errors (exit 2) and one-line failures (exit 1).
import { parseArgs, type ParseArgsConfig } from 'node:util'

export class UsageError extends Error {}

export type Options = NonNullable<ParseArgsConfig['options']>

export interface Command {
  name: string
  help: string
  run: (argv: string[]) => Promise<number>
}

const helpOption = { help: { type: 'boolean', short: 'h' } } as const

// Named so that declaration files can refer to it (node:util does not export its option types).
export type ParsedFlags<T extends Options> = ReturnType<typeof parseArgs<{
  args: string[], options: T & typeof helpOption, allowPositionals: boolean, strict: true
}>>

/** parseArgs in strict mode; unknown flags and missing values become a UsageError. */
export function parseFlags<T extends Options> (argv: string[], options: T, allowPositionals = false): ParsedFlags<T> {
  try {
    return parseArgs({ args: argv, options: { ...options, ...helpOption }, allowPositionals, strict: true })
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

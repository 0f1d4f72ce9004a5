// Shared CLI plumbing: argument parsing with node:util, usage errors (exit 2) and one-line failures (exit 1).
import { parseArgs, type ParseArgsConfig } from 'node:util'

export class UsageError extends Error {}

export type Options = NonNullable<ParseArgsConfig['options']>

export interface Command {
  name: string
  help: string
  run: (argv: string[]) => Promise<number>
}

type StrictConfig<T extends Options> = {
  args: string[]
  options: T & { help: { type: 'boolean', short: 'h' } }
  allowPositionals: boolean
  strict: true
}
// Named so the declaration emit does not need @types/node's unexported helper types.
export type ParsedFlags<T extends Options> = ReturnType<typeof parseArgs<StrictConfig<T>>>

/** parseArgs in strict mode; unknown flags and missing values become a UsageError. */
export function parseFlags<T extends Options> (argv: string[], options: T, allowPositionals = false): ParsedFlags<T> {
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

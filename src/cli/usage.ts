// Shared CLI plumbing: argument parsing with node:util, usage errors (exit 2) and one-line failures (exit 1).
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { closest, distance } from 'fastest-levenshtein'
import { argSpec, readOptions, UsageError, type Option, type ValuesOf } from '../options/option.ts'

export { UsageError }

export type Options = NonNullable<ParseArgsConfig['options']>

export interface Command {
  name: string
  help: string
  /** A subcommand's own help (`seed generate --help`), where the command has subcommands. */
  helpFor?: (argv: string[]) => string | undefined
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

/** The known name within two edits of `typed` (a typo, a missing letter), as " did you mean …?", else ''. */
export function didYouMean (typed: string, known: readonly string[]): string {
  if (known.length === 0) return ''
  const nearest = closest(typed, known as string[])
  return distance(typed, nearest) <= Math.max(2, Math.floor(typed.length / 3)) ? `; did you mean ${nearest}?` : ''
}

/** parseArgs in strict mode; unknown flags (with the nearest known one) and missing values become a UsageError. */
export function parseFlags<T extends Options> (argv: string[], options: T, allowPositionals = false): ParsedFlags<T> {
  const all = { ...options, help: { type: 'boolean', short: 'h' } } as const
  try {
    return parseArgs({ args: argv, options: all, allowPositionals, strict: true })
  } catch (error) {
    const code = (error as { code?: string }).code
    const unknown = /Unknown option '([^']+)'/.exec(error instanceof Error ? error.message : '')?.[1]
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && unknown !== undefined) {
      const flags = Object.keys(all).map((name) => `--${name}`)
      throw new UsageError(`Unknown option '${unknown}'${didYouMean(unknown.split('=')[0] as string, flags)}`)
    }
    throw new UsageError(error instanceof Error ? error.message : String(error))
  }
}

/** A command's options from its table: the flags parsed, then each read over its environment variable and default. */
export function readArgs<O extends Record<string, Option>> (argv: string[], options: O, env: Record<string, string | undefined> = process.env, allowPositionals = false): { values: ValuesOf<O>, positionals: string[] } {
  const { values, positionals } = parseFlags(argv, argSpec(options), allowPositionals)
  return { values: readOptions(options, values, env), positionals }
}

export function print (line: string): void {
  process.stdout.write(`${line}\n`)
}

export function printError (line: string): void {
  process.stderr.write(`pipelines-mock: ${line}\n`)
}

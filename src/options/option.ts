// An option declared once (flag, environment variable, default, parser, help line) and what is derived from it.
import type { ParseArgsConfig } from 'node:util'

/** Bad usage of the CLI (an unknown command or flag, a missing argument): one line, exit 2. */
export class UsageError extends Error {}

/** A bad flag or environment value, or a bad combination of them: bad usage too. */
export class ConfigError extends UsageError {}

/** Thrown by a parser that refuses a text; the message, when there is one, says why. */
export class InvalidValue extends Error {
  /** What the error line shows instead of the text, when the text holds a secret. */
  readonly shown: string | undefined
  constructor (why = '', shown?: string) {
    super(why)
    this.shown = shown
  }
}

export interface Parser<T> {
  /** What a valid value looks like, as in "--port: expected <expects>, got …". */
  expects: string
  parse: (text: string) => T
}

export type Kind = 'value' | 'list' | 'toggle'

export interface About {
  help: string
  env?: string
  short?: string
  /** The value's placeholder in help (PORT, MS). */
  arg?: string
  /** The default as help shows it, where the value itself does not read well. */
  shown?: string
  /** Missing is bad usage ("--pipeline is required"). */
  required?: true
}

export interface Option<T = unknown, F extends string = string, K extends Kind = Kind> extends About {
  flag: F
  kind: K
  fallback: T
  parser: Parser<unknown>
}

type Env = Record<string, string | undefined>
export type FlagValues = Record<string, string | boolean | Array<string | boolean> | undefined>
type OptionTable = Record<string, Option>

export function value<const F extends string, T, D extends T | undefined> (flag: F, parser: Parser<T>, fallback: D, about: About): Option<T | D, F, 'value'> {
  return { flag, kind: 'value', parser, fallback, ...about }
}

/** A value without a default: missing is bad usage. */
export function requiredValue<const F extends string, T> (flag: F, parser: Parser<T>, about: About): Option<T, F, 'value'> {
  return { flag, kind: 'value', parser, fallback: undefined as T, required: true, ...about }
}

export function list<const F extends string, T> (flag: F, parser: Parser<T>, fallback: T[], about: About): Option<T[], F, 'list'> {
  return { flag, kind: 'list', parser, fallback, ...about }
}

export function toggle<const F extends string> (flag: F, about: About): Option<boolean, F, 'toggle'> {
  return { flag, kind: 'toggle', parser: BOOLEAN, fallback: false, ...about }
}

const BOOLEAN: Parser<boolean> = {
  expects: 'true or false (or 1 or 0)',
  parse: (text) => {
    if (text === 'true' || text === '1') return true
    if (text === 'false' || text === '0') return false
    throw new InvalidValue()
  }
}

/**
 * The option's value: the flag, else its environment variable, else the default. An empty value is refused from
 * either source, like any other value the parser does not take; a list's variable is comma-separated.
 */
export function readOption<T> (option: Option<T>, flags: FlagValues, env: Env): T {
  const fromFlag = flags[option.flag]
  const fromEnv = option.env === undefined ? undefined : env[option.env]
  if (fromFlag === undefined && fromEnv === undefined) {
    if (option.required === true) throw new ConfigError(`--${option.flag} is required${requiredHint(option)}`)
    return option.fallback
  }
  const source = fromFlag === undefined ? option.env as string : `--${option.flag}`
  if (option.kind === 'toggle') return (fromFlag === true || parseText(source, option.parser, fromEnv as string)) as T
  if (option.kind === 'value') return parseText(source, option.parser, String(fromFlag ?? fromEnv)) as T
  const texts = Array.isArray(fromFlag) ? fromFlag.map(String) : (fromEnv as string).split(',').map((text) => text.trim())
  return texts.map((text) => parseText(source, option.parser, text)) as T
}

function requiredHint (option: Option): string {
  if (option.env !== undefined) return ` (or set ${option.env})`
  return option.kind === 'list' ? ' (repeat it for more)' : ''
}

function parseText<T> (source: string, parser: Parser<T>, text: string): T {
  try {
    if (text.trim() === '') throw new InvalidValue()
    return parser.parse(text)
  } catch (error) {
    if (!(error instanceof InvalidValue)) throw error
    const why = error.message === '' ? '' : ` (${error.message})`
    throw new ConfigError(`${source}: expected ${parser.expects}, got ${JSON.stringify(error.shown ?? text)}${why}`)
  }
}

export type ValuesOf<O extends OptionTable> = { [K in keyof O]: ValueOf<O[K]> }
type ValueOf<O> = O extends Option<infer T> ? T : never

/** Every option of a table read from flags, environment and defaults. */
export function readOptions<O extends OptionTable> (options: O, flags: FlagValues, env: Env): ValuesOf<O> {
  const entries = Object.entries(options).map(([key, option]) => [key, readOption(option, flags, env)])
  return Object.fromEntries(entries) as ValuesOf<O>
}

type FlagValue<K extends Kind> = K extends 'toggle' ? boolean : K extends 'list' ? string[] : string
/** The flags of a table as node:util's parseArgs gives them back (undefined: not given). */
export type FlagsOf<O extends OptionTable> = { [K in keyof O as O[K]['flag']]?: FlagValue<O[K]['kind']> }

/** The environment variable of each option that has one, by the option's key. */
export function envNames<O extends OptionTable> (options: O): { readonly [K in keyof O]: string } {
  return Object.fromEntries(Object.entries(options).map(([key, option]) => [key, option.env ?? ''])) as { [K in keyof O]: string }
}

/** node:util parseArgs's option spec for a table. */
export function argSpec (options: OptionTable): NonNullable<ParseArgsConfig['options']> {
  return Object.fromEntries(Object.values(options).map((option) => [option.flag, {
    type: option.kind === 'toggle' ? 'boolean' as const : 'string' as const,
    ...(option.kind === 'list' ? { multiple: true } : {}),
    ...(option.short === undefined ? {} : { short: option.short })
  }]))
}

const HELP_ROW = ['-h, --help', 'show this help'] as const
const NAME_WIDTH = 25

/** One help line per option: flag, what it does, its variable and its default; then -h, --help when asked. */
export function helpLines (options: OptionTable, withHelpRow = true): string {
  const rows: Array<readonly [string, string]> = Object.values(options).map((option) => [names(option), `${option.help}${origin(option)}`])
  if (withHelpRow) rows.push(HELP_ROW)
  return rows.map(([left, right]) => `  ${left.padEnd(NAME_WIDTH - 2)}  ${right}`).join('\n')
}

function names (option: Option): string {
  const short = option.short === undefined ? '' : `, -${option.short}`
  return `--${option.flag}${short}${option.arg === undefined ? '' : ` ${option.arg}`}`
}

function origin (option: Option): string {
  const parts: string[] = []
  if (option.env !== undefined) {
    const form = option.kind === 'toggle' ? '=true' : option.kind === 'list' ? ', comma-separated' : ''
    parts.push(`env ${option.env}${form}`)
  }
  const shown = option.shown ?? defaultText(option)
  if (shown !== undefined) parts.push(`default ${shown}`)
  return parts.length === 0 ? '' : ` (${parts.join('; ')})`
}

function defaultText (option: Option): string | undefined {
  if (option.kind === 'toggle' || option.fallback === undefined) return undefined
  return Array.isArray(option.fallback) ? option.fallback.join(', ') : String(option.fallback)
}

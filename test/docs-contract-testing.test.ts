// docs/testing.md's promises: the verify output it shows is today's suite; every verify, record and serve flag is documented.
import { describe, expect, it } from 'vitest'
import { serve } from '../src/cli/serve.ts'
import { verify } from '../src/cli/verify.ts'
import { recordCommand } from '../src/cli/record.ts'
import { CHECKS } from '../src/verify/checks.ts'
import { COMPAT_NAMES } from '../src/contract/compat.ts'
import { SERVE_OPTIONS } from '../src/config.ts'
import { readMarkdown } from './helpers/markdown.ts'

const testing = readMarkdown('docs/testing.md')
const contract = readMarkdown('docs/contract.md')
const cli = readMarkdown('docs/cli.md')
const flagsOf = (help: string) => [...new Set([...help.matchAll(/^ {2}(--[a-z-]+)/gm)].map((m) => m[1] as string))]

describe('docs: contract testing', () => {
  it('shows a verify run of exactly the current checks, all passing', () => {
    const shown = [...testing.matchAll(/^ {2}✓ (.+)$/gm)].map((m) => m[1])
    expect(shown).toEqual(CHECKS.map((check) => check.title))
    expect(testing).toContain(`${CHECKS.length} checks: ${CHECKS.length} passed, 0 failed, 0 skipped`)
  })

  it('documents every profile, and every verify and record flag', () => {
    for (const name of COMPAT_NAMES) expect(contract).toContain(`| \`${name}\``)
    for (const flag of [...flagsOf(verify.help), ...flagsOf(recordCommand.help)]) expect(testing + cli).toContain(`\`${flag}`)
  })

  it('lists every serve flag in the commands page', () => {
    const flags = flagsOf(serve.help)
    expect(flags).toEqual(expect.arrayContaining(['--compat', '--no-prefer', '--latency', '--error-rate', '--fault-seed', '--journal-size']))
    for (const flag of flags) expect(cli).toContain(`\`${flag}`)
  })

  it('gives each serve flag its environment variable in the commands page, as the option table has it', () => {
    const rows = cli.split('\n').filter((line) => line.startsWith('| `--'))
    for (const option of Object.values(SERVE_OPTIONS)) {
      const row = rows.find((line) => line.startsWith(`| \`--${option.flag}`))
      expect(row, `--${option.flag}`).toContain(`\`${option.env ?? ''}`)
    }
  })
})

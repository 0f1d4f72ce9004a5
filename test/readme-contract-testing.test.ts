// The README's contract-testing promises: the verify output it shows is today's suite, every flag is documented.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { serve } from '../src/cli/serve.ts'
import { verify } from '../src/cli/verify.ts'
import { recordCommand } from '../src/cli/record.ts'
import { CHECKS } from '../src/verify/checks.ts'
import { COMPAT_NAMES } from '../src/contract/compat.ts'

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
const section = (name: string) => readme.split(`<!-- section: ${name} -->`)[1]?.split(`<!-- /section: ${name} -->`)[0] ?? ''
const flagsOf = (help: string) => [...new Set([...help.matchAll(/^ {2}(--[a-z-]+)/gm)].map((m) => m[1] as string))]

describe('README: contract testing', () => {
  const text = section('contract-testing')

  it('shows a verify run of exactly the current checks, all passing', () => {
    const shown = [...text.matchAll(/^ {2}✓ (.+)$/gm)].map((m) => m[1])
    expect(shown).toEqual(CHECKS.map((check) => check.title))
    expect(text).toContain(`${CHECKS.length} checks: ${CHECKS.length} passed, 0 failed, 0 skipped`)
  })

  it('documents every profile, and every verify and record flag', () => {
    for (const name of COMPAT_NAMES) expect(text).toContain(`| \`${name}\``)
    for (const flag of [...flagsOf(verify.help), ...flagsOf(recordCommand.help)]) expect(readme).toContain(`\`${flag}`)
  })

  it('lists every serve flag of contract testing in the commands section', () => {
    const ours = ['--compat', '--no-prefer', '--latency', '--error-rate', '--error-status', '--fault-seed', '--journal-size']
    expect(flagsOf(serve.help)).toEqual(expect.arrayContaining(ours))
    for (const flag of ours) expect(section('cli')).toContain(`\`${flag}`)
  })
})

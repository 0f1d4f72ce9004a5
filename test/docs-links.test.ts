// Every relative link in README.md, CONTRIBUTING.md, examples/ and docs/ reaches a file, and its #anchor a heading.
import { existsSync, readdirSync } from 'node:fs'
import { basename, dirname, join, normalize, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import { anchors, links, MARKDOWN_FILES, readMarkdown, ROOT } from './helpers/markdown.ts'

function brokenLinks (file: string): string[] {
  const broken: string[] = []
  for (const target of links(readMarkdown(file))) {
    if (/^[a-z]+:/i.test(target)) continue
    const [path = '', fragment] = target.split('#')
    const resolved = path === '' ? file : relative(ROOT, normalize(join(dirname(join(ROOT, file)), path)))
    if (resolved.startsWith('..') || !existsSync(join(ROOT, resolved))) broken.push(`${target}: no file ${resolved}`)
    else if (fragment !== undefined && !(resolved.endsWith('.md') && anchors(readMarkdown(resolved)).has(fragment))) {
      broken.push(`${target}: no heading #${fragment} in ${resolved}`)
    }
  }
  return broken
}

describe('documentation links', () => {
  it('finds the README, CONTRIBUTING.md, examples/README.md and the docs pages', () => {
    expect(MARKDOWN_FILES).toEqual(expect.arrayContaining(['README.md', 'CONTRIBUTING.md', 'docs/contract.md', 'docs/cli.md',
      'docs/data.md', 'docs/testing.md', 'docs/operations.md', 'docs/deployment.md', 'docs/performance.md']))
  })

  it.each(MARKDOWN_FILES)('%s: every relative link and anchor resolves', (file) => {
    expect(links(readMarkdown(file)).length).toBeGreaterThan(0)
    expect(brokenLinks(file)).toEqual([])
  })

  it('reads anchors as GitHub makes them', () => {
    expect([...anchors('# A `b` (c), d/e\n## A `b` (c), d/e\n### `--x` on `y`: z_1')])
      .toEqual(['a-b-c-de', 'a-b-c-de-1', '--x-on-y-z_1'])
  })

  it('keeps the README a front page of at most 250 lines', () => {
    expect(readMarkdown('README.md').split('\n').length).toBeLessThanOrEqual(250)
  })

  it('never points readers outside the repository', () => {
    for (const file of MARKDOWN_FILES) expect(readMarkdown(file)).not.toMatch(/DESIGN\.md|reference\/|fidelity\.md|\/work\/shared/)
  })
})

// A path in backticks that is not the text of a link to upstream source (`src/error.rs` of uuid-rs).
const REPO_PATH = /`((?:src|test|scripts|bench|migrations|deploy|seed|openapi|examples|docs|bin)\/[\w./*-]+)`(?!\]\(https?:)/g
const PLACEHOLDER = /\/x\/|NNN/

/** A path with `*` matches some file of its directory. */
function pathExists (path: string): boolean {
  if (!path.includes('*')) return existsSync(join(ROOT, path))
  const pattern = new RegExp(`^${basename(path).split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`)
  return existsSync(join(ROOT, dirname(path))) && readdirSync(join(ROOT, dirname(path))).some((name) => pattern.test(name))
}

describe('documentation paths', () => {
  it.each(MARKDOWN_FILES)('%s: every repository path it names exists', (file) => {
    const named = [...readMarkdown(file).matchAll(REPO_PATH)].map((match) => match[1] as string)
      .filter((path) => !PLACEHOLDER.test(path) && !path.startsWith('bench/work/') && !path.endsWith('/'))
    expect(named.filter((path) => !pathExists(path))).toEqual([])
  })
})

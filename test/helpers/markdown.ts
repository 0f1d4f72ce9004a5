// The project's Markdown as the tests read it: fenced blocks in order, links, and GitHub's heading anchors.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = fileURLToPath(new URL('../..', import.meta.url))

/** README.md, CONTRIBUTING.md, examples/README.md and every docs/*.md, relative to the root. */
export const MARKDOWN_FILES = ['README.md', 'CONTRIBUTING.md', 'examples/README.md',
  ...readdirSync(join(ROOT, 'docs')).filter((name) => name.endsWith('.md')).map((name) => `docs/${name}`)]

export const readMarkdown = (relativePath: string) => readFileSync(join(ROOT, relativePath), 'utf8')

export interface Block {
  /** The info string after the opening fence (`sh`, `console`, `text`). */
  lang: string
  body: string
  /** The line before the opening fence (e.g. an HTML comment saying why a block is not run). */
  before: string
}

const FENCE = /^```([^\n`]*)\n([\s\S]*?)^```$/gm

export function fencedBlocks (text: string): Block[] {
  return [...text.matchAll(FENCE)].map((match) => {
    const preceding = text.slice(0, match.index).trimEnd().split('\n')
    return { lang: (match[1] ?? '').trim(), body: match[2] ?? '', before: preceding.at(-1) ?? '' }
  })
}

/** The text between `<!-- section: name -->` and `<!-- /section: name -->`. */
export function section (text: string, name: string): string {
  return text.split(`<!-- section: ${name} -->`)[1]?.split(`<!-- /section: ${name} -->`)[0] ?? ''
}

const withoutCode = (text: string) => text.replace(FENCE, '').replace(/`[^`\n]*`/g, '')

/** Targets of `[text](target)` links outside code. */
export function links (text: string): string[] {
  return [...withoutCode(text).matchAll(/\]\(([^)\s]+)\)/g)].map((match) => match[1] as string)
}

/** The anchors GitHub gives a file's headings: lowercased, punctuation dropped, spaces to hyphens, repeats numbered. */
export function anchors (text: string): Set<string> {
  const seen = new Map<string, number>()
  const result = new Set<string>()
  for (const match of text.replace(FENCE, '').matchAll(/^#{1,6} +(.+?) *$/gm)) {
    const slug = (match[1] as string).toLowerCase().replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '').replace(/ /g, '-')
    const count = seen.get(slug) ?? 0
    seen.set(slug, count + 1)
    result.add(count === 0 ? slug : `${slug}-${count}`)
  }
  return result
}

// The docs' examples as pasted: each page's curl lines in order against a demo server, its `npx pipelines-mock`
// lines in order in a scratch clone, each showing what the page shows; shell blocks that cannot run here say why.
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadDemo } from '../src/db/seed-demo.ts'
import { socketRequest } from './helpers/raw-http.ts'
import { listen, seededDb, testApp } from './helpers/test-app.ts'
import { fencedBlocks, MARKDOWN_FILES, readMarkdown, ROOT } from './helpers/markdown.ts'
import { serve as serveCli } from './helpers/cli.ts'
import { cloneEnv, missingInOrder, scratchClone } from './helpers/scratch-clone.ts'

const DOCS = MARKDOWN_FILES.filter((file) => file.startsWith('docs/'))
const ADMIN_TOKEN = 'my-admin-token'

interface Example { command: string, output: string[] }

/** `$ command` lines of a page's console blocks, each with the lines shown after it. */
function consoleExamples (text: string): Example[] {
  const examples: Example[] = []
  for (const block of fencedBlocks(text).filter((b) => b.lang === 'console')) {
    for (const line of block.body.trimEnd().split('\n')) {
      if (line.startsWith('$ ')) examples.push({ command: line.slice(2), output: [] })
      else examples.at(-1)?.output.push(line)
    }
  }
  return examples
}

const words = (command: string) => [...command.matchAll(/'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? '')

function parseCurl (command: string) {
  const args = words(command)
  const headers: Record<string, string> = {}
  let method: string | undefined
  let body: string | undefined
  let url = ''
  for (let i = 1; i < args.length; i++) {
    const word = args[i] ?? ''
    if (word === '-H') {
      const [name, ...value] = (args[++i] ?? '').split(':')
      headers[(name ?? '').toLowerCase()] = value.join(':').trim()
    } else if (word === '-X') method = args[++i]
    else if (word === '-d' || word === '--data-binary') {
      const data = args[++i] ?? ''
      body = data.startsWith('@') ? readFileSync(join(ROOT, data.slice(1)), 'utf8') : data
    } else if (word === '-o') i++
    else if (!word.startsWith('-')) url = word
  }
  return { method: method ?? (body === undefined ? 'GET' : 'POST'), url: new URL(url), headers, body, withHeaders: /^-\w*i/.test(args[1] ?? '') }
}

async function curlAgainst (port: number, example: Example) {
  const request = parseCurl(example.command)
  const headers = { host: request.url.host, ...request.headers, ...(request.body === undefined ? {} : { 'content-length': String(Buffer.byteLength(request.body)) }) }
  const path = `${request.url.pathname}${request.url.search}`
  if (request.body === undefined) return await socketRequest(port, request.method, path, headers)
  const response = await fetch(`http://127.0.0.1:${port}${path}`, { method: request.method, headers: request.headers, body: request.body })
  return { status: response.status, headers: Object.fromEntries(response.headers), body: await response.text() }
}

function expectShown (example: Example, response: { status: number, headers: Record<string, unknown>, body: string }, withHeaders: boolean) {
  const shown = example.output.filter((line) => line !== '' && line !== '…')
  if (withHeaders) {
    const [statusLine, ...rest] = shown
    expect(statusLine).toBe(`HTTP/1.1 ${response.status} ${statusLine?.split(' ').slice(2).join(' ') ?? ''}`)
    for (const line of rest.filter((l) => /^[a-z-]+: /.test(l))) {
      const [name, ...value] = line.split(': ')
      expect(response.headers[name ?? '']).toBe(value.join(': '))
    }
    const body = rest.find((l) => !/^[a-z-]+: /.test(l))
    if (body !== undefined) expect(response.body).toBe(body)
  } else if (shown.length > 0) {
    expect(missingInOrder([response.body], [shown.join('')])).toEqual([])
  }
}

const curlPages = DOCS.map((file) => [file, consoleExamples(readMarkdown(file)).filter((e) => e.command.startsWith('curl '))] as const)
  .filter(([, examples]) => examples.length > 0)

describe.each(curlPages)('%s: curl examples, in order, against the demo data', (_file, examples) => {
  // One fresh server per page, kept across its examples: they build on each other, like a reader's session.
  let port: number | undefined
  const pagePort = async (): Promise<number> => {
    if (port !== undefined) return port
    const db = seededDb([])
    loadDemo(db)
    port = await listen(await testApp({ 'admin-token': ADMIN_TOKEN }, db))
    return port
  }

  it.each(examples.map((example) => [example.command, example] as const))('%s', async (_command, example) => {
    const response = await curlAgainst(await pagePort(), example)
    expectShown(example, response, parseCurl(example.command).withHeaders)
  })
})

/** Runs one command line in `dir`; a server is stopped once it has shown its lines (or after 20 s). */
async function runLine (dir: string, command: string, shown: string[]): Promise<{ code: number | null, lines: string[] }> {
  const child = spawn('bash', ['-c', command], { cwd: dir, env: cloneEnv(dir), detached: true })
  let text = ''
  const lines = () => text.replaceAll('\r', '').split('\n').filter((line) => line !== '')
  const onData = (chunk: string) => {
    text += chunk
    if (command.includes(' serve') && missingInOrder(lines(), shown).length === 0) process.kill(-(child.pid ?? 0), 'SIGTERM')
  }
  child.stdout.setEncoding('utf8').on('data', onData)
  child.stderr.setEncoding('utf8').on('data', onData)
  const timer = setTimeout(() => process.kill(-(child.pid ?? 0), 'SIGTERM'), 20_000)
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
  clearTimeout(timer)
  return { code, lines: lines() }
}

interface CliPage {
  file: string
  /** Servers the page's examples talk to, by the port the page shows; each gets a free port instead. */
  servers: Record<string, string[]>
  /** Lines the page shows for a reader to start a server of their own, which the servers above stand for. */
  skip?: RegExp
}

const CLI_PAGES: CliPage[] = [
  { file: 'docs/cli.md', servers: {} },
  { file: 'docs/testing.md', servers: { 8000: [], 8001: ['--compat', 'fastapi-0.121'] }, skip: /^npx pipelines-mock serve / }
]

/** A failure the page shows: a `pipelines-mock:` line, or a verify summary with failed checks. */
const showsFailure = (shown: string[]) => shown.some((line) => line.startsWith('pipelines-mock: ') || / [1-9]\d* failed,/.test(line))

describe.each(CLI_PAGES)('$file: npx pipelines-mock examples, in order, in a fresh clone', ({ file, servers, skip }) => {
  const examples = consoleExamples(readMarkdown(file)).filter((e) => e.command.startsWith('npx pipelines-mock ') && skip?.test(e.command) !== true)
  let dir = ''
  const ports = new Map<string, string>()
  const started: Array<() => Promise<unknown>> = []
  const withPorts = (text: string) => text.replace(/(?<=127\.0\.0\.1:)(\d+)\b/g, (port) => ports.get(port) ?? port)

  beforeAll(async () => {
    dir = scratchClone()
    for (const [port, args] of Object.entries(servers)) {
      const server = await serveCli(['--db', `./data/server-${port}.sqlite`, ...args], { cwd: dir })
      ports.set(port, String(server.port))
      started.push(server.stop)
    }
  }, 60_000)
  afterAll(async () => { await Promise.all(started.map(async (stop) => await stop())) })

  it.each(examples.map((example) => [example.command, example] as const))('%s', async (_command, example) => {
    const shown = example.output.filter((line) => line !== '' && line !== '…').map(withPorts)
    const { code, lines } = await runLine(dir, withPorts(example.command), shown)
    expect(missingInOrder(lines, shown), lines.join('\n')).toEqual([])
    if (!example.command.includes(' serve ') || showsFailure(shown)) expect(code === 0, lines.join('\n')).toBe(!showsFailure(shown))
  }, 60_000)
})

describe('docs: shell blocks', () => {
  it.each(DOCS)('%s: every sh block that cannot run here says why and what tests it instead', (file) => {
    for (const block of fencedBlocks(readMarkdown(file)).filter((b) => b.lang === 'sh')) {
      expect(block.before, block.body).toMatch(/^<!-- not run: .+; test\/[a-z./-]+\.test\.ts .+ -->$/)
    }
  })

  it('has curl examples on the contract and testing pages, and CLI examples on the commands page', () => {
    expect(curlPages.map(([file]) => file)).toEqual(expect.arrayContaining(['docs/contract.md', 'docs/testing.md']))
    expect(consoleExamples(readMarkdown('docs/cli.md')).filter((e) => e.command.startsWith('npx ')).length).toBeGreaterThanOrEqual(8)
  })
})

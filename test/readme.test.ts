// The README's promises: its curl examples answer what it shows (against the demo data), its demo ids exist.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { loadDemo, readDemoRuns } from '../src/db/seed-demo.ts'
import { listen, ROOT, seededDb, socketRequest, testApp } from './helpers.ts'

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
const section = (name: string) => readme.split(`<!-- section: ${name} -->`)[1]?.split(`<!-- /section: ${name} -->`)[0] ?? ''

interface Example { command: string, output: string[] }

/** `$ curl …` lines of the console blocks in a section, each with the lines it printed. */
function curlExamples (text: string): Example[] {
  const examples: Example[] = []
  for (const block of text.split('```console\n').slice(1).map((b) => b.split('\n```')[0] ?? '')) {
    for (const line of block.split('\n')) {
      if (line.startsWith('$ ')) examples.push({ command: line.slice(2), output: [] })
      else examples.at(-1)?.output.push(line)
    }
  }
  return examples.filter((e) => e.command.startsWith('curl '))
}

function parseCurl (command: string) {
  const words = [...command.matchAll(/'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? '')
  const headers: Record<string, string> = {}
  let method = 'GET'
  let url = ''
  for (let i = 1; i < words.length; i++) {
    const word = words[i] ?? ''
    if (word === '-H') {
      const [name, ...value] = (words[++i] ?? '').split(':')
      headers[(name ?? '').toLowerCase()] = value.join(':').trim()
    } else if (word === '-X') method = words[++i] ?? method
    else if (!word.startsWith('-')) url = word
  }
  return { method, url: new URL(url), headers, withHeaders: /^-\w*i/.test(words[1] ?? '') }
}

const db = seededDb([])
loadDemo(db)
const app = await testApp({}, db)
let port = 0
beforeAll(async () => { port = await listen(app) })

describe('README curl examples', () => {
  const examples = [...curlExamples(section('contract')), ...curlExamples(section('quickstart'))]

  it('has the 200, 401, 422 and 307 examples', () => {
    expect(examples.length).toBeGreaterThanOrEqual(4)
  })

  it.each(examples.map((e) => [e.command, e] as const))('%s', async (_command, example) => {
    const request = parseCurl(example.command)
    // The examples were run against `npm start`; Host keeps the location header's authority the same.
    const response = await socketRequest(port, request.method, `${request.url.pathname}${request.url.search}`, { host: request.url.host, ...request.headers })
    const shown = example.output.filter((line) => line !== '' && line !== '…')
    if (request.withHeaders) {
      const [statusLine, ...rest] = shown
      expect(statusLine).toBe(`HTTP/1.1 ${response.status} ${statusLine?.split(' ').slice(2).join(' ') ?? ''}`)
      for (const line of rest.filter((l) => /^[a-z-]+: /.test(l))) {
        const [name, ...value] = line.split(': ')
        expect(response.headers[name ?? '']).toBe(value.join(': '))
      }
      const body = rest.find((l) => !/^[a-z-]+: /.test(l))
      if (body !== undefined) expect(response.body).toBe(body)
    } else {
      const text = shown.join('')
      const pieces = text.split('…')
      if (pieces.length === 1) expect(response.body).toBe(text)
      else for (const piece of pieces) expect(response.body).toContain(piece)
    }
  })
})

describe('README demo ids', () => {
  const demo = readDemoRuns()
  const versionsOf = (pipelineId: string) => new Set(demo.filter((r) => r.pipeline_version.pipeline_id === pipelineId).map((r) => r.pipeline_config_version_id))

  it('lists every demo pipeline with exactly its versions', () => {
    const rows = section('data').split('\n').filter((line) => line.startsWith('| `') && line.includes('-'))
    const listed = rows.map((row) => [...row.matchAll(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g)].map((m) => m[0]))
    expect(new Set(listed.map(([pipeline]) => pipeline))).toEqual(new Set(demo.map((r) => r.pipeline_version.pipeline_id)))
    for (const [pipeline, ...versions] of listed) expect(new Set(versions)).toEqual(versionsOf(pipeline ?? ''))
  })
})

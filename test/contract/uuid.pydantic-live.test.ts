// The 422 body held to a live pydantic 2.13 (the python3 on PATH): thousands of near-UUIDs (edits of valid UUIDs in
// every accepted form) as pipeline_id, version_id or both; the mock's whole body must equal FastAPI's, byte for byte.
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import fc from 'fast-check'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ROOT } from '../helpers/temp.ts'
import { AUTH, testApp } from '../helpers/test-app.ts'
import { IN_CI } from '../helpers/tools.ts'

const ORACLE = join(ROOT, 'scripts/pydantic-oracle.py')
const CASES = 3_000
const SEED = 20261205

function pydanticVersion (): string | undefined {
  const probe = spawnSync('python3', ['-c', 'import pydantic; print(pydantic.VERSION)'], { encoding: 'utf8' })
  return probe.status === 0 ? probe.stdout.trim() : undefined
}
const version = pydanticVersion()
if (version === undefined) {
  const message = 'python3 with pydantic 2.13 is missing (pip install "pydantic==2.13.*")'
  if (IN_CI) throw new Error(`CI=true: ${message}`)
  console.warn(`skipping: ${message}`)
}

const VALID = '67e55044-10b1-426f-9247-bb680e5fe0c8'
const HEX = 'abcdefABCDEF'
// Characters an edit may bring in: hex digits and their neighbours, separators of the accepted forms, whitespace
// and control characters, non-ASCII letters and digits (one, two, three and four UTF-8 bytes). No '/': it would
// change the route, not the parameter.
const EDIT_CHARS = ['0', '9', 'a', 'f', 'F', 'g', 'G', 'z', '-', '{', '}', ':', 'u', 'r', 'n', ' ', '\t', '\u0001', '\u007f', '%', '?', '#', '&', '+', '=', '.', '_', 'é', 'ß', '٣', '☃', 'ａ', '𝟘', '\u00a0', '\ufffd']

const form = fc.constantFrom<(uuid: string) => string>(
  (u) => u, (u) => u.toUpperCase(), (u) => u.replaceAll('-', ''), (u) => `{${u}}`, (u) => `urn:uuid:${u}`,
(u) => `URN:UUID:${u.toUpperCase()}`, (u) => `{${u.replaceAll('-', '')}}`)

const baseUuid = fc.array(fc.constantFrom(...'0123456789abcdef', ...HEX), { minLength: 32, maxLength: 32 })
  .map((d) => `${d.slice(0, 8).join('')}-${d.slice(8, 12).join('')}-${d.slice(12, 16).join('')}-${d.slice(16, 20).join('')}-${d.slice(20).join('')}`)

type Edit = { kind: 'insert' | 'replace' | 'delete', at: number, char: string }
const edit: fc.Arbitrary<Edit> = fc.record({ kind: fc.constantFrom('insert', 'replace', 'delete'), at: fc.nat(60), char: fc.constantFrom(...EDIT_CHARS) })

function applyEdit (text: string, { kind, at, char }: Edit): string {
  const chars = [...text]
  const index = chars.length === 0 ? 0 : at % (chars.length + (kind === 'insert' ? 1 : 0))
  if (kind === 'insert') chars.splice(index, 0, char)
  else if (kind === 'replace') chars.splice(index, 1, char)
  else chars.splice(index, 1)
  return chars.join('')
}

/** A valid UUID in one of the accepted forms with 0-3 edits, sometimes cut short or doubled. */
const nearUuid: fc.Arbitrary<string> = fc.tuple(baseUuid, form, fc.array(edit, { maxLength: 3 }), fc.constantFrom('whole', 'cut', 'doubled'), fc.nat(45))
  .map(([uuid, shape, edits, length, cut]) => {
    const edited = edits.reduce(applyEdit, shape(uuid))
    return length === 'cut' ? [...edited].slice(0, cut).join('') : length === 'doubled' ? edited + [...edited].slice(0, cut % 6).join('') : edited
  })
  // '.' and '..' are dot segments, which the test's URL parsing would resolve away before routing.
  .filter((text) => text !== '' && !text.includes('/') && text !== '.' && text !== '..')

type Case = [pipelineId: string, versionId: string | null]
const cases: Case[] = fc.sample(fc.oneof(
  fc.tuple(nearUuid, fc.constant(null)),
  fc.tuple(fc.constant(VALID), nearUuid),
  fc.tuple(nearUuid, nearUuid)
), { seed: SEED, numRuns: CASES })

function pydanticBodies (asked: Case[]): Array<string | null> {
  const input = asked.map((c) => JSON.stringify(c)).join('\n') + '\n'
  const result = spawnSync('python3', [ORACLE, '--live-422'], { input, encoding: 'utf8', env: { ...process.env, PYTHONIOENCODING: 'utf-8' }, maxBuffer: 64 << 20 })
  if (result.status !== 0) throw new Error(`pydantic oracle failed: ${result.stderr}`)
  return result.stdout.trim().split('\n').map((line) => JSON.parse(line) as string | null)
}

describe.skipIf(version === undefined)(`422 bodies against a live pydantic ${version ?? ''}`, () => {
  let app: FastifyInstance
  let expected: Array<string | null>
  beforeAll(async () => {
    app = await testApp()
    expected = pydanticBodies(cases)
  }, 60_000)
  afterAll(async () => { await app.close() })

  it(`${CASES} near-UUID pipeline_id / version_id pairs: FastAPI's whole 422 body, or no 422 when pydantic accepts both`, async () => {
    expect(expected.length).toBe(cases.length)
    expect(expected.filter((body) => body !== null).length).toBeGreaterThan(CASES / 2)
    expect(expected.filter((body) => body === null).length).toBeGreaterThan(10)
    const mismatches: string[] = []
    for (const [index, [pipelineId, versionId]] of cases.entries()) {
      const query = versionId === null ? '' : `?version_id=${encodeURIComponent(versionId)}`
      const response = await app.inject({ method: 'GET', url: `/pipelines/${encodeURIComponent(pipelineId)}/runs/${query}`, headers: AUTH })
      const want = expected[index]
      const got = response.statusCode === 422 ? response.body : null
      if (got !== want) mismatches.push(`${JSON.stringify([pipelineId, versionId])}: mock ${response.statusCode} ${got ?? ''} / pydantic ${want ?? 'valid'}`)
    }
    expect(mismatches.slice(0, 10)).toEqual([])
  }, 120_000)
})

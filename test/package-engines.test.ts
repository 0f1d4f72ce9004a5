// Every locked package runs on the oldest Node the package.json promises, so `npm install` warns of no engine.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import semver from 'semver'
import { describe, expect, it } from 'vitest'

const read = (file: string): any => JSON.parse(readFileSync(new URL(`../${file}`, import.meta.url), 'utf8'))
const manifest = read('package.json')
const lock = read('package-lock.json')
const oldestNode = semver.minVersion(manifest.engines.node)?.version ?? ''

describe('engines', () => {
  it('promises Node 20.19 or later', () => {
    expect(oldestNode).toBe('20.19.0')
  })

  it('locks no package whose engines refuse that Node', () => {
    const refused = Object.entries(lock.packages as Record<string, { engines?: { node?: string } }>)
      .filter(([, entry]) => typeof entry.engines?.node === 'string')
      .filter(([, entry]) => !semver.satisfies(oldestNode, entry.engines?.node ?? '*'))
      .map(([path, entry]) => `${path} (${entry.engines?.node})`)
    expect(refused).toEqual([])
  })

  it('sends cookies through light-my-request, the inject behind every app.inject, under the override', async () => {
    const fromFastify = createRequire(createRequire(import.meta.url).resolve('fastify'))
    const inject = fromFastify('light-my-request')
    const response = await inject((request: any, response: any) => response.end(request.headers.cookie), {
      url: '/',
      cookies: { a: 'b', c: 'd' }
    })
    expect(response.body).toBe('a=b; c=d')
  })
})

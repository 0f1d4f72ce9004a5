// Every installed package runs on the Node the README promises (20.19): npm would warn EBADENGINE otherwise.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import semver from 'semver'
import { describe, expect, it } from 'vitest'
import { ROOT } from './helpers.ts'

interface Lock { packages: Record<string, { version?: string, engines?: { node?: string } | string[] }> }
const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as Lock
const promised = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } }).engines.node

describe('engines', () => {
  it(`every package in the lockfile accepts the oldest Node package.json promises (${promised})`, () => {
    const oldest = semver.minVersion(promised)?.version ?? 'none'
    expect(oldest).toBe('20.19.0')
    const refusing = Object.entries(lock.packages)
      .flatMap(([path, entry]) => {
        const node = Array.isArray(entry.engines) ? undefined : entry.engines?.node
        return node === undefined || semver.satisfies(oldest, node) ? [] : [`${path}@${entry.version ?? '?'} needs node ${node}`]
      })
    expect(refusing).toEqual([])
  })
})

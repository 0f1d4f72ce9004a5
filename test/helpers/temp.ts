// Temp directories and other things a test file leaves behind, removed once its tests have run; repository paths.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll } from 'vitest'

export const ROOT = new URL('../..', import.meta.url).pathname

// Cleanups run after the file's tests, newest first (apps, then databases, then temp dirs). A list rather than
// afterAll calls, because helpers are also called inside tests, where vitest no longer registers hooks.
const cleanups: Array<() => unknown> = []
afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

/** Runs `cleanup` once the current test file is done. */
export function afterFile (cleanup: () => unknown): void {
  cleanups.push(cleanup)
}

export function readJson<T = unknown> (relativePath: string): T {
  return JSON.parse(readFileSync(join(ROOT, relativePath), 'utf8')) as T
}

/** A fresh temp directory, removed after the file's tests. */
export function tempDir (prefix = 'pipelines-mock-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  afterFile(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

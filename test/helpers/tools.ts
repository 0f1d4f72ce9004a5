// Real external tools a test drives (Chromium, sqlite3, python3): present, skipped with one line, or, under CI=true,
// a failure, since CI installs them and a silent skip there would hide a missing install step.
import { existsSync } from 'node:fs'

export const IN_CI = process.env.CI === 'true'

/** True when `path` exists; otherwise says what is missing in one line, and under CI=true throws instead. */
export function hasTool (path: string, install: string): boolean {
  if (existsSync(path)) return true
  const message = `${path} is missing (${install}; .ci/run installs it)`
  if (IN_CI) throw new Error(`CI=true: ${message}`)
  console.warn(`skipping: ${message}`)
  return false
}

// Vitest global setup: rebuild dist/ when any src/ file is newer, so CLI tests never spawn stale code.
import { execFileSync } from 'node:child_process'
import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'

const ROOT = new URL('..', import.meta.url).pathname

function newestMtime (dir: string): number {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs)
  }
  return newest
}

function builtAt (): number {
  try {
    return statSync(join(ROOT, 'dist/cli/main.js')).mtimeMs
  } catch {
    return 0
  }
}

export default function setup (): void {
  if (builtAt() >= newestMtime(join(ROOT, 'src'))) return
  execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' })
}

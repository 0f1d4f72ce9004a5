// A scratch copy of the project as a fresh clone is after `npm install`, for running documented commands as pasted.
import { cpSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { tempDir } from './temp.ts'
import { ROOT } from './markdown.ts'

/**
 * package.json (without `prepare`: `npm install` has already built dist/), bin/ and node_modules/ of this checkout
 * (dist/ is found through bin's real path), a copy of examples/, and an npm cache of its own for `npx`.
 */
export function scratchClone (): string {
  const dir = tempDir('pipelines-mock-clone-')
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
  delete pkg.scripts.prepare
  writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg, null, 2))
  symlinkSync(join(ROOT, 'bin'), join(dir, 'bin'))
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'))
  cpSync(join(ROOT, 'examples'), join(dir, 'examples'), { recursive: true })
  mkdirSync(join(dir, '.npm'))
  return dir
}

/** The environment for commands run in `dir`: no PIPELINES_MOCK_* of the caller, npm's cache inside `dir`. */
export function cloneEnv (dir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('PIPELINES_MOCK_')))
  return { ...env, npm_config_cache: join(dir, '.npm'), NO_COLOR: '1', ...extra }
}

/** A documented output line matches a printed one; `…` stands for anything. */
export const lineMatcher = (shown: string) =>
  new RegExp(`^${shown.split('…').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`)

/** The shown lines that do not appear, in order, among the printed ones (extra printed lines are fine). */
export function missingInOrder (printed: string[], shown: string[]): string[] {
  let at = 0
  const missing: string[] = []
  for (const line of shown) {
    const found = printed.findIndex((candidate, i) => i >= at && lineMatcher(line).test(candidate))
    if (found === -1) missing.push(line)
    else at = found + 1
  }
  return missing
}

// `pipelines-mock openapi`: prints or writes exactly the committed openapi/openapi.json.
import { mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { runCli } from '../helpers/cli.ts'
import { ROOT, tempDir } from '../helpers/temp.ts'

// Each test spawns node processes; on a loaded 2-core machine that can take a while.
vi.setConfig({ testTimeout: 60_000 })

const committed = readFileSync(join(ROOT, 'openapi/openapi.json'), 'utf8')

describe('pipelines-mock openapi', () => {
  it('prints the document to standard output', async () => {
    expect(await runCli(['openapi'])).toEqual({ code: 0, stdout: committed, stderr: '' })
  })

  it('--out writes the same bytes as the committed file', async () => {
    const out = join(tempDir(), 'openapi.json')
    expect(await runCli(['openapi', '--out', out])).toEqual({ code: 0, stdout: `wrote ${out}\n`, stderr: '' })
    expect(readFileSync(out, 'utf8')).toBe(committed)
  })

  it('an --out that cannot be written fails with one line, exit 1', async () => {
    const dir = join(tempDir(), 'a-directory')
    mkdirSync(dir)
    expect(await runCli(['openapi', '--out', dir])).toEqual({ code: 1, stdout: '', stderr: `pipelines-mock: cannot write ${dir}: EISDIR\n` })
  })
})

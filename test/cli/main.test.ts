// The CLI entry point, spawned as a process: help, version, exit codes 0 / 1 / 2, one-line errors.
import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it, vi } from 'vitest'
import { PACKAGE_VERSION } from '../../src/version.ts'
import { ROOT, runCli } from '../helpers.ts'

// Each test spawns node processes; on a loaded 2-core machine that can take a while.
vi.setConfig({ testTimeout: 60_000 })

describe('pipelines-mock', () => {
  it('--help lists every command and exits 0', async () => {
    const result = await runCli(['--help'])
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/^Usage: pipelines-mock <command> \[options\]/)
    for (const command of ['serve', 'seed', 'openapi']) expect(result.stdout).toMatch(new RegExp(`^  ${command} `, 'm'))
  })

  it('prints the usage and exits 2 without a command', async () => {
    const result = await runCli([])
    expect(result.code).toBe(2)
    expect(result.stdout).toContain('Usage: pipelines-mock')
  })

  it('--version prints the package version', async () => {
    expect(await runCli(['--version'])).toEqual({ code: 0, stdout: `${PACKAGE_VERSION}\n`, stderr: '' })
  })

  it('an unknown command is bad usage: one line, exit 2', async () => {
    expect(await runCli(['frobnicate'])).toEqual({ code: 2, stdout: '', stderr: 'pipelines-mock: unknown command "frobnicate"; run pipelines-mock --help (see --help)\n' })
  })

  it.each([['serve'], ['seed'], ['openapi']])('%s --help prints that command\'s usage and exits 0', async (command) => {
    const result = await runCli([command, '--help'])
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(new RegExp(`^Usage: pipelines-mock ${command}`))
  })

  it('an unknown flag is bad usage: one line, exit 2', async () => {
    const result = await runCli(['serve', '--prot', '8000'])
    expect(result.code).toBe(2)
    expect(result.stderr.trim().split('\n')).toHaveLength(1)
    expect(result.stderr).toMatch(/^pipelines-mock: Unknown option '--prot'/)
  })

  it('a flag without its value is bad usage', async () => {
    const result = await runCli(['openapi', '--out'])
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(/^pipelines-mock: Option '--out <value>' argument missing/)
  })

  it('runs straight from src/ under tsx, as `npm run dev` does', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), '--version'], { cwd: ROOT })
    expect(stdout).toBe(`${PACKAGE_VERSION}\n`)
  })
})

// The CLI entry point, spawned as a process: help, version, exit codes 0 / 1 / 2, one-line errors.
import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it, vi } from 'vitest'
import { PACKAGE_VERSION } from '../../src/version.ts'
import { runCli } from '../helpers/cli.ts'
import { ROOT } from '../helpers/temp.ts'

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
    expect(await runCli(['frobnicate'])).toEqual({ code: 2, stdout: '', stderr: 'pipelines-mock: unknown command "frobnicate" (see --help)\n' })
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

  it.each([
    [['serve', '--prot', '8000'], '--port'],
    [['pipelines', '--jsn'], '--json'],
    [['seed', 'demo', '--dbb', 'x'], '--db'],
    [['seed', 'generate', '--run', '5'], '--runs'],
    [['seed', 'import', 'x.json', '--dv', 'x'], '--db'],
    [['seed', 'export', '--pipline', 'x'], '--pipeline'],
    [['openapi', '--ot', 'x'], '--out'],
    [['verify', '--base-ur', 'http://127.0.0.1:1'], '--base-url'],
    [['record', '--base-ur', 'http://127.0.0.1:1'], '--base-url']
  ])('%j: exit 2, one line with a suggestion', async (args, suggested) => {
    const result = await runCli(args)
    expect({ code: result.code, stdout: result.stdout }).toEqual({ code: 2, stdout: '' })
    expect(result.stderr.trim().split('\n')).toHaveLength(1)
    expect(result.stderr).toContain(`; did you mean ${suggested}? (see --help)`)
  })

  it.each([
    [['sevre'], 'pipelines-mock: unknown command "sevre"; did you mean serve? (see --help)'],
    [['seed', 'genrate'], 'pipelines-mock: unknown seed command "genrate"; did you mean generate?; expected one of: demo, generate, import, export (see --help)']
  ])('%j: a mistyped command gets a suggestion', async (args, line) => {
    expect(await runCli(args)).toEqual({ code: 2, stdout: '', stderr: `${line}\n` })
  })

  it.each([['demo'], ['generate'], ['import'], ['export']])('seed %s --help prints that subcommand\'s own usage', async (name) => {
    const result = await runCli(['seed', name, '--help'])
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(new RegExp(`^Usage: pipelines-mock seed ${name}`))
  })

  it('--help lists the exit codes every command shares', async () => {
    expect((await runCli(['--help'])).stdout).toContain('Exit codes (every command): 0 done, 1 the work failed')
  })

  it('a flag without its value is bad usage', async () => {
    const result = await runCli(['openapi', '--out'])
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(/^pipelines-mock: Option '(-o, )?--out <value>' argument missing/)
  })

  it('runs straight from src/ under tsx, as `npm run dev` does', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), '--version'], { cwd: ROOT })
    expect(stdout).toBe(`${PACKAGE_VERSION}\n`)
  })
})

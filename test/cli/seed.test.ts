// `pipelines-mock seed demo|generate|import|export`, spawned: data replaced, added and read out; exit codes 0/1/2.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { openDatabase } from '../../src/db/open.ts'
import type { RunRead } from '../../src/schemas/runs.ts'
import { runCli, startCli } from '../helpers/cli.ts'
import { socketRequest } from '../helpers/raw-http.ts'
import { readJson, tempDir } from '../helpers/temp.ts'
import { AUTH, FIXTURE, seededDb } from '../helpers/test-app.ts'

// Each test spawns node processes; on a loaded 2-core machine that can take a while.
vi.setConfig({ testTimeout: 60_000 })

const demo = readJson<RunRead[]>('seed/demo.json')
const pipelines = (path: string): string[] => {
  const db = openDatabase(path, { readOnly: true })
  try {
    return db.prepare('SELECT id FROM pipelines ORDER BY id').pluck().all() as string[]
  } finally {
    db.close()
  }
}
const demoPipelines = [...new Set(demo.map((r) => r.pipeline_version.pipeline_id))].sort()

describe('pipelines-mock seed demo', () => {
  it('creates and migrates the database, then loads the demo set', async () => {
    const path = join(tempDir(), 'nested', 'demo.sqlite')
    expect(await runCli(['seed', 'demo', '--db', path])).toEqual({ code: 0, stdout: `loaded the demo data set (${demo.length} runs) into ${path}\n`, stderr: '' })
    expect(pipelines(path)).toEqual(demoPipelines)
  })

  it('replaces whatever the database held', async () => {
    const db = seededDb()
    const path = db.name
    db.close()
    expect((await runCli(['seed', 'demo', '--db', path])).code).toBe(0)
    expect(pipelines(path)).toEqual(demoPipelines)
    expect(pipelines(path)).not.toContain(FIXTURE.pipeline1)
  })

  it('reads the path from PIPELINES_MOCK_DB', async () => {
    const path = join(tempDir(), 'env.sqlite')
    expect((await runCli(['seed', 'demo'], { env: { PIPELINES_MOCK_DB: path } })).code).toBe(0)
    expect(pipelines(path)).toEqual(demoPipelines)
  })

  it.each([
    ['no data set', ['seed'], 'unknown seed command ""'],
    ['an unknown data set', ['seed', 'everything'], 'unknown seed command "everything"'],
    ['an unknown flag', ['seed', 'demo', '--force'], "Unknown option '--force'"]
  ])('%s is bad usage: exit 2', async (_name, args, message) => {
    const result = await runCli(args)
    expect(result.code).toBe(2)
    expect(result.stderr).toContain(message)
  })

  it('a database path that is a directory fails with one line, exit 1', async () => {
    const dir = join(tempDir(), 'dir.sqlite')
    mkdirSync(dir)
    const result = await runCli(['seed', 'demo', '--db', dir])
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(new RegExp(`^pipelines-mock: cannot open database ${dir}: [^\\n]+\\n$`))
  })
})

const GENERATE = ['--pipelines', '2', '--versions', '2', '--runs', '30', '--steps', '4']
const demoPipeline = demo[0]?.pipeline_version.pipeline_id ?? ''

function writeJson (name: string, content: unknown): string {
  const path = join(tempDir(), name)
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content))
  return path
}

async function demoDbPath (): Promise<string> {
  const path = join(tempDir(), 'data.sqlite')
  expect((await runCli(['seed', 'demo', '--db', path])).code).toBe(0)
  return path
}

describe('pipelines-mock seed generate', () => {
  it('the same seed gives byte-identical exports; another seed does not', async () => {
    const exports: string[] = []
    for (const seed of ['5', '5', '6']) {
      const path = join(tempDir(), 'gen.sqlite')
      const result = await runCli(['seed', 'generate', '--db', path, ...GENERATE, '--random-seed', seed])
      expect(result.code).toBe(0)
      expect(result.stdout).toMatch(new RegExp(`^generated 60 runs in 2 pipelines \\(random seed ${seed}\\) into ${path} in \\d+\\.\\d s\\npipelines: `))
      expect(result.stderr).toBe('')
      const [first] = pipelines(path)
      const exported = await runCli(['seed', 'export', '--db', path, '--pipeline', first ?? ''])
      expect(exported.code).toBe(0)
      exports.push(exported.stdout)
    }
    expect(exports[1]).toBe(exports[0])
    expect(exports[2]).not.toBe(exports[0])
  })

  it('reads PIPELINES_MOCK_RANDOM_SEED, as serve --simulate does; the flag wins over it', async () => {
    const exportOf = async (args: string[], env: Record<string, string>) => {
      const path = join(tempDir(), 'gen.sqlite')
      const result = await runCli(['seed', 'generate', '--db', path, ...GENERATE, ...args], { env })
      expect(result.stdout).toContain(`(random seed ${args.at(-1) ?? env.PIPELINES_MOCK_RANDOM_SEED})`)
      return (await runCli(['seed', 'export', '--db', path, '--pipeline', pipelines(path)[0] ?? ''])).stdout
    }
    const fromEnv = await exportOf([], { PIPELINES_MOCK_RANDOM_SEED: '5' })
    expect(fromEnv).toBe(await exportOf(['--random-seed', '5'], {}))
    expect(fromEnv).toBe(await exportOf(['--random-seed', '5'], { PIPELINES_MOCK_RANDOM_SEED: '6' }))
    expect(fromEnv).not.toBe(await exportOf([], { PIPELINES_MOCK_RANDOM_SEED: '6' }))
  })

  it('replaces the data with --replace, keeps it with --append', async () => {
    const path = await demoDbPath()
    expect((await runCli(['seed', 'generate', '--db', path, ...GENERATE, '--append'])).stdout).toMatch(/^added 60 runs/)
    expect(pipelines(path)).toHaveLength(demoPipelines.length + 2)
    expect((await runCli(['seed', 'generate', '--db', path, ...GENERATE, '--replace'])).code).toBe(0)
    expect(pipelines(path)).toHaveLength(2)
  })

  it.each([
    [['--runs', 'many'], '--runs: expected a whole number ≥ 0, got "many"'],
    [['--steps', '0'], '--steps: expected a whole number ≥ 1, got "0"'],
    [['--random-seed', '1.5'], '--random-seed: expected a whole number from 0 to 4294967295, got "1.5"'],
    [['--now', 'yesterday'], '--now: expected an RFC 3339 date-time, got "yesterday"'],
    [['--rows', '5'], "Unknown option '--rows'"]
  ])('%j is bad usage: exit 2, nothing written', async (flags, message) => {
    const path = join(tempDir(), 'never.sqlite')
    const result = await runCli(['seed', 'generate', '--db', path, ...flags])
    expect({ code: result.code, stdout: result.stdout }).toEqual({ code: 2, stdout: '' })
    expect(result.stderr).toContain(message)
    expect(existsSync(path)).toBe(false)
  })

  it('a running server serves the generated data as soon as the command ends', async () => {
    const path = await demoDbPath()
    const server = await startCli(['serve', '--port', '0', '--db', path, '--log-level', 'silent'])
    expect((await socketRequest(server.port, 'GET', `/pipelines/${demoPipeline}/runs/`, AUTH)).status).toBe(200)
    expect((await runCli(['seed', 'generate', '--db', path, ...GENERATE, '--replace'])).code).toBe(0)
    expect((await socketRequest(server.port, 'GET', `/pipelines/${demoPipeline}/runs/`, AUTH)).status).toBe(404)
    const [generated] = pipelines(path)
    const served = await socketRequest(server.port, 'GET', `/pipelines/${generated ?? ''}/runs/`, AUTH)
    expect(served.body).toBe((await runCli(['seed', 'export', '--db', path, '--pipeline', generated ?? ''])).stdout)
  })
})

describe('pipelines-mock seed import and export', () => {
  it('export → import → export is byte-identical, and export equals the served body', async () => {
    const source = await demoDbPath()
    const out = join(tempDir(), 'exported.json')
    const exported = await runCli(['seed', 'export', '--db', source, '--pipeline', demoPipeline.toUpperCase(), '--out', out])
    expect(exported).toEqual({ code: 0, stdout: '', stderr: '' })
    const target = join(tempDir(), 'copy.sqlite')
    const imported = await runCli(['seed', 'import', '--db', target, out])
    expect({ ...imported, stdout: imported.stdout.split('\n')[0] }).toEqual({ code: 0, stdout: `imported 12 runs of 1 pipeline from 1 file into ${target}`, stderr: '' })
    const again = await runCli(['seed', 'export', '--db', target, '--pipeline', demoPipeline])
    expect(again.stdout).toBe(readFileSync(out, 'utf8'))
    const server = await startCli(['serve', '--port', '0', '--db', target, '--log-level', 'silent'])
    expect((await socketRequest(server.port, 'GET', `/pipelines/${demoPipeline}/runs/`, AUTH)).body).toBe(again.stdout)
  })

  it('importing the same file twice changes nothing', async () => {
    const path = await demoDbPath()
    const file = writeJson('demo.json', demo)
    const before = (await runCli(['seed', 'export', '--db', path, '--pipeline', demoPipeline])).stdout
    for (let i = 0; i < 2; i++) expect((await runCli(['seed', 'import', '--db', path, file])).code).toBe(0)
    expect((await runCli(['seed', 'export', '--db', path, '--pipeline', demoPipeline])).stdout).toBe(before)
  })

  it('a bad second file: exit 1, every problem named by file and path, served bytes unchanged in a running server', async () => {
    const path = await demoDbPath()
    const server = await startCli(['serve', '--port', '0', '--db', path, '--log-level', 'silent'])
    const before = (await socketRequest(server.port, 'GET', `/pipelines/${demoPipeline}/runs/`, AUTH)).body
    const good = writeJson('good.json', demo.map((r) => ({ ...r, name: `${r.name}-renamed` })))
    const badRuns = JSON.parse(JSON.stringify(demo)) as Array<Record<string, any>>
    badRuns[3]!.run_steps[0].finished_at = '2000-01-01T00:00:00Z'
    badRuns[4]!.status = 'Done'
    const bad = writeJson('runs.json', badRuns.slice(0, 5).map((r) => ({ ...r, id: r.id.replace(/^.{8}/, '00000000') })))
    const result = await runCli(['seed', 'import', '--db', path, good, bad])
    expect({ code: result.code, stdout: result.stdout }).toEqual({ code: 1, stdout: '' })
    expect(result.stderr.split('\n')).toEqual([
      'pipelines-mock: 2 problems, nothing imported:',
      `runs.json: [3].run_steps[0].finished_at: finished_at 2000-01-01T00:00:00Z is before started_at ${demo[3]?.run_steps[0]?.started_at ?? ''}`,
      'runs.json: [4].status: status "Done" is not a workflow phase (Pending, Running, Succeeded, Failed, Error)',
      ''
    ])
    expect((await socketRequest(server.port, 'GET', `/pipelines/${demoPipeline}/runs/`, AUTH)).body).toBe(before)
  })

  it('a good import shows in a running server at once', async () => {
    const path = await demoDbPath()
    const server = await startCli(['serve', '--port', '0', '--db', path, '--log-level', 'silent'])
    const renamed = writeJson('renamed.json', demo.map((r) => ({ ...r, name: `${r.name}-renamed` })))
    expect((await runCli(['seed', 'import', '--db', path, renamed])).code).toBe(0)
    const served = JSON.parse((await socketRequest(server.port, 'GET', `/pipelines/${demoPipeline}/runs/`, AUTH)).body) as RunRead[]
    expect(served.every((r) => r.name.endsWith('-renamed'))).toBe(true)
  })

  it.each([
    [['seed', 'import'], 2, 'seed import needs at least one FILE'],
    [['seed', 'export'], 2, '--pipeline is required'],
    [['seed', 'export', '--pipeline', 'abc'], 2, '--pipeline: expected a UUID, got "abc" (invalid length: expected length 32 for simple format, found 3)'],
    [['seed', 'export', '--pipeline', '00000000-0000-4000-8000-000000000000'], 1, 'pipeline 00000000-0000-4000-8000-000000000000 not found in'],
    [['seed', 'import', '/nonexistent/runs.json'], 1, '/nonexistent/runs.json: no such file']
  ])('%j: exit %i', async (args, code, message) => {
    const path = await demoDbPath()
    const result = await runCli([...args, '--db', path])
    expect({ code: result.code, stdout: result.stdout }).toEqual({ code, stdout: '' })
    expect(result.stderr).toContain(message)
    expect(result.stderr.split('\n')).toHaveLength(2)
  })

  it('export --out into a missing directory fails with one line and leaves no file', async () => {
    const path = await demoDbPath()
    const out = join(tempDir(), 'missing', 'out.json')
    const result = await runCli(['seed', 'export', '--db', path, '--pipeline', demoPipeline, '--out', out])
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(new RegExp(`^pipelines-mock: cannot write ${out}: [^\\n]+\\n$`))
    expect(existsSync(out)).toBe(false)
  })
})

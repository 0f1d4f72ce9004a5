// The published package: `npm pack`, installed into a fresh project, works through `npx` and as a typed library.
import { execFile } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { promisify } from 'node:util'
import { beforeAll, describe, expect, it } from 'vitest'
import { readDemoRuns } from '../src/db/seed-demo.ts'
import { startCli } from './helpers/cli.ts'
import { socketRequest } from './helpers/raw-http.ts'
import { ROOT, tempDir } from './helpers/temp.ts'
import { AUTH } from './helpers/test-app.ts'

const run = promisify(execFile)
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string, version: string }
const PIPELINE = readDemoRuns()[0]?.pipeline_version.pipeline_id ?? 'missing'
// npm and npx see only what a clean shell would, and stay off the network: nothing here needs the registry or a cache.
const npmEnv = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', npm_config_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' }

const SOURCE_ENTRIES = ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'README.md', 'LICENSE', 'bin', 'src', 'migrations', 'seed', 'openapi']

let files: string[] = []
let project = ''

beforeAll(async () => {
  const packDir = tempDir('pipelines-mock-pack-')
  // `npm pack` runs `prepare` (the build), as publishing would: in a copy of the sources, so the build never
  // rewrites the dist/ that other test files are running.
  const source = join(packDir, 'source')
  for (const entry of SOURCE_ENTRIES) if (existsSync(join(ROOT, entry))) cpSync(join(ROOT, entry), join(source, entry), { recursive: true })
  symlinkSync(join(ROOT, 'node_modules'), join(source, 'node_modules'))
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', packDir], { cwd: source, env: npmEnv, maxBuffer: 16 << 20 })
  const [packed] = JSON.parse(stdout.slice(stdout.indexOf('['))) as Array<{ filename: string, files: Array<{ path: string }> }>
  if (packed === undefined) throw new Error('npm pack reported nothing')
  files = packed.files.map((file) => file.path)
  project = tempDir('pipelines-mock-consumer-')
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module', dependencies: { [pkg.name]: pkg.version } }))
  await installAsNpmWould(join(packDir, packed.filename), project)
}, 240_000)

/**
 * What `npm install <tarball>` leaves in a consumer, without the registry or ~/.npm: the tarball unpacked as
 * node_modules/pipelines-mock, the repository's production dependency tree (and nothing else) beside it, and the
 * bin link. The package itself resolves its imports from the consumer's node_modules, so a dependency missing from
 * package.json's "dependencies" fails here as it would for a user.
 */
async function installAsNpmWould (tarball: string, consumer: string): Promise<void> {
  const modules = join(consumer, 'node_modules')
  const target = join(modules, pkg.name)
  mkdirSync(target, { recursive: true })
  await run('tar', ['-xzf', tarball, '--strip-components=1', '-C', target])
  const { stdout } = await run('npm', ['ls', '--omit=dev', '--all', '--parseable'], { cwd: ROOT, env: npmEnv, maxBuffer: 16 << 20 })
  const topLevel = stdout.split('\n').map((path) => relative(join(ROOT, 'node_modules'), path))
    .filter((name) => name !== '' && !name.startsWith('..') && !name.includes('node_modules') && name.split('/').length === (name.startsWith('@') ? 2 : 1))
  expect(topLevel).toContain('fastify')
  for (const name of topLevel) {
    mkdirSync(dirname(join(modules, name)), { recursive: true })
    symlinkSync(join(ROOT, 'node_modules', name), join(modules, name))
  }
  mkdirSync(join(modules, '.bin'))
  const bin = (JSON.parse(readFileSync(join(target, 'package.json'), 'utf8')) as { bin: Record<string, string> }).bin
  for (const [command, file] of Object.entries(bin)) symlinkSync(join('..', pkg.name, file), join(modules, '.bin', command))
}

describe('npm package', () => {
  it('ships the CLI, the compiled code with declarations, migrations and the demo data; no tests or sources', () => {
    for (const path of ['package.json', 'bin/pipelines-mock.js', 'dist/index.js', 'dist/index.d.ts', 'dist/cli/main.js', 'migrations/001_schema.sql', 'seed/demo.json', 'openapi/openapi.json']) {
      expect(files).toContain(path)
    }
    expect(files.filter((path) => /^(test|src|scratch|bench|scripts|data)\//.test(path) || path.endsWith('.sqlite'))).toEqual([])
  })

  it('`npx pipelines-mock --version` prints the version from a clean folder', async () => {
    const { stdout } = await run('npx', ['--no-install', 'pipelines-mock', '--version'], { cwd: project, env: npmEnv })
    expect(stdout).toBe(`${pkg.version}\n`)
  }, 60_000)

  it('`npx pipelines-mock serve --port 0` seeds a new database and answers with the demo runs', async () => {
    const db = join(tempDir(), 'consumer.sqlite')
    const server = await startCli(['serve', '--port', '0', '--db', db, '--log-level', 'silent'], { via: ['npx', '--no-install', 'pipelines-mock'], cwd: project, env: npmEnv })
    try {
      const response = await socketRequest(server.port, 'GET', `/pipelines/${PIPELINE}/runs/`, AUTH)
      expect(response.status).toBe(200)
      expect((JSON.parse(response.body) as unknown[]).length).toBe(readDemoRuns().filter((r) => r.pipeline_version.pipeline_id === PIPELINE).length)
    } finally {
      await server.stop()
    }
  }, 60_000)

  it('exports the TypeBox schemas with their static types, and buildApp for in-process use', async () => {
    writeFileSync(join(project, 'consumer.ts'), `import type { RunRead, Config } from '${pkg.name}'
import { RunRead as RunReadSchema, buildApp, loadConfig, openDatabase, migrate, loadDemo } from '${pkg.name}'
const db = openDatabase(':memory:')
migrate(db)
loadDemo(db)
const app = await buildApp({ config: loadConfig({}, {}) satisfies Config, db })
const response = await app.inject({ method: 'GET', url: '/pipelines/${PIPELINE}/runs/', headers: { authorization: 'Bearer demo-token' } })
const runs: RunRead[] = response.json<RunRead[]>()
console.log(JSON.stringify([RunReadSchema.$id, response.statusCode, runs.length, runs[0]?.run_steps[0]?.name]))
await app.close()
`)
    writeFileSync(join(project, 'wrong.ts'), `import type { RunRead } from '${pkg.name}'\nexport const run: Pick<RunRead, 'id'> = { id: 1 }\n`)
    writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({
      compilerOptions: {
        target: 'ES2023',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        strict: true,
        skipLibCheck: true,
        outDir: 'out',
        typeRoots: [join(ROOT, 'node_modules/@types')],
        types: ['node']
      },
      files: ['consumer.ts', 'wrong.ts']
    }))
    // The types are real: the consumer compiles, and the one wrong line is the only error.
    const compile = await run(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', '.'], { cwd: project }).then(() => '', (error: { stdout: string }) => error.stdout)
    expect(compile.trim().split('\n')).toEqual(["wrong.ts(2,43): error TS2322: Type 'number' is not assignable to type 'string'."])
    const { stdout } = await run(process.execPath, ['out/consumer.js'], { cwd: project })
    const demoRun = readDemoRuns().find((r) => r.pipeline_version.pipeline_id === PIPELINE)
    expect(JSON.parse(stdout)).toEqual(['RunRead', 200, readDemoRuns().filter((r) => r.pipeline_version.pipeline_id === PIPELINE).length, demoRun?.run_steps[0]?.name])
  }, 60_000)
})

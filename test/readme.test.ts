// The README as a new user follows it: the quick start, then every common task in order, pasted into one shell in a
// scratch copy of the project; each block's output must show what the README says it shows. Plus the demo ids table.
import { spawn, spawnSync } from 'node:child_process'
import { createServer } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readDemoRuns } from '../src/db/seed-demo.ts'
import { fencedBlocks, readMarkdown, section, type Block } from './helpers/markdown.ts'
import { cloneEnv, missingInOrder, scratchClone } from './helpers/scratch-clone.ts'

const readme = readMarkdown('README.md')
const NOT_RUN = '<!-- not run: '
const QUICK_START = /^npm install && npm start +# .*\nnpm test +# .*\n$/
const PORT_PATTERN = /(?<=127\.0\.0\.1:|--port )(80\d\d)\b/g

/** The README's shell blocks in order: the quick start first, then the ones after it. */
function shellBlocks (): { quickStart: Block, pasted: Block[], notRun: Block[] } {
  const all = fencedBlocks(readme)
  const sh = all.filter((block) => block.lang === 'sh')
  const [quickStart, ...rest] = sh
  if (quickStart === undefined) throw new Error('README has no sh block')
  return { quickStart, pasted: rest.filter((b) => !b.before.startsWith(NOT_RUN)), notRun: rest.filter((b) => b.before.startsWith(NOT_RUN)) }
}

/** The `text` block right after a shell block, if any: what that block prints. */
function shownOutput (block: Block): string[] | undefined {
  const all = fencedBlocks(readme)
  const next = all[all.indexOf(all.find((b) => b.body === block.body && b.lang === 'sh') as Block) + 1]
  // The test serves on free ports, so a documented address matches any port.
  return next?.lang === 'text' ? next.body.split('\n').filter((line) => line !== '' && line !== '…').map((line) => line.replace(/127\.0\.0\.1:80\d\d/g, '127.0.0.1:…')) : undefined
}

async function freePort (): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

/** One bash script: the quick start's server in the background, then each block, a marker line after each. */
function script (ports: Map<string, number>, pasted: Block[]): string {
  const port = (readmePort: string) => String(ports.get(readmePort) ?? readmePort)
  const waitFor = (readmePort: string) =>
    `for i in $(seq 300); do curl -s -o /dev/null http://127.0.0.1:${port(readmePort)}/__admin/health && break; sleep 0.1; done`
  const lines = ['set -eo pipefail', 'npm start > quickstart.log 2>&1 &', waitFor('8000')]
  pasted.forEach((block, i) => {
    for (const line of block.body.trimEnd().split('\n')) {
      lines.push(line.replace(PORT_PATTERN, (readmePort) => port(readmePort)))
      // The README's own `sleep` gives a server time to start; on a loaded machine the test waits for it as well.
      if (line.endsWith(' &')) lines.push(waitFor(/--port (\d+)/.exec(line)?.[1] ?? '8000'))
    }
    lines.push(`printf '\\n@@block ${i}@@\\n'`)
  })
  return lines.join('\n')
}

const missingTools = ['curl', 'jq'].filter((tool) => spawnSync('which', [tool]).status !== 0)
const canRun = missingTools.length === 0 || process.env.CI === 'true'

describe.runIf(canRun)('README: the quick start, then every common task, in order', () => {
  const { quickStart, pasted, notRun } = shellBlocks()
  let result = { code: -1 as number | null, stdout: '', stderr: '' }
  let outputs: string[][] = []
  let groupId = 0

  beforeAll(async () => {
    expect(missingTools).toEqual([])
    const readmePorts = [...new Set(pasted.flatMap((block) => block.body.match(PORT_PATTERN) ?? []).concat('8000'))]
    const ports = new Map<string, number>()
    for (const readmePort of readmePorts) ports.set(readmePort, await freePort())
    const dir = scratchClone()
    const child = spawn('bash', ['-c', script(ports, pasted)], { cwd: dir, detached: true, env: cloneEnv(dir, { PIPELINES_MOCK_PORT: String(ports.get('8000')) }) })
    groupId = child.pid ?? 0
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => { stdout += chunk })
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk })
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
    result = { code, stdout, stderr }
    outputs = stdout.replaceAll('\r', '').split(/^@@block \d+@@$/m).map((text) => text.split('\n').filter((line) => line !== ''))
  }, 240_000)

  afterAll(() => {
    // The quick start's server (and anything a failed block left running) is in the script's process group.
    try { process.kill(-groupId, 'SIGTERM') } catch {}
  })

  it('starts with the two commands: npm install && npm start, npm test', () => {
    expect(quickStart.body).toMatch(QUICK_START)
  })

  it('runs every block as pasted, in order, without a failure', () => {
    expect(pasted.length).toBeGreaterThanOrEqual(7)
    expect(result.stderr + result.stdout).not.toContain('command not found')
    expect(result.code, result.stderr).toBe(0)
    expect(outputs.length).toBe(pasted.length + 1)
  })

  it('leaves out only what needs a Docker daemon, saying why', () => {
    expect(notRun.map((block) => block.body.split(' ')[0])).toEqual(['docker'])
    for (const block of notRun) expect(block.before).toMatch(/^<!-- not run: .+ -->$/)
  })

  it('answers the quick start curl with the pipeline\'s demo runs, as many as the README says', () => {
    const demoCount = readDemoRuns().filter((run) => run.pipeline_version.pipeline_id === '4921f9e0-747d-4228-884e-58b5932f81b2').length
    const runs = JSON.parse(outputs[0]?.join('\n') ?? '') as Array<{ pipeline_version: { pipeline_id: string } }>
    expect(runs.length).toBe(demoCount)
    expect(section(readme, 'quickstart')).toContain(`That is the pipeline's ${demoCount} runs`)
  })

  it.each(pasted.map((block, i) => [block.body.split('\n')[0] ?? '', i] as const).filter(([, i]) => shownOutput(pasted[i] as Block) !== undefined))(
    'prints what the README shows after: %s', (_first, i) => {
      const shown = shownOutput(pasted[i] as Block) ?? []
      expect(missingInOrder(outputs[i] ?? [], shown), (outputs[i] ?? []).join('\n')).toEqual([])
    })
})

describe('README demo ids', () => {
  const demo = readDemoRuns()
  const versionsOf = (pipelineId: string) => new Set(demo.filter((r) => r.pipeline_version.pipeline_id === pipelineId).map((r) => r.pipeline_config_version_id))

  it('lists every demo pipeline by name with exactly its versions, oldest first', () => {
    const rows = section(readme, 'demo-ids').split('\n').filter((line) => /^\| `[a-z0-9-]+` \| `/.test(line))
    const listed = rows.map((row) => ({
      name: /^\| `([^`]+)`/.exec(row)?.[1],
      ids: [...row.matchAll(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g)].map((m) => m[0])
    }))
    expect(new Set(listed.map(({ ids }) => ids[0]))).toEqual(new Set(demo.map((r) => r.pipeline_version.pipeline_id)))
    for (const { name, ids: [pipeline, ...versions] } of listed) {
      expect(new Set(versions)).toEqual(versionsOf(pipeline ?? ''))
      const ofPipeline = demo.filter((r) => r.pipeline_version.pipeline_id === pipeline)
      const oldestFirst = [...new Set(ofPipeline.map((r) => r.pipeline_version).sort((a, b) => a.created_at.localeCompare(b.created_at)).map((v) => v.id))]
      expect(versions).toEqual(oldestFirst)
      expect(ofPipeline.every((r) => r.name.startsWith(`${name ?? ''}-`))).toBe(true)
    }
  })
})

// `pipelines-mock serve`, spawned with plain node: prints its URL, serves the contract, refuses bad config in one line.
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { runCli, startCli } from '../helpers/cli.ts'
import { socketRequest } from '../helpers/raw-http.ts'
import { readJson, tempDir } from '../helpers/temp.ts'
import { AUTH, FIXTURE, seededDb } from '../helpers/test-app.ts'

// Each test spawns node processes; on a loaded 2-core machine that can take a while.
vi.setConfig({ testTimeout: 60_000 })

const responses = readJson<Array<{ pipeline_id: string, version_id: string | null, body: string }>>('test/fixtures/pydantic/responses.json')

/** A database file that already holds the fixture runs, so serve leaves it as it is. */
function fixtureDbPath (): string {
  const dir = tempDir()
  seededDb(undefined, join(dir, 'test.sqlite')).close()
  return join(dir, 'test.sqlite')
}

/** One line, no stack trace; exit 1 when the work failed, 2 for a bad value (bad usage). */
function expectOneLineFailure (result: { code: number | null, stdout: string, stderr: string }, message: string | RegExp, code = 1): void {
  expect(result.code).toBe(code)
  expect(result.stdout).toBe('')
  expect(result.stderr.split('\n')).toHaveLength(2) // one line and its newline: no stack trace
  expect(result.stderr).toMatch(typeof message === 'string' ? `pipelines-mock: ${message}` : message)
}

describe('pipelines-mock serve', () => {
  it('--port 0 picks a free port, prints the URL and serves the contract until SIGTERM', async () => {
    const server = await startCli(['serve', '--port', '0', '--db', fixtureDbPath(), '--log-level', 'silent'])
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    const ok = await socketRequest(server.port, 'GET', `/pipelines/${FIXTURE.pipeline1}/runs/`, AUTH)
    expect({ status: ok.status, type: ok.headers['content-type'], body: ok.body })
      .toEqual({ status: 200, type: 'application/json', body: responses.find((r) => r.pipeline_id === FIXTURE.pipeline1 && r.version_id === null)?.body })
    expect((await socketRequest(server.port, 'GET', `/pipelines/${FIXTURE.pipeline1}/runs/`)).status).toBe(401)
    expect((await socketRequest(server.port, 'GET', '/pipelines/x/runs', { host: 'h' })).headers.location).toBe('http://h/pipelines/x/runs/')
    const stopped = await server.stop()
    expect(stopped.code).toBe(0)
    expect(server.stderr()).toBe('')
  })

  it('takes its settings from the environment, and --token replaces the default token', async () => {
    const server = await startCli(['serve', '--token', 'ci-token'], {
      env: { PIPELINES_MOCK_PORT: '0', PIPELINES_MOCK_DB: fixtureDbPath(), PIPELINES_MOCK_LOG_LEVEL: 'silent' }
    })
    const path = `/pipelines/${FIXTURE.pipeline1}/runs/`
    expect((await socketRequest(server.port, 'GET', path, { authorization: 'Bearer ci-token' })).status).toBe(200)
    expect((await socketRequest(server.port, 'GET', path, AUTH)).status).toBe(401)
  })

  it('logs requests as JSON lines with --log-format json, with the credentials redacted', async () => {
    const server = await startCli(['serve', '--port', '0', '--db', fixtureDbPath(), '--log-level', 'info', '--log-format', 'json', '--api-key', 'key-1'])
    await socketRequest(server.port, 'GET', `/pipelines/${FIXTURE.pipeline1}/runs/`, { authorization: 'Bearer secret-token', 'api-key': 'secret-key' })
    await server.stop()
    const stdout = server.stdout()
    const lines = stdout.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as { msg: string, req?: unknown })
    expect(lines.some((line) => line.msg === 'incoming request')).toBe(true)
    expect(stdout).not.toContain('secret-token')
    expect(stdout).not.toContain('secret-key')
  })

  it('logs one uvicorn-style line per request by default, health probes left out, and says once where it listens', async () => {
    const server = await startCli(['serve', '--port', '0', '--db', fixtureDbPath(), '--token', 'secret-token', '--api-key', 'secret-key'])
    const runs = `/pipelines/${FIXTURE.pipeline1}/runs/`
    await socketRequest(server.port, 'GET', runs, { authorization: 'Bearer secret-token', 'api-key': 'secret-key' })
    await socketRequest(server.port, 'GET', '/__admin/health')
    await socketRequest(server.port, 'POST', '/nowhere?x=1')
    await server.stop()
    const stdout = server.stdout()
    const lines = stdout.trimEnd().split('\n')
    expect(lines.filter((line) => line.includes('listening'))).toEqual([`pipelines-mock listening on ${server.url}`])
    expect(lines).toContain('  bearer token: se… (12 characters)')
    expect(lines).toContain(`  try: curl -s -H 'Authorization: Bearer <your token>' ${server.url}/pipelines/${FIXTURE.pipeline1}/runs/`)
    const access = lines.filter((line) => line.startsWith('INFO:     127.0.0.1:'))
    expect(access.map((line) => line.replace(/:\d+ - /, ':PORT - '))).toEqual([
      `INFO:     127.0.0.1:PORT - "GET ${runs} HTTP/1.1" 200 OK`,
      'INFO:     127.0.0.1:PORT - "POST /nowhere?x=1 HTTP/1.1" 404 Not Found'
    ])
    expect(stdout).not.toContain('secret-token')
    expect(stdout).not.toContain('secret-key')
    expect(stdout).not.toContain('{')
  })

  describe('refuses to start with one clear line: exit 2 for a bad value, 1 for what cannot be used', () => {
    it.each([
      ['a port above 65535', ['--port', '70000'], '--port: expected a whole number from 0 to 65535, got "70000"'],
      ['a port that is not a number', ['--port', 'eighty'], '--port: expected a whole number from 0 to 65535, got "eighty"'],
      ['an unknown log level', ['--log-level', 'chatty'], '--log-level: expected one of fatal, error, warn, info, debug, trace, silent, got "chatty"']
    ])('%s, writing nothing', async (_name, flags, message) => {
      const db = join(tempDir(), 'never.sqlite')
      expectOneLineFailure(await runCli(['serve', '--db', db, ...flags]), message, 2)
      expect(existsSync(db)).toBe(false)
    })

    it('a bad port from the environment', async () => {
      expectOneLineFailure(await runCli(['serve'], { env: { PIPELINES_MOCK_PORT: '-5' } }), 'PIPELINES_MOCK_PORT: expected a whole number from 0 to 65535, got "-5"', 2)
    })

    it('a database path that is a directory', async () => {
      const dir = join(tempDir(), 'a-directory')
      mkdirSync(dir)
      expectOneLineFailure(await runCli(['serve', '--port', '0', '--db', dir]), new RegExp(`^pipelines-mock: cannot open database ${dir}: `))
    })

    it('a database path under a file', async () => {
      const file = join(tempDir(), 'plain-file')
      writeFileSync(file, 'x')
      expectOneLineFailure(await runCli(['serve', '--port', '0', '--db', join(file, 'db.sqlite')]), `cannot open database ${file}/db.sqlite: ${file} is not a directory`)
    })

    it('a file that is not an SQLite database', async () => {
      const file = join(tempDir(), 'notes.sqlite')
      writeFileSync(file, 'plain text, not a database '.repeat(40))
      expectOneLineFailure(await runCli(['serve', '--port', '0', '--db', file]), `cannot open database ${file}: file is not a database`)
    })

    it('a database written by a newer pipelines-mock', async () => {
      const db = seededDb()
      db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, '999_future', '2030-01-01')").run()
      const path = db.name
      db.close()
      expectOneLineFailure(await runCli(['serve', '--port', '0', '--db', path]), /database schema version 999 is newer than this pipelines-mock supports/)
    })

    it('a port already in use', async () => {
      const server = await startCli(['serve', '--port', '0', '--db', fixtureDbPath(), '--log-level', 'silent'])
      expectOneLineFailure(await runCli(['serve', '--port', String(server.port), '--db', fixtureDbPath(), '--log-level', 'silent']), /EADDRINUSE/)
    })

    it('a port already in use, with a database that does not exist yet: no file is left behind', async () => {
      const server = await startCli(['serve', '--port', '0', '--db', fixtureDbPath(), '--log-level', 'silent'])
      const dir = tempDir()
      expectOneLineFailure(await runCli(['serve', '--port', String(server.port), '--db', join(dir, 'new.sqlite')]), /EADDRINUSE/)
      expect(readdirSync(dir)).toEqual([])
    })

    it('prints the stack only with --verbose', async () => {
      const result = await runCli(['serve', '--port', 'x', '--verbose'])
      expect(result.code).toBe(2)
      expect(result.stderr).toMatch(/^pipelines-mock: --port: expected a whole number from 0 to 65535, got "x"/)
      expect(result.stderr).toMatch(/\n\s+at /)
    })
  })
})

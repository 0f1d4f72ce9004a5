// The serve process: graceful shutdown under load with requests in flight, and no secret in its logs.
import Database from 'better-sqlite3'
import { once } from 'node:events'
import { existsSync } from 'node:fs'
import { connect, type Socket } from 'node:net'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { beforeAll, describe, expect, it } from 'vitest'
import { SHUTDOWN_QUIET } from '../src/http-server.ts'
import { serve } from './helpers/cli.ts'
import { shapedRuns, pipelineIds } from './helpers/fixture-runs.ts'
import { openSocket, parseAnswer } from './helpers/raw-http.ts'
import { seededDb, tempDir, TOKEN } from './helpers/test-app.ts'

const BIG = { pipelines: 1, versionsPerPipeline: 2, runsPerVersion: 500, stepsPerVersion: 4, tag: 'big' }

/** Resolves with everything the server sent once it closes the connection. */
function collect (socket: Socket): Promise<Buffer> {
  const chunks: Buffer[] = []
  socket.on('data', (chunk: Buffer) => chunks.push(chunk))
  return new Promise((resolve, reject) => {
    socket.once('close', () => resolve(Buffer.concat(chunks)))
    socket.once('error', reject)
  })
}

async function refusesConnections (port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    socket.once('connect', () => { socket.destroy(); resolve(false) })
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'))
  })
}

const small = shapedRuns()
const big = shapedRuns(BIG)
const huge = shapedRuns({ pipelines: 1, versionsPerPipeline: 1, runsPerVersion: 5_000, stepsPerVersion: 4, tag: 'huge' })
let path: string
beforeAll(() => {
  path = join(tempDir(), 'db.sqlite')
  seededDb([...small, ...big, ...huge], path).close()
})
const request = (pipeline: string) => `GET /pipelines/${pipeline}/runs/ HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TOKEN}\r\n`

describe.each(['SIGTERM', 'SIGINT'] as const)('shutdown on %s', (signal) => {
  it('stops accepting, finishes every request in flight with 200, closes the database cleanly and exits 0', async () => {
    const [smallPipeline, bigPipeline] = [pipelineIds(small)[0] as string, pipelineIds(big)[0] as string]
    const server = await serve(['--db', path, '--token', TOKEN, '--log-level', 'warn'])

    // Load: workers on keep-alive connections, all answered 200.
    let served = 0
    const deadline = Date.now() + 1_000
    await Promise.all(Array.from({ length: 8 }, async () => {
      while (Date.now() < deadline) {
        const response = await fetch(`${server.url}/pipelines/${smallPipeline}/runs/`, { headers: { authorization: `Bearer ${TOKEN}` } })
        expect(response.status).toBe(200)
        await response.arrayBuffer()
        served++
      }
    }))

    // In flight when the signal lands: requests half sent, and big answers whose clients stopped reading after the
    // first bytes (the server accepts connections in order, so it has accepted the half-sent ones by then too).
    const halfSent = await Promise.all(Array.from({ length: 20 }, async () => openSocket(server.port)))
    const halfAnswers = halfSent.map((socket) => collect(socket))
    halfSent.forEach((socket) => socket.write(request(smallPipeline)))
    const slowReaders = await Promise.all(Array.from({ length: 4 }, async () => openSocket(server.port)))
    const slowAnswers = slowReaders.map((socket) => collect(socket))
    await Promise.all(slowReaders.map(async (socket) => {
      const started = once(socket, 'data')
      socket.write(`${request(bigPipeline)}Connection: keep-alive\r\n\r\n`)
      await started
      socket.pause()
    }))

    server.child.kill(signal)
    // Polling slower than the server's quiet period, or each probe would count as a connection still arriving.
    while (!await refusesConnections(server.port)) await sleep(2 * SHUTDOWN_QUIET)
    halfSent.forEach((socket) => socket.write('\r\n'))
    slowReaders.forEach((socket) => socket.resume())

    const answers = (await Promise.all([...halfAnswers, ...slowAnswers])).map((raw) => parseAnswer(raw))
    const statuses = answers.map((answer) => answer?.status)
    expect(statuses).toEqual(Array(24).fill(200))
    const lengths = answers.map((answer) => (JSON.parse(answer?.body.toString() ?? 'null') as unknown[]).length)
    expect(lengths).toEqual([...Array(20).fill(6), ...Array(4).fill(1000)])
    expect(await server.exited).toEqual({ code: 0, signal: null })
    console.info(`shutdown on ${signal}: ${served} requests served under load, 24 in flight at the signal, ${24 - statuses.filter((s) => s === 200).length} lost`)

    expect(existsSync(`${path}-wal`)).toBe(false)
    const db = new Database(path, { readonly: true })
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok')
    expect(db.prepare('SELECT count(*) FROM runs').pluck().get()).toBe(small.length + big.length + huge.length)
    db.close()
  })
})

describe('shutdown while the server is busy', () => {
  it('answers connections the kernel accepted before the signal but Node had not picked up yet', async () => {
    const server = await serve(['--db', path, '--token', TOKEN, '--log-level', 'warn'])
    const sockets = await Promise.all(Array.from({ length: 10 }, async () => openSocket(server.port)))
    const answers = sockets.map((socket) => collect(socket))
    // Each big answer keeps the event loop busy, and a busy Node picks up one waiting connection per turn.
    sockets.forEach((socket) => socket.write(`${request(pipelineIds(big)[0] as string)}\r\n`))
    await sleep(100)
    server.child.kill('SIGTERM')
    const statuses = (await Promise.all(answers)).map((raw) => parseAnswer(raw)?.status)
    expect(statuses).toEqual(Array(10).fill(200))
    expect(await server.exited).toEqual({ code: 0, signal: null })
  })

  it('lets an answer too big for the socket buffers reach a client that reads it slowly', async () => {
    const server = await serve(['--db', path, '--token', TOKEN, '--log-level', 'warn'])
    const socket = await openSocket(server.port)
    const answer = collect(socket)
    const started = once(socket, 'data')
    socket.write(`${request(pipelineIds(huge)[0] as string)}\r\n`)
    await started
    socket.pause()
    server.child.kill('SIGTERM')
    await sleep(300)
    socket.resume()
    const parsed = parseAnswer(await answer)
    expect(parsed?.status).toBe(200)
    expect((JSON.parse(parsed?.body.toString() ?? 'null') as unknown[]).length).toBe(5_000)
    expect(await server.exited).toEqual({ code: 0, signal: null })
  })
})

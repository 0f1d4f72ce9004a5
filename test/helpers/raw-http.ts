// Requests over real sockets: exact bytes over node:net (malformed ones included) and parsed back, node:http
// requests with the path sent as given, and the same request over inject and a socket.
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http'
import { connect, type Socket } from 'node:net'
import type { FastifyInstance } from 'fastify'
import type { Answer } from './contract-answer.ts'

export interface Exchange {
  /** Everything the server sent before it closed the connection or the wait ended. */
  raw: Buffer
  /** Whether the server closed the connection (else the wait ended first). */
  closed: boolean
  error?: string
}

/** Sends `bytes` (all at once) and collects the reply until the server closes or `waitMs` passes. */
export async function exchange (port: number, bytes: Buffer, waitMs = 2_000): Promise<Exchange> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    const chunks: Buffer[] = []
    let error: string | undefined
    const finish = (closed: boolean) => {
      clearTimeout(timer)
      socket.destroy()
      resolve({ raw: Buffer.concat(chunks), closed, ...(error === undefined ? {} : { error }) })
    }
    const timer = setTimeout(() => finish(false), waitMs)
    socket.on('data', (chunk: Buffer) => chunks.push(chunk))
    socket.on('error', (e: NodeJS.ErrnoException) => { error = e.code ?? e.message })
    socket.on('close', () => finish(true))
    socket.write(bytes)
  })
}

export interface ParsedAnswer extends Answer {
  /** Bytes after this answer (a pipelined second answer). */
  rest: Buffer
}

/**
 * Parses one HTTP/1.1 response (content-length, chunked, or read-to-close bodies); undefined when incomplete.
 * An answer to HEAD has no body whatever its content-length says, except the parser's own rejection (written raw,
 * text/plain, before any method is known).
 */
export function parseAnswer (raw: Buffer, method = 'GET'): ParsedAnswer | undefined {
  const end = raw.indexOf('\r\n\r\n')
  if (end === -1) return undefined
  const [statusLine, ...lines] = raw.subarray(0, end).toString('latin1').split('\r\n')
  const match = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine ?? '')
  if (match === null) return undefined
  const headers: Record<string, string> = {}
  for (const line of lines) {
    const colon = line.indexOf(':')
    const name = line.slice(0, colon).trim().toLowerCase()
    headers[name] = headers[name] === undefined ? line.slice(colon + 1).trim() : `${headers[name]}, ${line.slice(colon + 1).trim()}`
  }
  const afterHeaders = raw.subarray(end + 4)
  const status = Number(match[1])
  const parserRejection = headers['content-type'] === 'text/plain; charset=utf-8' && headers.connection === 'close'
  if ((method === 'HEAD' && !parserRejection) || status < 200) return { status, headers, body: Buffer.alloc(0), rest: afterHeaders }
  if (headers['transfer-encoding'] === 'chunked') return { status, headers, ...dechunk(afterHeaders) }
  if (headers['content-length'] !== undefined) {
    const length = Number(headers['content-length'])
    return { status, headers, body: afterHeaders.subarray(0, length), rest: afterHeaders.subarray(length) }
  }
  return { status, headers, body: afterHeaders, rest: Buffer.alloc(0) }
}

function dechunk (data: Buffer): { body: Buffer, rest: Buffer } {
  const parts: Buffer[] = []
  let offset = 0
  for (;;) {
    const lineEnd = data.indexOf('\r\n', offset)
    if (lineEnd === -1) break
    const size = parseInt(data.subarray(offset, lineEnd).toString('latin1'), 16)
    offset = lineEnd + 2
    if (!(size > 0)) {
      offset += 2
      break
    }
    parts.push(data.subarray(offset, offset + size))
    offset += size + 2
  }
  return { body: Buffer.concat(parts), rest: data.subarray(offset) }
}

/** A socket that is connected and ready for bytes written at the caller's pace. */
export async function openSocket (port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket))
    socket.once('error', reject)
  })
}

export interface RawResponse {
  status: number
  headers: IncomingHttpHeaders
  body: string
}

export type Headers = Record<string, string | string[]>

/** One request over a real socket with node:http: the path is sent exactly as given. */
export async function socketRequest (port: number, method: string, path: string, headers: Headers = {}): Promise<RawResponse> {
  return await new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end()
  })
}

/** Writes `text` to the socket as is and returns everything the server sent until it closed. */
export async function rawExchange (port: number, text: string): Promise<string> {
  return await new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port })
    const chunks: Buffer[] = []
    socket.on('data', (chunk) => chunks.push(chunk))
    socket.on('end', () => resolve(Buffer.concat(chunks).toString('latin1')))
    socket.on('error', reject)
    socket.write(text)
  })
}

export type Transport = (method: string, path: string, headers?: Headers) => Promise<RawResponse>

/** The same request over app.inject and over a real socket, so each case runs through both. */
export function transports (app: FastifyInstance, port: () => number): Array<[string, Transport]> {
  const inject: Transport = async (method, path, headers = {}) => {
    const response = await app.inject({ method: method as 'GET', url: path, headers })
    return { status: response.statusCode, headers: response.headers as IncomingHttpHeaders, body: response.body }
  }
  const socket: Transport = async (method, path, headers) => await socketRequest(port(), method, path, headers)
  return [['inject', inject], ['socket', socket]]
}

// The Node HTTP server under Fastify: size, time and connection limits, a shutdown that loses no request, and
// uvicorn's answers where Node would answer itself.
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import type { Duplex } from 'node:stream'
import { setTimeout as sleep } from 'node:timers/promises'
import type { FastifyInstance } from 'fastify'
import { invalidHttpRequest, UvicornResponse } from './uvicorn-response.ts'

export interface ServerLimits {
  /** Open connections beyond this are closed as they arrive. */
  maxConnections: number
  /** Milliseconds an idle keep-alive connection stays open. */
  keepAliveTimeout: number
  /** Milliseconds a client has to send the request line and headers. */
  headersTimeout: number
  /** Milliseconds a client has to send the whole request. */
  requestTimeout: number
}

export const DEFAULT_LIMITS: ServerLimits = {
  maxConnections: 1024,
  keepAliveTimeout: 72_000,
  headersTimeout: 10_000,
  requestTimeout: 30_000
}

/** Request line plus headers, in bytes (Node's default; h11's limit too). */
export const MAX_HEADER_SIZE = 16 * 1024
/** A socket with no traffic either way (a client that stopped reading) is closed after this many milliseconds. */
export const IDLE_SOCKET_TIMEOUT = 120_000
/** At shutdown: the listener, then idle connections, close once no connection, then no request, came for this long. */
export const SHUTDOWN_QUIET = 100
/** At shutdown: the listener closes after this many milliseconds even if connections keep coming. */
export const SHUTDOWN_ACCEPT_MAX = 5_000
/** Refused connections are logged at most once per this many milliseconds. */
export const DROP_LOG_INTERVAL = 5_000
// Node checks headersTimeout/requestTimeout on this period (default 30 s, which lets a slow client stay 30 s longer).
const TIMEOUT_CHECK_INTERVAL = 1_000

/** The Fastify constructor options that carry the limits down to the Node server. */
export function serverOptions (limits: ServerLimits) {
  return {
    keepAliveTimeout: limits.keepAliveTimeout,
    requestTimeout: limits.requestTimeout,
    connectionTimeout: Math.max(IDLE_SOCKET_TIMEOUT, limits.keepAliveTimeout + 1_000),
    http: {
      ServerResponse: UvicornResponse,
      maxHeaderSize: MAX_HEADER_SIZE,
      headersTimeout: limits.headersTimeout,
      connectionsCheckingInterval: TIMEOUT_CHECK_INTERVAL
    }
  }
}

/**
 * A request Node's parser rejects (bad request line, raw non-ASCII target, headers over MAX_HEADER_SIZE) gets
 * uvicorn's 400; a client too slow to send its request is dropped. Logs the code only: the error carries the raw
 * request bytes, tokens included.
 */
export function answerClientError (this: FastifyInstance, error: NodeJS.ErrnoException, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return
  this.log.debug({ code: error.code }, 'request rejected by the HTTP parser')
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    socket.destroy()
    return
  }
  socket.end(invalidHttpRequest())
}

/**
 * Connection cap, gentle shutdown, and Expect headers handled as uvicorn does. (CONNECT stays Node's: with no tunnel handler the
 * connection is closed unanswered, where uvicorn would route it to a 404.)
 */
export function configureServer (app: FastifyInstance, limits: ServerLimits): void {
  const server = app.server as Server
  server.maxConnections = limits.maxConnections
  // A client that sends its request and then ends its side (FIN) still gets every answer, as from uvicorn; Node
  // would otherwise abort the request and end the socket before a delayed answer is written. The connection
  // closes once the last answer is written.
  Object.assign(server, { httpAllowHalfOpen: true })
  logRefusedConnections(app, server, limits.maxConnections)
  drainOnClose(app, server)
  // Node answers 417 to any Expect other than 100-continue; uvicorn ignores the header.
  server.on('checkExpectation', (request: IncomingMessage, response: ServerResponse) => server.emit('request', request, response))
  // Node writes "100 Continue" at once, and for a pipelined request into the middle of the answer before it; uvicorn
  // writes it only once the app reads the body (which the contract routes never do), so it is sent only then.
  server.on('checkContinue', (request: IncomingMessage, response: ServerResponse) => {
    request.once('resume', () => { if (!response.headersSent) response.writeContinue() })
    server.emit('request', request, response)
  })
}

/**
 * Connections refused past the cap, logged at most once per DROP_LOG_INTERVAL: the first at once, then how many
 * more came in that interval (a flood of them would otherwise write a line each).
 */
function logRefusedConnections (app: FastifyInstance, server: Server, maxConnections: number): void {
  let refused = 0
  let window: NodeJS.Timeout | undefined
  const report = () => {
    if (refused > 0) app.log.warn(`${refused} more connection${refused === 1 ? '' : 's'} refused in the last ${DROP_LOG_INTERVAL / 1000} s: ${maxConnections} connections open (--max-connections)`)
    refused = 0
    window = undefined
  }
  server.on('drop', () => {
    if (window !== undefined) {
      refused++
      return
    }
    app.log.warn(`connection refused: ${maxConnections} connections open (--max-connections)`)
    window = setTimeout(report, DROP_LOG_INTERVAL).unref()
  })
}

/**
 * Shutdown without losing requests. Fastify answers everything from now on with connection: close. Then:
 * - the listener stays open until no connection has come for SHUTDOWN_QUIET ms (at most SHUTDOWN_ACCEPT_MAX): when
 *   the event loop is busy, Node picks up one connection per turn, and closing the listener resets those the kernel
 *   has accepted but Node has not;
 * - server.close() would make Node destroy every idle connection at once: one whose request sits unread in the
 *   socket gets a reset, one whose last answer is still being written loses its end. Idle connections are closed
 *   once no request has come for SHUTDOWN_QUIET ms and every answer has been handed to the kernel.
 */
function drainOnClose (app: FastifyInstance, server: Server): void {
  const sockets = new Set<Socket>()
  let connections = 0
  let requests = 0
  server.on('connection', (socket: Socket) => {
    connections++
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
  })
  server.on('request', () => { requests++ })

  app.addHook('preClose', async () => {
    const deadline = Date.now() + SHUTDOWN_ACCEPT_MAX
    await quiet(() => connections, () => Date.now() > deadline)
  })
  const closeIdleNow = server.closeIdleConnections.bind(server)
  server.closeIdleConnections = () => {
    quiet(() => requests, () => false, () => [...sockets].some((socket) => socket.writableLength > 0)).then(closeIdleNow)
  }
}

/** Resolves once `count` has not changed for SHUTDOWN_QUIET ms and nothing is `busy`, or once `late`. */
async function quiet (count: () => number, late: () => boolean, busy = () => false): Promise<void> {
  let seen: number
  do {
    seen = count()
    await sleep(SHUTDOWN_QUIET)
  } while ((seen !== count() || busy()) && !late())
}

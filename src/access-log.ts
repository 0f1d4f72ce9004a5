// Logs as uvicorn writes them (`--log-format text`, the default): `INFO:     <message>`, one access line per request
// (`INFO:     127.0.0.1:53722 - "GET /pipelines/…/runs/ HTTP/1.1" 200 OK`), health probes left out.
import { STATUS_CODES, type IncomingMessage } from 'node:http'
import type { FastifyInstance } from 'fastify'

/** Health probes every few seconds would drown the log, as uvicorn's --no-access-log users know. */
const UNLOGGED_PATHS = new Set(['/__admin/health'])

// pino's numeric levels → uvicorn's level names, padded as uvicorn's `%(levelprefix)s` pads them.
const LEVEL_PREFIX: Record<number, string> = { 10: 'TRACE:', 20: 'DEBUG:', 30: 'INFO:', 40: 'WARNING:', 50: 'ERROR:', 60: 'CRITICAL:' }

export function accessLine (request: IncomingMessage, status: number): string {
  const { remoteAddress, remotePort } = request.socket
  return `${remoteAddress ?? '-'}:${remotePort ?? 0} - "${request.method ?? ''} ${request.url ?? ''} HTTP/${request.httpVersion}" ${status} ${STATUS_CODES[status] ?? ''}`.trimEnd()
}

/** One line per answered request, at info level, once the answer is written. */
export function registerAccessLog (app: FastifyInstance): void {
  app.addHook('onResponse', (request, reply, done) => {
    if (!UNLOGGED_PATHS.has(request.url)) request.log.info(accessLine(request.raw, reply.statusCode))
    done()
  })
}

interface LogRecord { level: number, msg?: string, err?: { message?: string } }

/**
 * A pino destination that writes each record as uvicorn's text line. Fastify's own "Server listening at" record is
 * dropped: the CLI prints the address itself, once.
 */
export function textLogStream (write: (line: string) => void = (line) => process.stdout.write(line)): { write: (record: string) => void } {
  return {
    write (record) {
      const { level, msg = '', err } = JSON.parse(record) as LogRecord
      if (msg.startsWith('Server listening at ')) return
      const detail = err?.message === undefined || msg.includes(err.message) ? '' : `: ${err.message}`
      write(`${(LEVEL_PREFIX[level] ?? 'INFO:').padEnd(9)} ${msg}${detail}\n`)
    }
  }
}

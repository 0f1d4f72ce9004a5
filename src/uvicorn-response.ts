// The response head as uvicorn + Starlette write it: lowercase names, in their order; every answer on the server goes through it.
import { ServerResponse, type IncomingMessage, type OutgoingHttpHeader, type OutgoingHttpHeaders } from 'node:http'

export type HeaderList = Array<[name: string, value: string]>

// Starlette's Response writes the headers it was given, then content-length and content-type; what is set on the
// response afterwards (RedirectResponse's location, CORSMiddleware's headers on a normal answer) is appended after
// them: those are set with appendHeader.
const BODY_HEADERS = ['content-length', 'content-type']
// uvicorn writes these itself; whatever else set them is replaced.
const CONNECTION_HEADERS = new Set(['date', 'server', 'connection', 'keep-alive'])

export interface HeadOptions {
  /** The connection closes after this answer and uvicorn says so (the request asked for it, or the server is closing). */
  close: boolean
  /** uvicorn adds `transfer-encoding: chunked` when a body may follow and its length is not given. */
  mayHaveBody: boolean
  /** Headers set after the response was built (lowercase names), written after content-type. */
  appended?: ReadonlySet<string>
}

let cachedDate = ''
let cachedSecond = -1

/** The `date` value (RFC 7231 IMF-fixdate, as uvicorn's formatdate(usegmt=True)), computed once a second. */
export function httpDate (now = Date.now()): string {
  const second = Math.floor(now / 1000)
  if (second !== cachedSecond) {
    cachedSecond = second
    cachedDate = new Date(second * 1000).toUTCString()
  }
  return cachedDate
}

/**
 * uvicorn's head for `headers` (names lowercased): date, server, the response's own headers, content-length,
 * content-type, headers set after the response was built, then connection: close and transfer-encoding as uvicorn adds them.
 */
export function uvicornHead (headers: HeaderList, { close, mayHaveBody, appended }: HeadOptions): HeaderList {
  const own: HeaderList = []
  const body: HeaderList = []
  const later: HeaderList = []
  let closeAsked = close
  for (const [rawName, value] of headers) {
    const name = rawName.toLowerCase()
    if (CONNECTION_HEADERS.has(name)) {
      if (name === 'connection' && /\bclose\b/i.test(value)) closeAsked = true
      continue
    }
    if (BODY_HEADERS.includes(name)) body.push([name, value])
    else if (appended?.has(name) === true) later.push([name, value])
    else own.push([name, value])
  }
  body.sort(([a], [b]) => BODY_HEADERS.indexOf(a) - BODY_HEADERS.indexOf(b))
  const head: HeaderList = [['date', httpDate()], ['server', 'uvicorn'], ...own, ...body, ...later]
  if (closeAsked) head.push(['connection', 'close'])
  const lengthGiven = head.some(([name]) => name === 'content-length' || name === 'transfer-encoding')
  if (mayHaveBody && !lengthGiven) head.push(['transfer-encoding', 'chunked'])
  return head
}

const INVALID_REQUEST_TEXT = 'Invalid HTTP request received.'

/**
 * uvicorn's own answer to a request its parser rejects (bad request line, raw non-ASCII in the target), written
 * before any app sees it: its default headers (date, server), then content-type, content-length, connection: close.
 */
export function invalidHttpRequest (): Buffer {
  return Buffer.from(`HTTP/1.1 400 Bad Request\r\ndate: ${httpDate()}\r\nserver: uvicorn\r\n` +
    `content-type: text/plain; charset=utf-8\r\ncontent-length: ${INVALID_REQUEST_TEXT.length}\r\nconnection: close\r\n\r\n` +
    INVALID_REQUEST_TEXT, 'latin1')
}

/** uvicorn answers `connection: close` when the request carried exactly that header (its CLOSE_HEADER check). */
export function requestAsksClose (rawHeaders: readonly string[]): boolean {
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if (rawHeaders[i]?.toLowerCase() === 'connection' && rawHeaders[i + 1] === 'close') return true
  }
  return false
}

function headerList (headers: OutgoingHttpHeaders | readonly OutgoingHttpHeader[] | undefined): HeaderList {
  if (headers === undefined) return []
  if (Array.isArray(headers)) {
    const list: HeaderList = []
    for (let i = 0; i < headers.length; i += 2) list.push([String(headers[i]), String(headers[i + 1])])
    return list
  }
  return Object.entries(headers as OutgoingHttpHeaders).flatMap(([name, value]): HeaderList =>
    value === undefined ? [] : Array.isArray(value) ? value.map((item): [string, string] => [name, item]) : [[name, String(value)]])
}

/**
 * The server's response class (http.createServer's `ServerResponse` option): Node's own `Date`, `Connection` and
 * `Keep-Alive` are never written; every head, whoever writes it (Fastify or a raw listener), goes through uvicornHead.
 */
export class UvicornResponse<Request extends IncomingMessage = IncomingMessage> extends ServerResponse<Request> {
  /** Names of headers set after the response was built (see appendHeader). */
  readonly appended = new Set<string>()

  constructor (request: Request) {
    super(request)
    this.sendDate = false
  }

  override writeHead (statusCode: number, ...rest: Array<string | OutgoingHttpHeaders | OutgoingHttpHeader[] | undefined>): this {
    const reason = typeof rest[0] === 'string' ? rest[0] : undefined
    const given = typeof rest[0] === 'string' ? rest[1] : rest[0]
    const headers: HeaderList = [...headerList(this.getHeaders()), ...headerList(given as OutgoingHttpHeaders | undefined)]
    for (const name of this.getHeaderNames()) this.removeHeader(name)
    const method = this.req.method
    const head = uvicornHead(headers, {
      close: requestAsksClose(this.req.rawHeaders),
      appended: this.appended,
      mayHaveBody: method !== 'HEAD' && statusCode >= 200 && statusCode !== 204 && statusCode !== 304
    })
    // Without a connection header Node keeps or closes the connection as the request asked, and writes none itself.
    if (!head.some(([name]) => name === 'connection')) this.removeHeader('connection')
    const flat = head.flat()
    // `_last` (close after this answer) is already set when the client ended its side; writing the head would reset it.
    const last = (this as unknown as { _last: boolean })._last
    if (reason === undefined) super.writeHead(statusCode, flat)
    else super.writeHead(statusCode, reason, flat)
    if (last) (this as unknown as { _last: boolean })._last = true
    return this
  }
}

interface HeaderTarget {
  raw: unknown
  getHeader: (name: string) => unknown
  header: (name: string, value: string) => unknown
}

/**
 * Sets a header as Starlette does on a response already built (MutableHeaders): a new one is written after
 * content-type, one already set keeps its place.
 */
export function appendHeader (reply: HeaderTarget, name: string, value: string): void {
  const lower = name.toLowerCase()
  if (reply.getHeader(lower) === undefined && reply.raw instanceof UvicornResponse) reply.raw.appended.add(lower)
  reply.header(lower, value)
}

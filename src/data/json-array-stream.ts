// Splits a top-level JSON array, fed as byte chunks, into its elements: each one's text found by a byte scan, then JSON.parse.

/** Why the input is not a JSON array; `notArray` when it is JSON of another kind (an object, a string, a number…). */
export class JsonArrayError extends Error {
  readonly notArray: boolean

  constructor (message: string, notArray = false) {
    super(message)
    this.name = 'JsonArrayError'
    this.notArray = notArray
  }
}

const QUOTE = 0x22
const BACKSLASH = 0x5c
const COMMA = 0x2c
const OPEN_ARRAY = 0x5b
const CLOSE_ARRAY = 0x5d
const OPEN_OBJECT = 0x7b
const CLOSE_OBJECT = 0x7d
const BOM = [0xef, 0xbb, 0xbf]
const isWhitespace = (byte: number): boolean => byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09
/** First bytes of the JSON values that are not arrays. */
const OTHER_VALUE_START = new Set([...'{"-0123456789tfn'].map((c) => c.charCodeAt(0)))

type State = 'start' | 'element' | 'done'

/**
 * Feed it chunks in order with push, then call end. Memory holds the current element's bytes only (across
 * chunks when it straddles them). Throws JsonArrayError on the first syntax error, with its byte offset.
 */
export class JsonArraySplitter {
  private state: State = 'start'
  /** Bytes of all chunks before the current one. */
  private offset = 0
  private index = 0
  // The element being scanned: its earlier parts, its start in the file, nesting depth, string and escape state.
  private parts: Uint8Array[] = []
  private elementStart = 0
  private depth = 0
  private inString = false
  private escaped = false
  private hasContent = false
  private bomLength = 0

  /** Calls onElement with each element that ends in `chunk`, parsed, and its index in the array. */
  push (chunk: Buffer, onElement: (value: unknown, index: number) => void): void {
    let i = 0
    while (i < chunk.length) {
      if (this.state === 'start') i = this.scanStart(chunk, i)
      else if (this.state === 'element') i = this.scanElement(chunk, i, onElement)
      else i = this.scanTrailing(chunk, i)
    }
    if (this.state === 'element') this.parts.push(chunk.subarray(Math.max(0, this.elementStart - this.offset)))
    this.offset += chunk.length
  }

  /** Throws unless the input was one whole array. */
  end (): void {
    if (this.state === 'done') return
    throw new JsonArrayError(this.state === 'start' && this.offset === 0 ? 'the input is empty' : `unexpected end of input at byte ${this.offset}`)
  }

  /** Whitespace up to the opening bracket; a UTF-8 byte order mark at the very start is skipped, as editors write it. */
  private scanStart (chunk: Buffer, from: number): number {
    let i = from
    for (; i < chunk.length; i++) {
      const byte = chunk[i] as number
      const position = this.offset + i
      if (position === this.bomLength && byte === BOM[position]) this.bomLength++
      else if (!isWhitespace(byte) || this.bomLength % BOM.length !== 0) break
    }
    if (i === chunk.length) return i
    const byte = chunk[i] as number
    if (byte !== OPEN_ARRAY || this.bomLength % BOM.length !== 0) {
      if (OTHER_VALUE_START.has(byte) && this.bomLength % BOM.length === 0) throw new JsonArrayError('expected a JSON array', true)
      throw this.unexpected(chunk, i)
    }
    this.state = 'element'
    this.beginElement(i + 1)
    return i + 1
  }

  private scanTrailing (chunk: Buffer, from: number): number {
    let i = from
    while (i < chunk.length && isWhitespace(chunk[i] as number)) i++
    if (i < chunk.length) throw this.unexpected(chunk, i, ' after the array')
    return i
  }

  private beginElement (at: number): void {
    this.parts = []
    this.elementStart = this.offset + at
    this.depth = 0
    this.hasContent = false
  }

  /** Scans to the end of the current element (a comma or the closing bracket at depth 0) or of the chunk. */
  private scanElement (chunk: Buffer, from: number, onElement: (value: unknown, index: number) => void): number {
    const length = chunk.length
    let depth = this.depth
    let hasContent = this.hasContent
    let i = this.inString ? this.scanString(chunk, from) + 1 : from
    // Plain loops with the state in locals, strings in an inner loop: about 1 GB/s, where indexOf calls per
    // string (most are short) or one loop with a string flag are 4–5 times slower.
    for (; i < length; i++) {
      const byte = chunk[i] as number
      if (byte === QUOTE) {
        hasContent = true
        i = this.scanString(chunk, i + 1)
      } else if (byte === OPEN_OBJECT || byte === OPEN_ARRAY) {
        depth++
        hasContent = true
      } else if ((byte === CLOSE_OBJECT || byte === CLOSE_ARRAY) && depth > 0) {
        depth--
      } else if (byte === COMMA || byte === CLOSE_ARRAY) {
        if (depth === 0) break
      } else if (byte === CLOSE_OBJECT) {
        throw this.unexpected(chunk, i)
      } else if (!hasContent && !isWhitespace(byte)) {
        hasContent = true
      }
    }
    this.depth = depth
    this.hasContent = hasContent
    return i < length ? this.finishElement(chunk, i, onElement) : i
  }

  /** From inside a string: the index of its closing quote, or the chunk's length (inString stays set) if not in it. */
  private scanString (chunk: Buffer, from: number): number {
    const length = chunk.length
    let i = from
    if (this.escaped) i++
    for (; i < length; i++) {
      const byte = chunk[i] as number
      if (byte === QUOTE) break
      if (byte === BACKSLASH) i++
    }
    this.inString = i >= length
    this.escaped = i > length
    return i
  }

  /** The element ends before chunk[at], a comma or the array's closing bracket. */
  private finishElement (chunk: Buffer, at: number, onElement: (value: unknown, index: number) => void): number {
    const closing = chunk[at] === CLOSE_ARRAY
    if (!this.hasContent) {
      // `[]` is the one place where an element may be missing.
      if (closing && this.index === 0) {
        this.state = 'done'
        return at + 1
      }
      throw this.unexpected(chunk, at)
    }
    const text = this.elementText(chunk, at)
    onElement(this.parse(text), this.index)
    this.index++
    if (closing) this.state = 'done'
    else this.beginElement(at + 1)
    return at + 1
  }

  private elementText (chunk: Buffer, end: number): string {
    if (this.parts.length === 0) return chunk.toString('utf8', this.elementStart - this.offset, end)
    return Buffer.concat([...this.parts, chunk.subarray(0, end)]).toString('utf8')
  }

  private parse (text: string): unknown {
    try {
      return JSON.parse(text)
    } catch (error) {
      // V8 gives a position in some messages (UTF-16 units into the text) and a snippet of the text in others.
      const message = (error instanceof Error ? error.message : String(error)).replace(/ \(line \d+ column \d+\)/, '')
      const at = /(?: in JSON)? at position (\d+)/.exec(message)
      if (at === null) throw new JsonArrayError(`${message} (element [${this.index}] at byte ${this.elementStart})`)
      const byte = this.elementStart + Buffer.byteLength(text.slice(0, Number(at[1])))
      throw new JsonArrayError(`${message.slice(0, at.index)} at byte ${byte}${message.slice(at.index + at[0].length)} (element [${this.index}])`)
    }
  }

  private unexpected (chunk: Buffer, at: number, where = ''): JsonArrayError {
    const character = String.fromCharCode(chunk[at] as number)
    const shown = /[\x21-\x7e]/.test(character) ? JSON.stringify(character) : `byte 0x${(chunk[at] as number).toString(16)}`
    return new JsonArrayError(`unexpected ${shown}${where} at byte ${this.offset + at}`)
  }
}

// Request headers as Starlette reads them: a repeated header's first value, not Node's comma-joined list.

/** The first value of header `name` (lowercase) in Node's rawHeaders name/value pairs; undefined when absent. */
export function firstHeader (rawHeaders: readonly string[], name: string): string | undefined {
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    if ((rawHeaders[i] as string).toLowerCase() === name) return rawHeaders[i + 1]
  }
  return undefined
}

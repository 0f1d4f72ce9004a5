// JSON paths for findings (`$[0].run_steps[1].status`) and the first differences between two JSON values.
export type Segment = string | number

export function jsonPath (segments: readonly Segment[]): string {
  return '$' + segments.map((s) => typeof s === 'number' ? `[${s}]` : /^[A-Za-z_][A-Za-z0-9_]*$/.test(s) ? `.${s}` : `[${JSON.stringify(s)}]`).join('')
}

/** `/0/run_steps/1` (a JSON pointer, as TypeBox reports it) as `$[0].run_steps[1]`. */
export function pointerToPath (pointer: string): string {
  if (pointer === '') return '$'
  return jsonPath(pointer.slice(1).split('/').map((raw) => {
    const part = raw.replaceAll('~1', '/').replaceAll('~0', '~')
    return /^(?:0|[1-9]\d*)$/.test(part) ? Number(part) : part
  }))
}

export interface Difference {
  path: string
  message: string
}

/** Up to `limit` differences between `expected` and `actual`, key order included, depth first. */
export function jsonDifferences (expected: unknown, actual: unknown, limit = 10): Difference[] {
  const found: Difference[] = []
  walk(expected, actual, [], found, limit)
  return found
}

function walk (expected: unknown, actual: unknown, at: Segment[], found: Difference[], limit: number): void {
  if (found.length >= limit) return
  if (Array.isArray(expected) && Array.isArray(actual)) {
    if (expected.length !== actual.length) found.push({ path: jsonPath(at), message: `expected ${expected.length} items, got ${actual.length}` })
    for (let i = 0; i < Math.min(expected.length, actual.length); i++) walk(expected[i], actual[i], [...at, i], found, limit)
    return
  }
  if (isObject(expected) && isObject(actual)) {
    const expectedKeys = Object.keys(expected)
    const actualKeys = Object.keys(actual)
    for (const key of expectedKeys) {
      if (!(key in actual)) found.push({ path: jsonPath([...at, key]), message: 'missing' })
      else walk(expected[key], actual[key], [...at, key], found, limit)
    }
    for (const key of actualKeys) if (!(key in expected)) found.push({ path: jsonPath([...at, key]), message: `unexpected key (value ${preview(actual[key])})` })
    const common = actualKeys.filter((key) => key in expected)
    const expectedOrder = expectedKeys.filter((key) => key in actual)
    if (common.join('\0') !== expectedOrder.join('\0')) {
      found.push({ path: jsonPath(at), message: `keys in order ${common.join(', ')}; expected ${expectedOrder.join(', ')}` })
    }
    return
  }
  if (!Object.is(expected, actual)) found.push({ path: jsonPath(at), message: `expected ${preview(expected)}, got ${preview(actual)}` })
}

function isObject (value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** A value as JSON, cut to a readable length. */
export function preview (value: unknown, max = 120): string {
  const text = value === undefined ? 'nothing' : JSON.stringify(value)
  return text.length > max ? `${text.slice(0, max - 1)}…` : text
}

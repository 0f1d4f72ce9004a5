// How POST /__admin/runs reads its JSON: nesting bounded before parsing, `__proto__` and `constructor` kept as data.
import type { FastifyInstance } from 'fastify'

/** Deeper than any run (about a dozen levels, Argo manifests included); a deeper body is refused unparsed. */
export const MAX_JSON_DEPTH = 64

/** Whether arrays and objects nest deeper than `max` in a JSON text, counting only brackets outside strings. */
export function nestsDeeperThan (text: string, max: number): boolean {
  let depth = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (inString) {
      if (code === 0x5c) i++
      else if (code === 0x22) inString = false
    } else if (code === 0x22) {
      inString = true
    } else if (code === 0x5b || code === 0x7b) {
      if (++depth > max) return true
    } else if (code === 0x5d || code === 0x7d) {
      depth--
    }
  }
  return false
}

/**
 * Replaces the scope's JSON parser. A `__proto__` or `constructor` key is data here, as in `seed import` and in the
 * backend's Python dicts: kept as an own property (JSON.parse never sets a prototype), not refused as Fastify's
 * default parser does. A body nested past MAX_JSON_DEPTH is a JSON error before it is parsed, so no later step
 * (validation, echoing the input) recurses through it.
 */
export function useAdminJsonParser (scope: FastifyInstance): void {
  const parse = scope.getDefaultJsonParser('ignore', 'ignore')
  scope.removeContentTypeParser('application/json')
  scope.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (nestsDeeperThan(body as string, MAX_JSON_DEPTH)) {
      done(Object.assign(new SyntaxError(`JSON nested deeper than ${MAX_JSON_DEPTH} levels`), { statusCode: 400 }), undefined)
      return
    }
    parse(request, body as string, done)
  })
}

// The route table as Starlette matches it: on the decoded path, with the trailing slash toggled for a 307.
export type RouteMatch =
  | { kind: 'runs', pipelineId: string }
  | { kind: 'static', path: string }
  | { kind: 'none' }

// Starlette compiles `^/pipelines/(?P<pipeline_id>[^/]+)/runs/$`; Python's `$` also matches before a final newline.
const RUNS_PATH = /^\/pipelines\/([^/]+)\/runs\/\n?$/
const STATIC_PATHS = new Set(['/openapi.json', '/docs', '/docs/oauth2-redirect'])

export function matchRoute (path: string): RouteMatch {
  const runs = RUNS_PATH.exec(path)
  if (runs !== null) return { kind: 'runs', pipelineId: runs[1] as string }
  const staticPath = path.endsWith('\n') ? path.slice(0, -1) : path
  if (STATIC_PATHS.has(staticPath)) return { kind: 'static', path: staticPath }
  return { kind: 'none' }
}

/** The path with its trailing slash toggled when that path would match a route (Starlette's redirect_slashes). */
export function redirectTarget (path: string): string | undefined {
  if (path === '/') return undefined
  const toggled = path.endsWith('/') ? path.replace(/\/+$/, '') : `${path}/`
  return matchRoute(toggled).kind === 'none' ? undefined : toggled
}

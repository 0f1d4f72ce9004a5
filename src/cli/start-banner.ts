// What `serve` prints once it listens: the address, the database (and whether it was seeded), the accepted tokens
// and one curl line for a real pipeline, so the first request works without reading further.
import { DEFAULTS, type Config } from '../config.ts'
import type { Db } from '../db/open.ts'

/** Tokens other than the demo default are secrets: the first two characters and the length only. */
export function maskToken (token: string): string {
  return DEFAULTS.tokens.includes(token) ? token : `${[...token].slice(0, 2).join('')}… (${[...token].length} characters)`
}

function somePipeline (db: Db): string | undefined {
  return db.prepare('SELECT pipeline_id FROM runs ORDER BY pipeline_id LIMIT 1').pluck().get() as string | undefined
}

export function startBanner (config: Config, url: string, db: Db, seededRuns: number | undefined): string[] {
  const seeded = seededRuns === undefined ? '' : ` (new: seeded with the demo data, ${seededRuns} runs)`
  const lines = [
    `pipelines-mock listening on ${url}`,
    `  database: ${config.dbPath}${config.readOnly ? ' (read-only)' : ''}${seeded}`,
    `  bearer token${config.tokens.length === 1 ? '' : 's'}: ${config.tokens.map(maskToken).join(', ')}`
  ]
  if (config.workers > 1) lines.push(`  workers: ${config.workers} processes share the port`)
  const pipeline = somePipeline(db)
  const [token] = config.tokens
  const shown = token !== undefined && DEFAULTS.tokens.includes(token) ? token : '<your token>'
  if (pipeline !== undefined) lines.push(`  try: curl -s -H 'Authorization: Bearer ${shown}' ${url}/pipelines/${pipeline}/runs/`)
  else lines.push('  the database holds no runs yet: npx pipelines-mock seed --help')
  return lines
}

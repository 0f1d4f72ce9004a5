// The benchmark's databases: the measured pipelines from the generator and the run writer, plus filler runs up to
// the wanted size (cloned in SQL from generated template runs, since the generator makes ~1,500 runs/s here); cached
// under bench/work/, keyed by every option, written to a temporary name and renamed when complete.
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { describePipelines, generateRuns, type GenerateOptions } from '../src/data/generator.ts'
import { migrate } from '../src/db/migrate.ts'
import { openDatabase, type Db } from '../src/db/open.ts'
import { createRunWriter } from '../src/db/write-runs.ts'

/** Ten pipelines of ten versions with ten runs each: 100 runs per pipeline, 10 per version. */
export const MEASURED: GenerateOptions = { pipelines: 10, versions: 10, runs: 100, steps: 3, randomSeed: 20261104 }
const TEMPLATE: GenerateOptions = { ...MEASURED, randomSeed: 7 }
// Bump when the way the files are built changes, so cached files are not reused.
const FORMAT = 1
const COPIES_PER_TRANSACTION = 20

export interface BenchDatabase {
  path: string
  runs: number
  /** A pipeline with 100 runs, and one of its versions with 10. */
  pipelineId: string
  versionId: string
}

export function benchDatabase (workDir: string, totalRuns: number, log: (line: string) => void): BenchDatabase {
  const key = createHash('sha256').update(JSON.stringify({ FORMAT, MEASURED, TEMPLATE, totalRuns })).digest('hex').slice(0, 12)
  const path = join(workDir, `runs-${totalRuns}-${key}.sqlite`)
  const [pipeline] = describePipelines(MEASURED)
  const version = pipeline?.versions.find((v) => v.runs === 10)
  if (pipeline === undefined || version === undefined) throw new Error('the measured options give no pipeline with a 10-run version')
  if (!existsSync(path)) build(path, totalRuns, log)
  else log(`reusing ${path}`)
  return { path, runs: totalRuns, pipelineId: pipeline.id, versionId: version.id }
}

function build (path: string, totalRuns: number, log: (line: string) => void): void {
  mkdirSync(join(path, '..'), { recursive: true })
  const partial = `${path}.partial`
  for (const suffix of ['', '-wal', '-shm']) rmSync(partial + suffix, { force: true })
  const started = performance.now()
  const db = openDatabase(partial)
  try {
    // A file that is half built is thrown away, so it need not survive a crash; a big page cache keeps the
    // random-order primary keys quick to insert.
    db.pragma('synchronous = OFF')
    db.pragma('cache_size = -262144')
    migrate(db)
    const writer = createRunWriter(db)
    const measured = db.transaction(() => writer.writeRuns(generateRuns(MEASURED)))()
    const fillerRuns = totalRuns - measured
    if (fillerRuns > 0) fill(db, writer, fillerRuns, log)
    db.pragma('wal_checkpoint(TRUNCATE)')
    db.exec('ANALYZE')
  } finally {
    db.close()
  }
  renameSync(partial, path)
  log(`built ${path} (${totalRuns} runs) in ${((performance.now() - started) / 1000).toFixed(1)} s`)
}

// Copies of the template's pipelines under new ids: the first 8 hex digits of every id become the copy's number.
function fill (db: Db, writer: ReturnType<typeof createRunWriter>, fillerRuns: number, log: (line: string) => void): void {
  const templateRuns = db.transaction(() => writer.writeRuns(generateRuns(TEMPLATE)))()
  const templatePipelines = describePipelines(TEMPLATE).map((p) => p.id)
  const copies = Math.ceil((fillerRuns - templateRuns) / templateRuns)
  const ids = JSON.stringify(templatePipelines)
  const newId = (column: string) => `printf('%08x', :copy) || substr(${column}, 9)`
  // The Argo labels name the pipeline and the version: rewrite those too, so every copy stays consistent.
  const relabel = (column: string) => `replace(replace(${column}, r.pipeline_id, ${newId('r.pipeline_id')}), r.version_id, ${newId('r.version_id')})`
  const statements = [
    `INSERT INTO pipelines (id) SELECT ${newId('value')} FROM json_each('${ids}')`,
    `INSERT INTO pipeline_versions (id, pipeline_id, created_at) SELECT ${newId('id')}, ${newId('pipeline_id')}, created_at
      FROM pipeline_versions WHERE pipeline_id IN (SELECT value FROM json_each('${ids}'))`,
    `INSERT INTO steps (id, version_id, position, name, query_type, query, input_datasets, output_datasets, job_type, created_at)
      SELECT ${newId('s.id')}, ${newId('s.version_id')}, s.position, s.name, s.query_type, s.query, s.input_datasets, s.output_datasets,
        s.job_type, s.created_at
      FROM steps s JOIN pipeline_versions v ON v.id = s.version_id WHERE v.pipeline_id IN (SELECT value FROM json_each('${ids}'))`,
    `INSERT INTO runs (id, pipeline_id, version_id, name, status, argo_manifest, argo_metadata, created_at, finished_at)
      SELECT ${newId('r.id')}, ${newId('r.pipeline_id')}, ${newId('r.version_id')}, r.name, r.status, ${relabel('r.argo_manifest')},
        ${relabel('r.argo_metadata')}, r.created_at, r.finished_at
      FROM runs r WHERE r.pipeline_id IN (SELECT value FROM json_each('${ids}'))`,
    `INSERT INTO run_steps (run_id, position, name, run_name, status, started_at, finished_at)
      SELECT ${newId('rs.run_id')}, rs.position, rs.name, rs.run_name, rs.status, rs.started_at, rs.finished_at
      FROM run_steps rs JOIN runs r ON r.id = rs.run_id WHERE r.pipeline_id IN (SELECT value FROM json_each('${ids}'))`
  ].map((sql) => db.prepare(sql))
  const copyBatch = db.transaction((first: number, last: number) => {
    for (let copy = first; copy <= last; copy++) for (const statement of statements) statement.run({ copy })
  })
  const started = performance.now()
  // The copied rows passed every CHECK when the template was written; checking 4 KB of JSON again per run is most of
  // the copying time.
  db.pragma('ignore_check_constraints = ON')
  for (let copy = 1; copy <= copies; copy += COPIES_PER_TRANSACTION) {
    const last = Math.min(copies, copy + COPIES_PER_TRANSACTION - 1)
    copyBatch(copy, last)
    if (last % 100 === 0 || last === copies) {
      const seconds = (performance.now() - started) / 1000
      log(`  filler: ${(last + 1) * templateRuns} of ${fillerRuns + templateRuns} runs (${seconds.toFixed(0)} s)`)
    }
  }
  db.pragma('ignore_check_constraints = OFF')
}

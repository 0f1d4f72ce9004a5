// The benchmark's databases: the measured pipelines, plus filler pipelines up to the wanted size, both written by
// `seed generate`'s own code; cached under bench/work/, keyed by every option, written to a temporary name and
// renamed when complete.
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { generateIntoDatabase } from '../src/data/generate-into.ts'
import { describePipelines, type GenerateOptions } from '../src/data/generator.ts'
import { migrate } from '../src/db/migrate.ts'
import { openDatabase } from '../src/db/open.ts'

/** Ten pipelines of ten versions with ten runs each: 100 runs per pipeline, 10 per version. */
export const MEASURED: GenerateOptions = { pipelines: 10, versions: 10, runs: 100, steps: 3, randomSeed: 20261104 }
/** The rest of the runs, in other pipelines: the measured requests never read them. */
const FILLER: GenerateOptions = { ...MEASURED, randomSeed: 7 }
const FILLER_PIPELINES = MEASURED.pipelines
// Bump when the way the files are built changes (or the schema does), so cached files are not reused.
const FORMAT = 2

export interface BenchDatabase {
  path: string
  runs: number
  /** A pipeline with 100 runs, and one of its versions with 10. */
  pipelineId: string
  versionId: string
}

export async function benchDatabase (workDir: string, totalRuns: number, log: (line: string) => void): Promise<BenchDatabase> {
  const key = createHash('sha256').update(JSON.stringify({ FORMAT, MEASURED, FILLER, totalRuns })).digest('hex').slice(0, 12)
  const path = join(workDir, `runs-${totalRuns}-${key}.sqlite`)
  const [pipeline] = describePipelines(MEASURED)
  const version = pipeline?.versions.find((v) => v.runs === 10)
  if (pipeline === undefined || version === undefined) throw new Error('the measured options give no pipeline with a 10-run version')
  if (!existsSync(path)) await build(path, totalRuns, log)
  else log(`reusing ${path}`)
  return { path, runs: totalRuns, pipelineId: pipeline.id, versionId: version.id }
}

async function build (path: string, totalRuns: number, log: (line: string) => void): Promise<void> {
  mkdirSync(join(path, '..'), { recursive: true })
  const partial = `${path}.partial`
  for (const suffix of ['', '-wal', '-shm']) rmSync(partial + suffix, { force: true })
  const started = performance.now()
  const db = openDatabase(partial)
  try {
    migrate(db)
    await generateIntoDatabase(db, MEASURED)
    const fillerRuns = totalRuns - MEASURED.pipelines * MEASURED.runs
    if (fillerRuns > 0) {
      const perPipeline = Math.ceil(fillerRuns / FILLER_PIPELINES)
      log(`  filler: ${FILLER_PIPELINES} pipelines of ${perPipeline} runs ...`)
      await generateIntoDatabase(db, { ...FILLER, runs: perPipeline, append: true })
    }
    db.pragma('wal_checkpoint(TRUNCATE)')
    db.exec('ANALYZE')
  } finally {
    db.close()
  }
  renameSync(partial, path)
  log(`built ${path} (${totalRuns} runs) in ${((performance.now() - started) / 1000).toFixed(1)} s`)
}

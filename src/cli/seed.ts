// `pipelines-mock seed <demo|generate|import|export>`: replace, add or read out the data in the SQLite database.
import { once } from 'node:events'
import { createWriteStream, renameSync, rmSync } from 'node:fs'
import { loadDemo } from '../db/seed-demo.ts'
import { helpLines } from '../options/option.ts'
import { DB, EXPORT, GENERATE } from '../options/table.ts'
import { withDatabase } from './database.ts'
import { printPipelineHint } from './pipelines.ts'
import { didYouMean, print, readArgs, UsageError, type Command } from './usage.ts'

const megabytes = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`

const subcommands: Record<string, (argv: string[]) => Promise<number>> = {
  async demo (argv) {
    const { db: path } = readArgs(argv, DB).values
    const count = await withDatabase(path, (db) => loadDemo(db))
    print(`loaded the demo data set (${count} runs) into ${path}`)
    return 0
  },

  async generate (argv) {
    const { db: path, now, append, replace, ...counts } = readArgs(argv, GENERATE).values
    if (append && replace) throw new UsageError('--append and --replace exclude each other')
    const options = { ...counts, append }
    const { createProgress } = await import('./progress.ts')
    const { generateIntoDatabase } = await import('../data/generate-into.ts')
    const { describePipelines } = await import('../data/generator.ts')
    const total = options.pipelines * options.runs
    const progress = createProgress({ label: 'generating runs', total, linesFrom: 100_000 })
    const started = Date.now()
    await withDatabase(path, async (db) => {
      const existing = db.prepare('SELECT count(*) FROM runs').pluck().get() as number
      if (existing > 0 && !append && !replace) {
        throw new UsageError(`${path} already holds ${existing} runs: add --append to keep them or --replace to replace them`)
      }
      const result = await generateIntoDatabase(db, {
        ...options,
        ...(now === undefined ? {} : { now }),
        onProgress: (runs) => { progress.update(runs) }
      }).finally(() => progress.stop())
      const seconds = ((Date.now() - started) / 1000).toFixed(1)
      print(`${options.append ? 'added' : 'generated'} ${result.runs} runs in ${result.pipelines} pipelines (random seed ${options.randomSeed}) into ${path} in ${seconds} s`)
      printPipelineHint(path, describePipelines(options).map((pipeline) => pipeline.id).sort())
    })
    return 0
  },

  async import (argv) {
    const { values: { db: path }, positionals } = readArgs(argv, DB, process.env, true)
    if (positionals.length === 0) throw new UsageError('seed import needs at least one FILE')
    const { createProgress } = await import('./progress.ts')
    const { importRunFiles } = await import('../data/import.ts')
    let progress: ReturnType<typeof createProgress> | undefined
    await withDatabase(path, async (db) => {
      const result = await importRunFiles(db, positionals, {
        onProgress: (bytes, total) => {
          progress ??= createProgress({ label: 'importing', total, format: megabytes, linesFrom: 50e6 })
          progress.update(bytes)
        }
      }).finally(() => progress?.stop())
      const files = positionals.length === 1 ? '1 file' : `${positionals.length} files`
      print(`imported ${result.runs} runs of ${result.pipelines} pipeline${result.pipelines === 1 ? '' : 's'} from ${files} into ${path}`)
      printPipelineHint(path, result.pipelineIds)
    })
    return 0
  },

  async export (argv) {
    const { pipeline: pipelineId, version: versionId, out, db: path } = readArgs(argv, EXPORT).values
    const { createRunExporter } = await import('../data/export.ts')
    await withDatabase(path, async (db) => {
      const exporter = createRunExporter(db)
      if (!exporter.pipelineExists(pipelineId)) throw new Error(`pipeline ${pipelineId} not found in ${path}`)
      const chunks = exporter.chunks(versionId === undefined ? { pipelineId } : { pipelineId, versionId })
      if (out === undefined) await writeChunks(process.stdout, chunks)
      else await writeFileAtomically(out, chunks)
    }, { readOnly: true })
    return 0
  }
}

async function writeChunks (stream: NodeJS.WritableStream, chunks: Iterable<string>): Promise<void> {
  for (const chunk of chunks) {
    if (!stream.write(chunk)) await once(stream, 'drain')
  }
}

/** Writes to a temporary file beside `path` and renames it, so a failure leaves no half-written file. */
async function writeFileAtomically (path: string, chunks: Iterable<string>): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`
  const stream = createWriteStream(temporary)
  try {
    await once(stream, 'open')
    await writeChunks(stream, chunks)
    stream.end()
    await once(stream, 'finish')
    renameSync(temporary, path)
  } catch (error) {
    stream.destroy()
    rmSync(temporary, { force: true })
    throw new Error(`cannot write ${path}: ${error instanceof Error ? error.message : String(error)}`)
  }
}

const SUBCOMMAND_HELP: Record<string, string> = {
  demo: `Usage: pipelines-mock seed demo [--db PATH]

Replaces all data with the demo data set (seed/demo.json), in one transaction.

Options:
${helpLines(DB)}`,
  generate: `Usage: pipelines-mock seed generate [options]

Generates relationally consistent runs (deterministic for a --random-seed). Over a database that already holds
runs, --append or --replace says what to do with them.

Options:
${helpLines(GENERATE)}`,
  import: `Usage: pipelines-mock seed import FILE... [--db PATH]

Adds or updates the runs in JSON files (arrays in the response shape). All files are validated first: any problem
and nothing is written. UUIDs in any form the endpoint accepts (stored lowercase, hyphenated), any RFC 3339
timestamp (stored as microseconds, served as pydantic writes them). A run whose id exists is replaced.

Options:
${helpLines(DB)}`,
  export: `Usage: pipelines-mock seed export --pipeline ID [--version ID] [--out FILE] [--db PATH]

Prints a pipeline's runs exactly as GET /pipelines/{ID}/runs/ returns them. Only reads the database.

Options:
${helpLines(EXPORT)}`
}

export const seed: Command = {
  name: 'seed',
  help: `Usage: pipelines-mock seed <command> [options]

Commands:
  demo                       replace all data with the demo data set (seed/demo.json)
  generate [options]         generate runs (deterministic for a --random-seed); over a database that
                             holds runs, --append or --replace says what to do with them
  import FILE... [--db PATH] add or update the runs in JSON files (arrays in the response shape);
                             all files are validated first: any problem and nothing is written
  export --pipeline ID       print a pipeline's runs exactly as GET /pipelines/{ID}/runs/ returns them

Each command's options: pipelines-mock seed <command> --help

Exit codes: 0 done, 1 the work failed, 2 bad usage.`,
  helpFor: ([name]) => name === undefined ? undefined : SUBCOMMAND_HELP[name],
  async run (argv) {
    const [name, ...rest] = argv
    const subcommand = name === undefined ? undefined : subcommands[name]
    if (subcommand === undefined) throw new UsageError(`unknown seed command "${name ?? ''}"${didYouMean(name ?? '', Object.keys(subcommands))}; expected one of: ${Object.keys(subcommands).join(', ')}`)
    return await subcommand(rest)
  }
}

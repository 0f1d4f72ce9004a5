// `pipelines-mock openapi`: print or write the OpenAPI document the server serves.
import { writeFileSync } from 'node:fs'
import { buildOpenApiDocument } from '../openapi.ts'
import { PACKAGE_VERSION } from '../version.ts'
import { helpLines } from '../options/option.ts'
import { OPENAPI } from '../options/table.ts'
import { print, readArgs, type Command } from './usage.ts'

export function renderOpenApi (): string {
  return `${JSON.stringify(buildOpenApiDocument(PACKAGE_VERSION), null, 2)}\n`
}

export const openapi: Command = {
  name: 'openapi',
  help: `Usage: pipelines-mock openapi [--out FILE]

Prints the OpenAPI 3.1 document served at /openapi.json (pretty-printed).

Options:
${helpLines(OPENAPI)}`,
  async run (argv) {
    const { out } = readArgs(argv, OPENAPI).values
    const text = renderOpenApi()
    if (out === undefined) process.stdout.write(text)
    else {
      try {
        writeFileSync(out, text)
      } catch (error) {
        throw new Error(`cannot write ${out}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`)
      }
      print(`wrote ${out}`)
    }
    return 0
  }
}

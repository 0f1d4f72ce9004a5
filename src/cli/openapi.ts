// `pipelines-mock openapi`: print or write the OpenAPI document the server serves.
import { writeFileSync } from 'node:fs'
import { buildOpenApiDocument } from '../openapi.ts'
import { PACKAGE_VERSION } from '../version.ts'
import { parseFlags, print, type Command } from './usage.ts'

export function renderOpenApi (): string {
  return `${JSON.stringify(buildOpenApiDocument(PACKAGE_VERSION), null, 2)}\n`
}

export const openapi: Command = {
  name: 'openapi',
  help: `Usage: pipelines-mock openapi [--out FILE]

Prints the OpenAPI 3.1 document served at /openapi.json (pretty-printed).

Options:
  --out, -o FILE  write it to FILE instead of standard output (openapi/openapi.json in this repository)
  -h, --help   show this help`,
  async run (argv) {
    const { values } = parseFlags(argv, { out: { type: 'string', short: 'o' } })
    const text = renderOpenApi()
    if (values.out === undefined) process.stdout.write(text)
    else {
      try {
        writeFileSync(values.out, text)
      } catch (error) {
        throw new Error(`cannot write ${values.out}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`)
      }
      print(`wrote ${values.out}`)
    }
    return 0
  }
}

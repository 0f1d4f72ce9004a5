#!/usr/bin/env node
// Entry point of the installed CLI: runs the compiled dist/cli/main.js.
import { main } from '../dist/cli/main.js'

process.exitCode = await main(process.argv.slice(2))

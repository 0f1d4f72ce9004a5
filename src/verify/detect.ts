// `--compat auto`: which compatibility profile a server answers like, from a handful of requests.
import { COMPAT_NAMES, compatProfile, type CompatName } from '../contract/compat.ts'
import { CHECKS, type SuiteContext, type SuiteState } from './checks.ts'
import type { HttpAnswer, Send } from './client.ts'
import { Probe } from './probe.ts'

// The checks whose expected answers differ between profiles: status, header, stripping, uuid wording, url key.
const TELLING_CHECKS = new Set(['auth.missing', 'auth.wrong-scheme', 'auth.whitespace', 'auth.extra-space', 'validation.character'])

/** The first profile (newest first) under which every telling check holds; undefined when none does. */
export async function detectProfile (send: Send, context: Omit<SuiteContext, 'profile'>): Promise<CompatName | undefined> {
  const cached = memoise(send)
  // The accepting auth checks need to know that the runs list answers; the list check fills that in.
  const state: SuiteState = { list: undefined, listProblem: 'not fetched' }
  const checks = CHECKS.filter((check) => check.id === 'runs.list' || TELLING_CHECKS.has(check.id))
  for (const name of COMPAT_NAMES) {
    const probe = new Probe(cached)
    for (const check of checks) await check.run(probe, { ...context, profile: compatProfile(name) }, state)
    if (probe.findings.length === 0) return name
  }
  return undefined
}

function memoise (send: Send): Send {
  const answers = new Map<string, Promise<HttpAnswer>>()
  return async (request) => {
    const key = JSON.stringify([request.method, request.path, request.headers ?? {}])
    let answer = answers.get(key)
    if (answer === undefined) {
      answer = send(request)
      answers.set(key, answer)
    }
    return await answer
  }
}

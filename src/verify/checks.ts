// The verify suite: every check of the contract (docs/contract.md's answers, 200 bodies, the version filter), in run order.
import { randomBytes, randomUUID } from 'node:crypto'
import type { CompatProfile } from '../contract/compat.ts'
import { RULES } from '../contract/rules.ts'
import { parseUuid } from '../contract/uuid.ts'
import { authError, errors, validationError, type UuidProblem } from '../errors.ts'
import type { HttpAnswer, HttpRequest } from './client.ts'
import { checkRelations, checkFieldOrder, checkSchema, checkUuidFormat, type RuleDifference, type SchemaResult } from './body-rules.ts'
import { contractAnswer, parseJson, type ExpectedAnswer, type Probe } from './probe.ts'

export interface SuiteContext {
  baseUrl: URL
  profile: CompatProfile
  pipelineId: string
  versionId: string | undefined
  token: string
  apiKey: string | undefined
}

/** The runs list as first fetched, shared by the body checks. */
export interface RunsList {
  text: string
  body: unknown
  schema: SchemaResult
}

export interface SuiteState {
  list: RunsList | undefined
  listProblem: string
}

export interface Check {
  id: string
  group: 'runs' | 'routing' | 'auth' | 'validation'
  title: string
  run: (probe: Probe, context: SuiteContext, state: SuiteState) => Promise<void>
}

const MAX_VERSIONS_CHECKED = 3

const runsPath = (pipelineId: string, query = '') => `/pipelines/${encodeURIComponent(pipelineId)}/runs/${query}`
const credentials = (context: SuiteContext, authorization = `Bearer ${context.token}`): Record<string, string> =>
  ({ authorization, ...(context.apiKey === undefined ? {} : { 'api-key': context.apiKey }) })
const authed = (context: SuiteContext, path: string, authorization?: string): HttpRequest =>
  ({ method: 'GET', path, headers: credentials(context, authorization) })

/** The unfiltered list, fetched first; the body checks skip when it is not a 200 JSON body. */
const listCheck: Check = {
  id: 'runs.list',
  group: 'runs',
  title: 'GET the pipeline\'s runs: 200, a JSON array',
  async run (probe, context, state) {
    const request = authed(context, runsPath(context.pipelineId))
    const answer = await probe.send(request)
    if (answer.status !== 200) {
      probe.fail('runs-status', request, 'status', `expected 200, got ${answer.status} ${answer.body.slice(0, 200)}`)
      state.listProblem = `GET ${request.path} answered ${answer.status}`
      return
    }
    probe.expectJsonType(request, answer)
    const parsed = parseJson(answer.body)
    if (parsed === undefined || !Array.isArray(parsed.value)) {
      probe.fail('schema', request, '$', 'expected a JSON array')
      state.listProblem = `GET ${request.path} did not answer a JSON array`
      return
    }
    state.list = { text: answer.body, body: parsed.value, schema: checkSchema(parsed.value) }
  }
}

/** A check over the first list's runs, reported against the list request; a difference may name its own rule. */
function bodyCheck (id: string, rule: string, title: string, differences: (list: RunsList, context: SuiteContext) => RuleDifference[]): Check {
  return {
    id,
    group: 'runs',
    title,
    async run (probe, context, state) {
      const list = requireList(probe, state)
      if (list === undefined) return
      const request = authed(context, runsPath(context.pipelineId))
      for (const difference of differences(list, context)) probe.fail(difference.rule ?? rule, request, difference.path, difference.message)
    }
  }
}

// checkRunRules (src/contract/rules.ts) covers ordering and timestamps too; each check shows its share.
const relations = new WeakMap<RunsList, RuleDifference[]>()
function relationsOf (list: RunsList, context: SuiteContext, pick: (rule: string) => boolean): RuleDifference[] {
  let found = relations.get(list)
  if (found === undefined) {
    found = checkRelations(list.schema.valid, context.pipelineId)
    relations.set(list, found)
  }
  return found.filter((difference) => pick(difference.rule ?? ''))
}
const SEPARATE_RULES = new Set<string>([RULES.runOrder, RULES.timestampFormat])

function requireList (probe: Probe, state: SuiteState): RunsList | undefined {
  if (state.list === undefined) probe.skip(`no runs list to check (${state.listProblem})`)
  else if (Array.isArray(state.list.body) && state.list.body.length === 0) probe.skip('the pipeline has no runs: pick one with runs to check bodies')
  else return state.list
  return undefined
}

const bodyChecks: Check[] = [
  bodyCheck('runs.schema', 'schema', 'every run matches RunRead (types, formats, no extra fields)', (list) => list.schema.differences),
  bodyCheck('runs.field-order', 'field-order', 'fields in the models\' declaration order', (list) => checkFieldOrder(list.schema.valid)),
  bodyCheck('runs.uuid-format', 'uuid-format', 'UUIDs lowercase and hyphenated', (list) => checkUuidFormat(list.schema.valid)),
  bodyCheck('runs.timestamps', RULES.timestampFormat, 'timestamps as pydantic writes them (YYYY-MM-DDTHH:MM:SS[.ffffff]Z)',
    (list, context) => relationsOf(list, context, (rule) => rule === RULES.timestampFormat)),
  bodyCheck('runs.ordering', RULES.runOrder, 'newest created_at first, ties by id descending',
    (list, context) => relationsOf(list, context, (rule) => rule === RULES.runOrder)),
  bodyCheck('runs.relations', 'relational', 'relational rules: nested objects agree, statuses and times are consistent',
    (list, context) => relationsOf(list, context, (rule) => !SEPARATE_RULES.has(rule)))
]

/** `?version_id=V`: every run has V, and the list is the unfiltered list's runs of V, in the same order. */
const versionFilterCheck: Check = {
  id: 'runs.version-filter',
  group: 'runs',
  title: 'version_id filters to exactly the unfiltered list\'s runs of that version',
  async run (probe, context, state) {
    const versions = versionsToCheck(context, state)
    if (versions.length === 0) {
      probe.skip(state.list === undefined ? `no runs list (${state.listProblem})` : 'no runs, so no version to filter by: pass --version')
      return
    }
    for (const versionId of versions) await checkVersion(probe, context, versionId)
  }
}

function versionsToCheck (context: SuiteContext, state: SuiteState): string[] {
  if (context.versionId !== undefined) return [context.versionId]
  const ids = (state.list?.schema.valid ?? []).map(({ run }) => run.pipeline_config_version_id)
  return [...new Set(ids)].slice(0, MAX_VERSIONS_CHECKED)
}

// A live server may gain a run between the two requests, so a mismatch is confirmed once with fresh lists.
async function checkVersion (probe: Probe, context: SuiteContext, versionId: string): Promise<void> {
  let problems = await compareFiltered(probe, context, versionId)
  if (problems.length > 0) problems = await compareFiltered(probe, context, versionId)
  for (const [request, path, message] of problems) probe.fail('version-filter', request, path, message)
}

type Problem = [HttpRequest, string, string]

async function compareFiltered (probe: Probe, context: SuiteContext, versionId: string): Promise<Problem[]> {
  const filteredRequest = authed(context, runsPath(context.pipelineId, `?version_id=${encodeURIComponent(versionId)}`))
  const filtered = await probe.send(filteredRequest)
  const all = await probe.send(authed(context, runsPath(context.pipelineId)))
  const filteredRuns = runsOf(filtered)
  const allRuns = runsOf(all)
  if (filteredRuns === undefined || allRuns === undefined) {
    return [[filteredRequest, 'status', `expected 200 with a JSON array for both lists, got ${filtered.status} and ${all.status}`]]
  }
  const problems: Problem[] = []
  filteredRuns.forEach((run, index) => {
    if (run.pipeline_config_version_id !== versionId) {
      problems.push([filteredRequest, `$[${index}].pipeline_config_version_id`, `expected ${versionId}, got ${String(run.pipeline_config_version_id)}`])
    }
  })
  const expected = allRuns.filter((run) => run.pipeline_config_version_id === versionId)
  if (JSON.stringify(expected) !== JSON.stringify(filteredRuns)) {
    const ids = (runs: Array<{ id?: unknown }>) => runs.map((run) => String(run.id)).join(', ') || 'none'
    problems.push([filteredRequest, '$', `expected the unfiltered list's runs of ${versionId} (${ids(expected)}), got ${ids(filteredRuns)}`])
  }
  return problems
}

function runsOf (answer: HttpAnswer): Array<Record<string, unknown>> | undefined {
  if (answer.status !== 200) return undefined
  const parsed = parseJson(answer.body)
  return parsed !== undefined && Array.isArray(parsed.value) ? parsed.value as Array<Record<string, unknown>> : undefined
}

const runsChecks: Check[] = [
  versionFilterCheck,
  {
    id: 'runs.version-last-wins',
    group: 'runs',
    title: 'a repeated version_id: the last value wins',
    async run (probe, context, state) {
      const versionId = versionsToCheck(context, state)[0]
      if (versionId === undefined) return probe.skip('no version to filter by: pass --version')
      const last = authed(context, runsPath(context.pipelineId, `?version_id=not-a-uuid&version_id=${versionId}`))
      const single = await probe.send(authed(context, runsPath(context.pipelineId, `?version_id=${versionId}`)))
      await probe.expect(last, { status: 200, body: single.body, rule: 'version-filter', headers: { 'content-type': 'application/json' } })
    }
  },
  {
    id: 'runs.unknown-version',
    group: 'runs',
    title: 'a version_id no run has: 200 []',
    async run (probe, context, state) {
      if (state.list === undefined) return probe.skip(`the runs list does not answer 200 (${state.listProblem})`)
      await probe.expect(authed(context, runsPath(context.pipelineId, `?version_id=${randomUUID()}`)),
        { status: 200, body: '[]', rule: 'version-filter', headers: { 'content-type': 'application/json' } })
    }
  },
  {
    id: 'runs.uuid-forms',
    group: 'runs',
    title: 'pipeline_id as uppercase, 32-hex, {braced} and urn:uuid: gives the same body',
    async run (probe, context, state) {
      if (state.list === undefined) return probe.skip(`no runs list to compare with (${state.listProblem})`)
      const id = context.pipelineId
      for (const form of [id.toUpperCase(), id.replaceAll('-', ''), `{${id}}`, `urn:uuid:${id}`]) {
        const request = authed(context, runsPath(form))
        let answer = await probe.send(request)
        if (answer.status === 200 && answer.body !== state.list.text) answer = await probe.send(request)
        probe.compare(request, answer, { status: 200, body: state.list.text, rule: 'uuid-forms', headers: { 'content-type': 'application/json' } })
      }
    }
  },
  {
    id: 'runs.unknown-pipeline',
    group: 'runs',
    title: 'an unknown pipeline (a random UUID): 404 Pipeline not found',
    async run (probe, context) {
      await probe.expect(authed(context, runsPath(randomUUID())), contractAnswer(errors.pipelineNotFound, 'not-found'))
    }
  }
]

const routingChecks: Check[] = [
  {
    id: 'routing.redirect',
    group: 'routing',
    title: 'no trailing slash: 307 to the slash, query kept, no auth needed',
    async run (probe, context) {
      const path = `/pipelines/${context.pipelineId}/runs?version_id=abc&x=%20y`
      const request: HttpRequest = { method: 'GET', path }
      const answer = await probe.expect(request, { status: 307, body: '', rule: 'redirect', headers: { 'content-type': null } })
      if (answer.status !== 307) return
      const location = answer.headers.get('location')
      const prefix = context.baseUrl.pathname.replace(/\/+$/, '')
      const expected = ['http:', 'https:'].map((scheme) => `${scheme}//${context.baseUrl.host}${prefix}/pipelines/${context.pipelineId}/runs/?version_id=abc&x=%20y`)
      if (location === null || !expected.includes(location)) {
        probe.fail('redirect', request, 'headers.location', `expected ${expected[0] as string}, got ${location === null ? 'no header' : JSON.stringify(location)}`)
      }
    }
  },
  {
    id: 'routing.unknown-path',
    group: 'routing',
    title: 'an unknown path: 404 Not Found',
    async run (probe) {
      await probe.expect({ method: 'GET', path: `/pipelines-mock-verify-${randomBytes(4).toString('hex')}` }, contractAnswer(errors.notFound, 'unknown-path'))
    }
  },
  {
    id: 'routing.post',
    group: 'routing',
    title: 'POST (sent without credentials, so nothing can be created): 405, allow: GET',
    async run (probe, context) {
      await probe.expect({ method: 'POST', path: runsPath(context.pipelineId) }, contractAnswer(errors.methodNotAllowed, 'method-not-allowed'))
    }
  },
  {
    id: 'routing.head',
    group: 'routing',
    title: 'HEAD: 405, allow: GET (FastAPI adds no HEAD route)',
    async run (probe, context) {
      await probe.expect({ method: 'HEAD', path: runsPath(context.pipelineId) }, contractAnswer(errors.methodNotAllowed, 'method-not-allowed'))
    }
  }
]

/** What HTTPBearer answers, per the profile, to a header it rejects; a token it passes meets the backend's check. */
function authAnswers (profile: CompatProfile) {
  const challenge = (answer: { challenge: boolean }) => ({ 'www-authenticate': answer.challenge ? 'Bearer' : null })
  return {
    missing: contractAnswer(authError(profile.missingCredentials), 'auth', challenge(profile.missingCredentials)),
    wrongScheme: contractAnswer(authError(profile.wrongScheme), 'auth', challenge(profile.wrongScheme)),
    badToken: contractAnswer(errors.invalidCredentials, 'auth')
  }
}

/** An expected rejection, or 'ok' when the server must accept the token. */
type AuthExpectation = ExpectedAnswer | 'ok'

function authCheck (id: string, title: string, authorization: (context: SuiteContext) => string | undefined,
  expected: (context: SuiteContext) => AuthExpectation): Check {
  return {
    id,
    group: 'auth',
    title,
    async run (probe, context, state) {
      const header = authorization(context)
      const request: HttpRequest = { method: 'GET', path: runsPath(context.pipelineId), headers: header === undefined ? {} : credentials(context, header) }
      const answer = expected(context)
      if (answer !== 'ok') {
        await probe.expect(request, answer)
        return
      }
      if (state.list === undefined) return probe.skip(`the runs list does not answer 200 (${state.listProblem})`)
      const response = await probe.send(request)
      if (response.status !== 200) probe.fail('auth', request, 'status', `expected 200 (the token is accepted), got ${response.status} ${response.body.slice(0, 200)}`)
    }
  }
}

const authChecks: Check[] = [
  authCheck('auth.missing', 'no Authorization header', () => undefined, (c) => authAnswers(c.profile).missing),
  authCheck('auth.empty', 'Authorization: Bearer (no token)', () => 'Bearer', (c) => authAnswers(c.profile).missing),
  authCheck('auth.whitespace', 'a whitespace-only token (U+00A0)', () => 'Bearer \u00a0',
    (c) => c.profile.stripCredentials ? authAnswers(c.profile).missing : authAnswers(c.profile).badToken),
  authCheck('auth.wrong-scheme', 'scheme Basic instead of Bearer', (c) => `Basic ${Buffer.from(`verify:${c.token}`).toString('base64')}`,
    (c) => authAnswers(c.profile).wrongScheme),
  authCheck('auth.bad-token', 'a token the server does not accept', () => `Bearer pipelines-mock-verify-${randomBytes(8).toString('hex')}`,
    (c) => authAnswers(c.profile).badToken),
  authCheck('auth.scheme-case', 'the scheme in lowercase is accepted', (c) => `bearer ${c.token}`, () => 'ok'),
  authCheck('auth.extra-space', 'two spaces before the token', (c) => `Bearer  ${c.token}`,
    (c) => c.profile.stripCredentials ? 'ok' : authAnswers(c.profile).badToken),
  {
    id: 'auth.before-validation',
    group: 'auth',
    title: 'no token and bad ids: the auth answer, not a 422',
    async run (probe, context) {
      const request: HttpRequest = { method: 'GET', path: runsPath('not-a-uuid', '?version_id=1') }
      const answer = await probe.send(request)
      if (answer.status === 422) probe.fail('auth-order', request, 'status', 'expected the not-authenticated answer, got 422: the ids were validated before the credentials')
      else probe.compare(request, answer, authAnswers(context.profile).missing)
    }
  }
]

function problem (loc: UuidProblem['loc'], input: string, profile: CompatProfile): UuidProblem {
  const parsed = parseUuid(input, profile.uuidMessages)
  return { loc, input, error: parsed.ok ? '' : parsed.error }
}

function validationCheck (id: string, title: string, pipelineInput: string | undefined, versionInput: string | undefined): Check {
  return {
    id,
    group: 'validation',
    title,
    async run (probe, context) {
      const problems: UuidProblem[] = []
      if (pipelineInput !== undefined) problems.push(problem(['path', 'pipeline_id'], pipelineInput, context.profile))
      if (versionInput !== undefined) problems.push(problem(['query', 'version_id'], versionInput, context.profile))
      const query = versionInput === undefined ? '' : `?version_id=${encodeURIComponent(versionInput)}`
      const request = authed(context, runsPath(pipelineInput ?? context.pipelineId, query))
      await probe.expect(request, contractAnswer(validationError(problems, context.profile), 'validation'))
    }
  }
}

const validationChecks: Check[] = [
  validationCheck('validation.character', 'pipeline_id not-a-uuid: invalid character', 'not-a-uuid', undefined),
  validationCheck('validation.length', 'pipeline_id 123: invalid length', '123', undefined),
  validationCheck('validation.group-count', 'pipeline_id with 4 groups: invalid group count', '67e55044-10b1-426f-9247', undefined),
  validationCheck('validation.group-length', 'pipeline_id with a short last group: invalid group length', '67e55044-10b1-426f-9247-bb680e5fe0c', undefined),
  validationCheck('validation.braced', 'a {braced} pipeline_id with a bad character: position inside the braces', '{67e55044-10b1-426f-9247-bb680e5fe0cz}', undefined),
  validationCheck('validation.version', 'version_id 123: a query error', undefined, '123'),
  validationCheck('validation.empty-version', 'version_id empty: a query error, not "no filter"', undefined, ''),
  validationCheck('validation.both', 'both bad: the path error first, then the query error', 'not-a-uuid', 'xyz')
]

export const CHECKS: Check[] = [listCheck, ...bodyChecks, ...runsChecks, ...routingChecks, ...authChecks, ...validationChecks]

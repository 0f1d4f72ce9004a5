// The server's answers under each compatibility profile: the auth matrix, uuid messages and the `url` key.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { COMPAT_NAMES, type CompatName } from '../../src/contract/compat.ts'
import { FIXTURE_PIPELINE, startTestServer, TOKEN, type TestServer } from '../fixtures/contract-server.ts'

const RUNS = `/pipelines/${FIXTURE_PIPELINE}/runs/`
const NOT_AUTHENTICATED = '{"detail":"Not authenticated"}'
const INVALID_SCHEME = '{"detail":"Invalid authentication credentials"}'
const BAD_TOKEN = '{"detail":"Could not validate credentials"}'

interface Answer { status: number, body?: string, challenge: boolean }
const ok: Answer = { status: 200, challenge: false }
const missing401: Answer = { status: 401, body: NOT_AUTHENTICATED, challenge: true }
const missing403: Answer = { status: 403, body: NOT_AUTHENTICATED, challenge: false }
const scheme403: Answer = { status: 403, body: INVALID_SCHEME, challenge: false }
const badToken: Answer = { status: 401, body: BAD_TOKEN, challenge: true }

// Expected answers per profile, from docs/contract.md#httpbearer-fastapi (rows: request; columns: profiles in COMPAT_NAMES order).
const AUTH_MATRIX: Array<[string, string | undefined, Record<CompatName, Answer>]> = [
  ['no Authorization header', undefined,
    { current: missing401, 'pydantic-2.12': missing401, 'fastapi-0.128': missing401, 'fastapi-0.121': missing403, 'fastapi-0.110': missing403 }],
  ['empty credentials', 'Bearer',
    { current: missing401, 'pydantic-2.12': missing401, 'fastapi-0.128': missing401, 'fastapi-0.121': missing403, 'fastapi-0.110': missing403 }],
  ['a scheme alone with no space', 'Basic',
    { current: missing401, 'pydantic-2.12': missing401, 'fastapi-0.128': missing401, 'fastapi-0.121': missing403, 'fastapi-0.110': missing403 }],
  ['wrong scheme', 'Basic dXNlcjpwYXNz',
    { current: missing401, 'pydantic-2.12': missing401, 'fastapi-0.128': missing401, 'fastapi-0.121': scheme403, 'fastapi-0.110': scheme403 }],
  ['whitespace-only credentials', 'Bearer \u00a0\u00a0',
    { current: missing401, 'pydantic-2.12': missing401, 'fastapi-0.128': badToken, 'fastapi-0.121': badToken, 'fastapi-0.110': badToken }],
  ['two spaces before the token', `Bearer  ${TOKEN}`,
    { current: ok, 'pydantic-2.12': ok, 'fastapi-0.128': badToken, 'fastapi-0.121': badToken, 'fastapi-0.110': badToken }],
  ['lowercase scheme', `bearer ${TOKEN}`,
    { current: ok, 'pydantic-2.12': ok, 'fastapi-0.128': ok, 'fastapi-0.121': ok, 'fastapi-0.110': ok }],
  ['unknown token', 'Bearer nope',
    { current: badToken, 'pydantic-2.12': badToken, 'fastapi-0.128': badToken, 'fastapi-0.121': badToken, 'fastapi-0.110': badToken }]
]

const SHORT = 'invalid character: found `n` at 1'
const LONG = 'invalid character: expected an optional prefix of `urn:uuid:` followed by [0-9a-fA-F-], found `n` at 1'
const item = (error: string, url?: string) => JSON.stringify({
  type: 'uuid_parsing',
  loc: ['path', 'pipeline_id'],
  msg: `Input should be a valid UUID, ${error}`,
  input: 'not-a-uuid',
  ctx: { error },
  ...(url === undefined ? {} : { url })
})
const UUID_BODIES: Record<CompatName, string> = {
  current: `{"detail":[${item(SHORT)}]}`,
  'pydantic-2.12': `{"detail":[${item(LONG)}]}`,
  'fastapi-0.128': `{"detail":[${item(LONG)}]}`,
  'fastapi-0.121': `{"detail":[${item(LONG)}]}`,
  'fastapi-0.110': `{"detail":[${item(LONG, 'https://errors.pydantic.dev/2.6/v/uuid_parsing')}]}`
}

describe.each(COMPAT_NAMES)('profile %s', (profile) => {
  let server: TestServer
  beforeAll(async () => { server = await startTestServer({ compat: profile }) })
  afterAll(async () => server.close())

  it.each(AUTH_MATRIX)('%s (inject)', async (_name, authorization, expected) => {
    const response = await server.app.inject({ url: RUNS, headers: authorization === undefined ? {} : { authorization } })
    const answer = expected[profile]
    expect(response.statusCode).toBe(answer.status)
    if (answer.body !== undefined) expect(response.body).toBe(answer.body)
    expect(response.headers['www-authenticate']).toBe(answer.challenge ? 'Bearer' : undefined)
    expect(response.headers['content-type']).toBe('application/json')
  })

  it.each(AUTH_MATRIX)('%s (real socket)', async (_name, authorization, expected) => {
    const response = await fetch(server.url + RUNS, { headers: authorization === undefined ? {} : { authorization } })
    const answer = expected[profile]
    expect(response.status).toBe(answer.status)
    if (answer.body !== undefined) expect(await response.text()).toBe(answer.body)
    expect(response.headers.get('www-authenticate')).toBe(answer.challenge ? 'Bearer' : null)
  })

  it('answers a bad pipeline id with the profile\'s 422 body, over a real socket', async () => {
    const response = await fetch(`${server.url}/pipelines/not-a-uuid/runs/`, { headers: { authorization: `Bearer ${TOKEN}` } })
    expect(response.status).toBe(422)
    expect(await response.text()).toBe(UUID_BODIES[profile])
  })

  it('puts auth before validation: no token and a bad id is the not-authenticated answer', async () => {
    const response = await server.app.inject({ url: '/pipelines/not-a-uuid/runs/?version_id=1' })
    expect(response.body).toBe(NOT_AUTHENTICATED)
    expect([401, 403]).toContain(response.statusCode)
  })

  it('adds the url key to every item when both ids are bad', async () => {
    const response = await server.app.inject({ url: '/pipelines/x/runs/?version_id=', headers: { authorization: `Bearer ${TOKEN}` } })
    const items = (response.json() as { detail: Array<{ loc: string[], url?: string }> }).detail
    expect(items.map((i) => i.loc.join('.'))).toEqual(['path.pipeline_id', 'query.version_id'])
    const url = profile === 'fastapi-0.110' ? 'https://errors.pydantic.dev/2.6/v/uuid_parsing' : undefined
    expect(items.map((i) => i.url)).toEqual([url, url])
  })
})

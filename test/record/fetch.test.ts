// fetchRuns against a real server on a real port: the 200 body, or one clear line naming the request.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fetchRuns, RecordError } from '../../src/record/fetch.ts'
import { createClient } from '../../src/verify/client.ts'
import { startBrokenServer, type BrokenServer } from '../fixtures/broken-server.ts'
import { FIXTURE_PIPELINE, FIXTURE_RUNS, startTestServer, TOKEN, type TestServer } from '../fixtures/contract-server.ts'

describe('fetchRuns', () => {
  let server: TestServer
  let html: BrokenServer
  beforeAll(async () => {
    server = await startTestServer()
    html = await startBrokenServer({ rule: '', response: (a) => ({ ...a, body: '<html>' }) })
  })
  afterAll(async () => Promise.all([server.close(), html.close()]))
  const send = (url: string) => createClient({ baseUrl: url, timeoutMs: 5000, retries: 0, userAgent: 'test' })

  it('returns the pipeline\'s runs as served', async () => {
    const runs = await fetchRuns({ send: send(server.url), pipelineId: FIXTURE_PIPELINE, token: TOKEN })
    const ids = FIXTURE_RUNS.filter((run) => run.pipeline_version.pipeline_id === FIXTURE_PIPELINE).map((run) => run.id)
    expect((runs as Array<{ id: string }>).map((run) => run.id).sort()).toEqual(ids.sort())
  })

  it.each([
    ['a token the server refuses', FIXTURE_PIPELINE, 'nope', `GET /pipelines/${FIXTURE_PIPELINE}/runs/ answered 401: {"detail":"Could not validate credentials"}`],
    ['an unknown pipeline', '00000000-0000-4000-8000-000000000000', TOKEN, 'GET /pipelines/00000000-0000-4000-8000-000000000000/runs/ answered 404: {"detail":"Pipeline not found"}']
  ])('fails with one line for %s', async (_name, pipelineId, token, message) => {
    await expect(fetchRuns({ send: send(server.url), pipelineId, token })).rejects.toThrow(new RecordError(message))
  })

  it('fails with one line when the body is not JSON', async () => {
    await expect(fetchRuns({ send: send(html.url), pipelineId: FIXTURE_PIPELINE, token: TOKEN }))
      .rejects.toThrow(`GET /pipelines/${FIXTURE_PIPELINE}/runs/ answered 200 but not JSON: <html>`)
  })
})

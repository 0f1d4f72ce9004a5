// Pulls a live server's runs for one pipeline, the way `record` needs them: 200 and a JSON array, or one clear line.
import { runsRequest, type Send } from '../verify/client.ts'

export class RecordError extends Error {}

export interface FetchRunsOptions {
  send: Send
  pipelineId: string
  token: string
  apiKey?: string | undefined
}

/** The endpoint's 200 body for the pipeline, parsed; anything else throws a RecordError naming the request. */
export async function fetchRuns ({ send, pipelineId, token, apiKey }: FetchRunsOptions): Promise<unknown[]> {
  const request = runsRequest(pipelineId, token, apiKey)
  const path = request.path
  const answer = await send(request)
  if (answer.status !== 200) throw new RecordError(`GET ${path} answered ${answer.status}: ${answer.body.slice(0, 200)}`)
  let body: unknown
  try {
    body = JSON.parse(answer.body)
  } catch {
    throw new RecordError(`GET ${path} answered 200 but not JSON: ${answer.body.slice(0, 80)}`)
  }
  if (!Array.isArray(body)) throw new RecordError(`GET ${path} answered 200 but not a JSON array of runs`)
  return body
}

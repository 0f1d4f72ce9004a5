// GET /pipelines/{pipeline_id}/runs/: auth, then UUID validation, then the pipeline lookup and the runs.
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Authenticator } from '../auth.ts'
import { firstHeader } from '../contract/headers.ts'
import { parseUuid, type UuidMessageStyle } from '../contract/uuid.ts'
import { lastQueryValue } from '../contract/url.ts'
import { errors, sendError, sendJson, validationError, type ContractError, type UuidProblem } from '../errors.ts'
import type { RunsBodySource } from '../queries/runs-cache.ts'

export interface RunsRouteDeps {
  authenticate: Authenticator
  checkApiKey: (apiKey: string | undefined) => ContractError | undefined
  /** The 200 body, or undefined when there is no such pipeline (cached or not). */
  runsBody: RunsBodySource
  uuidStyle?: UuidMessageStyle
}

export interface RunsRequest {
  rawPipelineId: string
  query: string
}

export type RunsHandler = (request: FastifyRequest, reply: FastifyReply, target: RunsRequest) => Promise<FastifyReply>

export function createRunsHandler (deps: RunsRouteDeps): RunsHandler {
  const style = deps.uuidStyle ?? 'short'
  return async (request, reply, target) => {
    const authError = deps.authenticate(request.headers.authorization)
    if (authError !== undefined) return sendError(reply, authError)

    const problems: UuidProblem[] = []
    const pipeline = parseUuid(target.rawPipelineId, style)
    if (!pipeline.ok) problems.push({ loc: ['path', 'pipeline_id'], input: target.rawPipelineId, error: pipeline.error })
    const rawVersionId = lastQueryValue(target.query, 'version_id')
    const version = rawVersionId === undefined ? undefined : parseUuid(rawVersionId, style)
    if (version !== undefined && !version.ok) {
      problems.push({ loc: ['query', 'version_id'], input: rawVersionId as string, error: version.error })
    }
    if (problems.length > 0 || !pipeline.ok) return sendError(reply, validationError(problems))

    const apiKeyError = deps.checkApiKey(firstHeader(request.raw.rawHeaders, 'api-key'))
    if (apiKeyError !== undefined) return sendError(reply, apiKeyError)

    const body = await deps.runsBody(pipeline.uuid, version?.ok === true ? version.uuid : undefined)
    if (body === undefined) return sendError(reply, errors.pipelineNotFound)
    return sendJson(reply, body)
  }
}

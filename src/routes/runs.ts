// GET /pipelines/{pipeline_id}/runs/: faults, auth, Prefer, UUID validation, then the pipeline lookup and the runs.
import { setTimeout as sleep } from 'node:timers/promises'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Authenticator } from '../auth.ts'
import { compatProfile, type CompatProfile } from '../contract/compat.ts'
import { firstHeader } from '../contract/headers.ts'
import { parseUuid, type UuidParse } from '../contract/uuid.ts'
import { lastQueryValue } from '../contract/url.ts'
import { badPreferError, errors, sendError, sendJson, validationError, type ContractError, type UuidProblem } from '../errors.ts'
import { forcedAnswer } from '../faults/forced.ts'
import type { FaultDraw, FaultInjector } from '../faults/settings.ts'
import { parsePrefer, type ForcedCode, type Preferences } from '../faults/prefer.ts'
import type { RunsBodySource } from '../queries/runs-cache.ts'

export interface RunsRouteDeps {
  authenticate: Authenticator
  checkApiKey: (apiKey: string | undefined) => ContractError | undefined
  /** The 200 body, or undefined when there is no such pipeline (cached or not). */
  runsBody: RunsBodySource
  profile?: CompatProfile
  /** Honour the `Prefer` header (code=, delay=); off for strict fidelity runs. */
  prefer?: boolean
  faults?: FaultInjector | undefined
  /** Aborted when the server closes, so pending delays end at once. */
  closing?: AbortSignal
}

export interface RunsRequest {
  rawPipelineId: string
  query: string
}

export type RunsHandler = (request: FastifyRequest, reply: FastifyReply, target: RunsRequest) => FastifyReply | Promise<FastifyReply>

interface CheckedIds {
  pipelineId: string | undefined
  versionId: string | undefined
  problems: UuidProblem[]
}

export function createRunsHandler (deps: RunsRouteDeps): RunsHandler {
  const profile = deps.profile ?? compatProfile()
  // Without a delay the answer starts in the same turn (no timer); errors are sent synchronously, the 200 once runsBody settles.
  const after = (ms: number | undefined, then: () => FastifyReply | Promise<FastifyReply>): FastifyReply | Promise<FastifyReply> =>
    ms === undefined || ms <= 0 ? then() : waitFor(ms, deps.closing).then(then)

  function answer (request: FastifyRequest, reply: FastifyReply, target: RunsRequest, fault: FaultDraw | undefined): FastifyReply | Promise<FastifyReply> {
    const authError = deps.authenticate(request.headers.authorization)
    if (authError !== undefined) return sendError(reply, authError)
    let preferences: Preferences = { applied: [] }
    if (deps.prefer === true) {
      const parsed = parsePrefer(request.headers.prefer)
      if (!parsed.ok) return sendError(reply, badPreferError(parsed.reason))
      preferences = parsed.preferences
      if (preferences.applied.length > 0) reply.header('preference-applied', preferences.applied.join(', '))
    }
    const forced = preferences.code ?? fault?.status
    return after(preferences.delayMs, () => respond(request, reply, target, forced))
  }

  function respond (request: FastifyRequest, reply: FastifyReply, target: RunsRequest, forced: ForcedCode | undefined): FastifyReply | Promise<FastifyReply> {
    const ids = checkIds(target, profile)
    if (forced !== undefined) return sendError(reply, forcedAnswer(forced, profile, ids.problems))
    if (ids.pipelineId === undefined) return sendError(reply, validationError(ids.problems, profile))

    const apiKeyError = deps.checkApiKey(firstHeader(request.raw.rawHeaders, 'api-key'))
    if (apiKeyError !== undefined) return sendError(reply, apiKeyError)

    return deps.runsBody(ids.pipelineId, ids.versionId).then((body) =>
      body === undefined ? sendError(reply, errors.pipelineNotFound) : sendJson(reply, body))
  }

  return (request, reply, target) => {
    const fault = deps.faults?.draw()
    return after(fault?.delayMs, () => answer(request, reply, target, fault))
  }
}

/** The path's pipeline_id, then the query's version_id (last value wins), as FastAPI validates them. */
function checkIds (target: RunsRequest, profile: CompatProfile): CheckedIds {
  const problems: UuidProblem[] = []
  const pipeline = parseUuid(target.rawPipelineId, profile.uuidMessages)
  if (!pipeline.ok) problems.push({ loc: ['path', 'pipeline_id'], input: target.rawPipelineId, error: pipeline.error })
  const rawVersionId = lastQueryValue(target.query, 'version_id')
  const version: UuidParse | undefined = rawVersionId === undefined ? undefined : parseUuid(rawVersionId, profile.uuidMessages)
  if (version !== undefined && !version.ok) {
    problems.push({ loc: ['query', 'version_id'], input: rawVersionId as string, error: version.error })
  }
  return {
    pipelineId: pipeline.ok && problems.length === 0 ? pipeline.uuid : undefined,
    versionId: version?.ok === true ? version.uuid : undefined,
    problems
  }
}

async function waitFor (ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (ms <= 0 || signal?.aborted === true) return
  await sleep(ms, undefined, { signal }).catch(() => undefined)
}

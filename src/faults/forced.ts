// The answer a forced status code stands for, in the contract's shape and the compatibility profile's words.
import type { CompatProfile } from '../contract/compat.ts'
import { parseUuid } from '../contract/uuid.ts'
import { authError, errors, validationError, type ContractError, type UuidProblem } from '../errors.ts'
import type { ForcedCode } from './prefer.ts'

// A forced 422 on a request whose ids are valid shows the body the endpoint gives for this pipeline_id.
export const EXAMPLE_BAD_PIPELINE_ID = 'not-a-uuid'

/** `problems` are the request's own validation errors: a forced 422 shows them when there are any. */
export function forcedAnswer (code: ForcedCode, profile: CompatProfile, problems: readonly UuidProblem[]): ContractError {
  switch (code) {
    case 401: return authError(profile.missingCredentials)
    case 404: return errors.pipelineNotFound
    case 422: return validationError(problems.length > 0 ? problems : [exampleProblem(profile)], profile)
    case 500: return errors.internal
    case 503: return errors.serviceUnavailable
  }
}

function exampleProblem (profile: CompatProfile): UuidProblem {
  const parsed = parseUuid(EXAMPLE_BAD_PIPELINE_ID, profile.uuidMessages)
  return { loc: ['path', 'pipeline_id'], input: EXAMPLE_BAD_PIPELINE_ID, error: parsed.ok ? '' : parsed.error }
}

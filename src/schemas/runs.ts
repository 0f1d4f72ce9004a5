// TypeBox schemas of the contract's response models; $id equals the FastAPI component name.
import { Type, type Static } from '@sinclair/typebox'

const Uuid = (title: string) => Type.String({ format: 'uuid', title })
const DateTime = (title: string) => Type.String({ format: 'date-time', title })
const NullableDateTime = (title: string) =>
  Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { title })
const FreeObject = (title: string) => Type.Object({}, { additionalProperties: true, title })

export const StepConfig = Type.Object({
  query_type: Type.String({ title: 'Query Type' }),
  query: Type.String({ title: 'Query' }),
  input_datasets: Type.Array(Type.String(), { title: 'Input Datasets' }),
  output_datasets: Type.Array(Type.String(), { title: 'Output Datasets' }),
  job_type: Type.String({ title: 'Job Type' })
}, { $id: 'StepConfig', title: 'StepConfig', additionalProperties: false })
export type StepConfig = Static<typeof StepConfig>

export const StepRead = Type.Object({
  name: Type.String({ title: 'Name' }),
  config: Type.Ref(StepConfig),
  created_at: DateTime('Created At'),
  id: Uuid('Id')
}, { $id: 'StepRead', title: 'StepRead', additionalProperties: false })
export type StepRead = Static<typeof StepRead>

export const PipelineVersionRead = Type.Object({
  id: Uuid('Id'),
  pipeline_id: Uuid('Pipeline Id'),
  steps: Type.Array(Type.Ref(StepRead), { title: 'Steps' }),
  created_at: DateTime('Created At')
}, { $id: 'PipelineVersionRead', title: 'PipelineVersionRead', additionalProperties: false })
export type PipelineVersionRead = Static<typeof PipelineVersionRead>

export const RunStepMetadata = Type.Object({
  name: Type.String({ title: 'Name' }),
  run_name: Type.String({ title: 'Run Name' }),
  status: Type.String({ title: 'Status' }),
  started_at: NullableDateTime('Started At'),
  finished_at: NullableDateTime('Finished At')
}, { $id: 'RunStepMetadata', title: 'RunStepMetadata', additionalProperties: false })
export type RunStepMetadata = Static<typeof RunStepMetadata>

export const RunRead = Type.Object({
  id: Uuid('Id'),
  pipeline_config_version_id: Uuid('Pipeline Config Version Id'),
  name: Type.String({ title: 'Name' }),
  status: Type.String({ title: 'Status' }),
  argo_manifest: FreeObject('Argo Manifest'),
  argo_metadata: FreeObject('Argo Metadata'),
  pipeline_version: Type.Ref(PipelineVersionRead),
  created_at: DateTime('Created At'),
  finished_at: NullableDateTime('Finished At'),
  run_steps: Type.Array(Type.Ref(RunStepMetadata), { title: 'Run Steps' })
}, { $id: 'RunRead', title: 'RunRead', additionalProperties: false })
export type RunRead = Static<typeof RunRead>

export const RunList = Type.Array(Type.Ref(RunRead))
export type RunList = Static<typeof RunList>

/** Every model, in dependency order, for registering with Fastify and for validators. */
export const runModels = [StepConfig, StepRead, PipelineVersionRead, RunStepMetadata, RunRead]

export const RUN_STATUSES = ['Pending', 'Running', 'Succeeded', 'Failed', 'Error'] as const
export const RUN_STEP_STATUSES = ['Pending', 'Running', 'Succeeded', 'Skipped', 'Failed', 'Error', 'Omitted'] as const
export type RunStatus = typeof RUN_STATUSES[number]
export type RunStepStatus = typeof RUN_STEP_STATUSES[number]

// The package's public API: the contract's TypeBox schemas and static types, and the server for in-process use.
export {
  StepConfig, StepRead, PipelineVersionRead, RunStepMetadata, RunRead, RunList, runModels,
  RUN_STATUSES, RUN_STEP_STATUSES, type RunStatus, type RunStepStatus
} from './schemas/runs.ts'
export { ValidationErrorModel, HTTPValidationErrorModel, ErrorDetail } from './schemas/errors.ts'
export { buildApp, type BuildAppOptions } from './app.ts'
export { loadConfig, ConfigError, type Config, type ConfigFlags } from './config.ts'
export { startServer, type RunningServer } from './server.ts'
export { openDatabase, type Db } from './db/open.ts'
export { migrate } from './db/migrate.ts'
export { loadDemo } from './db/seed-demo.ts'
export { checkRunRules, type RuleFinding } from './contract/rules.ts'
export { PACKAGE_VERSION } from './version.ts'

// What fault injection is configured to do, apart from the injector (inject.ts), which only runs with faults on.
export const FAULT_STATUSES = [500, 503] as const
export type FaultStatus = typeof FAULT_STATUSES[number]

export interface FaultConfig {
  /** Milliseconds added to every answer, drawn uniformly from [min, max]; undefined: none. */
  latency: { min: number, max: number } | undefined
  /** Share of answers (0..1) replaced by an error. */
  errorRate: number
  errorStatuses: FaultStatus[]
  /** Seed of the draws; undefined: a random one, reported by the injector. */
  seed: number | undefined
}

export interface FaultDraw {
  delayMs: number
  status: FaultStatus | undefined
}

export interface FaultInjector {
  seed: number
  /** The next request's faults; the n-th draw is the same for the same seed and configuration. */
  draw: () => FaultDraw
}

export const NO_FAULTS: FaultConfig = { latency: undefined, errorRate: 0, errorStatuses: [500], seed: undefined }

export function faultsEnabled (config: FaultConfig): boolean {
  return config.latency !== undefined || config.errorRate > 0
}

// Global fault injection: seeded latency and error answers for the runs endpoint, reproducible request by request.
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64'
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus'

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

/** Undefined when the configuration injects nothing. */
export function createFaultInjector (config: FaultConfig): FaultInjector | undefined {
  if (!faultsEnabled(config)) return undefined
  const seed = config.seed ?? Math.floor(Math.random() * 2 ** 31)
  const rng = xoroshiro128plus(seed)
  const { latency, errorRate, errorStatuses } = config
  return {
    seed,
    draw () {
      // Three draws every time, so changing one knob never shifts the sequence of another.
      const [forDelay, forError, forStatus] = [uniformFloat64(rng), uniformFloat64(rng), uniformFloat64(rng)]
      const delayMs = latency === undefined ? 0 : latency.min + Math.floor(forDelay * (latency.max - latency.min + 1))
      const status = forError < errorRate ? errorStatuses[Math.floor(forStatus * errorStatuses.length)] : undefined
      return { delayMs, status }
    }
  }
}

// Global fault injection: seeded latency and error answers for the runs endpoint, reproducible request by request.
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64'
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus'
import { faultsEnabled, type FaultConfig, type FaultInjector } from './settings.ts'

export { FAULT_STATUSES, NO_FAULTS, faultsEnabled, type FaultConfig, type FaultDraw, type FaultInjector, type FaultStatus } from './settings.ts'

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

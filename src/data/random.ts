// The one random source of generated and simulated data: pure-rand's xoroshiro128+, seeded per stream.
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64'
import { uniformInt } from 'pure-rand/distribution/uniformInt'
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus'
import { fnv1a32 } from './argo.ts'

const HEX_BYTES = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'))

function hexByte (value: number): string {
  return HEX_BYTES[value & 0xff] as string
}

function hex4 (value: number): string {
  return hexByte(value >>> 8) + hexByte(value)
}

function hex8 (value: number): string {
  return hex4(value >>> 16) + hex4(value)
}

export class Random {
  private readonly rng: ReturnType<typeof xoroshiro128plus>

  constructor (seed: number) {
    this.rng = xoroshiro128plus(seed)
  }

  /** A stream named by text (`<seed>/<pipeline>/run/<instant>`): the same name gives the same draws. */
  static named (name: string): Random {
    return new Random(fnv1a32(name) | 0)
  }

  /** Integer in [min, max]. */
  int (min: number, max: number): number {
    return uniformInt(this.rng, min, max)
  }

  /** Float in [0, 1). */
  float (): number {
    return uniformFloat64(this.rng)
  }

  chance (probability: number): boolean {
    return this.float() < probability
  }

  pick<T> (items: readonly T[]): T {
    return items[this.int(0, items.length - 1)] as T
  }

  weighted<T> (entries: ReadonlyArray<readonly [T, number]>): T {
    let roll = this.float()
    for (const [value, weight] of entries) {
      roll -= weight
      if (roll < 0) return value
    }
    return (entries[entries.length - 1] as readonly [T, number])[0]
  }

  /** A random (version 4) UUID, lowercase and hyphenated. */
  uuid (): string {
    const a = this.rng.next()
    const b = this.rng.next()
    const c = this.rng.next()
    const d = this.rng.next()
    return hex8(a) + '-' + hex4(b >>> 16) + '-4' + hex4(b & 0xfff).slice(1) + '-' +
      hex4(0x8000 | ((c >>> 16) & 0x3fff)) + '-' + hex4(c & 0xffff) + hex8(d)
  }
}

/**
 * Seeded randomness for the fuzzer: pure-rand's xoroshiro128+ behind the few draws the matrix
 * and the program generator need. One seed gives one stream; the fuzzer draws a case's
 * configuration first and its program after, so a seed alone reproduces both.
 */
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';

const WARM_UP = 16;

/** MurmurHash3's 32-bit finalizer: every bit of the seed affects every bit of the result. */
function mix32(x: number): number {
  x |= 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) | 0;
}

export class FuzzRng {
  private readonly g: RandomGenerator;
  constructor(seed: number) {
    // xoroshiro128+ seeded with neighbouring integers starts with nearly equal outputs: mix the
    // seed first and let the state run a few steps, so that seeds 1, 2, 3 give unrelated cases.
    this.g = xoroshiro128plus(mix32(seed));
    for (let i = 0; i < WARM_UP; i++) this.g.next();
  }
  /** Integer in [lo, hi] (both included). */
  range(lo: number, hi: number): number {
    return uniformInt(this.g, lo, hi);
  }
  /** Integer in [0, n). */
  int(n: number): number {
    return n <= 1 ? 0 : uniformInt(this.g, 0, n - 1);
  }
  /** True with probability p. */
  chance(p: number): boolean {
    return (this.g.next() >>> 0) / 4294967296 < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
  /** A key of `weights` drawn in proportion to its weight (keys with weight 0 never). */
  weighted<K extends string>(weights: Readonly<Record<K, number>>): K {
    const keys = Object.keys(weights) as K[];
    let total = 0;
    for (const k of keys) total += weights[k];
    let x = ((this.g.next() >>> 0) / 4294967296) * total;
    for (const k of keys) {
      x -= weights[k];
      if (x < 0 && weights[k] > 0) return k;
    }
    return keys.filter((k) => weights[k] > 0).pop()!;
  }
  /** Log-uniform integer in [lo, hi]: small sizes as often as large ones. */
  logRange(lo: number, hi: number): number {
    const x = Math.exp(Math.log(lo) + ((this.g.next() >>> 0) / 4294967296) * (Math.log(hi + 1) - Math.log(lo)));
    return Math.min(hi, Math.max(lo, Math.floor(x)));
  }
}

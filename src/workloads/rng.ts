/** Seeded randomness for workloads: pure-rand's xoroshiro128+ behind two small helpers. */
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';

export class Rng {
  private readonly g: RandomGenerator;
  constructor(seed: number) {
    this.g = xoroshiro128plus(seed | 0);
  }
  /** Integer in [0, n). */
  int(n: number): number {
    return uniformInt(this.g, 0, n - 1);
  }
  /** Float in [0, 1). */
  float(): number {
    return (this.g.next() >>> 0) / 4294967296;
  }
}

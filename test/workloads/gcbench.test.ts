import { describe, expect, it } from 'vitest';
import gcbench, { gcbenchSmall } from '../../src/workloads/gcbench.ts';
import { JsMutator } from '../../src/v8/js-mutator.ts';
import { jsHeapDigest } from '../../src/v8/js-digest.ts';
import { Rng } from '../../src/workloads/rng.ts';
import type { Handle } from '../../src/mutator/mutator-api.ts';

const defaults = (w: typeof gcbench) => Object.fromEntries(Object.entries(w.params).map(([k, s]) => [k, s.default]));
const TINY = { stretchDepth: 6, longLivedDepth: 3, minDepth: 2, maxDepth: 4, arraySize: 10 };

/** Records, for each store of an object into a field, whether the stored object is older than its host. */
class OrderSpy extends JsMutator {
  private born = new Map<unknown, number>();
  private n = 0;
  youngerStored = 0;
  olderStored = 0;
  override allocate(map: number, slots: number): Handle {
    const h = super.allocate(map, slots);
    this.born.set(this.stack[h], this.n++);
    return h;
  }
  override set(h: Handle, i: number, v: Handle): void {
    const host = this.born.get(this.stack[h]);
    const value = this.born.get(this.stack[v]);
    if (host !== undefined && value !== undefined) {
      if (value > host) this.youngerStored++;
      else this.olderStored++;
    }
    super.set(h, i, v);
  }
}

describe('gcbench', () => {
  it("has Boehm's constants by default; gcbench-small is named as scaled down", () => {
    expect(defaults(gcbench)).toEqual({ stretchDepth: 18, longLivedDepth: 16, minDepth: 4, maxDepth: 16, arraySize: 500_000 });
    expect(gcbenchSmall.name).toBe('gcbench-small');
    expect(gcbenchSmall.description).toMatch(/scaled down/);
    expect(defaults(gcbenchSmall).stretchDepth).toBeLessThan(18);
  });

  it('gcbench-small is the same program: the same parameters give the same graph', () => {
    const run = (w: typeof gcbench) => {
      const m = new JsMutator();
      w.run(m, new Rng(5), TINY);
      return jsHeapDigest(m).digest;
    };
    expect(run(gcbenchSmall)).toBe(run(gcbench));
  });

  it("builds NumIters(d) = 2 * TreeSize(stretch) / TreeSize(d) trees per depth each way, bottom-up children first", () => {
    const treeSize = (d: number) => 2 ** (d + 1) - 1;
    let iters = 0;
    for (let d = TINY.minDepth; d <= TINY.maxDepth; d += 2) iters += Math.floor((2 * treeSize(TINY.stretchDepth)) / treeSize(d));
    const m = new OrderSpy();
    gcbench.run(m, new Rng(1), TINY);
    expect(m.workUnits).toBe(2 * iters);
    // Every node but the roots is stored once: top-down (Populate) stores a younger child into
    // its parent, bottom-up (MakeTree: the stretch tree and half the short-lived ones) an older one.
    let bottomUp = treeSize(TINY.stretchDepth) - 1;
    let topDown = treeSize(TINY.longLivedDepth) - 1;
    for (let d = TINY.minDepth; d <= TINY.maxDepth; d += 2) {
      const n = Math.floor((2 * treeSize(TINY.stretchDepth)) / treeSize(d));
      bottomUp += n * (treeSize(d) - 1);
      topDown += n * (treeSize(d) - 1);
    }
    expect(m.olderStored).toBe(bottomUp);
    expect(m.youngerStored).toBe(topDown);
  });
});

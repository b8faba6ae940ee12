import { describe, it, expect } from 'vitest';
import { withSim, allVerifyErrors } from '../helpers/sim.ts';
import { TEST_NO_REMEMBERED_SET } from '../../src/heap/heap.ts';
import { KIND_TAGGED } from '../../src/heap/layout.ts';
import { runOne } from '../../src/experiments/run.ts';
import { HeapVerificationError } from '../../src/gc/gc-controller.ts';

describe('Scavenger', () => {
  it('promotes an object on its second survival, not its first (seed 004)', async () => {
    await withSim({}, (sim) => {
      const m = sim.mutator;
      const o = m.allocate(m.arrayMap, 3);
      m.setSmi(o, 0, 42);
      expect(sim.heap.inNewSpace(m.addressOf(o))).toBe(true);
      m.collect('minor');
      expect(sim.heap.inNewSpace(m.addressOf(o))).toBe(true); // survived once: intermediate
      m.collect('minor');
      expect(sim.heap.inNewSpace(m.addressOf(o))).toBe(false); // survived twice: promoted
      expect(m.getSmi(o, 0)).toBe(42);
      expect(allVerifyErrors(sim)).toEqual([]);
    });
  });

  it('reproduces seed 003: a scavenge about every ten ticks, ~1 MB freed each, no growth', async () => {
    const r = await runOne({ workload: 'string-tick', params: { ticks: 200 }, options: { maxSemiSpaceSize: 1, verifyHeap: true } });
    expect(r.error).toBeNull();
    const sc = r.events.filter((e) => e.type === 'scavenge');
    expect(r.events.length).toBe(sc.length);
    // 10 strings of 100,008 bytes fit in 1 MiB, the 11th triggers the GC: 200 ticks -> 19 or 20 GCs
    expect(sc.length).toBeGreaterThanOrEqual(18);
    expect(sc.length).toBeLessThanOrEqual(20);
    for (const e of sc) {
      expect(e.reason).toBe('allocation failure');
      expect(e.beforeBytes - e.afterBytes).toBeGreaterThan(0.95e6);
      expect(e.beforeBytes - e.afterBytes).toBeLessThan(1.05e6);
    }
    const after = sc.map((e) => e.afterBytes);
    expect(Math.max(...after) - Math.min(...after)).toBeLessThan(1024);
    expect(r.verify.errors).toEqual([]);
  });

  it('follows old-to-new pointers through the remembered set and updates them', async () => {
    await withSim({}, (sim) => {
      const m = sim.mutator;
      const node = m.maps.define('node', KIND_TAGGED);
      const old = m.allocate(node, 2, true);
      const scope = m.openScope();
      const young = m.allocate(node, 2);
      m.setSmi(young, 0, 7);
      m.set(old, 0, young);
      m.closeScope(scope); // drop the young handle: only the old object keeps it alive
      const before = sim.digest();
      m.collect('minor');
      expect(sim.digest()).toBe(before);
      const y = m.get(old, 0);
      expect(m.getSmi(y, 0)).toBe(7);
      expect(allVerifyErrors(sim)).toEqual([]);
    });
  });

  it('negative control: without the remembered set the verifier sees the lost object', async () => {
    await withSim({}, (sim) => {
      const m = sim.mutator;
      const node = m.maps.define('node', KIND_TAGGED);
      sim.setTestFlagsForTesting(TEST_NO_REMEMBERED_SET);
      const old = m.allocate(node, 2, true);
      const scope = m.openScope();
      const young = m.allocate(node, 2);
      m.set(old, 0, young);
      m.closeScope(scope);
      // --verify-heap stops the run at the first broken GC, as V8's heap verifier aborts.
      expect(() => m.collect('minor')).toThrow(HeapVerificationError);
      expect(sim.gc.verifyErrors.join('\n')).toMatch(/not a live object|missing from the remembered set/);
    });
  });
});

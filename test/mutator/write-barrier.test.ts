/**
 * The write barrier's variant table on one thread: which value each variant shades during
 * marking (with the marking bitmap's tryMark), its allocation colour, and the generational
 * barrier's old-to-new recording, which every variant keeps.
 */
import { describe, it, expect } from 'vitest';
import { Simulator } from '../../src/experiments/simulator.ts';
import { BARRIER_NAMES, BARRIER_VARIANTS, SHADE_NEW, SHADE_OLD } from '../../src/mutator/write-barrier.ts';
import { isMarked } from '../../src/heap/marking-bitmap.ts';

describe('WriteBarrier', () => {
  for (const name of BARRIER_NAMES) {
    it(`${name}: shades what its row says, and allocates in its colour`, async () => {
      const v = BARRIER_VARIANTS[name];
      const sim = await Simulator.create({ threads: 1, barrier: name, jitWarmup: false, incrementalMarking: true });
      try {
        const m = sim.mutator;
        const host = m.allocate(m.arrayMap, 1, true);
        const oldValue = m.allocate(m.arrayMap, 1, true);
        const newValue = m.allocate(m.arrayMap, 1, true);
        m.set(host, 0, oldValue);
        sim.heap.markBits.fill(0);
        m.setMarking(true);
        const young = m.allocate(m.arrayMap, 1);
        const before = m.barrierRecords;
        m.set(host, 0, newValue);
        const bits = sim.heap.markBits;
        expect(isMarked(bits, m.addressOf(newValue))).toBe((v.shade & SHADE_NEW) !== 0);
        expect(isMarked(bits, m.addressOf(oldValue))).toBe((v.shade & SHADE_OLD) !== 0);
        expect(m.barrierRecords - before).toBe(((v.shade & SHADE_NEW) !== 0 ? 1 : 0) + ((v.shade & SHADE_OLD) !== 0 ? 1 : 0));
        expect(isMarked(bits, m.addressOf(young))).toBe(v.allocateBlack);
        m.setMarking(false);
        sim.heap.markBits.fill(0);
      } finally {
        await sim.close();
      }
    }, 30_000);
  }
});

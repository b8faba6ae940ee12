/**
 * The scavenger's per-thread body on one thread, V8-style: two thread contexts of one heap,
 * interleaved by hand between the copy and the forwarding CAS, so that the lost-CAS undo runs
 * deterministically (not only by chance in a stress test).
 */
import { describe, it, expect } from 'vitest';
import { Simulator } from '../../src/experiments/simulator.ts';
import { GcThreadContext } from '../../src/gc/gc-shared.ts';
import { Scavenger } from '../../src/gc/scavenger.ts';
import { resetToSpace } from '../../src/heap/spaces/semi-space.ts';

describe('Scavenger, two thread contexts on one thread', () => {
  it('the thread that loses the forwarding CAS gives its copy back and uses the winner', async () => {
    // threads: 2 so that forwarding takes the CAS; the helper stays parked, both bodies run here.
    const sim = await Simulator.create({ threads: 2, jitWarmup: false });
    try {
      const m = sim.mutator;
      const x = m.allocate(m.arrayMap, 3);
      m.setSmi(x, 0, 42);
      const y = m.allocate(m.arrayMap, 3);
      m.prepareForGc();
      resetToSpace(sim.heap);
      const a = new Scavenger(new GcThreadContext(sim.shared, 0));
      const b = new Scavenger(new GcThreadContext(sim.shared, 1));
      a.prepare();
      b.prepare();
      const mem = sim.heap.mem;
      const vx = sim.heap.roots[x];
      const addr = vx >>> 1;
      const header = mem[addr];

      // Thread A copies x, privately: the header is still the original.
      const copyA = a.copy(addr, header);
      expect(copyA).not.toBe(0);
      expect(mem[addr]).toBe(header);
      expect(mem[copyA + 2]).toBe(42 << 1);
      // Thread B evacuates x all the way and wins the header.
      const fwdB = b.evacuate(vx);
      expect(mem[addr]).toBe(fwdB);
      expect(fwdB >>> 1).not.toBe(copyA);
      // Thread A's CAS fails: it returns B's copy and undoes its own.
      expect(a.forward(addr, header, copyA)).toBe(fwdB);
      expect(a.objects).toBe(0);
      expect(b.objects).toBe(1);
      // The undo bumped A's LAB back: A's next copy lands where the lost one was.
      const vy = sim.heap.roots[y];
      expect(a.copy(vy >>> 1, mem[vy >>> 1])).toBe(copyA);
    } finally {
      // The heap is left mid-scavenge on purpose: no verification, just stop the helper.
      await sim.close();
    }
  }, 30_000);
});

/**
 * The scavenger's per-thread body on one thread, V8-style: two thread contexts of one heap,
 * interleaved by hand between the copy and the forwarding CAS, so that the lost-CAS undo runs
 * deterministically (not only by chance in a stress test).
 */
import { describe, it, expect } from 'vitest';
import { Simulator } from '../../src/experiments/simulator.ts';
import { GcThreadContext } from '../../src/gc/gc-shared.ts';
import { LOST_RACE_HEADER_BIT, Scavenger } from '../../src/gc/scavenger.ts';
import { resetToSpace } from '../../src/heap/spaces/semi-space.ts';
import { C_AGE_MARK, META_WORDS, M_USED_WORDS } from '../../src/heap/heap.ts';
import { PAGE_BITS, PAGE_WORDS } from '../../src/heap/layout.ts';
import { pageWithFreeBlockAtEnd } from '../helpers/heap-layout.ts';

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
      expect(a.racesLost).toBe(1); // the phase's per-thread figure (ThreadPhaseStats.racesLost)
      expect(b.racesLost).toBe(0);
      // The undo bumped A's LAB back: A's next copy lands where the lost one was.
      const vy = sim.heap.roots[y];
      expect(a.copy(vy >>> 1, mem[vy >>> 1])).toBe(copyA);
    } finally {
      // The heap is left mid-scavenge on purpose: no verification, just stop the helper.
      await sim.close();
    }
  }, 30_000);

  it('a lost copy gives back only its own LAB area, not an earlier copy that ends where the area begins', async () => {
    // The warm-up's lost race (Scavenger.warmLostRace) gives back two promoted copies. When the
    // first took a free block at a page's very end and the second the next page, fresh, a bump
    // back of the first made the LAB span both pages; given back, it left the second page
    // counting a whole LAB as used with a non-object at its start, and the heap verifier stopped
    // the warm-up program (about 1 in 100 at threads = 4).
    const sim = await Simulator.create({ threads: 2, jitWarmup: false });
    try {
      const heap = sim.heap;
      const m = sim.mutator;
      const x = m.allocate(m.arrayMap, 2);
      const y = m.allocate(m.arrayMap, 3);
      m.prepareForGc();
      resetToSpace(heap);
      // Old pointer space: one page, used up but for a 4-word free block at its end.
      const { page } = pageWithFreeBlockAtEnd(heap);
      const pageEnd = (page + 1) << PAGE_BITS;
      // Every young object is old enough to promote.
      heap.ctl[C_AGE_MARK] = heap.newEnd;
      const s = new Scavenger(new GcThreadContext(sim.shared, 0));
      s.prepare();
      const mem = heap.mem;
      const ax = heap.roots[x] >>> 1;
      const hx = mem[ax];
      const first = s.copy(ax, hx);
      const second = s.copy(ax, hx);
      expect(first).toBe(pageEnd - 4);
      expect(second).toBe(pageEnd);
      // Both copies lose (the CAS expects another header): the last is bumped back, the first,
      // outside the LAB's area, becomes a filler.
      const otherHeader = hx ^ LOST_RACE_HEADER_BIT;
      s.forward(ax, otherHeader, second);
      s.forward(ax, otherHeader, first);
      expect(mem[ax]).toBe(hx);
      const ay = heap.roots[y] >>> 1;
      expect(s.copy(ay, mem[ay])).toBe(pageEnd);
      s.finish();
      expect(heap.pageMeta[page * META_WORDS + M_USED_WORDS]).toBe(PAGE_WORDS);
      expect(heap.pageMeta[(page + 1) * META_WORDS + M_USED_WORDS]).toBe(5);
    } finally {
      await sim.close();
    }
  }, 30_000);
});

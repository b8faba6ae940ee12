import { describe, expect, it } from 'vitest';
import { withSim, allVerifyErrors } from '../helpers/sim.ts';
import { KIND_TAGGED } from '../../src/heap/layout.ts';
import { runOne } from '../../src/experiments/run.ts';
import { PRETENURE_DONT_TENURE, PRETENURE_TENURE, PRETENURE_UNDECIDED } from '../../src/mutator/allocation-site-pretenuring.ts';
import { MAP_NAME_ID } from '../../src/heap/maps.ts';
import { NO_WARMUP, SMALL, SMALL_HEAP } from '../helpers/small.ts';

describe('AllocationSitePretenuring (--allocation-site-pretenuring)', () => {
  it('tenures a site whose young objects survive, leaves one whose objects die in new space, and decides once', async () => {
    await withSim({ allocationSitePretenuring: true, verifyHeap: true }, (sim) => {
      const m = sim.mutator;
      const kept = m.maps.define('Kept', KIND_TAGGED);
      const dropped = m.maps.define('Dropped', KIND_TAGGED);
      const p = m.pretenuring!;
      const site = (map: number) => p.decision[sim.heap.mem[map + MAP_NAME_ID]];
      const list = m.allocate(m.arrayMap, 300);
      m.setGlobal('list', list);
      for (let i = 0; i < 300; i++) {
        const s = m.openScope();
        m.set(list, i, m.allocate(kept, 2));
        m.allocate(dropped, 2);
        m.closeScope(s);
      }
      expect(site(kept)).toBe(PRETENURE_UNDECIDED);
      m.collect('minor');
      expect(site(kept)).toBe(PRETENURE_TENURE);
      expect(site(dropped)).toBe(PRETENURE_DONT_TENURE);
      const s = m.openScope();
      const a = m.allocate(kept, 2);
      const b = m.allocate(dropped, 2);
      expect(sim.heap.inNewSpace(m.addressOf(a))).toBe(false); // straight into old space
      expect(sim.heap.inNewSpace(m.addressOf(b))).toBe(true);
      m.closeScope(s);
      // Dropped objects that now all survive do not change a decision already made.
      for (let i = 0; i < 300; i++) {
        const t = m.openScope();
        m.set(list, i, m.allocate(dropped, 2));
        m.closeScope(t);
      }
      m.collect('minor');
      expect(site(dropped)).toBe(PRETENURE_DONT_TENURE);
      expect(allVerifyErrors(sim)).toEqual([]);
    });
  });

  it('changes where objects live, not the graph: splay has the same digest with it on, and fewer scavenges', async () => {
    const opts = { ...SMALL_HEAP, ...NO_WARMUP, verifyHeap: true };
    const off = await runOne({ workload: 'splay', params: SMALL.splay, options: opts });
    const on = await runOne({ workload: 'splay', params: SMALL.splay, options: { ...opts, allocationSitePretenuring: true } });
    expect(on.error).toBeNull();
    expect(on.digest).toBe(off.digest);
    const scavenges = (r: typeof on) => r.events.filter((e) => e.type === 'scavenge').length;
    expect(scavenges(on)).toBeLessThan(scavenges(off));
  });
});

/**
 * Minimal reproductions of collector defects, each at threads 1-4 with the verifier on: the SATB
 * barrier and young grey objects that die in a scavenge during marking; evacuation near the heap
 * limit (aborted evacuation instead of a failed run); empty pages returned to the pool so garbage
 * alternating between spaces never runs the heap out of memory; and the verifier's liveness check
 * on pages not yet swept.
 */
import { describe, it, expect } from 'vitest';
import { runOne } from '../../src/experiments/run.ts';
import type { Simulator } from '../../src/experiments/simulator.ts';
import { verifyHeap } from '../../src/gc/verifier.ts';
import { withSim } from '../helpers/sim.ts';

const THREADS = [1, 2, 3, 4];

/**
 * Old R -> young Y -> old T. Marking starts (R grey). N is allocated black, N[0] = Y[0] stores T
 * into N without shading it (the overwritten value is a SMI), R[0] = N overwrites Y, which SATB
 * shades grey. Y is then unreachable and dies in the scavenge; T is reachable only through N.
 * Returns T's SMI as read back after the major GC.
 */
function satbDyingGreyYoung(sim: Simulator): number {
  const m = sim.mutator;
  const outer = m.openScope();
  const r = m.allocate(m.arrayMap, 1, true);
  m.setGlobal('R', r);
  const y = m.allocate(m.arrayMap, 1);
  const t = m.allocate(m.arrayMap, 1, true);
  m.setSmi(t, 0, 4242);
  m.set(y, 0, t);
  m.set(r, 0, y);
  m.closeScope(outer);
  for (let i = 0; !sim.gc.markingActive; i++) {
    if (i > 100_000) throw new Error('marking never started');
    const s = m.openScope();
    m.allocate(m.arrayMap, 254, true);
    m.closeScope(s);
  }
  const s = m.openScope();
  const rh = m.getGlobal('R');
  const n = m.allocate(m.arrayMap, 1, true);
  const yh = m.get(rh, 0);
  const th = m.get(yh, 0);
  m.set(n, 0, th);
  m.set(rh, 0, n);
  m.closeScope(s);
  m.collect('minor');
  m.collect('major');
  const s2 = m.openScope();
  const value = m.getSmi(m.get(m.get(m.getGlobal('R'), 0), 0), 0);
  m.closeScope(s2);
  return value;
}

describe('SATB barrier and the scavenger', () => {
  for (const barrier of ['satb', 'insertion'] as const) {
    it(`keeps what only a grey young object that died in a scavenge reached (${barrier}, threads 1-4)`, async () => {
      for (const threads of THREADS) {
        // Every helper in every scavenge: under the default join a 0.25 MB semispace is scavenged
        // by the main thread alone (one thread per MB of semispace and one more, as in V8).
        const opts = { threads, barrier, concurrentMarking: false, maxSemiSpaceSize: 0.25, initialOldSpaceSize: 0.25, concurrentSweeping: false, helperJoin: 'all' } as const;
        const value = await withSim(opts, (sim) => {
          const v = satbDyingGreyYoung(sim);
          expect(sim.gc.verifyErrors, `threads ${threads}`).toEqual([]);
          expect(sim.verify(), `threads ${threads}`).toEqual([]);
          return v;
        });
        expect(value, `threads ${threads}`).toBe(4242);
      }
    }, 30_000);
  }
});

describe('evacuation near the heap limit', () => {
  it('fragmenter with a 4 MB old generation completes at threads 1-4 with the same digest', async () => {
    let digest = '';
    for (const threads of THREADS) {
      const r = await runOne({ workload: 'fragmenter', options: { threads, maxOldSpaceSize: 4, verifyHeap: true, jitWarmup: false } });
      expect(r.error, `threads ${threads}`).toBeNull();
      expect(r.verify.errors, `threads ${threads}`).toEqual([]);
      if (digest === '') digest = r.digest;
      expect(r.digest, `threads ${threads}`).toBe(digest);
    }
  }, 150_000);

  it('an evacuation that cannot get a page keeps the rest of the candidate in place (aborted evacuation)', async () => {
    for (const threads of THREADS) {
      // The old generation fills its limit with pages a quarter live, all of them candidates at the
      // next GC, and evacuation may take one page beyond it: the first candidates move, the rest abort.
      const opts = { threads, maxOldSpaceSize: 2, initialOldSpaceSize: 2, compactionFragmentationPercent: 1, compactionQuotaMb: 64, incrementalMarking: false } as const;
      await withSim(opts, (sim) => {
        sim.gc.setEvacuationHeadroomForTesting(1);
        const m = sim.mutator;
        const keep = m.allocate(m.arrayMap, 4000, true);
        m.setGlobal('keep', keep);
        let k = 0;
        for (let i = 0; k < 4000 && sim.gc.events.length < 1; i++) {
          const s = m.openScope();
          const o = m.allocate(m.arrayMap, 60, true);
          m.setSmi(o, 0, i);
          if (i % 4 === 0) m.set(keep, k++, o);
          m.closeScope(s);
        }
        // The first GC (at the limit) left every page a quarter live: now all are candidates.
        m.collect('major');
        const aborted = sim.gc.events.reduce((n, e) => n + e.abortedCandidates, 0);
        expect(aborted, `threads ${threads}`).toBeGreaterThan(0);
        expect(sim.gc.verifyErrors).toEqual([]);
        for (let j = 0; j < k; j++) {
          const s = m.openScope();
          expect(m.getSmi(m.get(keep, j), 0)).toBe(j * 4);
          m.closeScope(s);
        }
        m.collect('major');
        expect(sim.verify()).toEqual([]);
      });
    }
  }, 60_000);
});

describe('empty pages go back to the pool', () => {
  it('garbage alternating between old pointer and old data space runs many cycles in a limit a few times the live size', async () => {
    for (const threads of THREADS) {
      await withSim({ threads, maxOldSpaceSize: 8, initialOldSpaceSize: 2 }, (sim) => {
        const m = sim.mutator;
        const live = m.allocate(m.arrayMap, 100, true);
        m.setGlobal('live', live);
        for (let i = 0; i < 100; i++) {
          const s = m.openScope();
          m.set(live, i, m.allocateString(8000, i, true));
          m.closeScope(s);
        }
        // ~0.8 MB live; each round allocates 8 MB of garbage in one space, then in the other.
        for (let round = 0; round < 12; round++) {
          for (let i = 0; i < 1000; i++) {
            const s = m.openScope();
            if (round % 2 === 0) m.allocateString(8000, i, true);
            else m.allocate(m.arrayMap, 2000, true);
            m.closeScope(s);
          }
        }
        const released = sim.gc.events.reduce((n, e) => n + e.releasedPages, 0);
        expect(released, `threads ${threads}`).toBeGreaterThan(0);
        // The second full GC marks from scratch, stop-the-world: no floating garbage is left.
        m.collect('major');
        m.collect('major');
        expect(sim.gc.events.at(-1)!.afterBytes).toBeLessThan(1.5 * 1048576);
        expect(sim.verify()).toEqual([]);
      });
    }
  }, 60_000);
});

describe('verifier', () => {
  it('reports a pointer into an object the last marking found dead on a page not yet swept', async () => {
    // threads 1 with concurrent sweeping: pages are swept lazily, by later allocation steps.
    await withSim({ threads: 1, concurrentSweeping: true }, (sim) => {
      const m = sim.mutator;
      const s = m.openScope();
      const a = m.allocate(m.arrayMap, 1, true);
      m.setGlobal('a', a);
      const dead = m.allocate(m.arrayMap, 1, true);
      const deadAddr = m.addressOf(dead);
      m.closeScope(s);
      m.collect('major');
      expect(sim.gc.sweepingActive).toBe(true);
      expect(sim.verify()).toEqual([]);
      const s2 = m.openScope();
      const aAddr = m.addressOf(m.getGlobal('a'));
      m.closeScope(s2);
      sim.heap.mem[aAddr + 2] = (deadAddr << 1) | 1; // behind the barrier's back
      expect(verifyHeap(sim.heap).join('\n')).toMatch(/slot 0 of the object at .* points to .*not a live object/);
    });
  });
});

import { describe, it, expect } from 'vitest';
import { withSim, allVerifyErrors } from '../helpers/sim.ts';
import { TEST_NO_POINTER_UPDATE } from '../../src/heap/heap.ts';
import { KIND_TAGGED, PAGE_BITS, SPACE_LO, SPACE_FREE } from '../../src/heap/layout.ts';
import type { Simulator } from '../../src/experiments/simulator.ts';
import { HeapVerificationError } from '../../src/gc/gc-controller.ts';

/** Fills whole old pages with tenured records held by `table`; returns the pages used. */
function fillOldPages(sim: Simulator, count: number): { table: number; pages: number[] } {
  const m = sim.mutator;
  const rec = m.maps.define('record', KIND_TAGGED);
  const table = m.allocate(m.arrayMap, count, true);
  m.setGlobal('table', table);
  const pages = new Set<number>();
  for (let i = 0; i < count; i++) {
    const s = m.openScope();
    const o = m.allocate(rec, 14, true); // 64 bytes
    m.setSmi(o, 0, i);
    m.set(table, i, o);
    pages.add(m.addressOf(o) >>> PAGE_BITS);
    m.closeScope(s);
  }
  return { table, pages: [...pages] };
}

describe('MarkCompactCollector', () => {
  // Marking counts an object's bytes when it visits it; the scavenger counts the copy of a marked
  // young object it promotes. A grey one (marked, not yet visited) would be counted twice, once by
  // each, unless the marking worklist's update after the scavenge takes one back. The verifier
  // compares every old page's counted live bytes with the bytes of its marked objects.
  it('counts a grey young object that a scavenge promotes during marking once', async () => {
    for (const threads of [1, 2]) {
      await withSim({ threads, concurrentMarking: false }, (sim) => {
        const m = sim.mutator;
        const n = 2000;
        const holder = m.allocate(m.arrayMap, n, true);
        m.setGlobal('holder', holder);
        for (let i = 0; i < n; i++) {
          const s = m.openScope();
          m.set(holder, i, m.allocate(m.arrayMap, 4 + (i & 7)));
          m.closeScope(s);
        }
        m.collect('minor'); // the young objects survive once: the next scavenge promotes them
        sim.gc.startMarking();
        // One step visits the holder: its young objects are marked and queued, not yet visited.
        sim.gc.markingStep(1);
        expect(sim.gc.markingActive).toBe(true);
        m.collect('minor');
        expect(() => m.collect('major')).not.toThrow();
        expect(sim.gc.events.at(-1)!.markedBytes).toBeGreaterThanOrEqual(n * (2 + 4) * 4);
        expect(allVerifyErrors(sim)).toEqual([]);
      });
    }
  });

  it('keeps a large object at its address across every kind of GC, and frees an unreachable one', async () => {
    await withSim({}, (sim) => {
      const m = sim.mutator;
      const big = m.allocate(m.arrayMap, 100_000);
      const s = m.openScope();
      const dead = m.allocate(m.arrayMap, 100_000);
      const deadPage = m.addressOf(dead) >>> PAGE_BITS;
      m.closeScope(s);
      const small = m.allocate(m.arrayMap, 2);
      m.set(big, 5, small);
      const addr = m.addressOf(big);
      expect(sim.heap.spaceOf(addr)).toBe(SPACE_LO);
      m.collect('minor');
      expect(m.addressOf(big)).toBe(addr);
      m.collect('major');
      expect(m.addressOf(big)).toBe(addr);
      m.collect('minor');
      m.collect('major');
      expect(m.addressOf(big)).toBe(addr);
      expect(m.same(m.get(big, 5), small)).toBe(true);
      expect(sim.heap.spaceOf(deadPage << PAGE_BITS)).toBe(SPACE_FREE);
      expect(allVerifyErrors(sim)).toEqual([]);
    });
  });

  it('moves objects off fragmented pages only; a page above the threshold is swept in place', async () => {
    await withSim({ compactionFragmentationPercent: 70 }, (sim) => {
      const m = sim.mutator;
      const n = 3 * 4096; // three pages of 64-byte records
      const { table, pages } = fillOldPages(sim, n);
      const pageOf = (i: number) => {
        const s = m.openScope();
        const p = m.addressOf(m.get(table, i)) >>> PAGE_BITS;
        m.closeScope(s);
        return p;
      };
      const sparse = pageOf(0);
      const dense = pageOf(n / 2);
      expect(sparse).not.toBe(dense);
      // sparse page: keep 1 in 10 (90% free); dense page: keep 9 in 10 (10% free)
      for (let i = 0; i < n; i++) {
        const p = pageOf(i);
        const keep = p === sparse ? i % 10 === 0 : p === dense ? i % 10 !== 0 : true;
        if (!keep) m.setSmi(table, i, 0);
      }
      const addrBefore = new Map<number, number>();
      for (let i = 0; i < n; i++) {
        if (m.isSmiField(table, i)) continue;
        const s = m.openScope();
        addrBefore.set(i, m.addressOf(m.get(table, i)));
        m.closeScope(s);
      }
      const digest = sim.digest();
      // Candidates are chosen when marking starts, from the pages' allocated words: the first GC
      // sweeps the dead records, the second sees the sparse page mostly free and evacuates it.
      m.collect('major');
      expect(sim.gc.events.at(-1)!.evacuationCandidates).toBe(0);
      m.collect('major');
      const ev = sim.gc.events.at(-1)!;
      expect(ev.pageMap!.find((e) => e.page === sparse)!.candidate).toBe(true);
      expect(ev.pageMap!.find((e) => e.page === dense)!.candidate).toBe(false);
      for (const e of ev.pageMap!) if (e.candidate) expect(e.liveBytes).toBeLessThanOrEqual(0.3 * e.sizeBytes);
      for (const [i, before] of addrBefore) {
        const s = m.openScope();
        const now = m.addressOf(m.get(table, i));
        m.closeScope(s);
        const wasCandidate = ev.pageMap!.find((e) => e.page === before >>> PAGE_BITS)!.candidate;
        if (wasCandidate) expect(now >>> PAGE_BITS).not.toBe(before >>> PAGE_BITS);
        else expect(now).toBe(before);
      }
      expect(sim.heap.spaceOf(sparse << PAGE_BITS)).toBe(SPACE_FREE);
      expect(pages.length).toBeGreaterThanOrEqual(3);
      expect(sim.digest()).toBe(digest);
      expect(allVerifyErrors(sim)).toEqual([]);
    });
  });

  it('with --never-compact sweeps every page and moves nothing old', async () => {
    await withSim({ neverCompact: true }, (sim) => {
      const m = sim.mutator;
      const { table } = fillOldPages(sim, 4096);
      for (let i = 0; i < 4096; i++) if (i % 10 !== 0) m.setSmi(table, i, 0);
      m.collect('major');
      expect(sim.gc.events.at(-1)!.evacuationCandidates).toBe(0);
      expect(allVerifyErrors(sim)).toEqual([]);
    });
  });

  it('negative control: without pointer updating the verifier sees pointers to moved objects', async () => {
    await withSim({}, (sim) => {
      const m = sim.mutator;
      const { table } = fillOldPages(sim, 4096);
      for (let i = 0; i < 4096; i++) if (i % 10 !== 0) m.setSmi(table, i, 0);
      m.collect('major');
      sim.setTestFlagsForTesting(TEST_NO_POINTER_UPDATE);
      expect(() => m.collect('major')).toThrow(HeapVerificationError);
      expect(sim.gc.events.at(-1)!.evacuationCandidates).toBeGreaterThan(0);
      expect(sim.gc.verifyErrors.join('\n')).toMatch(/not a live object/);
    });
  });
});

import { describe, it, expect } from 'vitest';
import { withSim, allVerifyErrors } from '../helpers/sim.ts';
import { TEST_KEEP_STALE_FREE_LISTS, PAGE_NEEDS_SWEEP } from '../../src/heap/heap.ts';
import { KIND_TAGGED, PAGE_BITS } from '../../src/heap/layout.ts';
import type { Simulator } from '../../src/experiments/simulator.ts';

/**
 * Old pages with free memory on the free list, then more garbage and a mark-compact that leaves
 * the pages waiting for the (lazy, threads = 1) sweeper; then one old-space allocation. Nothing
 * is young and nothing is compacted, so the pause moves nothing and only sweeping is at stake.
 */
function scenario(sim: Simulator, beforeSecondGc: () => void = () => {}): { page: number; unsweptBefore: boolean } {
  const m = sim.mutator;
  const rec = m.maps.define('record', KIND_TAGGED);
  const n = 8192;
  const table = m.allocate(m.arrayMap, n, true);
  m.setGlobal('table', table);
  for (let i = 0; i < n; i++) {
    const s = m.openScope();
    m.set(table, i, m.allocate(rec, 6, true));
    m.closeScope(s);
  }
  for (let i = 0; i < n; i += 2) m.setSmi(table, i, 0);
  m.collect('major'); // sweeps: every other record's memory is on the free list now
  const s = m.openScope();
  const page = m.addressOf(m.get(table, 1)) >>> PAGE_BITS;
  m.closeScope(s);
  for (let i = 1; i < n; i += 4) m.setSmi(table, i, 0);
  sim.gc.finishSweepingOnMainThread();
  beforeSecondGc();
  m.collect('major'); // its pages now wait for the sweeper
  const unsweptBefore = (sim.heap.pageFlags(page) & PAGE_NEEDS_SWEEP) !== 0;
  const s2 = m.openScope();
  m.allocate(rec, 6, true);
  m.closeScope(s2);
  return { page, unsweptBefore };
}

describe('Sweeper', () => {
  it('leaves pages to be swept after the pause, and allocation never lands on one before it is swept', async () => {
    await withSim({ threads: 1, concurrentSweeping: true, neverCompact: true }, (sim) => {
      const r = scenario(sim);
      expect(r.unsweptBefore).toBe(true);
      expect(allVerifyErrors(sim)).toEqual([]);
    });
  });

  it('negative control: free-list nodes kept across the pause hand out unswept memory, and the verifier sees it', async () => {
    await withSim({ threads: 1, concurrentSweeping: true, neverCompact: true }, (sim) => {
      scenario(sim, () => sim.setTestFlagsForTesting(TEST_KEEP_STALE_FREE_LISTS));
      expect(allVerifyErrors(sim).join('\n')).toMatch(/allocations landed on pages that were not swept yet/);
    });
  });

  it('sweeps in the pause with --no-concurrent-sweeping', async () => {
    await withSim({ threads: 1, concurrentSweeping: false, neverCompact: true }, (sim) => {
      const r = scenario(sim);
      expect(r.unsweptBefore).toBe(false);
      expect(allVerifyErrors(sim)).toEqual([]);
    });
  });
});

/**
 * Concurrent marking under the work-distribution scheme that never steals (`--balance static`).
 * The main thread marks the roots, and its barrier records and steps land on its own stack, so
 * the concurrent markers are dealt its segments (`WorklistLocal.dealer`): without that they had no
 * work at all under static. What they leave published when the finalization pause stops them is
 * gathered on the main thread's stack (`Worklist.gatherPublished`), which the main thread drains
 * even when no helper joins the pause. TEST_KEEP_MARKER_LEFTOVERS, its negative control, leaves
 * that work on the helpers' stacks, and the live objects behind it unmarked.
 */
import { describe, expect, it } from 'vitest';
import { allVerifyErrors, withSim } from '../helpers/sim.ts';
import { KIND_TAGGED } from '../../src/heap/layout.ts';
import { TEST_KEEP_MARKER_LEFTOVERS } from '../../src/heap/heap.ts';
import type { Simulator } from '../../src/experiments/simulator.ts';

const CHAINS = 64;
const N = 200_000;

/** Bytes the helpers have counted live in this cycle (their rows of the per-thread live table). */
function helperLiveBytes(sim: Simulator): number {
  const live = sim.shared.threadLive;
  const pages = live.length / sim.options.threads;
  let sum = 0;
  for (let i = pages; i < live.length; i++) sum += Atomics.load(live, i);
  return sum;
}

/**
 * N two-slot records in old space, in CHAINS linked lists held by one array; marking started,
 * then finished by a full GC once a helper has marked some of it concurrently (but, at the
 * ~20-50 ns per object one marker takes, not all of it). Returns the verifier's errors, and
 * whether the helper marked before the full GC.
 */
function markWhileHelpersHoldWork(sim: Simulator, flags: number): { errors: string[]; helperMarked: boolean } {
  const m = sim.mutator;
  const rec = m.maps.define('record', KIND_TAGGED);
  const holder = m.allocate(m.arrayMap, CHAINS, true);
  m.setGlobal('holder', holder);
  for (let c = 0; c < CHAINS; c++) {
    const s = m.openScope();
    let prev = m.allocate(rec, 2, true);
    for (let i = 1; i < N / CHAINS; i++) {
      const o = m.allocate(rec, 2, true);
      m.set(o, 0, prev);
      prev = o;
    }
    m.set(holder, c, prev);
    m.closeScope(s);
  }
  sim.gc.startMarking();
  const t0 = performance.now();
  while (helperLiveBytes(sim) === 0 && performance.now() - t0 < 5000) {
    // the helper was woken at startMarking and takes the main thread's first segment
  }
  const helperMarked = helperLiveBytes(sim) > 0;
  sim.setTestFlagsForTesting(flags);
  try {
    m.collect('major');
  } catch (e) {
    // option verifyHeap: a verifier error after the GC throws
    return { errors: [String(e)], helperMarked };
  } finally {
    sim.setTestFlagsForTesting(0);
  }
  return { errors: allVerifyErrors(sim), helperMarked };
}

const OPTIONS = { threads: 2, balance: 'static', helperJoin: 'dynamic', concurrentMarking: true, maxOldSpaceSize: 128, initialOldSpaceSize: 32 } as const;

describe('concurrent marking under the static scheme', () => {
  it('deals the main thread\'s work to the concurrent marker, and the pause takes what it left: verifier clean', async () => {
    for (let run = 0; run < 3; run++) {
      const r = await withSim(OPTIONS, (sim) => markWhileHelpersHoldWork(sim, 0));
      expect(r.helperMarked, `run ${run}`).toBe(true);
      expect(r.errors, `run ${run}`).toEqual([]);
    }
  }, 60_000);

  it('negative control: with the helper\'s leftovers left on its stack, live objects go unmarked', async () => {
    // A helper that joins the pause in time drains its own stack: the loss needs the main thread
    // to finish first. Up to ten tries.
    let caught = false;
    for (let run = 0; run < 10 && !caught; run++) {
      const r = await withSim(OPTIONS, (sim) => markWhileHelpersHoldWork(sim, TEST_KEEP_MARKER_LEFTOVERS));
      expect(r.helperMarked).toBe(true);
      caught = r.errors.length > 0;
    }
    expect(caught).toBe(true);
  }, 120_000);
});

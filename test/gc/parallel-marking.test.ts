/**
 * Option parallelMarking (V8 --parallel-marking). Off, the stop-the-world mark of every full GC
 * (a cycle's finalization after concurrent marking, or a whole mark) runs on the main thread
 * alone at any thread count (what the concurrent markers left is gathered on its stack first:
 * test/gc/static-concurrent-marking.test.ts); the other phases keep their helpers. So a figure
 * can mark, with one thread, a heap that parallel scavenges laid out (bench/figures/mark-speedup.ts).
 */
import { describe, expect, it } from 'vitest';
import { runOne } from '../../src/experiments/run.ts';
import type { GCEvent } from '../../src/metrics/result.ts';
import { NO_WARMUP, SMALL, SMALL_HEAP } from '../helpers/small.ts';

/** The thread counts of the run's `mc.mark` phases, and of its other parallel phases. */
function participants(events: readonly GCEvent[]): { mark: number[]; other: number[] } {
  const mark: number[] = [];
  const other: number[] = [];
  for (const e of events) for (const p of e.parallel) (p.name === 'mc.mark' ? mark : other).push(p.threads.length);
  return { mark, other };
}

describe('option parallelMarking', () => {
  // fragmenter: eight mark-compacts with compaction, whose other phases keep every helper
  // (helperJoin all).
  it.each([
    [2, 'steal'],
    [2, 'static'],
    [4, 'steal'],
  ] as const)('off at threads = %i (%s): every mc.mark on the main thread alone, the same digest, verifier clean', async (threads, balance) => {
    const params = SMALL.fragmenter;
    const common = { ...SMALL_HEAP, ...NO_WARMUP, verifyHeap: true };
    const base = await runOne({ workload: 'fragmenter', seed: 1, params, options: { ...common, threads: 1 } });
    const off = await runOne({ workload: 'fragmenter', seed: 1, params, options: { ...common, threads, balance, helperJoin: 'all', parallelMarking: false } });
    expect(base.error).toBeNull();
    expect(off.error).toBeNull();
    expect(off.verify.errors).toEqual([]);
    expect(off.digest).toBe(base.digest);
    const p = participants(off.events);
    expect(p.mark.length).toBeGreaterThan(0);
    expect(p.mark.every((n) => n === 1)).toBe(true);
    // The other phases keep the helpers: at helperJoin all, every thread is in each of them.
    expect(p.other.length).toBeGreaterThan(0);
    expect(p.other.every((n) => n === threads)).toBe(true);
  }, 60_000);

  // The control: the check above can see helpers in a mark. By default, with every helper in
  // every phase, each mc.mark has all the threads.
  it('on (the default) at threads = 2: every mc.mark has both threads', async () => {
    const on = await runOne({ workload: 'fragmenter', seed: 1, params: SMALL.fragmenter, options: { ...SMALL_HEAP, ...NO_WARMUP, verifyHeap: true, threads: 2, helperJoin: 'all' } });
    expect(on.error).toBeNull();
    const p = participants(on.events);
    expect(p.mark.length).toBeGreaterThan(0);
    expect(p.mark.every((n) => n === 2)).toBe(true);
  }, 60_000);
});

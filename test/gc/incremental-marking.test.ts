/**
 * The incremental step schedule (src/gc/incremental-marking.ts): a step marks twice what was
 * allocated since the last one (at least 64 KiB), plus the words the marking barrier shaded since
 * then, because a step counts every object it visits, those the barrier shaded included. Without
 * the barrier's share, marking at threads = 1 falls behind a mutator that stores a lot, and its
 * cycles end at the hard limit with their marking left for the pause.
 */
import { describe, it, expect } from 'vitest';
import { IncrementalMarking } from '../../src/gc/incremental-marking.ts';
import { runOne } from '../../src/experiments/run.ts';
import { NO_WARMUP } from '../helpers/small.ts';

describe('IncrementalMarking', () => {
  it('sizes a step by the allocation and the barrier work since the last one', () => {
    const m = new IncrementalMarking();
    m.begin(false, 1, 0, 1000, 500, 0);
    expect(m.nextStepWords(1000, 500)).toBe(16384); // nothing since: the least a step marks
    expect(m.nextStepWords(1000 + 20_000, 500)).toBe(40_000);
    expect(m.nextStepWords(1000 + 20_000 + 100, 500 + 7_000)).toBe(16384 + 7_000);
    expect(m.nextStepWords(1000 + 40_100, 7_500 + 3)).toBe(40_000 + 3);
  });

  it('lets marking at threads = 1 finish before the hard limit on splay, whose stores shade many objects', async () => {
    const r = await runOne({ workload: 'splay', options: { ...NO_WARMUP, threads: 1 } });
    expect(r.error).toBeNull();
    const cycles = r.events.filter((e) => e.incremental !== null);
    expect(cycles.length).toBeGreaterThanOrEqual(3);
    // The first cycle starts while the tree is being built and meets the hard limit; the later
    // ones run out of marking work first.
    for (const e of cycles.slice(1)) {
      expect(e.reason).toBe('finalize incremental marking via stack guard');
      expect(e.incremental!.barrierRecords).toBeGreaterThan(10_000);
    }
  }, 60_000);
});

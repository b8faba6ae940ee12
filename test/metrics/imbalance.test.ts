import { describe, expect, it } from 'vitest';
import { efficiency, imbalanceStats, loadImbalance, phaseImbalance, speedup } from '../../src/metrics/imbalance.ts';
import { phase, threadStats } from './fixtures.ts';

describe('imbalanceStats', () => {
  it('gives G1 min/avg/max/diff/sum/n and max/mean', () => {
    const s = imbalanceStats([1, 2, 3, 6]);
    expect(s).toEqual({ n: 4, min: 1, avg: 3, max: 6, diff: 5, sum: 12, loadImbalance: 2 });
  });

  it('is 1.0 for perfect balance and n when one thread does everything', () => {
    expect(imbalanceStats([2, 2, 2]).loadImbalance).toBe(1);
    expect(loadImbalance([0, 0, 9])).toBe(3);
  });

  it('defines the empty and all-zero cases as balanced', () => {
    expect(imbalanceStats([])).toEqual({ n: 0, min: 0, avg: 0, max: 0, diff: 0, sum: 0, loadImbalance: 1 });
    expect(loadImbalance([0, 0])).toBe(1);
  });
});

describe('speedup and efficiency', () => {
  it('divides the one-thread time by the N-thread time', () => {
    expect(speedup(10, 4)).toBe(2.5);
    expect(efficiency(10, 4, 4)).toBe(0.625);
    expect(efficiency(10, 2.5, 4)).toBe(1);
  });

  it('handles zero times', () => {
    expect(speedup(0, 0)).toBe(1);
    expect(speedup(1, 0)).toBe(Infinity);
    expect(() => efficiency(1, 1, 0)).toThrow(RangeError);
  });
});

describe('phaseImbalance', () => {
  it('summarises every per-thread column of a phase', () => {
    const p = phaseImbalance(
      phase('scavenge.parallel', [
        threadStats(0, 0, 4, { busyMs: 3, idleMs: 1, objects: 10, stealsSucceeded: 2 }),
        threadStats(1, 1, 4, { busyMs: 1, idleMs: 2, objects: 30, stealsSucceeded: 0 }),
      ]),
    );
    expect(p.name).toBe('scavenge.parallel');
    expect(p.busyMs).toMatchObject({ min: 1, max: 3, sum: 4, n: 2, loadImbalance: 1.5 });
    expect(p.spanMs).toMatchObject({ min: 3, max: 4 });
    expect(p.objects).toMatchObject({ sum: 40, diff: 20 });
    expect(p.stealsSucceeded.sum).toBe(2);
    expect(p.preemptedMs).toBeNull(); // not recorded
  });

  it('summarises the wait for a CPU when every thread has it', () => {
    const p = phaseImbalance(
      phase('mc.evacuate.copy', [
        threadStats(0, 0, 20, { busyMs: 20, preemptedMs: 0 }),
        threadStats(1, 0, 28, { busyMs: 28, preemptedMs: 8 }),
      ]),
    );
    expect(p.preemptedMs).toMatchObject({ min: 0, max: 8, sum: 8, n: 2 });
  });
});

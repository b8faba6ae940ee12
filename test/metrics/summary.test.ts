import { describe, expect, it } from 'vitest';
import { summarizeRun, timelineFromEvents } from '../../src/metrics/summary.ts';
import { mmuCurve } from '../../src/metrics/mmu.ts';
import { gcEvent } from './fixtures.ts';
import type { TimelineInterval } from '../../src/metrics/gc-tracer.ts';

describe('summarizeRun', () => {
  const events = [
    gcEvent({ index: 0, type: 'scavenge', startMs: 10, pauseMs: 2 }),
    gcEvent({ index: 1, type: 'scavenge', startMs: 30, pauseMs: 4 }),
    gcEvent({
      index: 2,
      type: 'mark-compact',
      startMs: 60,
      pauseMs: 10,
      incremental: { stepsMs: 3, steps: 2, biggestStepMs: 2, walltimeMs: 20, concurrentMsPerThread: [], barrierRecords: 0, floatingGarbageBytes: 0 },
    }),
  ];
  const s = summarizeRun(events, 100, { workUnits: 500, allocatedBytes: 12345, windowsMs: [1, 10, 20, 100] });

  it('summarises pauses overall and per collector', () => {
    expect(s.pauses).toEqual({ count: 3, totalMs: 16, p50: 4, p90: 10, p95: 10, p99: 10, max: 10 });
    expect(s.pausesByType.scavenge).toEqual({ count: 2, totalMs: 6, p50: 2, p90: 4, p95: 4, p99: 4, max: 4 });
    expect(s.pausesByType['mark-compact'].count).toBe(1);
  });

  it('computes MMU and BMU from the pauses', () => {
    expect(s.mmu).toEqual(mmuCurve(timelineFromEvents(events, 100), [1, 10, 20, 100]));
    expect(s.mmu.map((p) => p.util)).toEqual([0, 0, 0.5, 0.84]);
    expect(s.bmu[3].util).toBeCloseTo(0.84, 15);
    expect(s.bmu[2].util).toBe(0.5);
  });

  it('without a timeline, counts the pauses as GC time', () => {
    expect(s.gcMs).toBe(16);
    expect(s.gcOverhead).toBe(0.16);
    expect(s.wallMs).toBe(100);
    expect(s.mutatorThroughput).toBe(5000); // 500 units in 0.1 s
    expect(s.allocatedBytes).toBe(12345);
  });

  it('uses the default windows, and lists every collector even when absent', () => {
    const t = summarizeRun([], 50, { workUnits: 0, allocatedBytes: 0 });
    expect(t.mmu.map((p) => p.windowMs)).toEqual([1, 2, 5, 10, 20, 50]);
    expect(t.mmu.every((p) => p.util === 1)).toBe(true);
    expect(Object.keys(t.pausesByType).sort()).toEqual(['mark-compact', 'scavenge']);
    expect(t.gcOverhead).toBe(0);
  });

  it('takes partial utilisation into MMU', () => {
    const t = summarizeRun([], 100, { workUnits: 0, allocatedBytes: 0, windowsMs: [10], utilization: [{ startMs: 0, durationMs: 50, util: 0.5 }] });
    expect(t.mmu[0].util).toBe(0.5);
  });

  it('derives MMU and GC overhead from one timeline of pauses and incremental steps, so they agree', () => {
    // 100 ms run: a scavenge pause [10, 12), steps [20, 21) [25, 26) [30, 32), the finalizing pause
    // [40, 44) with a sub-phase inside it, and a helper's concurrent marking [15, 40) that the
    // mutator does not see. Stopped: 2 + 1 + 1 + 2 + 4 = 10 ms.
    const timeline: TimelineInterval[] = [
      { kind: 'pause', thread: 0, name: 'scavenge', startMs: 10, durationMs: 2, gc: 0 },
      { kind: 'step', thread: 0, name: 'mc.incremental.start', startMs: 20, durationMs: 1, gc: 1 },
      { kind: 'concurrent', thread: 1, name: 'mc.background.mark', startMs: 15, durationMs: 25, gc: 1, busyMs: 20 },
      { kind: 'step', thread: 0, name: 'mc.incremental', startMs: 25, durationMs: 1, gc: 1 },
      { kind: 'step', thread: 0, name: 'mc.incremental', startMs: 30, durationMs: 2, gc: 1 },
      { kind: 'pause', thread: 0, name: 'mark-compact', startMs: 40, durationMs: 4, gc: 1 },
      { kind: 'phase', thread: 0, name: 'mc.mark', startMs: 40.5, durationMs: 3, gc: 1 },
    ];
    const evs = [gcEvent({ index: 0, startMs: 10, pauseMs: 2 }), gcEvent({ index: 1, type: 'mark-compact', startMs: 40, pauseMs: 4 })];
    const t = summarizeRun(evs, 100, { workUnits: 0, allocatedBytes: 0, windowsMs: [1, 2, 5, 10, 12, 100], timeline });
    expect(t.gcMs).toBe(10);
    expect(t.gcOverhead).toBe(0.1);
    // w = 1, 2: a window inside a pause. w = 5: [40, 45) holds the 4 ms pause. w = 10: [34, 44)
    // holds 4 ms (the steps alone hold at most 3). w = 12: [20, 32), [30, 42) and [32, 44) hold
    // 4 ms each. w = 100: the whole run, 1 - 10/100.
    expect(t.mmu.map((p) => p.util)).toEqual([0, 0, 0.2, 0.6, 8 / 12, 0.9]);
    expect(t.mmu.at(-1)!.util).toBeCloseTo(1 - t.gcOverhead, 15);
  });

  it('handles a run of no length', () => {
    const t = summarizeRun([], 0, { workUnits: 10, allocatedBytes: 0 });
    expect(t).toMatchObject({ gcOverhead: 0, mutatorThroughput: 0, mmu: [], bmu: [] });
    expect(() => summarizeRun([], -1, { workUnits: 0, allocatedBytes: 0 })).toThrow(RangeError);
  });
});

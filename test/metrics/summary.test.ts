import { describe, expect, it } from 'vitest';
import { summarizeRun, timelineFromEvents } from '../../src/metrics/summary.ts';
import { mmuCurve } from '../../src/metrics/mmu.ts';
import { gcEvent } from './fixtures.ts';

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

  it('counts pauses and incremental steps as GC time', () => {
    expect(s.gcMs).toBe(19);
    expect(s.gcOverhead).toBe(0.19);
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

  it('handles a run of no length', () => {
    const t = summarizeRun([], 0, { workUnits: 10, allocatedBytes: 0 });
    expect(t).toMatchObject({ gcOverhead: 0, mutatorThroughput: 0, mmu: [], bmu: [] });
    expect(() => summarizeRun([], -1, { workUnits: 0, allocatedBytes: 0 })).toThrow(RangeError);
  });
});

import { describe, expect, it } from 'vitest';
import { findMinHeap, minHeapLine, type MinHeapSpec } from '../../src/experiments/minheap.ts';
import { expandMatrix, validateSweepSpec } from '../../src/experiments/sweep-matrix.ts';
import type { TrialOutcome } from '../../src/experiments/trial-worker-client.ts';
import { spec } from './sweep-fixtures.ts';

const SPEC: MinHeapSpec = { workload: 'splay', seed: 1, params: {}, options: {}, resolutionMb: 0.25, maxMb: 128, trialTimeoutMs: 60_000 };

/** A stand-in run that completes exactly when the limit is at least `needMb`. */
function fakeRun(needMb: number) {
  return async (_s: MinHeapSpec, heapMb: number): Promise<TrialOutcome> =>
    heapMb >= needMb
      ? { result: null, failure: null, hostMs: 1 }
      : { result: null, failure: { kind: 'oom', message: 'FATAL ERROR: Reached heap limit' }, hostMs: 1 };
}

describe('findMinHeap', { timeout: 10_000 }, () => {
  it('bisects to the smallest limit that completes, one resolution step above the largest that fails', async () => {
    const r = await findMinHeap(SPEC, undefined, fakeRun(12.3));
    expect(r).toMatchObject({ minHeapMb: 12.5, failsAtMb: 12.25, resolutionMb: 0.25 });
    expect(r.probes.length).toBeLessThanOrEqual(2 + Math.ceil(Math.log2(128 / 0.25)));
    expect(minHeapLine(r)).toBe(`minimum heap of splay (seed 1): 12.5 MB (completes at 12.5 MB, fails at 12.25 MB; resolution 0.25 MB, ${r.probes.length} runs)`);
  });

  it('says when even the largest limit fails, or the smallest completes', async () => {
    expect(await findMinHeap(SPEC, undefined, fakeRun(500))).toMatchObject({ minHeapMb: null, failsAtMb: 128 });
    expect(await findMinHeap(SPEC, undefined, fakeRun(0.5))).toMatchObject({ minHeapMb: 1, failsAtMb: null });
    expect(await findMinHeap({ ...SPEC, resolutionMb: 2 }, undefined, fakeRun(9))).toMatchObject({ minHeapMb: 10, failsAtMb: 8 });
  });

  it('refuses a failure that is not about the heap size, and a bad resolution', async () => {
    const crash = async (): Promise<TrialOutcome> => ({ result: null, failure: { kind: 'fault', message: 'helper died' }, hostMs: 1 });
    await expect(findMinHeap(SPEC, undefined, crash)).rejects.toThrow(/another reason than the heap size/);
    await expect(findMinHeap({ ...SPEC, resolutionMb: 0.1 }, undefined, fakeRun(1))).rejects.toThrow(/--resolution/);
  });
});

describe('--heap-factor', { timeout: 10_000 }, () => {
  it('is an axis of old-generation limits relative to each workload’s minimum heap', () => {
    const s = spec({ workloads: ['splay', 'gcbench'], options: { threads: [1] }, heapFactors: [1.5, 2], minHeapMb: { splay: 10, gcbench: 3.1 } });
    validateSweepSpec(s);
    const cs = expandMatrix(s);
    expect(cs.map((c) => [c.label, c.resolvedOptions.maxOldSpaceSize])).toEqual([
      ['splay heap-factor=1.5 threads=1', 15],
      ['splay heap-factor=2 threads=1', 20],
      ['gcbench heap-factor=1.5 threads=1', 4.75], // 4.65 rounded up to 0.25 MB
      ['gcbench heap-factor=2 threads=1', 6.25],
    ]);
    expect(() => validateSweepSpec({ ...s, minHeapMb: { splay: 10 } })).toThrow(/minimum heap of gcbench/);
    expect(() => validateSweepSpec({ ...s, options: { maxOldSpaceSize: [64] } })).toThrow(/give one or the other/);
  });
});

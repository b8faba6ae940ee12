/** Builders for GC events and run results in metrics and report tests. */

import type { GCEvent, PhaseRecord, RunResult, ThreadPhaseStats } from '../../src/metrics/result.ts';

export const MB = 1024 * 1024;

export function threadStats(thread: number, startMs: number, endMs: number, over: Partial<ThreadPhaseStats> = {}): ThreadPhaseStats {
  return {
    thread,
    startMs,
    endMs,
    busyMs: endMs - startMs,
    idleMs: 0,
    objects: 0,
    bytes: 0,
    stealsAttempted: 0,
    stealsSucceeded: 0,
    ...over,
  };
}

export function phase(name: string, threads: ThreadPhaseStats[]): PhaseRecord {
  const start = Math.min(...threads.map((t) => t.startMs));
  const end = Math.max(...threads.map((t) => t.endMs));
  return { name, startMs: start, durationMs: end - start, threads };
}

export function gcEvent(over: Partial<GCEvent> = {}): GCEvent {
  return {
    index: 0,
    type: 'scavenge',
    reason: 'allocation failure',
    collectorReason: '',
    startMs: 0,
    pauseMs: 1,
    timeToSafepointMs: 0,
    beforeBytes: 4 * MB,
    afterBytes: 3 * MB,
    beforeCommittedBytes: 8 * MB,
    afterCommittedBytes: 8 * MB,
    phasesMs: {},
    parallel: [],
    survivedBytes: 0,
    promotedBytes: 0,
    evacuatedBytes: 0,
    incremental: null,
    evacuationCandidates: 0,
    evacuationCandidateBytes: 0,
    abortedCandidates: 0,
    releasedPages: 0,
    markedBytes: 0,
    sweptPages: 0,
    pageMap: null,
    ...over,
  };
}

export function runResult(over: Partial<RunResult> = {}): RunResult {
  return {
    schema: 'gcsim/result@1',
    env: { node: 'v20.20.2', v8: '11.3', cpus: 4, cpuModel: 'test', platform: 'linux', arch: 'x64' },
    config: { threads: 2 },
    workload: { name: 'test', seed: 1, params: {} },
    timeOriginMs: 1_700_000_000_000,
    events: [],
    timeline: [],
    heapSamples: [],
    summary: {
      pauses: { count: 0, totalMs: 0, p50: 0, p90: 0, p95: 0, p99: 0, max: 0 },
      pausesByType: {},
      mmu: [],
      bmu: [],
      wallMs: 100,
      gcMs: 0,
      gcOverhead: 0,
      mutatorThroughput: 0,
      allocatedBytes: 0,
    },
    verify: { checks: 0, errors: [] },
    digest: '',
    error: null,
    ...over,
  };
}

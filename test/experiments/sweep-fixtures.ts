/** Hand-made sweep records for experiments/ and report/ tests (no worker, no timing). */
import type { GCEvent, RunResult } from '../../src/metrics/result.ts';
import { summarizeRun } from '../../src/metrics/summary.ts';
import { resolveOptions } from '../../src/options.ts';
import { expandMatrix, type SweepSpec } from '../../src/experiments/sweep-matrix.ts';
import { SWEEP_SCHEMA, type ConfigurationRecord, type SweepResults, type TrialRecord } from '../../src/experiments/sweep-results.ts';
import { summarizeSweep } from '../../src/experiments/sweep-summary.ts';
import { gcEvent, phase, runResult, threadStats } from '../metrics/fixtures.ts';

export function spec(over: Partial<SweepSpec> = {}): SweepSpec {
  return { workloads: ['splay'], params: {}, options: { threads: [1, 2] }, trials: 2, warmup: 0, seed: 1, varySeed: false, trialTimeoutMs: 60_000, ...over };
}

/** A run whose pauses are `pauses` (ms, one GC every 20 ms, alternating scavenge / mark-compact). */
export function fakeRun(threads: number, pauses: number[], over: Partial<RunResult> = {}): RunResult {
  const events: GCEvent[] = pauses.map((p, i) => {
    const startMs = 10 + 20 * i;
    const type = i % 2 === 0 ? 'scavenge' : 'mark-compact';
    const name = type === 'scavenge' ? 'scavenge.parallel' : 'mc.evacuate.copy';
    const ts = Array.from({ length: threads }, (_, t) => threadStats(t, startMs + 0.1, startMs + p * (t === 0 ? 0.9 : 0.6), { objects: 100 * (t + 1), stealsSucceeded: t }));
    return gcEvent({
      index: i,
      type,
      startMs,
      pauseMs: p,
      phasesMs: { [name]: p * 0.9 },
      parallel: [phase(name, ts)],
      evacuationCandidates: type === 'mark-compact' ? 1 : 0,
      evacuationCandidateBytes: 0,
      abortedCandidates: 0,
      releasedPages: 0,
      markedBytes: 0,
      sweptPages: 0,
      pageMap:
        type === 'mark-compact'
          ? [
              { page: 3, space: 'old_pointer', liveBytes: 200_000, sizeBytes: 262_144, candidate: false, afterLiveBytes: 200_000 },
              { page: 4, space: 'old_pointer', liveBytes: 30_000, sizeBytes: 262_144, candidate: true, afterLiveBytes: 0 },
              { page: 7, space: 'old_data', liveBytes: 100_000, sizeBytes: 262_144, candidate: false, afterLiveBytes: 90_000 },
            ]
          : null,
    });
  });
  const wallMs = 20 * pauses.length + 20;
  return runResult({
    config: { ...resolveOptions({ threads }) },
    workload: { name: 'splay', seed: 1, params: { treeSize: 500 } },
    events,
    heapSamples: events.flatMap((e) => [
      { tMs: e.startMs, usedBytes: 4 << 20, committedBytes: 8 << 20 },
      { tMs: e.startMs + e.pauseMs, usedBytes: 3 << 20, committedBytes: 8 << 20 },
    ]),
    summary: summarizeRun(events, wallMs, { workUnits: 10, allocatedBytes: 1 << 20 }),
    digest: 'abcdef0123456789',
    ...over,
  });
}

/**
 * splay at threads 1 and 2, two trials each; `runs[c][k]` gives trial k of configuration c
 * (a RunResult, or a failure for a trial whose worker died).
 */
export function fakeSweep(runs: (RunResult | { kind: 'crash'; message: string })[][], over: Partial<SweepSpec> = {}): SweepResults {
  const sp = spec({ trials: runs[0].length, ...over });
  const configs = expandMatrix(sp);
  let index = 0;
  const records: ConfigurationRecord[] = configs.map((c) => ({ ...c, trials: [], summary: { ok: 0, failed: 0, representative: null, metrics: {}, warnings: [], scaling: null } }));
  for (let k = 0; k < sp.trials; k++) {
    for (let c = 0; c < configs.length; c++) {
      const r = runs[c][k];
      const isRun = 'schema' in r;
      const failure = isRun ? (r.error ? { kind: r.error.kind, message: r.error.message } : null) : { kind: r.kind, message: r.message };
      const t: TrialRecord = { index: index++, configId: configs[c].id, trial: k, seed: 1, status: failure ? 'failed' : 'ok', failure, hostMs: 500, result: isRun ? r : null };
      records[c].trials.push(t);
    }
  }
  return summarizeSweep({
    schema: SWEEP_SCHEMA,
    createdAt: '2026-01-01T00:00:00.000Z',
    finishedAt: '2026-01-01T00:01:00.000Z',
    status: 'complete',
    command: 'gcsim sweep --workload splay --threads 1,2',
    env: { node: 'v20.20.2', v8: '11.3', cpus: 2, cpuModel: 'test', platform: 'linux', arch: 'x64' },
    load: { start: [0.5, 0.4, 0.3], end: [0.6, 0.5, 0.4] },
    spec: sp,
    plannedTrials: index,
    configurations: records,
    failures: [],
    warnings: [],
  });
}

/** The standard fixture: threads 1 pauses ~ 10, 20, 40 ms; threads 2 about half. */
export function standardSweep(): SweepResults {
  return fakeSweep([
    [fakeRun(1, [10, 20, 40, 12]), fakeRun(1, [10, 21, 40, 12])],
    [fakeRun(2, [5, 10, 20, 6]), fakeRun(2, [5, 11, 21, 6])],
  ]);
}

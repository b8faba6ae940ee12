/**
 * The default experiment (`gcsim experiment`, `npm start`): Octane's splay, the classic GC
 * latency benchmark, at 1, 2 and 4 threads, three measured trials each in a seeded random order,
 * compared with threads = 1. No warm-up trials: every run already warms the JIT up on a scratch
 * heap first (src/experiments/warmup.ts), and a discarded round would add a third to the time,
 * which must stay under a minute on a 2-core machine (measured: docs/experiments.md).
 * threads = 4 there oversubscribes the cores, which is part of what it shows.
 */
import { DEFAULT_TRIAL_TIMEOUT_MS, type SweepSpec } from './sweep-matrix.ts';

export function defaultExperiment(over: Partial<Pick<SweepSpec, 'trials' | 'warmup' | 'seed'>> = {}): SweepSpec {
  return {
    workloads: ['splay'],
    params: {},
    options: { threads: [1, 2, 4] },
    trials: 3,
    warmup: 0,
    seed: 1,
    varySeed: false,
    trialTimeoutMs: DEFAULT_TRIAL_TIMEOUT_MS,
    baseline: 'threads=1',
    ...over,
  };
}

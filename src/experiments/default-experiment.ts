/**
 * The default experiment (`gcsim experiment`, `npm start`): Octane's splay, the classic GC
 * latency benchmark, at 1, 2 and 4 threads, three measured trials after one warm-up each. On a
 * 2-core machine it takes well under a minute; threads = 4 there oversubscribes the cores, which
 * is part of what it shows.
 */
import { DEFAULT_TRIAL_TIMEOUT_MS, type SweepSpec } from './sweep-matrix.ts';

export function defaultExperiment(over: Partial<Pick<SweepSpec, 'trials' | 'warmup' | 'seed'>> = {}): SweepSpec {
  return {
    workloads: ['splay'],
    params: {},
    options: { threads: [1, 2, 4] },
    trials: 3,
    warmup: 1,
    seed: 1,
    varySeed: false,
    trialTimeoutMs: DEFAULT_TRIAL_TIMEOUT_MS,
    ...over,
  };
}

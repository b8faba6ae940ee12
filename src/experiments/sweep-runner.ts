/**
 * Runs a sweep: every planned trial in a fresh worker thread of its own (trial-worker-client),
 * one at a time so trials do not compete for this machine's cores. A failed trial (run error,
 * crash, timeout) is recorded with its failure and the sweep goes on; an abort (Ctrl-C) stops
 * after killing the running trial and returns everything measured so far. Main thread.
 */
import os from 'node:os';
import { environment } from './run.ts';
import { expandMatrix, planTrials, validateSweepSpec, type PlannedTrial, type SweepConfiguration, type SweepSpec } from './sweep-matrix.ts';
import { SWEEP_SCHEMA, type ConfigurationRecord, type SweepResults, type TrialRecord } from './sweep-results.ts';
import { summarizeSweep } from './sweep-summary.ts';
import { runTrialInWorker, type TrialOutcome } from './trial-worker-client.ts';
import type { CrashMode, TrialProgress } from './trial-worker-api.ts';
import { sampleLoad, trialLoad } from './machine-load.ts';
import { inShard, type Shard } from './sweep-shards.ts';

export interface SweepHooks {
  /** A trial is about to start; `done` trials (warm-ups included) of `total` have run. */
  onTrialStart?(t: PlannedTrial, config: SweepConfiguration, done: number, total: number): void;
  onTrialProgress?(t: PlannedTrial, config: SweepConfiguration, p: TrialProgress): void;
  /** A trial ended; `record` is null for a warm-up (discarded). */
  onTrialEnd?(t: PlannedTrial, config: SweepConfiguration, outcome: TrialOutcome, record: TrialRecord | null): void;
  /** After every measured trial: the results so far (status `running`), e.g. to checkpoint. */
  onCheckpoint?(results: SweepResults): void;
  /** Abort: the running trial is killed and the sweep returns with status `interrupted`. */
  signal?: AbortSignal;
  /** The command line, recorded in the results. */
  command?: string;
  /** Run only this shard's slice of the measured trials (sweep-shards.ts); warm-ups run on every shard. */
  shard?: Shard | null;
  /** ForTesting: the measured trial with this index dies in the given way. */
  crashForTesting?: { index: number; mode: CrashMode } | null;
}

/** Validates the spec (UsageError), then runs it. Resolves with every trial measured. */
export async function runSweep(spec: SweepSpec, hooks: SweepHooks = {}): Promise<SweepResults> {
  validateSweepSpec(spec);
  const configs = expandMatrix(spec);
  const shard = hooks.shard ?? null;
  const plan = planTrials(spec, configs).filter((t) => t.warmup || inShard(t.index, shard));
  const records: ConfigurationRecord[] = configs.map((c) => ({
    ...c,
    trials: [],
    summary: { ok: 0, failed: 0, representative: null, metrics: {}, warnings: [], scaling: null },
  }));
  const results: SweepResults = {
    schema: SWEEP_SCHEMA,
    createdAt: new Date().toISOString(),
    finishedAt: null,
    status: 'running',
    command: hooks.command ?? null,
    env: environment(),
    load: { start: os.loadavg(), end: null },
    spec,
    plannedTrials: plan.filter((t) => !t.warmup).length,
    configurations: records,
    failures: [],
    warnings: [],
  };

  let done = 0;
  for (const t of plan) {
    if (hooks.signal?.aborted) break;
    const config = configs[t.configIndex];
    hooks.onTrialStart?.(t, config, done, plan.length);
    const crash = hooks.crashForTesting && !t.warmup && hooks.crashForTesting.index === t.index ? hooks.crashForTesting.mode : null;
    const before = sampleLoad();
    const outcome = await runTrialInWorker(
      { workload: config.workload, seed: t.seed, params: config.params, options: config.options, crashForTesting: crash },
      {
        timeoutMs: spec.trialTimeoutMs,
        signal: hooks.signal,
        onProgress: hooks.onTrialProgress ? (p) => hooks.onTrialProgress!(t, config, p) : undefined,
      },
    );
    const load = trialLoad(before, sampleLoad());
    done++;
    // A trial cut short by Ctrl-C measured nothing worth keeping.
    if (outcome.failure?.kind === 'interrupted') break;
    let record: TrialRecord | null = null;
    if (!t.warmup) {
      record = {
        index: t.index,
        configId: config.id,
        trial: t.trial,
        seed: t.seed,
        status: outcome.failure === null ? 'ok' : 'failed',
        failure: outcome.failure,
        hostMs: outcome.hostMs,
        result: outcome.result,
        load,
      };
      records[t.configIndex].trials.push(record);
    }
    hooks.onTrialEnd?.(t, config, outcome, record);
    if (record !== null && hooks.onCheckpoint) hooks.onCheckpoint(summarizeSweep(results));
  }
  results.status = hooks.signal?.aborted ? 'interrupted' : 'complete';
  results.finishedAt = new Date().toISOString();
  results.load!.end = os.loadavg();
  return summarizeSweep(results);
}

/**
 * The record of a sweep, `gcsim/sweep@1`: the spec, every configuration with every measured
 * trial's full `gcsim/result@1` (or its failure), per-configuration summaries across trials,
 * and sweep-wide warnings. Written as results.json; `gcsim report` reads it back (checked with
 * zod at the top level; a single `gcsim/result@1` file is accepted and wrapped as a sweep).
 */
import fs from 'node:fs';
import { z } from 'zod';
import type { RunResult } from '../metrics/result.ts';
import type { TrialStats } from '../metrics/trials.ts';
import type { RatioFigure, RatioVerdict, StatisticsMethod } from '../metrics/intervals.ts';
import { resolveOptions, type GcOptions } from '../options.ts';
import type { SweepConfiguration, SweepSpec } from './sweep-matrix.ts';
import { DEFAULT_TRIAL_TIMEOUT_MS } from './sweep-matrix.ts';
import type { TrialFailure } from './trial-worker-api.ts';
import { UsageError } from './run.ts';

export const SWEEP_SCHEMA = 'gcsim/sweep@1';

export interface TrialRecord {
  /** Position among the sweep's measured trials, in run order. */
  index: number;
  configId: string;
  /** Trial number within the configuration. */
  trial: number;
  seed: number;
  status: 'ok' | 'failed';
  failure: TrialFailure | null;
  /** Main-thread wall time of the trial, worker start-up included. */
  hostMs: number;
  /** The run's record: complete, partial (a run failure), or null (the worker died first). */
  result: RunResult | null;
  /** The machine while the trial ran (absent in older results). */
  load?: TrialLoad;
}

/** Conditions of one trial: other work on the machine adds noise. */
export interface TrialLoad {
  /** os.loadavg()[0] when the trial started and ended. */
  loadStart: number;
  loadEnd: number;
  cpus: number;
  /**
   * CPU time of other processes during the trial, in cores (from /proc/stat less this process's
   * own CPU time); null where /proc/stat is not readable.
   */
  otherBusyCores: number | null;
  /** loadEnd above the core count, or other processes kept at least half a core busy. */
  busy: boolean;
}

/** A configuration's figure against its baseline: the ratio of medians, its interval and what it supports. */
export interface BaselineFigure extends RatioFigure {
  verdict: RatioVerdict;
}

export interface BaselineSummary {
  baselineId: string;
  baselineLabel: string;
  figures: Record<string, BaselineFigure>;
}

/** Geometric mean across workloads of one setting's ratios to its baselines. */
export interface GeomeanRow {
  /** The setting: the configuration label without its workload (`threads=2`). */
  setting: string;
  metric: string;
  geomean: number;
  /** Geometric means of the ratios' interval bounds (indicative, not an interval of the mean). */
  lo: number;
  hi: number;
  workloads: number;
}

export interface ScalingFigure {
  /** Median at threads = 1 and at this configuration's thread count. */
  baselineMs: number;
  ms: number;
  speedup: number;
  efficiency: number;
}

/** Speedup and parallel efficiency against the configuration of the same group at threads = 1. */
export interface ScalingSummary {
  baselineId: string;
  threads: number;
  figures: Record<string, ScalingFigure>;
}

export interface ConfigurationSummary {
  ok: number;
  failed: number;
  /** `index` of the representative trial (the median by total pause time), or null. */
  representative: number | null;
  /** Median, min, max and spread of every metric over the successful trials. */
  metrics: Record<string, TrialStats>;
  /** Metrics whose trials disagree by more than 10% (one line each). */
  warnings: string[];
  scaling: ScalingSummary | null;
  /** Ratios to the baseline configuration (absent for the baseline itself and in older results). */
  baseline?: BaselineSummary | null;
  /**
   * Pauses per trial (median) and, per percentile, which pause it is: nearest-rank p99 of 39
   * pauses is the 39th, the max. `{ count: 39, p99: 'the max', p95: '38th of 39', … }`.
   */
  pauseSample?: { count: number; ranks: Record<string, string> };
}

export interface ConfigurationRecord extends SweepConfiguration {
  trials: TrialRecord[];
  summary: ConfigurationSummary;
}

export interface SweepFailure {
  index: number;
  configId: string;
  label: string;
  trial: number;
  kind: TrialFailure['kind'];
  message: string;
}

export interface SweepResults {
  schema: typeof SWEEP_SCHEMA;
  createdAt: string;
  finishedAt: string | null;
  /** `running` in a checkpoint written while the sweep goes on. */
  status: 'running' | 'complete' | 'interrupted';
  /** The command line, for the report. */
  command: string | null;
  /** The main thread's environment (each trial's result has its own). */
  env: RunResult['env'];
  /** os.loadavg() when the sweep started and ended: other work on the machine adds noise. */
  load?: { start: number[]; end: number[] | null };
  spec: SweepSpec;
  /** Trials planned (warm-ups excluded) and trials run (measured). */
  plannedTrials: number;
  configurations: ConfigurationRecord[];
  failures: SweepFailure[];
  /** Sweep-wide: digest mismatches between configurations, failures, interruption. */
  warnings: string[];
  /** How medians' and ratios' intervals were computed (filled in by summarizeSweep). */
  statistics?: StatisticsMethod & { baseline: string };
  /** Geometric means across workloads of each setting's ratios to its baseline. */
  geomeans?: GeomeanRow[];
}

// ---- reading -------------------------------------------------------------------------------------

const envSchema = z.object({ node: z.string(), cpus: z.number() }).loose();
const runSchema = z
  .object({
    schema: z.literal('gcsim/result@1'),
    env: envSchema,
    config: z.record(z.string(), z.unknown()),
    workload: z.object({ name: z.string(), seed: z.number(), params: z.record(z.string(), z.unknown()) }).loose(),
    timeOriginMs: z.number(),
    events: z.array(z.object({ type: z.string(), startMs: z.number(), pauseMs: z.number() }).loose()),
    heapSamples: z.array(z.object({ tMs: z.number(), usedBytes: z.number() }).loose()),
    summary: z.object({ pauses: z.object({ count: z.number() }).loose(), wallMs: z.number() }).loose(),
  })
  .loose();
const trialSchema = z
  .object({ index: z.number(), configId: z.string(), trial: z.number(), status: z.enum(['ok', 'failed']), result: runSchema.nullable() })
  .loose();
const sweepSchema = z
  .object({
    schema: z.literal(SWEEP_SCHEMA),
    status: z.enum(['running', 'complete', 'interrupted']),
    env: envSchema,
    spec: z.object({ workloads: z.array(z.string()), trials: z.number() }).loose(),
    configurations: z.array(
      z.object({ id: z.string(), label: z.string(), group: z.string(), workload: z.string(), trials: z.array(trialSchema), summary: z.object({}).loose() }).loose(),
    ),
    failures: z.array(z.object({}).loose()),
    warnings: z.array(z.string()),
  })
  .loose();

/** Parses results.json text (or one run's `gcsim/result@1`); throws UsageError with one line. */
export function parseSweepResults(text: string, source = 'input'): SweepResults {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${source} is not JSON: ${(e as Error).message}`);
  }
  const schema = (data as { schema?: unknown } | null)?.schema;
  if (schema === 'gcsim/result@1') {
    const r = runSchema.safeParse(data);
    if (!r.success) throw new UsageError(`${source}: not a valid gcsim/result@1 record: ${issueLine(r.error)}`);
    return sweepOfRun(data as RunResult);
  }
  if (schema !== SWEEP_SCHEMA) {
    throw new UsageError(`${source}: expected a ${SWEEP_SCHEMA} (results.json of gcsim sweep) or gcsim/result@1 file, found schema ${JSON.stringify(schema ?? null)}`);
  }
  const r = sweepSchema.safeParse(data);
  if (!r.success) throw new UsageError(`${source}: not a valid ${SWEEP_SCHEMA} record: ${issueLine(r.error)}`);
  return data as SweepResults;
}

function issueLine(err: z.ZodError): string {
  const i = err.issues[0];
  return `${i.path.length > 0 ? i.path.join('.') + ': ' : ''}${i.message}`;
}

export function readSweepResults(file: string): SweepResults {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read '${file}': ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return parseSweepResults(text, file);
}

/** One run (`gcsim run --json`) as a sweep of one configuration and one trial, for `gcsim report`. */
export function sweepOfRun(run: RunResult): SweepResults {
  let resolvedOptions: GcOptions;
  try {
    resolvedOptions = resolveOptions(run.config);
  } catch {
    resolvedOptions = run.config as unknown as GcOptions;
  }
  const threads = Number(run.config.threads ?? 1);
  const params = Object.fromEntries(Object.entries(run.workload.params).map(([k, v]) => [k, Number(v)]));
  const failure = run.error ? { kind: run.error.kind, message: run.error.message } : null;
  const trial: TrialRecord = { index: 0, configId: 'c0', trial: 0, seed: run.workload.seed, status: failure ? 'failed' : 'ok', failure, hostMs: run.summary.wallMs, result: run };
  const spec: SweepSpec = {
    workloads: [run.workload.name],
    params: {},
    options: { threads: [threads] },
    trials: 1,
    warmup: 0,
    seed: run.workload.seed,
    varySeed: false,
    trialTimeoutMs: DEFAULT_TRIAL_TIMEOUT_MS,
  };
  const label = `${run.workload.name} threads=${threads}`;
  return {
    schema: SWEEP_SCHEMA,
    createdAt: new Date(run.timeOriginMs).toISOString(),
    finishedAt: null,
    status: 'complete',
    command: null,
    env: run.env,
    spec,
    plannedTrials: 1,
    configurations: [
      {
        id: 'c0',
        label,
        group: run.workload.name,
        workload: run.workload.name,
        params,
        options: { threads },
        resolvedOptions,
        resolvedParams: params,
        trials: [trial],
        summary: { ok: 0, failed: 0, representative: null, metrics: {}, warnings: [], scaling: null },
      },
    ],
    failures: failure ? [{ index: 0, configId: 'c0', label, trial: 0, kind: failure.kind, message: failure.message }] : [],
    warnings: [],
  };
}

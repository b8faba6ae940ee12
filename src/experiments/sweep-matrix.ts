/**
 * A sweep's specification and its matrix: workloads × every listed workload parameter × every
 * listed collector option (any option of src/options.ts, so new options sweep with no code
 * here) × trials, with warm-up trials in front. Validation throws UsageError with one line.
 * Pure; the CLI turns command-line text into a SweepSpec (src/cli/sweep-command.ts).
 */
import { OPTION_TABLE, OptionError, optionFlag, resolveOptions, type GcOptions, type OptionName } from '../options.ts';
import { WORKLOADS } from '../workloads/index.ts';
import { UsageError, resolveParams } from './run.ts';

export type OptionValue = GcOptions[OptionName];

export interface SweepSpec {
  workloads: string[];
  /** Workload parameters, each a list of values: an axis of the matrix when it has two or more. */
  params: Record<string, number[]>;
  /** Collector options (names from OPTION_TABLE), each a list of values: likewise. */
  options: Partial<Record<OptionName, OptionValue[]>>;
  /** Measured trials per configuration (≥ 1). */
  trials: number;
  /** Trials per configuration run first and discarded (≥ 0). */
  warmup: number;
  /** Seed of every trial, or of trial 0 with `varySeed` (trial k gets seed + k). */
  seed: number;
  varySeed: boolean;
  /** A trial still running after this long is killed and recorded as a `timeout`. */
  trialTimeoutMs: number;
}

export const DEFAULT_TRIAL_TIMEOUT_MS = 10 * 60_000;

/** One cell of the matrix: a workload with one value per parameter and option given. */
export interface SweepConfiguration {
  /** `c0`, `c1`… in matrix order. */
  id: string;
  /** `splay threads=2 balance=static`: the workload and every axis value, flags as on the CLI. */
  label: string;
  /** The label without `threads=…`: configurations of one group differ only in thread count. */
  group: string;
  workload: string;
  /** The parameters and options given (lists collapsed to this cell's value), unresolved. */
  params: Record<string, number>;
  options: Partial<GcOptions>;
  /** Every option, resolved (defaults filled in). */
  resolvedOptions: GcOptions;
  resolvedParams: Record<string, number>;
}

/** One trial to run, in run order. Warm-ups have `index` -1. */
export interface PlannedTrial {
  configIndex: number;
  /** Trial number within its configuration (0-based; warm-ups count separately). */
  trial: number;
  warmup: boolean;
  /** Position among the measured trials of the sweep (0-based), or -1 for a warm-up. */
  index: number;
  seed: number;
}

function usage(msg: string): never {
  throw new UsageError(msg);
}

/** Checks a spec; throws UsageError naming the first problem. */
export function validateSweepSpec(spec: SweepSpec): void {
  if (spec.workloads.length === 0) usage('empty workload list: give --workload NAME[,NAME…]');
  const seen = new Set<string>();
  for (const w of spec.workloads) {
    if (!WORKLOADS[w]) usage(`unknown workload '${w}' (try: ${Object.keys(WORKLOADS).join(', ')})`);
    if (seen.has(w)) usage(`workload '${w}' is listed twice`);
    seen.add(w);
  }
  if (!Number.isInteger(spec.trials) || spec.trials < 1) usage(`bad --trials ${spec.trials}: at least 1 trial per configuration`);
  if (!Number.isInteger(spec.warmup) || spec.warmup < 0) usage(`bad --warmup ${spec.warmup}: a whole number of trials, 0 or more`);
  if (!Number.isSafeInteger(spec.seed)) usage(`bad --seed ${spec.seed}: an integer`);
  if (!(spec.trialTimeoutMs > 0)) usage(`bad --trial-timeout ${spec.trialTimeoutMs}: a positive number of ms`);
  for (const [name, values] of Object.entries(spec.options)) {
    if (!(name in OPTION_TABLE)) usage(`unknown option '${optionFlag(name)}'`);
    checkList(optionFlag(name), values as unknown[]);
  }
  for (const [name, values] of Object.entries(spec.params)) {
    checkList(`--param ${name}`, values);
    for (const w of spec.workloads) {
      if (!(name in WORKLOADS[w].params)) {
        usage(`unknown parameter '${name}' for workload ${w} (has: ${Object.keys(WORKLOADS[w].params).join(', ')})`);
      }
    }
  }
  // Every cell must resolve: bounds per value, and rules that tie options together.
  expandMatrix(spec);
}

function checkList(what: string, values: unknown[]): void {
  if (!Array.isArray(values) || values.length === 0) usage(`empty list for ${what}`);
  const s = new Set(values.map((v) => String(v)));
  if (s.size !== values.length) usage(`${what} lists a value twice (${values.join(',')})`);
}

/** The cartesian product, in the order given: workloads outermost, then parameters, then options. */
export function expandMatrix(spec: SweepSpec): SweepConfiguration[] {
  const paramAxes = Object.entries(spec.params);
  const optionAxes = Object.entries(spec.options) as [OptionName, OptionValue[]][];
  const out: SweepConfiguration[] = [];
  for (const workload of spec.workloads) {
    let cells: { params: Record<string, number>; options: Partial<Record<OptionName, OptionValue>> }[] = [{ params: {}, options: {} }];
    for (const [name, values] of paramAxes) cells = cells.flatMap((c) => values.map((v) => ({ ...c, params: { ...c.params, [name]: v } })));
    for (const [name, values] of optionAxes) cells = cells.flatMap((c) => values.map((v) => ({ ...c, options: { ...c.options, [name]: v } })));
    for (const c of cells) {
      let resolvedParams: Record<string, number>;
      let resolvedOptions: GcOptions;
      try {
        resolvedParams = resolveParams(workload, c.params);
        resolvedOptions = resolveOptions(c.options);
      } catch (e) {
        if (e instanceof OptionError || e instanceof UsageError) usage(`${e.message} (in ${cellLabel(workload, c.params, c.options, spec)})`);
        throw e;
      }
      const label = cellLabel(workload, c.params, c.options, spec);
      const group = cellLabel(workload, c.params, c.options, spec, true);
      out.push({ id: `c${out.length}`, label, group, workload, params: c.params, options: c.options as Partial<GcOptions>, resolvedOptions, resolvedParams });
    }
  }
  return out;
}

/**
 * `splay threads=2 balance=static`: the workload, then every axis that varies in the sweep, plus
 * `threads` always (unless `withoutThreads`). Single-valued settings are left out: they are the
 * same for every cell and shown once in the report's configuration table.
 */
function cellLabel(
  workload: string,
  params: Record<string, number>,
  options: Partial<Record<OptionName, OptionValue>>,
  spec: SweepSpec,
  withoutThreads = false,
): string {
  const parts = [workload];
  for (const [k, v] of Object.entries(params)) if ((spec.params[k]?.length ?? 0) > 1) parts.push(`${k}=${v}`);
  for (const [k, v] of Object.entries(options)) {
    if (k === 'threads') continue;
    if (((spec.options as Record<string, unknown[]>)[k]?.length ?? 0) > 1) parts.push(`${optionFlag(k).slice(2)}=${String(v)}`);
  }
  if (!withoutThreads) parts.push(`threads=${String(options.threads ?? OPTION_TABLE.threads.default)}`);
  return parts.join(' ');
}

/**
 * Run order: warm-up rounds first, then measured rounds; each round visits every configuration
 * once, so slow drift of the machine (thermal, other tenants) spreads over all configurations
 * instead of biasing the ones that ran last.
 */
export function planTrials(spec: SweepSpec, configs: readonly SweepConfiguration[]): PlannedTrial[] {
  const plan: PlannedTrial[] = [];
  for (let r = 0; r < spec.warmup; r++) {
    for (let c = 0; c < configs.length; c++) plan.push({ configIndex: c, trial: r, warmup: true, index: -1, seed: spec.seed });
  }
  let index = 0;
  for (let r = 0; r < spec.trials; r++) {
    for (let c = 0; c < configs.length; c++) {
      plan.push({ configIndex: c, trial: r, warmup: false, index: index++, seed: spec.varySeed ? spec.seed + r : spec.seed });
    }
  }
  return plan;
}

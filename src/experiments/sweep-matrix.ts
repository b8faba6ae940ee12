/**
 * A sweep's specification and its matrix: workloads × every listed workload parameter × every
 * listed collector option (any option of src/options.ts, so new options sweep with no code
 * here) × trials, with warm-up trials in front. Validation throws UsageError with one line.
 * Pure; the CLI turns command-line text into a SweepSpec (src/cli/sweep-command.ts).
 */
import { OPTION_TABLE, OptionError, optionFlag, resolveOptions, type GcOptions, type OptionName } from '../options.ts';
import { WORKLOADS } from '../workloads/index.ts';
import { UsageError, resolveParams } from './run.ts';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { smokeParams } from './smoke.ts';

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
  /**
   * The configuration every other one is compared with (ratios with intervals): axis values
   * `threads=1` or `threads=1 balance=static` (axes not named keep the configuration's own
   * value), or null for the first value of every axis. Older results have none.
   */
  baseline?: string | null;
  /** Smoke mode (src/experiments/smoke.ts): small workload sizes for parameters not given. */
  smoke?: boolean;
  /**
   * Heap factors (an axis `heap-factor`): each cell's --max-old-space-size is the factor times
   * its workload's minimum heap (`minHeapMb`, from `gcsim minheap`), rounded up to 0.25 MB.
   */
  heapFactors?: number[];
  minHeapMb?: Record<string, number>;
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
  if (!Number.isInteger(spec.seed) || spec.seed < -2147483648 || spec.seed > 2147483647) usage(`bad --seed ${spec.seed}: an integer from -2147483648 to 2147483647`);
  if (spec.varySeed && spec.seed + spec.trials - 1 > 2147483647) usage(`bad --seed ${spec.seed} with --vary-seed: trial ${spec.trials - 1}'s seed would pass 2147483647`);
  if (!(spec.trialTimeoutMs > 0)) usage(`bad --trial-timeout ${spec.trialTimeoutMs}: a positive number of ms`);
  if (spec.heapFactors !== undefined) {
    checkList('--heap-factor', spec.heapFactors);
    for (const f of spec.heapFactors) if (!(Number.isFinite(f) && f > 0 && f <= 100)) usage(`bad --heap-factor ${f}: a number above 0 (1 = the minimum heap), at most 100`);
    if (spec.options.maxOldSpaceSize !== undefined) usage('--heap-factor sets --max-old-space-size: give one or the other');
    for (const w of spec.workloads) {
      const mb = spec.minHeapMb?.[w];
      if (mb === undefined) usage(`--heap-factor needs the minimum heap of ${w}: give --min-heap ${w}=MB (from gcsim minheap), or let the sweep measure it`);
      if (!(mb > 0)) usage(`bad --min-heap ${w}=${mb}: a positive number of MB`);
    }
  }
  if (spec.baseline) parseBaseline(spec, spec.baseline);
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
    let factors: (number | null)[] = [null];
    if (spec.heapFactors !== undefined && spec.minHeapMb?.[workload] !== undefined) factors = spec.heapFactors;
    const minMb = spec.minHeapMb?.[workload] ?? 0;
    const withFactor = cells.flatMap((c) =>
      factors.map((f) => ({
        ...c,
        heapFactor: f,
        options: f === null ? c.options : { ...c.options, maxOldSpaceSize: Math.min(OPTION_TABLE.maxOldSpaceSize.max, Math.max(OPTION_TABLE.maxOldSpaceSize.min, Math.ceil(f * minMb * 4) / 4)) },
      })),
    );
    for (const c of withFactor) {
      let resolvedParams: Record<string, number>;
      let resolvedOptions: GcOptions;
      if (spec.smoke) c.params = { ...smokeParams(workload, c.params, Object.keys(WORKLOADS[workload].params)), ...c.params };
      try {
        resolvedParams = resolveParams(workload, c.params);
        resolvedOptions = resolveOptions(c.options);
      } catch (e) {
        if (e instanceof OptionError || e instanceof UsageError) usage(`${e.message} (in ${cellLabel(workload, c.params, c.options, spec, false, c.heapFactor)})`);
        throw e;
      }
      const label = cellLabel(workload, c.params, c.options, spec, false, c.heapFactor);
      const group = cellLabel(workload, c.params, c.options, spec, true, c.heapFactor);
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
  heapFactor: number | null = null,
): string {
  const parts = [workload];
  for (const [k, v] of Object.entries(params)) if ((spec.params[k]?.length ?? 0) > 1) parts.push(`${k}=${v}`);
  if (heapFactor !== null && (spec.heapFactors?.length ?? 0) > 1) parts.push(`heap-factor=${heapFactor}`);
  for (const [k, v] of Object.entries(options)) {
    if (k === 'threads') continue;
    if (((spec.options as Record<string, unknown[]>)[k]?.length ?? 0) > 1) parts.push(`${optionFlag(k).slice(2)}=${String(v)}`);
  }
  if (!withoutThreads) parts.push(`threads=${String(options.threads ?? OPTION_TABLE.threads.default)}`);
  return parts.join(' ');
}

/**
 * Run order: every warm-up trial first, then every measured trial, each list in a random order
 * seeded by the sweep's seed (running-ng's randomised order): a slow drift of the machine
 * (heat, other tenants) then hits every configuration alike instead of biasing the ones that ran
 * last, and the same spec always gives the same order (so shards of one matrix agree). A
 * configuration's trials keep their numbers 0, 1, … in the order they run.
 */
export function planTrials(spec: SweepSpec, configs: readonly SweepConfiguration[]): PlannedTrial[] {
  const g = xoroshiro128plus((spec.seed ^ 0x5a17) | 0);
  const shuffle = <T>(a: T[]): T[] => {
    for (let i = a.length - 1; i > 0; i--) {
      const j = Math.floor(((g.next() >>> 0) / 4294967296) * (i + 1));
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  };
  const slots = (rounds: number): number[] => shuffle(Array.from({ length: rounds * configs.length }, (_, i) => i % configs.length));
  const plan: PlannedTrial[] = [];
  const warmups = new Array<number>(configs.length).fill(0);
  for (const c of slots(spec.warmup)) plan.push({ configIndex: c, trial: warmups[c]++, warmup: true, index: -1, seed: spec.seed });
  const counts = new Array<number>(configs.length).fill(0);
  let index = 0;
  for (const c of slots(spec.trials)) {
    const r = counts[c]++;
    plan.push({ configIndex: c, trial: r, warmup: false, index: index++, seed: spec.varySeed ? spec.seed + r : spec.seed });
  }
  return plan;
}

/**
 * Parses a baseline selector (`threads=1 balance=static`, commas also accepted) against the
 * matrix: each name must be an axis (a workload parameter or option flag without `--`) and the
 * value one of its values. Throws UsageError.
 */
export function parseBaseline(spec: SweepSpec, text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const axes = axisValues(spec);
  for (const part of text.split(/[\s,]+/).filter((p) => p !== '')) {
    const m = /^([A-Za-z][\w-]*)=(.+)$/.exec(part);
    if (!m) usage(`bad --baseline '${text}': AXIS=VALUE[ AXIS=VALUE…], e.g. threads=1`);
    const values = axes.get(m[1]);
    if (!values) usage(`bad --baseline '${text}': '${m[1]}' is not a setting of this sweep (has: ${[...axes.keys()].join(', ')})`);
    if (!values.includes(m[2])) usage(`bad --baseline '${text}': ${m[1]} is ${values.join(',')} in this sweep, not ${m[2]}`);
    if (m[1] in out) usage(`bad --baseline '${text}': ${m[1]} is named twice`);
    out[m[1]] = m[2];
  }
  if (Object.keys(out).length === 0) usage(`bad --baseline '${text}': AXIS=VALUE[ AXIS=VALUE…], e.g. threads=1`);
  return out;
}

/** Every setting of the sweep by its label name (`threads`, `balance`, `treeSize`) with its values as text. */
function axisValues(spec: SweepSpec): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const [k, v] of Object.entries(spec.params)) m.set(k, v.map(String));
  for (const [k, v] of Object.entries(spec.options)) m.set(optionFlag(k).slice(2), (v as unknown[]).map(String));
  if (!m.has('threads')) m.set('threads', [String(OPTION_TABLE.threads.default)]);
  if (spec.heapFactors !== undefined) m.set('heap-factor', spec.heapFactors.map(String));
  return m;
}

/** The label's `name=value` pairs after the workload. */
export function labelAxes(label: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of label.split(' ').slice(1)) {
    const i = part.indexOf('=');
    if (i > 0) out[part.slice(0, i)] = part.slice(i + 1);
  }
  return out;
}

/**
 * The baseline of each configuration (same index order), or -1 for none: the configuration of
 * the same workload whose settings equal the selector's where it names them and the
 * configuration's own elsewhere. Without a selector, the first value of every listed axis.
 */
export function baselineIndices(spec: SweepSpec, configs: readonly { workload: string; label: string }[]): number[] {
  let sel: Record<string, string>;
  if (spec.baseline) sel = parseBaseline(spec, spec.baseline);
  else {
    sel = {};
    for (const [k, v] of axisValues(spec)) if (v.length > 1) sel[k] = v[0];
  }
  const keyOf = (workload: string, axes: Record<string, string>): string =>
    workload + ' ' + Object.keys(axes).sort().map((k) => `${k}=${axes[k]}`).join(' ');
  const byKey = new Map<string, number>();
  configs.forEach((c, i) => byKey.set(keyOf(c.workload, labelAxes(c.label)), i));
  return configs.map((c) => {
    const axes = labelAxes(c.label);
    for (const [k, v] of Object.entries(sel)) if (k in axes) axes[k] = v;
    return byKey.get(keyOf(c.workload, axes)) ?? -1;
  });
}

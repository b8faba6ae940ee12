/**
 * `gcsim sweep`: a matrix of workloads × any option given as a comma-separated list (every
 * option of src/options.ts, through addOptionFlags) × workload parameters × trials. Trials run
 * one by one, each in a fresh worker thread; progress goes to stderr (a bar on a terminal,
 * plain lines otherwise), the pause table and the report's path to stdout. Ctrl-C writes what
 * was measured so far. Exit status: 0 when the sweep ran to the end (failed trials are results,
 * listed in the report; `--strict` makes them exit 1), 130 when interrupted, 2 for bad usage.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command, Option } from 'commander';
import cliProgress from 'cli-progress';
import { OPTION_TABLE, OptionError, optionFlag, parseOptionValue, type OptionName } from '../options.ts';
import { UsageError } from '../experiments/run.ts';
import { DEFAULT_TRIAL_TIMEOUT_MS, expandMatrix, validateSweepSpec, type OptionValue, type PlannedTrial, type SweepConfiguration, type SweepSpec } from '../experiments/sweep-matrix.ts';
import { runSweep, type SweepHooks } from '../experiments/sweep-runner.ts';
import type { SweepResults, TrialRecord } from '../experiments/sweep-results.ts';
import { defaultOutDir, writeResultsJson, writeSweepOutputs, type OutputPaths } from '../report/sweep-output.ts';
import type { TrialOutcome } from '../experiments/trial-worker-client.ts';
import type { CrashMode, TrialProgress } from '../experiments/trial-worker-api.ts';
import { baselineTable, formatTextTable, fmtMs, geomeanTable, pauseSampleNotes, pauseTable } from '../report/tables.ts';
import { engineTable } from '../report/engine-table.ts';
import { CI_METHOD } from '../metrics/intervals.ts';
import { smokeMode } from '../experiments/smoke.ts';
import { ShardWriter, shardFrom, type Shard } from '../experiments/sweep-shards.ts';
import { findMinHeap, minHeapLine } from '../experiments/minheap.ts';
import { smokeParams } from '../experiments/smoke.ts';
import { WORKLOADS } from '../workloads/index.ts';
import type { GcOptions } from '../options.ts';

/** The figures the terminal summary compares with the baseline (the report and results.json have more). */
const SUMMARY_RATIO_METRICS: readonly string[] = ['pauses.p50', 'pauses.p95', 'pauses.max', 'gcOverhead', 'wallMs'];
import { PARAM_MAX, SEED_MAX, SEED_MIN, addOptionFlags, parseIntArg } from './options-cli.ts';
import { UsageFailure, checkWritable, makeOutputDir } from './errors.ts';
import { preloadWorkloadFiles, WorkloadFileError } from '../experiments/workload-file.ts';

export const EXIT_INTERRUPTED = 130;
export const EXIT_TRIALS_FAILED = 1;

export interface SweepInvocation {
  spec: SweepSpec;
  outDir: string;
  crashForTesting: { index: number; mode: CrashMode } | null;
  strict: boolean;
  /** Run one slice of the matrix, appending JSON lines (src/experiments/sweep-shards.ts). */
  shard?: Shard | null;
  /** Workloads whose minimum heap the sweep measures before it starts (--heap-factor without --min-heap). */
  measureMinHeap?: string[];
}

function fail(msg: string): never {
  throw new UsageFailure(msg);
}

/** `a,b,c` → items; rejects an empty list or an empty item. */
export function splitList(text: string, what: string): string[] {
  if (text.trim() === '') fail(`empty list for ${what}`);
  const items = text.split(',').map((s) => s.trim());
  if (items.some((s) => s === '')) fail(`empty item in ${what} '${text}'`);
  return items;
}

/** Counts on the command line (trials, warm-ups, timeouts): parseIntArg's rule, with a sane upper bound. */
export function parseInteger(text: unknown, what: string, min: number, max = 1_000_000_000): number {
  return parseIntArg(text, what, min, max);
}

/** `--param k=v1,v2` (repeatable) → { k: [v1, v2] }. */
export function parseParamLists(list: readonly string[] | undefined): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const kv of list ?? []) {
    const m = /^([A-Za-z][\w-]*)=(.*)$/.exec(kv);
    if (!m) fail(`bad --param '${kv}': expected name=integer[,integer…]`);
    if (m[1] in out) fail(`--param ${m[1]} is given twice`);
    out[m[1]] = splitList(m[2], `--param ${m[1]}`).map((v) => parseIntArg(v, `--param ${m[1]}`, -PARAM_MAX, PARAM_MAX));
  }
  return out;
}

/** Every option of the table given on the command line, as a list of parsed values. */
export function parseOptionLists(raw: Record<string, unknown>): Partial<Record<OptionName, OptionValue[]>> {
  const out: Partial<Record<OptionName, OptionValue[]>> = {};
  for (const name of Object.keys(OPTION_TABLE) as OptionName[]) {
    const v = raw[name];
    if (v === undefined) continue;
    const items = splitList(String(v), optionFlag(name));
    try {
      out[name] = items.map((t) => parseOptionValue(name, t));
    } catch (e) {
      if (e instanceof OptionError) fail(e.message);
      throw e;
    }
  }
  return out;
}

export function parseCrashForTesting(text: unknown): SweepInvocation['crashForTesting'] {
  if (text === undefined) return null;
  const m = /^(\d+)(?::(throw|exit))?$/.exec(String(text));
  if (!m) fail(`bad --crash-trial-for-testing '${String(text)}': INDEX[:throw|exit]`);
  return { index: Number(m[1]), mode: (m[2] as CrashMode | undefined) ?? 'throw' };
}

/** Command-line values → a validated sweep; throws UsageFailure with one line. */
export function sweepInvocationFromCli(raw: Record<string, unknown>): SweepInvocation {
  const workloads = splitList(String(raw.workload ?? ''), '--workload');
  const spec: SweepSpec = {
    workloads,
    params: parseParamLists(raw.param as string[] | undefined),
    options: parseOptionLists(raw),
    trials: parseInteger(raw.trials ?? 3, '--trials', 1),
    warmup: parseInteger(raw.warmup ?? 0, '--warmup', 0),
    seed: parseIntArg(raw.seed ?? 1, '--seed', SEED_MIN, SEED_MAX),
    varySeed: raw.varySeed === true,
    trialTimeoutMs: parseInteger(raw.trialTimeout ?? DEFAULT_TRIAL_TIMEOUT_MS, '--trial-timeout', 1),
    baseline: raw.baseline !== undefined ? String(raw.baseline) : null,
  };
  let measureMinHeap: string[] = [];
  if (raw.heapFactor !== undefined) {
    spec.heapFactors = splitList(String(raw.heapFactor), '--heap-factor').map((t) => {
      const f = Number(t);
      if (!/^\d+(\.\d+)?$/.test(t) || !(f > 0)) fail(`bad --heap-factor '${t}': a number above 0, e.g. 1.5,2,3`);
      return f;
    });
    spec.minHeapMb = parseMinHeaps(raw.minHeap);
    measureMinHeap = workloads.filter((w) => spec.minHeapMb![w] === undefined);
    // Checked now with a stand-in; the sweep measures the real minimum before it starts.
    for (const w of measureMinHeap) spec.minHeapMb[w] = 1;
  } else if (raw.minHeap !== undefined) fail('--min-heap is for --heap-factor');
  if (smokeMode()) applySmoke(spec);
  try {
    validateSweepSpec(spec);
  } catch (e) {
    if (e instanceof UsageError || e instanceof OptionError) fail(e.message);
    throw e;
  }
  return {
    spec,
    outDir: raw.out !== undefined ? String(raw.out) : defaultOutDir(),
    crashForTesting: parseCrashForTesting(raw.crashTrialForTesting),
    strict: raw.strict === true,
    shard: shardOf(raw),
    measureMinHeap,
  };
}

/** `--min-heap splay=12.5,gcbench=40` → { splay: 12.5, gcbench: 40 }. */
function parseMinHeaps(text: unknown): Record<string, number> {
  const out: Record<string, number> = {};
  if (text === undefined) return out;
  for (const item of splitList(String(text), '--min-heap')) {
    const m = /^([\w-]+)=(\d+(?:\.\d+)?)$/.exec(item);
    if (!m || !(Number(m[2]) > 0)) fail(`bad --min-heap '${item}': WORKLOAD=MB, e.g. splay=12.5`);
    out[m[1]] = Number(m[2]);
  }
  return out;
}

function shardOf(raw: Record<string, unknown>): Shard | null {
  try {
    return shardFrom({ shard: raw.shard as string | undefined, shards: raw.shards as string | undefined });
  } catch (e) {
    if (e instanceof UsageError) fail(e.message);
    throw e;
  }
}

/** GCSIM_SMOKE=1 (src/experiments/smoke.ts): 1 trial, no warm-up trials, no JIT warm-up, small workloads. */
export function applySmoke(spec: SweepSpec): void {
  spec.trials = 1;
  spec.warmup = 0;
  spec.smoke = true;
  spec.options.jitWarmup = [false];
}

export function sweepCommand(): Command {
  const cmd = new Command('sweep')
    .description('run a matrix of workloads x options x trials, each trial in its own worker thread; write results and an HTML report')
    .requiredOption('-w, --workload <names>', 'workload(s) to run, comma-separated: built-in names (see `gcsim workloads`) or workload files (./my.js) and V8 heap snapshots (app.heapsnapshot)')
    .option('-t, --trials <k>', 'measured trials per configuration', '3')
    .option('--warmup <w>', 'trials per configuration run first and discarded', '0')
    .option('-s, --seed <n>', 'random seed of every trial', '1')
    .option('--vary-seed', 'trial k uses seed + k instead of the same seed')
    .option('-p, --param <name=values...>', 'workload parameter(s); a comma-separated list sweeps them')
    .option('-o, --out <dir>', 'output directory (default results/<date>-<time>)')
    .option('--trial-timeout <ms>', 'kill a trial running longer than this and record a timeout', String(DEFAULT_TRIAL_TIMEOUT_MS))
    .option('--baseline <axes>', 'the configuration others are compared with, by axis values (e.g. threads=1 or "threads=1 balance=static"; default: the first value of every listed axis)')
    .option('--shard <i/n>', 'run slice I of N of the measured trials, appending one JSON line per trial to DIR/trials-I-of-N.jsonl (join with gcsim merge); also read from SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT')
    .option('--shards <n>', 'the number of shards when the index comes from JOB_COMPLETION_INDEX (a Kubernetes Indexed Job)')
    .option('--heap-factor <factors>', 'an axis of heap sizes: --max-old-space-size = factor x the minimum heap of the workload (e.g. 1.5,2,3)')
    .option('--min-heap <workload=mb,...>', 'minimum heaps for --heap-factor (from gcsim minheap); measured before the sweep when not given')
    .option('--strict', 'exit with status 1 when any trial failed');
  addOptionFlags(cmd, { lists: true });
  cmd.addOption(new Option('--crash-trial-for-testing <index[:mode]>', 'make measured trial INDEX die (throw | exit)').hideHelp());
  cmd.action(async (raw: Record<string, unknown>) => {
    // Workload files in the list are loaded here too, so the matrix can check their parameters.
    await preloadWorkloadFiles(String(raw.workload ?? '')).catch((e: unknown) => {
      throw e instanceof WorkloadFileError ? new UsageFailure(e.message) : e;
    });
    const inv = sweepInvocationFromCli(raw);
    process.exitCode = await executeSweep(inv, { command: commandLine() });
  });
  return cmd;
}

export function commandLine(): string {
  return ['gcsim', ...process.argv.slice(2)].map((a) => (/^[\w./,=:@+-]+$/.test(a) ? a : JSON.stringify(a))).join(' ');
}

// ---- running, with progress ----------------------------------------------------------------------

export interface ExecuteOptions {
  command?: string;
  /** Where progress goes (default process.stderr); a bar only when it is a TTY. */
  progress?: NodeJS.WriteStream;
  /** Where the table and paths go (default process.stdout). */
  out?: NodeJS.WritableStream;
}

/** Runs a validated sweep, writes every output, prints the table; returns the exit status. */
export async function executeSweep(inv: SweepInvocation, opts: ExecuteOptions = {}): Promise<number> {
  const out = opts.out ?? process.stdout;
  prepareOutDir(inv.outDir);
  if ((inv.measureMinHeap ?? []).length > 0) await measureMinHeaps(inv, opts.progress ?? process.stderr);
  const shard = inv.shard ?? null;
  let writer: ShardWriter | null = null;
  if (shard !== null) {
    try {
      writer = new ShardWriter(inv.outDir, inv.spec, shard, opts.command ?? null);
    } catch (e) {
      if (e instanceof UsageError) fail(e.message);
      throw e;
    }
  }
  const display = new ProgressDisplay(opts.progress ?? process.stderr);
  (opts.progress ?? process.stderr).write(sweepSizeLine(inv) + '\n');
  const load1 = os.loadavg()[0];
  const cpus = os.availableParallelism();
  if (load1 > cpus) (opts.progress ?? process.stderr).write(`warning: load average ${load1.toFixed(2)} exceeds the ${cpus} CPUs: other work will inflate pauses and their spread\n`);
  const ac = new AbortController();
  const onSigint = (): void => {
    if (ac.signal.aborted) process.exit(EXIT_INTERRUPTED); // a second Ctrl-C: quit at once
    display.note('interrupted: stopping the running trial and writing the results measured so far (Ctrl-C again to quit at once)');
    ac.abort();
  };
  process.on('SIGINT', onSigint);
  let results: SweepResults;
  try {
    results = await runSweep(inv.spec, {
      command: opts.command,
      signal: ac.signal,
      crashForTesting: inv.crashForTesting,
      onTrialStart: (t, c, done, total) => display.start(t, c, done, total),
      onTrialProgress: (t, c, p) => display.progress(t, c, p),
      onTrialEnd: (t, c, o, r) => {
        if (r !== null) writer?.append(r);
        display.end(t, c, o, r);
      },
      // A shard appends lines and rewrites nothing; a whole sweep checkpoints results.json.
      onCheckpoint: writer === null ? (s) => writeResultsJson(inv.outDir, s) : undefined,
      shard,
    } satisfies SweepHooks);
  } finally {
    display.stop();
    process.off('SIGINT', onSigint);
  }
  if (writer !== null) {
    const n = results.configurations.reduce((k, c) => k + c.trials.length, 0);
    out.write(`Shard ${shard!.index}/${shard!.count}: ${n} of its trials appended to ${writer.file}\nJoin the shards with: gcsim merge ${inv.outDir} [more shard directories…] --out DIR\n`);
    return results.status === 'interrupted' ? EXIT_INTERRUPTED : inv.strict && results.failures.length > 0 ? EXIT_TRIALS_FAILED : 0;
  }
  const paths = await writeSweepOutputs(inv.outDir, results);
  printSummary(out, results, paths);
  if (results.status === 'interrupted') return EXIT_INTERRUPTED;
  if (inv.strict && results.failures.length > 0) return EXIT_TRIALS_FAILED;
  return 0;
}

function prepareOutDir(dir: string): void {
  makeOutputDir(dir);
  checkWritable(path.join(dir, 'results.json'));
}

export function printSummary(out: NodeJS.WritableStream, s: SweepResults, paths: OutputPaths): void {
  const lines: string[] = [];
  const trials = s.configurations.reduce((n, c) => n + c.trials.length, 0);
  lines.push(`Pause percentiles per configuration: median of the successful trials [95% confidence interval: ${CI_METHOD} of the median] (${trials} trial${trials === 1 ? '' : 's'} run)`);
  lines.push(formatTextTable(pauseTable(s)));
  const notes = pauseSampleNotes(s);
  if (notes.length > 0) lines.push('', 'Pause sample sizes (nearest-rank percentiles of each trial\'s pauses):', ...notes.map((n) => `  ${n}`));
  const et = engineTable(s);
  if (et.rows.length > 0) lines.push('', 'gcsim and V8 side by side (medians over trials; docs/fidelity.md says what compares):', formatTextTable(et));
  const bt = baselineTable(s, SUMMARY_RATIO_METRICS);
  if (bt.rows.length > 0) {
    lines.push('', `Against the baseline (${s.statistics?.baseline ?? 'first value of every axis'}): ratio of medians [95% CI]; "no significant change" where the interval spans 1`);
    lines.push(formatTextTable(bt));
  }
  const gm = (s.geomeans ?? []).filter((g) => SUMMARY_RATIO_METRICS.includes(g.metric) && g.workloads > 1);
  if (gm.length > 0) {
    lines.push('', 'Geometric mean across workloads of the ratios to the baseline:');
    lines.push(formatTextTable(geomeanTable({ ...s, geomeans: gm })));
  }
  // Trials that disagree show as wide intervals above; the per-metric list is in the report.
  const warnings = [...s.warnings];
  if (warnings.length > 0) {
    lines.push('', 'Warnings:');
    for (const w of warnings.slice(0, 12)) lines.push(`  ${w}`);
    if (warnings.length > 12) lines.push(`  … and ${warnings.length - 12} more in the report`);
  }
  if (s.failures.length > 0) {
    lines.push('', 'Failed trials:');
    for (const f of s.failures.slice(0, 8)) lines.push(`  #${f.index} ${f.label} (trial ${f.trial}): ${f.kind}: ${f.message}`);
    if (s.failures.length > 8) lines.push(`  … and ${s.failures.length - 8} more in the report`);
  }
  lines.push('', `Results: ${paths.json}, ${paths.csv}, ${paths.trace}`, `Report:  ${paths.html}`);
  out.write(lines.join('\n') + '\n');
}

/**
 * Measures the minimum heap of the workloads --heap-factor needs (src/experiments/minheap.ts):
 * with the sweep's seed, the first value of every parameter and option list, threads = 1, no
 * JIT warm-up, to 0.25 MB. Shards of one sweep must agree on it: give them --min-heap.
 */
async function measureMinHeaps(inv: SweepInvocation, err: NodeJS.WritableStream): Promise<void> {
  const spec = inv.spec;
  for (const w of inv.measureMinHeap ?? []) {
    const params: Record<string, number> = {};
    for (const [k, v] of Object.entries(spec.params)) params[k] = v[0];
    if (spec.smoke) Object.assign(params, smokeParams(w, params, Object.keys(WORKLOADS[w].params)));
    const options: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(spec.options)) options[k] = (v as unknown[])[0];
    Object.assign(options, { threads: 1, concurrentMarkers: -1, jitWarmup: false });
    err.write(`measuring the minimum heap of ${w} for --heap-factor (gcsim minheap; give --min-heap ${w}=MB to skip)…\n`);
    const r = await findMinHeap({ workload: w, seed: spec.seed, params, options: options as Partial<GcOptions>, resolutionMb: 0.25, maxMb: 128, trialTimeoutMs: spec.trialTimeoutMs });
    err.write(`  ${minHeapLine(r)}\n`);
    if (r.minHeapMb === null) fail(`--heap-factor: ${w} does not complete even with a 128 MB old generation`);
    spec.minHeapMb![w] = r.minHeapMb;
  }
  try {
    validateSweepSpec(spec);
  } catch (e) {
    if (e instanceof UsageError || e instanceof OptionError) fail(e.message);
    throw e;
  }
}

/** `45 s`, `12 min`, `3.2 h`. */
export function formatDuration(seconds: number): string {
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

/**
 * Seconds a trial takes at the workloads' default sizes on a 2-core machine: worker start-up,
 * the JIT warm-up (0.3-1 s) and the run. A first guess for the estimate printed before a sweep
 * starts; the progress bar's estimate then uses the trials actually run.
 */
export const ESTIMATED_SECONDS_PER_TRIAL = 3;

/** One line before a sweep starts: its size and a rough duration, with a warning past an hour. */
export function sweepSizeLine(inv: SweepInvocation): string {
  const configs = expandMatrix(inv.spec).length;
  const runs = configs * (inv.spec.trials + inv.spec.warmup);
  const secs = runs * ESTIMATED_SECONDS_PER_TRIAL;
  const line = `${configs} configuration${configs === 1 ? '' : 's'} x (${inv.spec.trials} trial${inv.spec.trials === 1 ? '' : 's'} + ${inv.spec.warmup} warm-up) = ${runs} runs, roughly ${formatDuration(secs)} at ~${ESTIMATED_SECONDS_PER_TRIAL} s a run`;
  return secs >= 3600 ? `warning: this sweep will run for hours: ${line}; press Ctrl-C to stop it (what was measured is kept)` : line;
}

/** Progress on stderr: a cli-progress bar on a terminal, one plain line per trial otherwise. */
class ProgressDisplay {
  private readonly tty: boolean;
  private multi: cliProgress.MultiBar | null = null;
  private bar: cliProgress.SingleBar | null = null;
  private t0 = 0;
  private done = 0;
  private total = 0;

  constructor(private readonly stream: NodeJS.WriteStream) {
    this.tty = stream.isTTY === true;
  }

  private name(t: PlannedTrial, c: SweepConfiguration): string {
    return t.warmup ? `warm-up ${c.label}` : `${c.label} #${t.trial}`;
  }

  start(t: PlannedTrial, c: SweepConfiguration, done: number, total: number): void {
    this.done = done;
    this.total = total;
    if (!this.tty) return;
    if (this.multi === null) {
      this.multi = new cliProgress.MultiBar(
        {
          stream: this.stream,
          format: ' {bar} {value}/{total} trials | {trial} {status} | {duration_formatted} elapsed{estimate}',
          hideCursor: true,
          clearOnComplete: true,
          etaBuffer: 6,
        },
        cliProgress.Presets.shades_classic,
      );
      this.bar = this.multi.create(total, done, { trial: '', status: '', estimate: '' });
      this.t0 = performance.now();
    }
    // `eta` is a token of cli-progress itself (NULL until its rate settles): estimate from whole trials.
    const elapsed = (performance.now() - this.t0) / 1000;
    const estimate = done > 0 ? `, about ${formatDuration((elapsed / done) * (total - done))} to go` : '';
    this.bar!.update(done, { trial: this.name(t, c), status: 'starting', estimate });
  }

  progress(t: PlannedTrial, _c: SweepConfiguration, p: TrialProgress): void {
    if (!this.tty || this.bar === null) return;
    this.bar.update({ status: `${p.gcs} GCs, last ${p.lastType} ${fmtMs(p.lastPauseMs)} ms` });
  }

  end(t: PlannedTrial, c: SweepConfiguration, o: TrialOutcome, r: TrialRecord | null): void {
    const busy = r?.load?.busy ? `, busy machine: load ${r.load.loadEnd.toFixed(2)} on ${r.load.cpus} CPUs${r.load.otherBusyCores !== null ? `, others used ${r.load.otherBusyCores.toFixed(1)} cores` : ''}` : '';
    const secs = `${(o.hostMs / 1000).toFixed(1)} s${busy}`;
    let line: string;
    if (o.failure) line = `${this.name(t, c)}: FAILED ${o.failure.kind}: ${o.failure.message} (${secs})`;
    else {
      const p = o.result!.summary.pauses;
      line = `${this.name(t, c)}: ok, ${p.count} GCs, pause p50 ${fmtMs(p.p50)} / max ${fmtMs(p.max)} ms (${secs})`;
    }
    if (this.tty && this.bar !== null) {
      this.bar.increment(1, { status: o.failure ? 'failed' : 'done' });
      if (o.failure) this.multi!.log(line + '\n');
    } else {
      this.stream.write(`[${this.done + 1}/${this.total}] ${line}\n`);
    }
  }

  note(msg: string): void {
    if (this.tty && this.multi !== null) this.multi.log(msg + '\n');
    else this.stream.write(msg + '\n');
  }

  stop(): void {
    this.multi?.stop();
    this.multi = null;
    this.bar = null;
  }
}

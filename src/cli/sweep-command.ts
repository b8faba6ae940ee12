/**
 * `gcsim sweep`: a matrix of workloads × any option given as a comma-separated list (every
 * option of src/options.ts, through addOptionFlags) × workload parameters × trials. Trials run
 * one by one, each in a fresh worker thread; progress goes to stderr (a bar on a terminal,
 * plain lines otherwise), the pause table and the report's path to stdout. Ctrl-C writes what
 * was measured so far. Exit status: 0 when the sweep ran to the end (failed trials are results,
 * listed in the report; `--strict` makes them exit 1), 130 when interrupted, 2 for bad usage.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Command, Option } from 'commander';
import cliProgress from 'cli-progress';
import { OPTION_TABLE, OptionError, optionFlag, parseOptionValue, type OptionName } from '../options.ts';
import { UsageError } from '../experiments/run.ts';
import { DEFAULT_TRIAL_TIMEOUT_MS, validateSweepSpec, type OptionValue, type PlannedTrial, type SweepConfiguration, type SweepSpec } from '../experiments/sweep-matrix.ts';
import { runSweep, type SweepHooks } from '../experiments/sweep-runner.ts';
import type { SweepResults, TrialRecord } from '../experiments/sweep-results.ts';
import { defaultOutDir, writeResultsJson, writeSweepOutputs, type OutputPaths } from '../experiments/sweep-output.ts';
import type { TrialOutcome } from '../experiments/trial-worker-client.ts';
import type { CrashMode, TrialProgress } from '../experiments/trial-worker-api.ts';
import { formatTextTable, fmtMs, headlineWarnings, pauseTable } from '../report/tables.ts';
import { addOptionFlags } from './options-cli.ts';
import { UsageFailure, checkWritable } from './errors.ts';

export const EXIT_INTERRUPTED = 130;
export const EXIT_TRIALS_FAILED = 1;

export interface SweepInvocation {
  spec: SweepSpec;
  outDir: string;
  crashForTesting: { index: number; mode: CrashMode } | null;
  strict: boolean;
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

export function parseInteger(text: unknown, what: string, min: number): number {
  const s = String(text).trim();
  const n = Number(s);
  if (s === '' || !Number.isSafeInteger(n) || n < min) fail(`bad ${what} '${String(text)}': an integer >= ${min}`);
  return n;
}

/** `--param k=v1,v2` (repeatable) → { k: [v1, v2] }. */
export function parseParamLists(list: readonly string[] | undefined): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const kv of list ?? []) {
    const m = /^([A-Za-z][\w-]*)=(.*)$/.exec(kv);
    if (!m) fail(`bad --param '${kv}': expected name=integer[,integer…]`);
    if (m[1] in out) fail(`--param ${m[1]} is given twice`);
    out[m[1]] = splitList(m[2], `--param ${m[1]}`).map((v) => {
      if (!/^-?\d+$/.test(v)) fail(`bad --param ${m[1]} value '${v}': an integer`);
      return Number(v);
    });
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
    seed: parseInteger(raw.seed ?? 1, '--seed', Number.MIN_SAFE_INTEGER),
    varySeed: raw.varySeed === true,
    trialTimeoutMs: parseInteger(raw.trialTimeout ?? DEFAULT_TRIAL_TIMEOUT_MS, '--trial-timeout', 1),
  };
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
  };
}

export function sweepCommand(): Command {
  const cmd = new Command('sweep')
    .description('run a matrix of workloads x options x trials, each trial in its own worker thread; write results and an HTML report')
    .requiredOption('-w, --workload <names>', 'workload(s) to run, comma-separated (see `gcsim workloads`)')
    .option('-t, --trials <k>', 'measured trials per configuration', '3')
    .option('--warmup <w>', 'trials per configuration run first and discarded', '0')
    .option('-s, --seed <n>', 'random seed of every trial', '1')
    .option('--vary-seed', 'trial k uses seed + k instead of the same seed')
    .option('-p, --param <name=values...>', 'workload parameter(s); a comma-separated list sweeps them')
    .option('-o, --out <dir>', 'output directory (default results/<date>-<time>)')
    .option('--trial-timeout <ms>', 'kill a trial running longer than this and record a timeout', String(DEFAULT_TRIAL_TIMEOUT_MS))
    .option('--strict', 'exit with status 1 when any trial failed');
  addOptionFlags(cmd, { lists: true });
  cmd.addOption(new Option('--crash-trial-for-testing <index[:mode]>', 'make measured trial INDEX die (throw | exit)').hideHelp());
  cmd.action(async (raw: Record<string, unknown>) => {
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
  const display = new ProgressDisplay(opts.progress ?? process.stderr);
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
      onTrialEnd: (t, c, o, r) => display.end(t, c, o, r),
      onCheckpoint: (s) => writeResultsJson(inv.outDir, s),
    } satisfies SweepHooks);
  } finally {
    display.stop();
    process.off('SIGINT', onSigint);
  }
  const paths = await writeSweepOutputs(inv.outDir, results);
  printSummary(out, results, paths);
  if (results.status === 'interrupted') return EXIT_INTERRUPTED;
  if (inv.strict && results.failures.length > 0) return EXIT_TRIALS_FAILED;
  return 0;
}

function prepareOutDir(dir: string): void {
  try {
    fs.mkdirSync(dir, { recursive: true });
  } catch (e) {
    fail(`cannot create output directory '${dir}': ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (!fs.statSync(dir).isDirectory()) fail(`output path '${dir}' is not a directory`);
  checkWritable(path.join(dir, 'results.json'));
}

export function printSummary(out: NodeJS.WritableStream, s: SweepResults, paths: OutputPaths): void {
  const lines: string[] = [];
  const trials = s.configurations.reduce((n, c) => n + c.trials.length, 0);
  lines.push(`Pause percentiles per configuration: median of the successful trials, ± spread across them (${trials} trial${trials === 1 ? '' : 's'} run)`);
  lines.push(formatTextTable(pauseTable(s)));
  const warnings = [...s.warnings, ...headlineWarnings(s)];
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

/** Progress on stderr: a cli-progress bar on a terminal, one plain line per trial otherwise. */
class ProgressDisplay {
  private readonly tty: boolean;
  private multi: cliProgress.MultiBar | null = null;
  private bar: cliProgress.SingleBar | null = null;
  private t0 = 0;

  constructor(private readonly stream: NodeJS.WriteStream) {
    this.tty = stream.isTTY === true;
  }

  private name(t: PlannedTrial, c: SweepConfiguration): string {
    return t.warmup ? `warm-up ${c.label}` : `${c.label} #${t.trial}`;
  }

  start(t: PlannedTrial, c: SweepConfiguration, done: number, total: number): void {
    if (!this.tty) return;
    if (this.multi === null) {
      this.multi = new cliProgress.MultiBar(
        {
          stream: this.stream,
          format: ' {bar} {value}/{total} trials | {trial} {status} | {duration_formatted} elapsed{eta}',
          hideCursor: true,
          clearOnComplete: true,
          etaBuffer: 6,
        },
        cliProgress.Presets.shades_classic,
      );
      this.bar = this.multi.create(total, done, { trial: '', status: '', eta: '' });
      this.t0 = performance.now();
    }
    // cli-progress's own ETA reads NULL until the rate settles: estimate from whole trials.
    const elapsed = (performance.now() - this.t0) / 1000;
    const eta = done > 0 ? `, about ${Math.round((elapsed / done) * (total - done))}s to go` : '';
    this.bar!.update(done, { trial: this.name(t, c), status: 'starting', eta });
  }

  progress(t: PlannedTrial, _c: SweepConfiguration, p: TrialProgress): void {
    if (!this.tty || this.bar === null) return;
    this.bar.update({ status: `${p.gcs} GCs, last ${p.lastType} ${fmtMs(p.lastPauseMs)} ms` });
  }

  end(t: PlannedTrial, c: SweepConfiguration, o: TrialOutcome, _r: TrialRecord | null): void {
    const secs = `${(o.hostMs / 1000).toFixed(1)} s`;
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
      this.stream.write(line + '\n');
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

/**
 * `gcsim fuzz`: differential fuzzing of the collectors (src/fuzz/): seeded random mutator
 * programs over a matrix of configurations, each case in a child process, failures shrunk and
 * saved for `--replay`. Exit status: 0 clean, 1 a failure (or a negative control not caught),
 * 2 bad usage, 130 interrupted.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { UsageFailure } from './errors.ts';
import { runCampaign, summaryLine } from '../fuzz/campaign.ts';
import { CaseSetupError, CaseWorker } from '../fuzz/case-worker.ts';
import { describeConfig } from '../fuzz/matrix.ts';
import { NEGATIVE_CONTROLS, type NegativeControl, parseCase } from '../fuzz/ops.ts';
import { DEFAULT_CASE_DEADLINE_MS, isFailure } from '../fuzz/runner.ts';
import { resolveOptions } from '../options.ts';

const EXIT_FAILED = 1;
const EXIT_INTERRUPTED = 130;

interface RawFuzzOptions {
  minutes?: string;
  runs?: string;
  seed: string;
  threadsMax: string;
  jobs: string;
  negativeControl?: string;
  replay?: string;
  out: string;
  shrinkSeconds: string;
  caseTimeout: string;
  progressEvery: string;
}

function positiveNumber(text: string, what: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n <= 0) throw new UsageFailure(`bad ${what} '${text}': a number > 0`);
  return n;
}

function integer(text: string, what: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isSafeInteger(n) || n < min || n > max) throw new UsageFailure(`bad ${what} '${text}': an integer from ${min} to ${max}`);
  return n;
}

/** The output directory must be creatable: its nearest existing ancestor a writable directory. */
function checkOutDir(dir: string): void {
  let d = path.resolve(dir);
  while (!fs.existsSync(d)) d = path.dirname(d);
  try {
    if (!fs.statSync(d).isDirectory()) throw new Error('not a directory');
    fs.accessSync(d, fs.constants.W_OK);
  } catch (e) {
    throw new UsageFailure(`cannot write failure files under '${dir}': ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

export function fuzzCommand(): Command {
  return new Command('fuzz')
    .description('fuzz the collectors: random mutator programs checked against a shadow model after every GC')
    .option('--minutes <n>', 'run for this long (stop starting cases after it)')
    .option('--runs <n>', 'run this many cases (default 100 unless --minutes is given)')
    .option('--seed <s>', 'first seed (run i uses seed s + i - 1)', '1')
    .option('--threads-max <n>', 'highest thread count to draw (1-4)', '4')
    .option('--jobs <n>', 'cases run in parallel, each in a child process', '1')
    .option('--negative-control <mechanism>', `switch a safety mechanism off and check that fuzzing catches it: ${NEGATIVE_CONTROLS.join(', ')}`)
    .option('--replay <file>', 'run the case saved in a failure file')
    .option('--out <dir>', 'directory for failure files', 'fuzz-failures')
    .option('--shrink-seconds <s>', 'time to shrink each failure (0: save it unshrunk)', '60')
    .option('--case-timeout <s>', 'a case running longer is a hang', String(DEFAULT_CASE_DEADLINE_MS / 1000))
    .option('--progress-every <n>', 'a progress line on stderr every n runs (0: none)', '25')
    .action(async (raw: RawFuzzOptions) => {
      const deadlineMs = positiveNumber(raw.caseTimeout, '--case-timeout') * 1000;
      if (raw.replay !== undefined) {
        await replay(raw.replay, deadlineMs);
        return;
      }
      const minutes = raw.minutes !== undefined ? positiveNumber(raw.minutes, '--minutes') : null;
      const runs = raw.runs !== undefined ? integer(raw.runs, '--runs', 1) : minutes === null ? 100 : null;
      const startSeed = integer(raw.seed, '--seed', 0, 0x7fffffff);
      const threadsMax = integer(raw.threadsMax, '--threads-max', 1, 4);
      const jobs = integer(raw.jobs, '--jobs', 1, 64);
      const shrinkSeconds = Number(raw.shrinkSeconds);
      if (raw.shrinkSeconds.trim() === '' || !Number.isFinite(shrinkSeconds) || shrinkSeconds < 0) throw new UsageFailure(`bad --shrink-seconds '${raw.shrinkSeconds}': a number >= 0`);
      const progressEvery = integer(raw.progressEvery, '--progress-every', 0);
      let negativeControl: NegativeControl | null = null;
      if (raw.negativeControl !== undefined) {
        if (!(NEGATIVE_CONTROLS as readonly string[]).includes(raw.negativeControl)) {
          throw new UsageFailure(`bad --negative-control '${raw.negativeControl}': one of ${NEGATIVE_CONTROLS.join(', ')}`);
        }
        negativeControl = raw.negativeControl as NegativeControl;
      }
      checkOutDir(raw.out);

      const abort = new AbortController();
      const onSigint = () => abort.abort();
      process.once('SIGINT', onSigint);
      let summary;
      try {
        summary = await runCampaign({
          startSeed,
          runs,
          minutes,
          threadsMax,
          jobs,
          negativeControl,
          outDir: raw.out,
          caseDeadlineMs: deadlineMs,
          shrinkMs: shrinkSeconds * 1000,
          maxFailures: negativeControl !== null ? 1 : Infinity,
          progressEvery,
          out: (l) => console.log(l),
          err: (l) => console.error(l),
          signal: abort.signal,
        });
      } finally {
        process.off('SIGINT', onSigint);
      }
      console.log(summaryLine(summary));
      if (summary.interrupted) {
        process.exitCode = EXIT_INTERRUPTED;
      } else if (negativeControl !== null) {
        const f = summary.failures[0];
        if (f !== undefined) {
          console.log(`fuzz: negative control '${negativeControl}' caught after ${f.run} run${f.run === 1 ? '' : 's'} (seed ${f.seed}: ${f.result.verdict})`);
        } else {
          console.log(`fuzz: negative control '${negativeControl}' NOT caught in ${summary.runs} runs`);
          process.exitCode = EXIT_FAILED;
        }
      } else if (summary.failures.length > 0) {
        process.exitCode = EXIT_FAILED;
      }
    });
}

async function replay(file: string, deadlineMs: number): Promise<void> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageFailure(`cannot read '${file}': ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  let c;
  try {
    c = parseCase(JSON.parse(text));
    resolveOptions(c.config);
  } catch (e) {
    const why = e instanceof SyntaxError ? `not JSON: ${e.message}` : (e as Error).message;
    throw new UsageFailure(`bad case file '${file}': ${why}`);
  }
  console.log(`fuzz: replaying seed ${c.seed}, ${c.ops.length} ops; config: ${describeConfig(c.config)}${c.negativeControl ? ` (negative control: ${c.negativeControl})` : ''}`);
  const worker = new CaseWorker();
  try {
    const r = await worker.run(c.seed, { threadsMax: 4, negativeControl: c.negativeControl }, c, deadlineMs);
    const where = r.opIndex < 0 ? '' : r.opIndex >= c.ops.length ? ' in the closing checks' : ` at op ${r.opIndex}`;
    console.log(`fuzz: ${r.verdict}${where}${r.message ? `: ${r.message}` : ''} (${r.gcs} GCs, ${(r.ms / 1000).toFixed(1)} s)`);
    if (isFailure(r.verdict)) process.exitCode = EXIT_FAILED;
  } catch (e) {
    if (e instanceof CaseSetupError) throw new UsageFailure(`bad case file '${file}': ${e.message}`);
    throw e;
  } finally {
    worker.close();
  }
}


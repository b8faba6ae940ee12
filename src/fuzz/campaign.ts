/**
 * A fuzz campaign: consecutive seeds over `jobs` case runners (child processes, or this process
 * for tests), until a number of runs or a time is reached; each failure shrunk, saved as a JSON
 * case file and reported with the command that replays it; progress lines and a summary.
 */
import fs from 'node:fs';
import path from 'node:path';
import { FuzzRng } from './rng.ts';
import { describeConfig, drawConfig } from './matrix.ts';
import { caseForSeed, type CaseOptions } from './program.ts';
import { type CaseResult, type Verdict, DEFAULT_CASE_DEADLINE_MS, isFailure, runCase } from './runner.ts';
import { shrinkCase } from './shrink.ts';
import { CaseWorker, FROM_SOURCE, failedResult } from './case-worker.ts';
import { type FuzzCase, type FuzzConfig, type NegativeControl, caseToJson } from './ops.ts';

export interface CampaignOptions {
  startSeed: number;
  /** Stop after this many runs (null: no limit). */
  runs: number | null;
  /** Stop starting runs after this long (null: no limit). */
  minutes: number | null;
  threadsMax: number;
  jobs: number;
  negativeControl: NegativeControl | null;
  /** Where failure files go (created on the first failure). */
  outDir: string;
  caseDeadlineMs?: number;
  /** Time allowed to shrink one failure; 0 saves the case unshrunk. */
  shrinkMs: number;
  /** Stop after this many failures (a negative control stops at its first). */
  maxFailures?: number;
  /** A progress line every this many runs (0: none). */
  progressEvery?: number;
  /** 'process': each case in a child process (survives hangs); 'inline': in this process. */
  isolation?: 'process' | 'inline';
  /** Results and failure reports (stdout in the CLI). */
  out?: (line: string) => void;
  /** Progress (stderr in the CLI). */
  err?: (line: string) => void;
  /** Set to stop early (Ctrl-C): no new runs start. */
  signal?: AbortSignal;
}

export interface FailureRecord {
  /** 1-based number of the run that failed. */
  run: number;
  seed: number;
  result: CaseResult;
  config: FuzzConfig;
  originalOps: number;
  shrunkOps: number;
  file: string;
}

export interface CampaignSummary {
  runs: number;
  counts: Record<Verdict, number>;
  configurations: number;
  threadsLow: number;
  threadsHigh: number;
  elapsedMs: number;
  failures: FailureRecord[];
  interrupted: boolean;
}

const VERDICTS: readonly Verdict[] = ['ok', 'lost', 'corrupted', 'dangling', 'duplicated', 'crash', 'oom', 'spurious-oom', 'hang'];

/** Runs one case somewhere: a child process or this process. */
interface CaseRunner {
  run(seed: number, opts: CaseOptions, c: FuzzCase | null, deadlineMs: number): Promise<CaseResult>;
  close(): void;
}

class InlineRunner implements CaseRunner {
  run(seed: number, opts: CaseOptions, c: FuzzCase | null, deadlineMs: number): Promise<CaseResult> {
    return runCase(c ?? caseForSeed(seed, opts), { deadlineMs });
  }
  close(): void {}
}

export function newCaseRunner(isolation: 'process' | 'inline'): CaseRunner {
  return isolation === 'inline' ? new InlineRunner() : new CaseWorker();
}

export async function runCampaign(o: CampaignOptions): Promise<CampaignSummary> {
  const out = o.out ?? (() => undefined);
  const err = o.err ?? (() => undefined);
  const deadlineMs = o.caseDeadlineMs ?? DEFAULT_CASE_DEADLINE_MS;
  const caseOptions: CaseOptions = { threadsMax: o.threadsMax, negativeControl: o.negativeControl };
  const maxFailures = o.maxFailures ?? Infinity;
  const progressEvery = o.progressEvery ?? 0;
  const t0 = performance.now();
  const endMs = o.minutes === null ? Infinity : t0 + o.minutes * 60_000;
  const counts = Object.fromEntries(VERDICTS.map((v) => [v, 0])) as Record<Verdict, number>;
  const configs = new Set<string>();
  const failures: FailureRecord[] = [];
  let threadsLow = Infinity;
  let threadsHigh = 0;
  let started = 0;
  let finished = 0;
  /** Failures found (some may still be shrinking). */
  let failing = 0;
  const stopping = () =>
    (o.runs !== null && started >= o.runs) || performance.now() >= endMs || failing >= maxFailures || (o.signal?.aborted ?? false);

  /** A case that cannot even start (the simulator would not start) is a crash, not the campaign's end. */
  const runSafely = (runner: CaseRunner, seed: number, c: FuzzCase | null): Promise<CaseResult> =>
    runner.run(seed, caseOptions, c, deadlineMs).catch((e: unknown) => failedResult('crash', `the case did not start: ${e instanceof Error ? e.message : String(e)}`));

  const job = async (runner: CaseRunner) => {
    while (!stopping()) {
      const run = ++started;
      const seed = o.startSeed + run - 1;
      const config = drawConfig(new FuzzRng(seed), caseOptions);
      const result = await runSafely(runner, seed, null);
      if (o.signal?.aborted) return;
      finished++;
      counts[result.verdict]++;
      configs.add(JSON.stringify(config));
      threadsLow = Math.min(threadsLow, config.threads ?? 1);
      threadsHigh = Math.max(threadsHigh, config.threads ?? 1);
      if (isFailure(result.verdict) && failing < maxFailures) {
        failing++;
        failures.push(await reportFailure(runner, run, seed, result));
      }
      if (progressEvery > 0 && finished % progressEvery === 0) {
        const min = (performance.now() - t0) / 60_000;
        err(`fuzz: ${plural(finished, 'run')} in ${min.toFixed(1)} min (${(finished / min).toFixed(0)} runs/min), ${plural(failures.length, 'failure')}`);
      }
    }
  };

  const reportFailure = async (runner: CaseRunner, run: number, seed: number, result: CaseResult): Promise<FailureRecord> => {
    const c = caseForSeed(seed, caseOptions);
    if (o.shrinkMs > 0) err(`fuzz: ${result.verdict} at seed ${seed} (run ${run}): shrinking for up to ${(o.shrinkMs / 1000).toFixed(0)} s`);
    const where = result.opIndex < 0 ? '' : result.opIndex >= c.ops.length ? ', in the closing checks' : `, at op ${result.opIndex} of ${c.ops.length}`;
    const lines = [
      `fuzz: ${result.verdict.toUpperCase()} at seed ${seed} (run ${run}${where}): ${result.message}`,
      `  config: ${describeConfig(c.config)}${c.negativeControl ? ` (negative control: ${c.negativeControl})` : ''}`,
    ];
    let best = c;
    let bestResult = result;
    if (o.shrinkMs > 0) {
      const s = await shrinkCase(c, result, (cand) => runSafely(runner, seed, cand), { timeLimitMs: o.shrinkMs, signal: o.signal });
      best = s.case;
      bestResult = s.result;
      const threads = best.config.threads !== c.config.threads ? ` and ${best.config.threads} thread${best.config.threads === 1 ? '' : 's'}` : '';
      lines.push(`  shrunk from ${c.ops.length} to ${best.ops.length} ops${threads} in ${s.attempts} attempts (${(s.ms / 1000).toFixed(1)} s): ${bestResult.message}`);
    }
    const file = writeFailure(o.outDir, best, bestResult, c.ops.length);
    lines.push(`  case: ${file}`, `  replay: ${replayCommand(file)}`);
    out(lines.join('\n'));
    return { run, seed, result, config: c.config, originalOps: c.ops.length, shrunkOps: best.ops.length, file };
  };

  const runners = Array.from({ length: Math.max(1, o.jobs) }, () => newCaseRunner(o.isolation ?? 'process'));
  // Every job ends before any runner closes (a closed runner's child would otherwise be restarted).
  const settled = await Promise.allSettled(runners.map((r) => job(r)));
  for (const r of runners) r.close();
  for (const s of settled) if (s.status === 'rejected') throw s.reason;
  return {
    runs: finished,
    counts,
    configurations: configs.size,
    threadsLow: threadsLow === Infinity ? 0 : threadsLow,
    threadsHigh,
    elapsedMs: performance.now() - t0,
    failures: failures.sort((a, b) => a.run - b.run),
    interrupted: o.signal?.aborted ?? false,
  };
}

export const FAILURE_SCHEMA = 'gcsim/fuzz-failure@1';

/** Writes a failure file (the case to replay, what went wrong) and returns its path. */
export function writeFailure(outDir: string, c: FuzzCase, result: CaseResult, originalOps: number): string {
  fs.mkdirSync(outDir, { recursive: true });
  let file = path.join(outDir, `${result.verdict}-seed${c.seed}${c.negativeControl ? `-${c.negativeControl}` : ''}.json`);
  for (let n = 2; fs.existsSync(file); n++) file = file.replace(/(-\d+)?\.json$/, `-${n}.json`);
  const record = {
    schema: FAILURE_SCHEMA,
    verdict: result.verdict,
    message: result.message,
    opIndex: result.opIndex,
    config: describeConfig(c.config),
    originalOps,
    replay: replayCommand(file),
    case: caseToJson(c),
  };
  fs.writeFileSync(file, JSON.stringify(record, null, 1) + '\n');
  return file;
}

/** The command that replays a failure file: from the sources, or with the built CLI. */
export function replayCommand(file: string): string {
  return FROM_SOURCE ? `npm run fuzz -- --replay ${file}` : `npx gcsim fuzz --replay ${file}`;
}

/** `fuzz: 10234 runs (threads 1-4, 96 configurations) in 60.0 min: 0 lost, …` */
export function summaryLine(s: CampaignSummary): string {
  const c = s.counts;
  const threads = s.threadsLow === s.threadsHigh ? `threads ${s.threadsLow}` : `threads ${s.threadsLow}-${s.threadsHigh}`;
  return (
    `fuzz: ${plural(s.runs, 'run')} (${threads}, ${plural(s.configurations, 'configuration')}) in ${(s.elapsedMs / 60_000).toFixed(1)} min: ` +
    `${c.lost} lost, ${c.corrupted} corrupted, ${c.dangling} dangling, ${c.duplicated} duplicated, ` +
    `${plural(c.hang, 'hang')}, ${c.crash} crash${c.crash === 1 ? '' : 'es'}, ` +
    `${c.oom} out-of-memory (all real), ${c['spurious-oom']} spurious out-of-memory` +
    (s.interrupted ? ' (interrupted)' : '')
  );
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * `gcsim run`: one workload, one configuration. Prints V8-style --trace-gc lines as GCs happen,
 * a short summary, and writes the result JSON. Exit status: 0 ok, 1 run failure (helper fault,
 * verifier error), 2 bad usage, 134 out of memory (like node's abort).
 */
import fs from 'node:fs';
import { Command } from 'commander';
import { runOne } from '../experiments/run.ts';
import { smokeMode, smokeParams } from '../experiments/smoke.ts';
import { WORKLOADS } from '../workloads/index.ts';
import { SEED_MAX, SEED_MIN, addOptionFlags, collectOptions, parseIntArg, parseParams } from './options-cli.ts';
import { formatPhaseWorkers, formatTraceGc, formatTraceGcNvp, isolateAddress, MarkCompactMutatorUtilization } from '../report/trace-gc.ts';
import type { GCEvent } from '../metrics/result.ts';
import type { HostGcSummary } from '../metrics/host-gc.ts';
import { UsageFailure, checkWritable } from './errors.ts';
import { encodeTestFault, FAULT_EXIT, FAULT_HANG, FAULT_THROW } from '../gc/fault-injection.ts';
import {
  PHASE_CONCURRENT_MARK,
  PHASE_EVACUATE,
  PHASE_MARK,
  PHASE_SCAVENGE,
  PHASE_SWEEP,
  PHASE_SWEEP_BACKGROUND,
  PHASE_UPDATE_POINTERS,
} from '../gc/phases.ts';

const FAULT_PHASES: Record<string, number> = {
  scavenge: PHASE_SCAVENGE,
  mark: PHASE_MARK,
  evacuate: PHASE_EVACUATE,
  'update-pointers': PHASE_UPDATE_POINTERS,
  sweep: PHASE_SWEEP,
  'concurrent-mark': PHASE_CONCURRENT_MARK,
  'background-sweep': PHASE_SWEEP_BACKGROUND,
};
const FAULT_KINDS: Record<string, number> = { throw: FAULT_THROW, exit: FAULT_EXIT, hang: FAULT_HANG };

/** `THREAD:PHASE:KIND` (e.g. `1:mark:throw`) -> the encoded test fault; UsageFailure when malformed. */
export function parseInjectFault(text: string, threads: number): number {
  const m = /^(\d+):([a-z-]+):([a-z]+)$/.exec(text);
  const usage = `bad --inject-fault '${text}': THREAD:PHASE:KIND with THREAD a helper from 1 to threads - 1 (${threads - 1}), PHASE one of ${Object.keys(FAULT_PHASES).join(', ')}, KIND one of ${Object.keys(FAULT_KINDS).join(', ')}`;
  if (!m) throw new UsageFailure(usage);
  const thread = Number(m[1]);
  const phase = FAULT_PHASES[m[2]];
  const kind = FAULT_KINDS[m[3]];
  if (!(thread >= 1 && thread < threads) || phase === undefined || kind === undefined) throw new UsageFailure(usage);
  return encodeTestFault(thread, phase, kind);
}

export const EXIT_RUN_FAILED = 1;
export const EXIT_OOM = 134;

/**
 * The options naming one workload to run, and its seed and parameters (run, v8); with
 * `snapshot`, `--heap-snapshot` too.
 */
export function addWorkloadOptions(cmd: Command, snapshot: boolean): Command {
  cmd
    .option('-w, --workload <name>', 'workload to run: a built-in (see `gcsim workloads`) or a workload file')
    .option('--workload-file <file>', 'run the workload of this module (.js, .mjs or .ts; default export made by defineWorkload)');
  if (snapshot) cmd.option('--heap-snapshot <file>', 'build the object graph of this V8 .heapsnapshot and collect it (parameters: young, scavenges, fullGcs, churn)');
  return cmd.option('-s, --seed <n>', 'random seed', '1').option('-p, --param <name=value...>', 'workload parameter(s)');
}

/** The workload, seed and parameters given to a command made with `addWorkloadOptions`. */
export function workloadArgs(raw: Record<string, unknown>, snapshot: boolean): { workload: string; seed: number; params: Record<string, number> } {
  const seed = parseIntArg(raw.seed, '--seed', SEED_MIN, SEED_MAX);
  let params: Record<string, number>;
  try {
    params = parseParams(raw.param as string[] | undefined);
  } catch (e) {
    throw new UsageFailure((e as Error).message);
  }
  if (smokeMode()) params = { ...smokeParams(String(raw.workload), params, Object.keys(WORKLOADS[String(raw.workload)]?.params ?? {})), ...params };
  const given = [raw.workload, raw.workloadFile, raw.heapSnapshot].filter((x) => x !== undefined);
  if (given.length !== 1) {
    throw new UsageFailure(snapshot ? 'give one of --workload <name>, --workload-file <file> and --heap-snapshot <file>' : 'give one of --workload <name> and --workload-file <file>');
  }
  const workload = String(given[0]);
  if (raw.heapSnapshot !== undefined && !workload.endsWith('.heapsnapshot')) throw new UsageFailure(`--heap-snapshot '${workload}': expected a .heapsnapshot file`);
  return { workload, seed, params };
}

export function runCommand(): Command {
  const cmd = addWorkloadOptions(new Command('run').description('run one workload and report its GCs'), true)
    .option('--trace-gc', "print one line per GC in V8's --trace-gc format")
    .option('--trace-gc-nvp', "print V8 --trace-gc-nvp style key=value lines")
    .option('--trace-gc-verbose', 'print per-thread figures (G1 style) after each GC line')
    .option('--verify', 'same as --verify-heap')
    .option('--no-warmup', 'same as --no-jit-warmup: measure from a cold start (the first GCs then include JIT warm-up)')
    .option('--json <file>', 'write the gcsim/result@1 record to this file')
    .option('--inject-fault <thread:phase:kind>', 'for testing fault handling: after the first GC, helper THREAD fails in its next PHASE (scavenge, mark, evacuate, update-pointers, sweep, concurrent-mark, background-sweep) by KIND (throw, exit, hang)');
  addOptionFlags(cmd);
  cmd.action(async (raw: Record<string, unknown>) => {
    const { workload, seed, params } = workloadArgs(raw, true);
    const options = collectOptions(raw);
    if (raw.verify === true) options.verifyHeap = true;
    if (raw.warmup === false) options.jitWarmup = false;
    const json = raw.json as string | undefined;
    if (json) checkWritable(json);
    const testFault = raw.injectFault === undefined ? 0 : parseInjectFault(String(raw.injectFault), options.threads ?? 1);
    const mu = new MarkCompactMutatorUtilization(0);
    let previous: GCEvent | null = null;
    const isolate = isolateAddress(process.pid);
    const onEvent = (ev: GCEvent) => {
      mu.observe(ev);
      if (raw.traceGc) console.log(formatTraceGc(ev, { pid: process.pid, isolate, muAverage: mu.average, muCurrent: mu.current }));
      if (raw.traceGcNvp) console.log(formatTraceGcNvp(ev, { pid: process.pid, isolate, previous }));
      if (raw.traceGcVerbose) for (const l of formatPhaseWorkers(ev)) console.log(l);
      previous = ev;
    };
    const result = await runOne({ workload, seed, params, options, onEvent, testFault });
    if (json) fs.writeFileSync(json, JSON.stringify(result, null, 1) + '\n');
    const s = result.summary;
    const f = (x: number) => x.toFixed(2);
    console.error(
      `${result.workload.name} seed=${seed} threads=${String(result.config.threads)}: ${s.pauses.count} GCs, pause p50 ${f(s.pauses.p50)} p95 ${f(s.pauses.p95)} max ${f(s.pauses.max)} ms, ` +
        `GC ${f(s.gcMs)} of ${f(s.wallMs)} ms (${(100 * s.gcOverhead).toFixed(1)}%), digest ${result.digest}` +
        (result.verify.checks > 0 ? `, verified ${result.verify.checks} GCs: ${result.verify.errors.length} errors` : '') +
        pageFaultsNote(result.events) +
        hostGcNote(result.summary.hostGc),
    );
    const facts = result.workload.facts;
    if (facts?.nodes !== undefined) console.error(formatSnapshotFacts(facts, result.reachable));
    if (result.error) {
      console.error(result.error.kind === 'oom' ? result.error.message : `gcsim: ${result.error.kind}: ${result.error.message}`);
      process.exitCode = result.error.kind === 'oom' ? EXIT_OOM : EXIT_RUN_FAILED;
    } else if (testFault !== 0) {
      console.error(`gcsim: --inject-fault ${String(raw.injectFault)}: that phase did not run on that helper after the first GC; nothing was injected`);
    }
  });
  return cmd;
}

/** One line for a heap-snapshot run: what was loaded, and what the collections kept. */
export function formatSnapshotFacts(f: Record<string, number | string>, reachable: { objects: number; bytes: number } | undefined): string {
  const mb = (b: number | string) => (Number(b) / 1048576).toFixed(1);
  const kept = reachable === undefined ? '' : `; reachable after the run: ${reachable.objects} objects, ${mb(reachable.bytes)} MB`;
  return (
    `heap snapshot ${String(f.file)}: ${f.nodes} nodes, ${f.edges} edges (${f.weakEdges} weak), read in ${(Number(f.parseMs) + Number(f.copyMs)).toFixed(0)} ms${f.buildMs === undefined ? '' : `, built in ${Number(f.buildMs).toFixed(0)} ms`}; ` +
    `reachable in the snapshot: ${f.snapshotReachableObjects} objects, ${mb(f.snapshotReachableBytes)} MB` +
    kept
  );
}

/**
 * `, V8's own GC inside N pauses (X ms)` when host GCs (V8 collecting the simulator's JavaScript
 * heap) fell inside pauses, else ''.
 */
function hostGcNote(h: HostGcSummary | undefined): string {
  if (h === undefined || h.pauses === 0) return '';
  return `, V8's own GC inside ${h.pauses} pause${h.pauses === 1 ? '' : 's'} (${h.inPausesMs.toFixed(2)} ms)`;
}

/** `, page faults in pauses N (at most M in one)` when the run recorded them (--record-page-faults), else ''. */
function pageFaultsNote(events: readonly GCEvent[]): string {
  let total = 0;
  let max = 0;
  let recorded = false;
  for (const e of events) {
    if (e.pageFaults === undefined) continue;
    recorded = true;
    total += e.pageFaults;
    max = Math.max(max, e.pageFaults);
  }
  return recorded ? `, page faults in pauses ${total} (at most ${max} in one)` : '';
}

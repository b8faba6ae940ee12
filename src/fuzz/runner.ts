/**
 * Runs one fuzz case in this process: a fresh verified simulator with the case's configuration
 * (and negative-control flag), the ops in lockstep with the shadow model, the checker after
 * every op that caused a GC and after a closing pair of full GCs; then classifies the outcome.
 * The simulator is always closed. A deadline is checked between ops and inside long ops.
 */
import { SPACE_CODE, SPACE_OLD_DATA, SPACE_OLD_POINTER } from '../heap/layout.ts';
import { Simulator } from '../experiments/simulator.ts';
import { HeapVerificationError, OutOfMemoryError } from '../gc/gc-controller.ts';
import { META_WORDS, M_USED_WORDS, TEST_NO_MARKING_BARRIER, TEST_NO_REMEMBERED_SET, TEST_PLAIN_FORWARDING, TEST_PLAIN_MARKING } from '../heap/heap.ts';
import { Model } from './model.ts';
import { DeadlineExceeded, Executor } from './executor.ts';
import { FINDING_PRIORITY, type Finding, HeapChecker } from './checker.ts';
import type { FuzzCase, NegativeControl } from './ops.ts';

export type Verdict = 'ok' | 'lost' | 'corrupted' | 'dangling' | 'duplicated' | 'crash' | 'oom' | 'spurious-oom' | 'hang';

/** Verdicts that make a fuzz run fail (a real out-of-memory is an outcome, not a bug). */
export const FAILURES: readonly Verdict[] = ['lost', 'corrupted', 'dangling', 'duplicated', 'crash', 'spurious-oom', 'hang'];

export function isFailure(v: Verdict): boolean {
  return FAILURES.includes(v);
}

export interface CaseResult {
  verdict: Verdict;
  /** One line: what went wrong (empty when ok). */
  message: string;
  /** Index of the op during or after which it went wrong; ops.length for the closing checks; -1 when ok. */
  opIndex: number;
  gcs: number;
  majorGcs: number;
  /** Bytes the model could reach when the case ended. */
  reachableBytes: number;
  ms: number;
}

export const TEST_FLAG_OF: Record<NegativeControl, number> = {
  barrier: TEST_NO_MARKING_BARRIER,
  'remembered-set': TEST_NO_REMEMBERED_SET,
  'forwarding-cas': TEST_PLAIN_FORWARDING,
  'mark-bit': TEST_PLAIN_MARKING,
};

/** A generous in-process deadline: a case is meant to take well under two seconds. */
export const DEFAULT_CASE_DEADLINE_MS = 30_000;

export interface RunCaseOptions {
  deadlineMs?: number;
  /**
   * ForTesting: called after each op (before the check), to damage the heap behind the model's
   * back and see the checker notice.
   */
  afterOp?: (ctx: { sim: Simulator; model: Model; index: number }) => void;
}

/** An out-of-memory failure while the model's live data is below this share of the limit is spurious. */
export const SPURIOUS_OOM_SHARE = 1 / 3;

export async function runCase(c: FuzzCase, opts: RunCaseOptions = {}): Promise<CaseResult> {
  const t0 = performance.now();
  const deadline = t0 + (opts.deadlineMs ?? DEFAULT_CASE_DEADLINE_MS);
  const sim = await Simulator.create({ verifyHeap: true, ...c.config });
  const model = new Model();
  let index = -1;
  let verdict: Verdict = 'ok';
  let message = '';
  try {
    if (c.negativeControl !== null) sim.setTestFlagsForTesting(TEST_FLAG_OF[c.negativeControl]);
    const exec = new Executor(model, { m: sim.mutator, gc: sim.gc }, deadline);
    const checker = new HeapChecker(sim.mutator, sim.heap, exec.mapAddrs);
    const gc = sim.gc;
    const checkNow = (): boolean => {
      const findings = checker.check(model);
      if (findings.length > 0) {
        [verdict, message] = fromFindings(findings, '');
        return false;
      }
      model.prune();
      return true;
    };
    try {
      for (index = 0; index < c.ops.length; index++) {
        exec.checkDeadline();
        const before = gc.events.length;
        exec.run(c.ops[index]);
        opts.afterOp?.({ sim, model, index });
        if (gc.events.length !== before && !checkNow()) break;
      }
      // Closing checks: two full GCs finish any marking cycle and free what it found dead.
      if (verdict === 'ok') {
        index = c.ops.length;
        if (checkNow()) {
          sim.mutator.collect('major');
          if (checkNow()) {
            sim.mutator.collect('major');
            if (checkNow() && gc.verifyErrors.length > 0) [verdict, message] = ['dangling', gc.verifyErrors[0]];
          }
        }
      }
    } catch (e) {
      [verdict, message] = classifyException(e, sim, model, checker);
    }
    return {
      verdict,
      message,
      opIndex: verdict === 'ok' ? -1 : index,
      gcs: gc.events.length,
      majorGcs: gc.events.filter((e) => e.type === 'mark-compact').length,
      reachableBytes: safeReachableBytes(model),
      ms: performance.now() - t0,
    };
  } finally {
    await sim.close().catch(() => undefined);
  }
}

function fromFindings(findings: Finding[], suffix: string): [Verdict, string] {
  let best = findings[0];
  for (const f of findings) if (FINDING_PRIORITY.indexOf(f.kind) < FINDING_PRIORITY.indexOf(best.kind)) best = f;
  const more = findings.length > 1 ? ` (+${findings.length - 1} more)` : '';
  return [best.kind, best.message + more + suffix];
}

function safeReachableBytes(model: Model): number {
  try {
    return model.reachableBytes();
  } catch {
    return 0;
  }
}

/** Turns an exception out of an op or a GC into a verdict, asking the checker what broke. */
/** Old-generation pages that hold nothing at all. */
function emptyOldPages(sim: Simulator): number {
  const heap = sim.heap;
  let n = 0;
  for (const space of [SPACE_OLD_POINTER, SPACE_OLD_DATA, SPACE_CODE]) for (const p of heap.pagesOf(space)) if (heap.pageMeta[p * META_WORDS + M_USED_WORDS] === 0) n++;
  return n;
}

function classifyException(e: unknown, sim: Simulator, model: Model, checker: HeapChecker): [Verdict, string] {
  const msg = e instanceof Error ? e.message : String(e);
  if (e instanceof DeadlineExceeded) return ['hang', msg];
  if (e instanceof OutOfMemoryError) {
    const live = safeReachableBytes(model);
    const limit = sim.options.maxOldSpaceSize * 1048576;
    const detail = `${msg}; the model reaches ${(live / 1048576).toFixed(2)} MB of ${sim.options.maxOldSpaceSize} MB`;
    if (live >= limit * SPURIOUS_OOM_SHARE) return ['oom', detail];
    // A collector that never compacts runs out of pages when a little live data is spread over
    // all of them: real, unless a page was left empty (every empty page is released by then).
    if (sim.options.neverCompact && emptyOldPages(sim) === 0) return ['oom', `${detail} (fragmentation: --never-compact)`];
    return ['spurious-oom', detail];
  }
  if (e instanceof Error && e.name === 'GCThreadError') return ['crash', msg];
  // The heap may be broken: the checker says how, if it can.
  let findings: Finding[] = [];
  try {
    findings = checker.check(model);
  } catch {
    findings = [];
  }
  if (e instanceof HeapVerificationError) {
    return findings.length > 0 ? fromFindings(findings, `; verifier: ${msg}`) : ['dangling', msg];
  }
  const name = e instanceof Error ? e.name : 'Error';
  if (findings.length > 0) return fromFindings(findings, `; then ${name}: ${msg}`);
  return ['crash', `${name}: ${msg}${firstFrame(e)}`];
}

function firstFrame(e: unknown): string {
  const stack = e instanceof Error ? (e.stack ?? '') : '';
  const line = stack.split('\n').find((l) => /^\s+at /.test(l));
  return line ? ` (${line.trim()})` : '';
}

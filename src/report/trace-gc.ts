/**
 * GC events → V8's `--trace-gc` and `--trace-gc-nvp` lines (Node 20 / V8 11.3 formats, from
 * `GCTracer::Print`, `GCTracer::PrintNVP` and `Isolate::PrintWithTimestamp`), the mark-compact
 * mutator utilisation V8 prints in them, and G1-style per-worker rows for parallel phases.
 * Numbers are formatted like C's printf (`%.Nf` rounds the exact binary value half to even),
 * so lines are byte-for-byte what V8 would print for the same figures. See docs/metrics.md.
 */

import type { GCEvent, PhaseRecord } from '../metrics/result.ts';
import { phaseImbalance, type ImbalanceStats } from '../metrics/imbalance.ts';

/** V8's MB (`MB = 1024 * KB`). */
const MB = 1024 * 1024;

// ---------------------------------------------------------------------------------------------
// printf

const f64 = new DataView(new ArrayBuffer(8));

/**
 * C printf `%<width>.<prec>f`: the exact binary value rounded to `prec` decimals, ties to even
 * (glibc), left-padded with spaces to `width`. JS `toFixed` differs on exact ties (it rounds
 * 0.125 to "0.13", printf to "0.12"). NaN and infinities print as glibc does (`nan`, `inf`).
 */
export function printfFixed(x: number, prec: number, width = 0): string {
  let s: string;
  if (Number.isNaN(x)) s = 'nan';
  else if (x === Infinity) s = 'inf';
  else if (x === -Infinity) s = '-inf';
  else {
    const neg = x < 0 || Object.is(x, -0);
    f64.setFloat64(0, Math.abs(x));
    const hi = f64.getUint32(0);
    const lo = f64.getUint32(4);
    const expBits = (hi >>> 20) & 0x7ff;
    let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
    let e: number;
    if (expBits === 0) e = -1074;
    else {
      mant |= 1n << 52n;
      e = expBits - 1075;
    }
    // |x| = mant · 2^e exactly; q = round(|x| · 10^prec), half to even.
    const scale = 10n ** BigInt(prec);
    let q: bigint;
    if (e >= 0) q = (mant << BigInt(e)) * scale;
    else {
      const num = mant * scale;
      const sh = BigInt(-e);
      q = num >> sh;
      const r = num - (q << sh);
      const half = 1n << (sh - 1n);
      if (r > half || (r === half && (q & 1n) === 1n)) q += 1n;
    }
    let digits = q.toString();
    if (prec > 0) {
      digits = digits.padStart(prec + 1, '0');
      s = `${digits.slice(0, -prec)}.${digits.slice(-prec)}`;
    } else s = digits;
    if (neg) s = `-${s}`;
  }
  return width > 0 ? s.padStart(width) : s;
}

/** printf `%zu` of a byte count: rounded, clamped at 0 (V8 would wrap a negative size_t). */
function zu(x: number): string {
  return x > 0 ? String(Math.round(x)) : '0';
}

/** printf `%d`. */
function d(x: number): string {
  return String(Math.trunc(x));
}

// ---------------------------------------------------------------------------------------------
// Mutator utilisation as V8 prints it

/**
 * V8's `average mu` / `current mu` (GCTracer::RecordMutatorUtilization): only mark-compacts
 * count. At the end of each one, with total = end − previous mark-compact end (the isolate's
 * start before the first) and gc = its pause plus its incremental marking steps:
 * current = (total − gc) / total (0 if total is 0); the averages of gc and mutator time are
 * set to the first values, then each becomes (old + new) / 2; average mu =
 * avgMutator / (avgMutator + avgGc), 1 before the first mark-compact. It is not MMU.
 */
export class MarkCompactMutatorUtilization {
  private previousEndMs: number;
  private averageMutatorMs = 0;
  private averageMarkCompactMs = 0;
  private currentMu = 1;

  /** @param startMs when the isolate started (the time line's 0 by default). */
  constructor(startMs = 0) {
    this.previousEndMs = startMs;
  }

  /** A mark-compact ended at endMs after markCompactMs of main-thread GC time. */
  recordMarkCompact(endMs: number, markCompactMs: number): void {
    const total = endMs - this.previousEndMs;
    // V8 DCHECKs these are ≥ 0; clamp so rounding in the inputs cannot give a negative mu.
    const mutator = Math.max(0, total - markCompactMs);
    if (this.averageMarkCompactMs === 0 && this.averageMutatorMs === 0) {
      this.averageMarkCompactMs = markCompactMs;
      this.averageMutatorMs = mutator;
    } else {
      this.averageMarkCompactMs = (this.averageMarkCompactMs + markCompactMs) / 2;
      this.averageMutatorMs = (this.averageMutatorMs + mutator) / 2;
    }
    this.currentMu = total > 0 ? mutator / total : 0;
    this.previousEndMs = endMs;
  }

  /** Records ev if it is a mark-compact (call before printing its line, as V8 does). */
  observe(ev: GCEvent): void {
    if (ev.type !== 'mark-compact') return;
    this.recordMarkCompact(ev.startMs + ev.pauseMs, ev.pauseMs + (ev.incremental !== null ? ev.incremental.stepsMs : 0));
  }

  get average(): number {
    const total = this.averageMarkCompactMs + this.averageMutatorMs;
    return total === 0 ? 1 : this.averageMutatorMs / total;
  }

  get current(): number {
    return this.currentMu;
  }
}

// ---------------------------------------------------------------------------------------------
// --trace-gc

export interface TraceGcContext {
  /** Process id printed in the prefix. */
  pid: number;
  /** Isolate address as `%p` prints it: `0x` and lowercase hex, e.g. `0x5581c0a0`. */
  isolate: string;
  muAverage: number;
  muCurrent: number;
  /** Time printed after the prefix (ms since the isolate started); default the GC's end, startMs + pauseMs. */
  timeMs?: number;
  /** Prints ` (reduce)` after the collector name (a memory-reducing GC). */
  reduceMemory?: boolean;
  /** The `/ X ms` embedder (external callback) time; gcsim has none, so 0 by default. */
  externalMs?: number;
}

/** `0x` + lowercase hex, as `%p` prints a pointer. */
export function isolateAddress(n: number): string {
  return `0x${Math.trunc(n).toString(16)}`;
}

/** V8's collector names (`Event::TypeName(false)` / `ToString(type, false)`). */
export function collectorName(type: GCEvent['type']): string {
  return type === 'scavenge' ? 'Scavenge' : 'Mark-Compact';
}

/** V8's short collector names in `gc=` of --trace-gc-nvp. */
export function collectorShortName(type: GCEvent['type']): string {
  return type === 'scavenge' ? 's' : 'mc';
}

function prefix(pid: number, isolate: string, timeMs: number): string {
  if (!/^0x[0-9a-f]+$/.test(isolate)) throw new RangeError(`isolate ${JSON.stringify(isolate)} is not a %p address`);
  return `[${d(pid)}:${isolate}] ${printfFixed(timeMs, 0, 8)} ms: `;
}

/**
 * One `--trace-gc` line, without the newline, in Node 20's format:
 * `[pid:isolate] %8.0f ms: <Collector> %.1f (%.1f) -> %.1f (%.1f) MB, %.2f / %.2f ms <incr>
 * (average mu = %.3f, current mu = %.3f) <reason>; <collector reason>`. The incremental part,
 * printed for a mark-compact with `ev.incremental`, is ` (+ %.1f ms in %d steps since start of
 * marking, biggest step %.1f ms, walltime since start of marking %.f ms)`, the walltime running
 * to the end of the pause as in V8.
 */
export function formatTraceGc(ev: GCEvent, ctx: TraceGcContext): string {
  const f1 = (x: number): string => printfFixed(x, 1);
  const f2 = (x: number): string => printfFixed(x, 2);
  let incremental = '';
  if (ev.type === 'mark-compact' && ev.incremental !== null) {
    const inc = ev.incremental;
    incremental =
      ` (+ ${f1(inc.stepsMs)} ms in ${d(inc.steps)} steps since start of marking, ` +
      `biggest step ${f1(inc.biggestStepMs)} ms, walltime since start of marking ${printfFixed(inc.walltimeMs + ev.pauseMs, 0)} ms)`;
  }
  return (
    prefix(ctx.pid, ctx.isolate, ctx.timeMs ?? ev.startMs + ev.pauseMs) +
    `${collectorName(ev.type)}${ctx.reduceMemory === true ? ' (reduce)' : ''} ` +
    `${f1(ev.beforeBytes / MB)} (${f1(ev.beforeCommittedBytes / MB)}) -> ` +
    `${f1(ev.afterBytes / MB)} (${f1(ev.afterCommittedBytes / MB)}) MB, ` +
    `${f2(ev.pauseMs)} / ${f2(ctx.externalMs ?? 0)} ms ${incremental} ` +
    `(average mu = ${printfFixed(ctx.muAverage, 3)}, current mu = ${printfFixed(ctx.muCurrent, 3)}) ` +
    `${ev.reason}; ${ev.collectorReason}`
  );
}

// ---------------------------------------------------------------------------------------------
// --trace-gc-nvp

export interface TraceGcNvpContext {
  pid: number;
  isolate: string;
  /** The previous GC of any kind (for `mutator=` and `allocated=`); null or absent for the first. */
  previous?: GCEvent | null;
  timeMs?: number;
  reduceMemory?: boolean;
}

/**
 * The NVP key of a gcsim phase: mark-compact scopes drop their `mc.` prefix, as V8's NVP keys
 * do (`mc.evacuate.copy` → `evacuate.copy`); scavenge scopes keep theirs (`scavenge.roots`).
 */
export function nvpKey(type: GCEvent['type'], scope: string): string {
  return type === 'mark-compact' && scope.startsWith('mc.') ? scope.slice(3) : scope;
}

/** Helper-thread busy time of a parallel phase: the sum over threads other than the main thread (0). */
export function backgroundMs(phase: PhaseRecord): number {
  let sum = 0;
  for (const t of phase.threads) if (t.thread !== 0) sum += t.busyMs;
  return sum;
}

/**
 * One `--trace-gc-nvp` line, without the newline: the --trace-gc prefix, then
 * `pause=%.1f mutator=%.1f gc=s|mc reduce_memory=%d time_to_safepoint=%.2f`, every entry of
 * `ev.phasesMs` (`%.2f`, key per nvpKey), `background.<key>=%.2f` per parallel phase (helper busy
 * time summed over threads), the incremental-marking keys of a mark-compact, then the TAIL keys
 * gcsim knows: `total_size_before total_size_after allocated promoted new_space_survived`, and for
 * a mark-compact the gcsim-only `gcsim.evacuated gcsim.evacuation_candidates`. Keys V8 prints but
 * gcsim cannot fill (holes, node counts, ratios, throughputs) are left out: parse into a map.
 */
export function formatTraceGcNvp(ev: GCEvent, ctx: TraceGcNvpContext): string {
  const prev = ctx.previous ?? null;
  const mutatorMs = ev.startMs - (prev !== null ? prev.startMs + prev.pauseMs : 0);
  const parts: string[] = [
    `pause=${printfFixed(ev.pauseMs, 1)}`,
    `mutator=${printfFixed(mutatorMs, 1)}`,
    `gc=${collectorShortName(ev.type)}`,
    `reduce_memory=${ctx.reduceMemory === true ? 1 : 0}`,
    `time_to_safepoint=${printfFixed(ev.timeToSafepointMs, 2)}`,
  ];
  const seen = new Set(['pause', 'mutator', 'gc', 'reduce_memory', 'time_to_safepoint']);
  const push = (key: string, value: string): void => {
    if (seen.has(key)) return;
    seen.add(key);
    parts.push(`${key}=${value}`);
  };
  for (const [scope, ms] of Object.entries(ev.phasesMs)) push(nvpKey(ev.type, scope), printfFixed(ms, 2));
  for (const ph of ev.parallel) push(`background.${nvpKey(ev.type, ph.name)}`, printfFixed(backgroundMs(ph), 2));
  if (ev.type === 'mark-compact' && ev.incremental !== null) {
    const inc = ev.incremental;
    push('incremental', printfFixed(inc.stepsMs, 1));
    push('incremental_longest_step', printfFixed(inc.biggestStepMs, 1));
    push('incremental_steps_count', d(inc.steps));
    push('incremental_walltime_duration', printfFixed(inc.walltimeMs + ev.pauseMs, 0));
  }
  push('total_size_before', zu(ev.beforeBytes));
  push('total_size_after', zu(ev.afterBytes));
  push('allocated', zu(ev.beforeBytes - (prev !== null ? prev.afterBytes : 0)));
  push('promoted', zu(ev.promotedBytes));
  push('new_space_survived', zu(ev.survivedBytes));
  if (ev.type === 'mark-compact') {
    push('gcsim.evacuated', zu(ev.evacuatedBytes));
    push('gcsim.evacuation_candidates', d(ev.evacuationCandidates));
    push('gcsim.aborted_candidates', d(ev.abortedCandidates ?? 0));
    push('gcsim.marked', zu(ev.markedBytes ?? 0));
    push('gcsim.swept_pages', d(ev.sweptPages ?? 0));
    push('gcsim.released_pages', d(ev.releasedPages ?? 0));
  }
  return prefix(ctx.pid, ctx.isolate, ctx.timeMs ?? ev.startMs + ev.pauseMs) + parts.join(' ');
}

// ---------------------------------------------------------------------------------------------
// G1-style per-worker rows

function rowMs(s: ImbalanceStats): string {
  const f = (x: number): string => printfFixed(x, 1);
  return `Min: ${f(s.min)}, Avg: ${f(s.avg)}, Max: ${f(s.max)}, Diff: ${f(s.diff)}, Sum: ${f(s.sum)}, Workers: ${s.n}`;
}

function rowCount(s: ImbalanceStats): string {
  return `Min: ${zu(s.min)}, Avg: ${printfFixed(s.avg, 1)}, Max: ${zu(s.max)}, Diff: ${zu(s.diff)}, Sum: ${zu(s.sum)}, Workers: ${s.n}`;
}

/**
 * HotSpot G1-style rows (`-Xlog:gc+phases=debug`) for each parallel phase of ev:
 * ```
 *     scavenge.parallel (ms): Min: 1.9, Avg: 2.8, Max: 3.5, Diff: 1.6, Sum: 22.7, Workers: 2
 *       Idle (ms): …
 *       Objects: Min: 1, Avg: 71.4, Max: 95, Diff: 94, Sum: 571, Workers: 2
 *       Bytes: …
 *       Steals Attempted: …
 *       Steals Succeeded: …
 *       Preempted (ms): …          (option recordPreemption only)
 *       Races Lost: Min: 0, Avg: 0.5, Max: 1, Diff: 1, Sum: 1, Workers: 2
 *       Locks Contended: Min: 0, Avg: 1.0, Max: 2, Diff: 2, Sum: 2, Workers: 2
 *       Allowed Workers: 2          (records with helperLimit)
 *       Page Faults: 4102           (option recordPageFaults only; the whole process's)
 * ```
 * The first row is busy time per thread (Sum = CPU work, Max ≈ the phase's wall time); Diff =
 * Max − Min is the imbalance. Preempted is each thread's wait for a CPU during the phase. Allowed
 * Workers is how many threads the phase's work let take part (the main thread and `helperLimit`
 * helpers), beside `Workers`, those that did. Races Lost counts the races a thread lost: forwarding
 * CASes in a scavenge (its copy given back), mark bits another thread set first in marking.
 * Locks Contended counts the times it found a lock word held by another.
 */
export function formatPhaseWorkers(ev: GCEvent): string[] {
  const out: string[] = [];
  for (const ph of ev.parallel) {
    const im = phaseImbalance(ph);
    out.push(`    ${ph.name} (ms): ${rowMs(im.busyMs)}`);
    out.push(`      Idle (ms): ${rowMs(im.idleMs)}`);
    out.push(`      Objects: ${rowCount(im.objects)}`);
    out.push(`      Bytes: ${rowCount(im.bytes)}`);
    out.push(`      Steals Attempted: ${rowCount(im.stealsAttempted)}`);
    out.push(`      Steals Succeeded: ${rowCount(im.stealsSucceeded)}`);
    if (im.preemptedMs !== null) out.push(`      Preempted (ms): ${rowMs(im.preemptedMs)}`);
    if (im.racesLost !== null) out.push(`      Races Lost: ${rowCount(im.racesLost)}`);
    if (im.locksContended !== null) out.push(`      Locks Contended: ${rowCount(im.locksContended)}`);
    if (im.mailSent !== null) out.push(`      Mail Sent: ${rowCount(im.mailSent)}`);
    if (ph.helperLimit !== undefined) out.push(`      Allowed Workers: ${1 + ph.helperLimit}`);
    if (ph.pageFaults !== undefined) out.push(`      Page Faults: ${ph.pageFaults}`);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// A whole log

export interface TraceGcLogOptions {
  pid: number;
  isolate: string;
  /** NVP lines instead of --trace-gc lines. */
  nvp?: boolean;
  /** Append formatPhaseWorkers rows after each GC's line. */
  workers?: boolean;
}

/**
 * The lines V8 would print for a run's events (in order), keeping the mark-compact mutator
 * utilisation and the previous event as V8's tracer does.
 */
export function formatTraceGcLog(events: readonly GCEvent[], opts: TraceGcLogOptions): string[] {
  const mu = new MarkCompactMutatorUtilization(0);
  const out: string[] = [];
  let previous: GCEvent | null = null;
  for (const ev of events) {
    mu.observe(ev);
    out.push(
      opts.nvp === true
        ? formatTraceGcNvp(ev, { pid: opts.pid, isolate: opts.isolate, previous })
        : formatTraceGc(ev, { pid: opts.pid, isolate: opts.isolate, muAverage: mu.average, muCurrent: mu.current }),
    );
    if (opts.workers === true) out.push(...formatPhaseWorkers(ev));
    previous = ev;
  }
  return out;
}

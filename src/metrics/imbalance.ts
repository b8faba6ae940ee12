/**
 * Load balance across the threads of a parallel phase, in HotSpot G1's per-worker presentation
 * (`Min, Avg, Max, Diff, Sum, Workers`), plus speedup and parallel efficiency. Pure functions.
 * Definitions in docs/metrics.md.
 */

import type { PhaseRecord, ThreadPhaseStats } from './result.ts';

export interface ImbalanceStats {
  /** Number of values (workers). */
  n: number;
  min: number;
  avg: number;
  max: number;
  /** max − min: G1's imbalance figure. */
  diff: number;
  /** Total work (CPU time when the values are busy times). */
  sum: number;
  /** max / avg: 1.0 is perfect balance, n means one thread did everything. 1.0 when all are 0. */
  loadImbalance: number;
}

/** G1-style statistics over per-thread values. An empty list gives n = 0, zeros and loadImbalance 1. */
export function imbalanceStats(values: readonly number[]): ImbalanceStats {
  const n = values.length;
  if (n === 0) return { n: 0, min: 0, avg: 0, max: 0, diff: 0, sum: 0, loadImbalance: 1 };
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
  }
  const avg = sum / n;
  return { n, min, avg, max, diff: max - min, sum, loadImbalance: loadImbalance(values) };
}

/**
 * max / mean of the values: 1.0 when every thread did the same, up to n when one did it all.
 * Defined as 1.0 for an empty list or when every value is 0 (nothing to balance). Values are
 * expected to be ≥ 0 (times, counts); a non-positive mean with a positive max gives Infinity.
 */
export function loadImbalance(values: readonly number[]): number {
  const n = values.length;
  if (n === 0) return 1;
  let max = -Infinity;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    if (values[i] > max) max = values[i];
    sum += values[i];
  }
  if (max === 0 && sum === 0) return 1;
  const mean = sum / n;
  return mean > 0 ? max / mean : Infinity;
}

/**
 * Speedup of N threads over one: t1 / tN. Both zero gives 1 (nothing to speed up); tN = 0 with
 * t1 > 0 gives Infinity.
 */
export function speedup(t1: number, tN: number): number {
  if (tN === 0) return t1 === 0 ? 1 : Infinity;
  return t1 / tN;
}

/** Parallel efficiency: speedup / n (1.0 = linear scaling). */
export function efficiency(t1: number, tN: number, n: number): number {
  if (!(n > 0)) throw new RangeError(`thread count ${n}`);
  return speedup(t1, tN) / n;
}

/** Per-field G1 statistics of one parallel phase's participants. */
export interface PhaseImbalance {
  name: string;
  busyMs: ImbalanceStats;
  idleMs: ImbalanceStats;
  /** endMs − startMs per thread. */
  spanMs: ImbalanceStats;
  objects: ImbalanceStats;
  bytes: ImbalanceStats;
  stealsAttempted: ImbalanceStats;
  stealsSucceeded: ImbalanceStats;
  /** Each thread's wait for a CPU (ThreadPhaseStats.preemptedMs); null when the run did not record it. */
  preemptedMs: ImbalanceStats | null;
  /** Races each thread lost, forwarding or mark bits (ThreadPhaseStats.racesLost); null in records from before it existed. */
  racesLost: ImbalanceStats | null;
  /** Times each thread found a lock held (ThreadPhaseStats.locksContended); null in records from before it existed. */
  locksContended: ImbalanceStats | null;
  /** Mark targets or slots each thread mailed to their owner (ThreadPhaseStats.mailSent, owner marking or scavenging); null where no thread mailed any. */
  mailSent: ImbalanceStats | null;
}

export function phaseImbalance(phase: PhaseRecord): PhaseImbalance {
  const t = phase.threads;
  const col = (f: (s: ThreadPhaseStats) => number): ImbalanceStats => imbalanceStats(t.map(f));
  return {
    name: phase.name,
    busyMs: col((s) => s.busyMs),
    idleMs: col((s) => s.idleMs),
    spanMs: col((s) => s.endMs - s.startMs),
    objects: col((s) => s.objects),
    bytes: col((s) => s.bytes),
    stealsAttempted: col((s) => s.stealsAttempted),
    stealsSucceeded: col((s) => s.stealsSucceeded),
    preemptedMs: t.length > 0 && t.every((s) => s.preemptedMs !== undefined) ? col((s) => s.preemptedMs ?? 0) : null,
    racesLost: t.length > 0 && t.every((s) => s.racesLost !== undefined) ? col((s) => s.racesLost ?? 0) : null,
    locksContended: t.length > 0 && t.every((s) => s.locksContended !== undefined) ? col((s) => s.locksContended ?? 0) : null,
    mailSent: t.some((s) => s.mailSent !== undefined) ? col((s) => s.mailSent ?? 0) : null,
  };
}

/**
 * Pause-time statistics: count, total, nearest-rank percentiles and maximum of a list of
 * stop-the-world pauses. Pure functions, any thread; the definitions are in docs/metrics.md.
 * Counterpart: the percentile rows of DaCapo's latency lines and of Go's `MUD` quantiles.
 */

import type { PauseSummary } from './result.ts';

/** The percentiles every PauseSummary carries. */
export const PAUSE_PERCENTILES = [50, 90, 95, 99] as const;

/** A PauseSummary of nothing: every field 0. */
export function emptyPauseSummary(): PauseSummary {
  return { count: 0, totalMs: 0, p50: 0, p90: 0, p95: 0, p99: 0, max: 0 };
}

/**
 * Nearest-rank percentile of an ascending-sorted list: the smallest value v such that at least
 * q% of the values are ≤ v, i.e. `sorted[ceil(q/100 · n) − 1]` (rank clamped to [1, n]). The
 * result is always one of the observed values. q = 0 gives the minimum, q = 100 the maximum.
 * Returns 0 for an empty list.
 */
export function percentileNearestRank(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return 0;
  if (!(q >= 0 && q <= 100)) throw new RangeError(`percentile ${q} outside [0, 100]`);
  // q·n is an exact integer for integer q, so the ceiling is exact for the usual percentiles.
  let rank = Math.ceil((q * n) / 100);
  if (rank < 1) rank = 1;
  if (rank > n) rank = n;
  return sorted[rank - 1];
}

/**
 * Linear-interpolation percentile (Hyndman–Fan type 7, numpy's default) of an ascending-sorted
 * list: h = (n − 1)·q/100, result = x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋]). Returns 0 for an
 * empty list. Provided for comparison with tools that use it; PauseSummary uses nearest rank.
 */
export function percentileLinear(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return 0;
  if (!(q >= 0 && q <= 100)) throw new RangeError(`percentile ${q} outside [0, 100]`);
  const h = ((n - 1) * q) / 100;
  const lo = Math.floor(h);
  if (lo >= n - 1) return sorted[n - 1];
  return sorted[lo] + (h - lo) * (sorted[lo + 1] - sorted[lo]);
}

/**
 * Summary of a list of pauses in ms (any order). Percentiles are nearest-rank (see
 * `percentileNearestRank`); `totalMs` is the plain sum; an empty list gives all zeros.
 * Non-finite or negative pauses are a caller bug and throw.
 */
export function pauseSummary(pausesMs: readonly number[]): PauseSummary {
  const n = pausesMs.length;
  if (n === 0) return emptyPauseSummary();
  const sorted = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const p = pausesMs[i];
    if (!Number.isFinite(p) || p < 0) throw new RangeError(`pause ${i} is ${p} ms`);
    sorted[i] = p;
    total += p;
  }
  sorted.sort(); // Float64Array sorts numerically
  return {
    count: n,
    totalMs: total,
    p50: percentileNearestRank(sorted, 50),
    p90: percentileNearestRank(sorted, 90),
    p95: percentileNearestRank(sorted, 95),
    p99: percentileNearestRank(sorted, 99),
    max: sorted[n - 1],
  };
}

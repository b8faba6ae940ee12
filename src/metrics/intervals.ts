/**
 * Confidence intervals for figures measured over K trials: a seeded percentile bootstrap of the
 * median, of the ratio of two medians (a configuration against a baseline), and the verdict a
 * ratio's interval supports. Medians, quantiles and geometric means come from simple-statistics;
 * resampling uses pure-rand with a fixed seed, so the same trials always give the same interval.
 * Pure functions, any thread. Definitions: docs/metrics.md ("Intervals and comparisons").
 */
import { geometricMean as ssGeometricMean, median as ssMedian, quantileSorted } from 'simple-statistics';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';

/** Confidence level of every interval gcsim reports. */
export const CI_LEVEL = 0.95;
/** Bootstrap resamples per interval: enough for stable 2.5%/97.5% quantiles, cheap for K ≤ 50. */
export const BOOTSTRAP_RESAMPLES = 2000;
/** The fixed seed of the resampling generator (reproducible intervals). */
export const BOOTSTRAP_SEED = 0x9c51;
/** How the intervals are computed, as stated in results.json, the CSV header notes and the report. */
export const CI_METHOD = 'percentile bootstrap';

export interface StatisticsMethod {
  method: typeof CI_METHOD;
  statistic: 'median';
  level: number;
  resamples: number;
  seed: number;
}

export const STATISTICS_METHOD: StatisticsMethod = {
  method: CI_METHOD,
  statistic: 'median',
  level: CI_LEVEL,
  resamples: BOOTSTRAP_RESAMPLES,
  seed: BOOTSTRAP_SEED,
};

export interface Interval {
  lo: number;
  hi: number;
}

export interface BootstrapOptions {
  level?: number;
  resamples?: number;
  seed?: number;
}

function quantiles(sorted: Float64Array, level: number): Interval {
  const a = (1 - level) / 2;
  const arr = Array.from(sorted);
  return { lo: quantileSorted(arr, a), hi: quantileSorted(arr, 1 - a) };
}

/** The median of one resample with replacement; `scratch` has v.length slots (hot: no allocation). */
function resampleMedian(g: RandomGenerator, v: readonly number[], scratch: Float64Array): number {
  const n = v.length;
  for (let i = 0; i < n; i++) scratch[i] = v[Math.floor(((g.next() >>> 0) / 4294967296) * n)];
  scratch.sort();
  const h = n >> 1;
  return n % 2 === 1 ? scratch[h] : (scratch[h - 1] + scratch[h]) / 2;
}

/**
 * Percentile-bootstrap interval of the median: the (1 − level)/2 and (1 + level)/2 quantiles of
 * the medians of `resamples` resamples with replacement. One value gives [v, v]; none, [NaN, NaN].
 */
export function bootstrapMedianCi(values: readonly number[], opts: BootstrapOptions = {}): Interval {
  const v = values.filter((x) => Number.isFinite(x));
  if (v.length === 0) return { lo: NaN, hi: NaN };
  if (v.length === 1) return { lo: v[0], hi: v[0] };
  const resamples = opts.resamples ?? BOOTSTRAP_RESAMPLES;
  const g = xoroshiro128plus(opts.seed ?? BOOTSTRAP_SEED);
  const meds = new Float64Array(resamples);
  const scratch = new Float64Array(v.length);
  for (let r = 0; r < resamples; r++) meds[r] = resampleMedian(g, v, scratch);
  meds.sort();
  return quantiles(meds, opts.level ?? CI_LEVEL);
}

export interface RatioFigure {
  /** median(values) / median(baseline). */
  ratio: number;
  /** Percentile-bootstrap interval of the ratio (both samples resampled independently). */
  lo: number;
  hi: number;
  /** Trials on each side. */
  n: number;
  baselineN: number;
}

/**
 * The ratio of two medians with a percentile-bootstrap interval. NaN when either side has no
 * value or the baseline's median is 0 (a ratio to nothing is not a figure).
 */
export function bootstrapRatioCi(values: readonly number[], baseline: readonly number[], opts: BootstrapOptions = {}): RatioFigure {
  const v = values.filter((x) => Number.isFinite(x));
  const b = baseline.filter((x) => Number.isFinite(x));
  const nan: RatioFigure = { ratio: NaN, lo: NaN, hi: NaN, n: v.length, baselineN: b.length };
  if (v.length === 0 || b.length === 0) return nan;
  const mb = ssMedian(b);
  const mv = ssMedian(v);
  if (mb === 0) return mv === 0 ? { ratio: 1, lo: 1, hi: 1, n: v.length, baselineN: b.length } : nan;
  const resamples = opts.resamples ?? BOOTSTRAP_RESAMPLES;
  const g = xoroshiro128plus(opts.seed ?? BOOTSTRAP_SEED);
  const ratios = new Float64Array(resamples);
  const sv = new Float64Array(v.length);
  const sb = new Float64Array(b.length);
  let k = 0;
  for (let r = 0; r < resamples; r++) {
    const db = resampleMedian(g, b, sb);
    const dv = resampleMedian(g, v, sv);
    if (db !== 0) ratios[k++] = dv / db;
  }
  if (k === 0) return nan;
  const sorted = ratios.subarray(0, k).sort();
  const ci = quantiles(sorted, opts.level ?? CI_LEVEL);
  return { ratio: mv / mb, lo: ci.lo, hi: ci.hi, n: v.length, baselineN: b.length };
}

/**
 * What a ratio's interval supports: `lower` / `higher` when the whole interval lies below / above
 * 1, `no significant change` when it spans 1 (or the medians are equal), `too few trials` with
 * fewer than 2 trials on either side (one trial has no interval worth the name), `n/a` when
 * there is no ratio.
 */
export type RatioVerdict = 'lower' | 'higher' | 'no significant change' | 'too few trials' | 'n/a';

export function ratioVerdict(f: RatioFigure): RatioVerdict {
  if (!Number.isFinite(f.ratio) || !Number.isFinite(f.lo) || !Number.isFinite(f.hi)) return 'n/a';
  // Equal medians are no change whatever the sample size (a file compared with itself).
  if (f.ratio === 1 && f.lo <= 1 && f.hi >= 1) return 'no significant change';
  if (f.n < 2 || f.baselineN < 2) return 'too few trials';
  if (f.hi < 1) return 'lower';
  if (f.lo > 1) return 'higher';
  return 'no significant change';
}

/** Geometric mean of positive ratios (simple-statistics); NaN for none or any non-positive one. */
export function geometricMean(values: readonly number[]): number {
  const v = values.filter((x) => Number.isFinite(x));
  if (v.length === 0 || v.some((x) => x <= 0)) return NaN;
  return ssGeometricMean(v);
}

/** Median of the finite values (simple-statistics); 0 for none. */
export function medianOf(values: readonly number[]): number {
  const v = values.filter((x) => Number.isFinite(x));
  return v.length === 0 ? 0 : ssMedian(v);
}

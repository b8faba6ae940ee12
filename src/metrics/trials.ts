/**
 * Summaries of K trials of one configuration: median, min, max and spread of any numeric
 * metric, with a flag and a warning when the trials disagree. Pure functions.
 * Definitions in docs/metrics.md.
 */

import type { RunSummary } from './result.ts';
import { bootstrapMedianCi, medianOf } from './intervals.ts';

/** Trials whose max − min exceeds this fraction of the median disagree (10%). */
export const DISAGREE_FRACTION = 0.1;

export interface TrialStats {
  /** Number of trials with a finite value. */
  n: number;
  median: number;
  min: number;
  max: number;
  /** (max − min) / |median|; 0 when all agree, Infinity when the median is 0 but values differ. */
  spread: number;
  /** spread > threshold (default DISAGREE_FRACTION). */
  disagrees: boolean;
  /** 95% confidence interval of the median (seeded percentile bootstrap, src/metrics/intervals.ts). */
  lo: number;
  hi: number;
}

/**
 * Median: the middle value of the sorted list, or the mean of the two middle values for an even
 * count. 0 for an empty list.
 */
export function median(values: readonly number[]): number {
  return medianOf(values);
}

/**
 * Statistics of one metric over K trials. Non-finite values (a failed trial) are ignored; with
 * no finite value every field is 0 (spread 0, agreeing).
 */
export function trialStats(values: readonly number[], threshold = DISAGREE_FRACTION): TrialStats {
  const v = values.filter((x) => Number.isFinite(x));
  const n = v.length;
  if (n === 0) return { n: 0, median: 0, min: 0, max: 0, spread: 0, disagrees: false, lo: 0, hi: 0 };
  let min = Infinity;
  let max = -Infinity;
  for (const x of v) {
    if (x < min) min = x;
    if (x > max) max = x;
  }
  const med = median(v);
  const range = max - min;
  const spread = range === 0 ? 0 : med === 0 ? Infinity : range / Math.abs(med);
  const ci = bootstrapMedianCi(v);
  return { n, median: med, min, max, spread, disagrees: spread > threshold, lo: ci.lo, hi: ci.hi };
}

/** A one-line warning for a metric whose trials disagree, or null when they agree. */
export function disagreementWarning(name: string, s: TrialStats, threshold = DISAGREE_FRACTION): string | null {
  if (!(s.spread > threshold)) return null;
  const pct = s.spread === Infinity ? 'inf' : (s.spread * 100).toFixed(1);
  return (
    `${name}: ${s.n} trials disagree by ${pct}% of the median (> ${(threshold * 100).toFixed(0)}%): ` +
    `min ${fmt(s.min)}, median ${fmt(s.median)}, max ${fmt(s.max)}`
  );
}

function fmt(v: number): string {
  return Number.isInteger(v) ? String(v) : Number(v.toPrecision(4)).toString();
}

export interface TrialsSummary {
  /** Per metric name. */
  metrics: Record<string, TrialStats>;
  /** One warning per disagreeing metric, in metric order. */
  warnings: string[];
}

/**
 * Summarises several metrics over K trials. Each trial is a flat record of metric name → value
 * (see flattenRunSummary); a metric missing from a trial counts as a failed trial for it.
 */
export function summarizeTrials(
  trials: readonly Record<string, number>[],
  threshold = DISAGREE_FRACTION,
): TrialsSummary {
  const names: string[] = [];
  const seen = new Set<string>();
  for (const t of trials) for (const k of Object.keys(t)) if (!seen.has(k)) { seen.add(k); names.push(k); }
  const metrics: Record<string, TrialStats> = {};
  const warnings: string[] = [];
  for (const name of names) {
    const s = trialStats(trials.map((t) => (name in t ? t[name] : NaN)), threshold);
    metrics[name] = s;
    const w = disagreementWarning(name, s, threshold);
    if (w !== null) warnings.push(w);
  }
  return { metrics, warnings };
}

/**
 * The numeric headline metrics of a RunSummary as a flat record, for summarizeTrials:
 * `pauses.{count,totalMs,p50,p90,p95,p99,max}`, `gcMs`, `gcOverhead`, `mutatorThroughput`,
 * `wallMs`, `allocatedBytes`, `mmu@<w>` and `bmu@<w>` per window (`mmu@run` for the
 * window equal to the run length, which differs from trial to trial).
 */
export function flattenRunSummary(s: RunSummary): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(s.pauses)) out[`pauses.${k}`] = v;
  out.wallMs = s.wallMs;
  out.gcMs = s.gcMs;
  out.gcOverhead = s.gcOverhead;
  out.mutatorThroughput = s.mutatorThroughput;
  out.allocatedBytes = s.allocatedBytes;
  // The last default window is the run length, which differs between trials: key it `run`.
  const key = (w: number): string => (w === s.wallMs ? 'run' : String(w));
  for (const p of s.mmu) out[`mmu@${key(p.windowMs)}`] = p.util;
  for (const p of s.bmu) out[`bmu@${key(p.windowMs)}`] = p.util;
  return out;
}

/**
 * `gcsim compare`: two sweeps' results (or two configurations of one) figure by figure: each
 * side's median with its 95% interval, the ratio B / A of the medians with a percentile-bootstrap
 * interval, and the verdict the interval supports. Configurations are paired by label (the
 * workload and every axis value); two files of one configuration each are paired as they are.
 * Pure; main thread.
 */
import { STATISTICS_METHOD, bootstrapRatioCi, ratioVerdict, type RatioFigure, type RatioVerdict, type StatisticsMethod } from '../metrics/intervals.ts';
import { trialStats, type TrialStats } from '../metrics/trials.ts';
import { UsageError } from './run.ts';
import { labelAxes } from './sweep-matrix.ts';
import type { ConfigurationRecord, SweepResults } from './sweep-results.ts';
import { okTrialMetrics } from './sweep-summary.ts';

export const COMPARE_SCHEMA = 'gcsim/compare@1';

export interface ComparedFigure extends RatioFigure {
  metric: string;
  a: TrialStats;
  b: TrialStats;
  verdict: RatioVerdict;
}

export interface ComparedPair {
  a: { source: string; id: string; label: string; ok: number };
  b: { source: string; id: string; label: string; ok: number };
  figures: ComparedFigure[];
}

export interface Comparison {
  schema: typeof COMPARE_SCHEMA;
  statistics: StatisticsMethod;
  pairs: ComparedPair[];
  /** Configurations of either side that found no partner. */
  unmatched: string[];
}

/**
 * A configuration of `s` named by id (`c1`), exact label (`splay threads=2`), or axis values
 * (`threads=2`, every named axis must match; exactly one configuration may). Throws UsageError.
 */
export function selectConfiguration(s: SweepResults, selector: string, source: string): ConfigurationRecord {
  const exact = s.configurations.find((c) => c.id === selector || c.label === selector);
  if (exact) return exact;
  const want = labelAxes(`x ${selector.replace(/,/g, ' ')}`);
  const words = selector.split(/[\s,]+/).filter((w) => w !== '' && !w.includes('='));
  if (Object.keys(want).length === 0 && words.length === 0) throw new UsageError(`bad configuration '${selector}' for ${source}`);
  const hits = s.configurations.filter((c) => {
    const axes = labelAxes(c.label);
    return Object.entries(want).every(([k, v]) => axes[k] === v) && words.every((w) => c.workload === w);
  });
  if (hits.length !== 1) {
    const what = hits.length === 0 ? 'no configuration' : `${hits.length} configurations`;
    throw new UsageError(`${what} of ${source} ${hits.length === 0 ? 'matches' : 'match'} '${selector}': name one (has: ${s.configurations.map((c) => c.label).join('; ')})`);
  }
  return hits[0];
}

/** Every metric both configurations measured, B against A. */
export function compareConfigurations(a: ConfigurationRecord, sourceA: string, b: ConfigurationRecord, sourceB: string): ComparedPair {
  const ta = okTrialMetrics(a);
  const tb = okTrialMetrics(b);
  const names: string[] = [];
  const seen = new Set<string>();
  for (const t of [...ta, ...tb]) for (const k of Object.keys(t)) if (!seen.has(k)) (seen.add(k), names.push(k));
  const figures: ComparedFigure[] = [];
  for (const metric of names) {
    const va = ta.map((t) => (metric in t ? t[metric] : NaN));
    const vb = tb.map((t) => (metric in t ? t[metric] : NaN));
    if (!va.some(Number.isFinite) || !vb.some(Number.isFinite)) continue;
    const f = bootstrapRatioCi(vb, va);
    figures.push({ metric, ...f, a: trialStats(va), b: trialStats(vb), verdict: ratioVerdict(f) });
  }
  return {
    a: { source: sourceA, id: a.id, label: a.label, ok: ta.length },
    b: { source: sourceB, id: b.id, label: b.label, ok: tb.length },
    figures,
  };
}

/**
 * Pairs the configurations of A and B by label; when both have exactly one configuration they
 * are paired whatever their labels. With selectors, exactly the two named configurations.
 */
export function compareResults(
  a: SweepResults,
  sourceA: string,
  b: SweepResults,
  sourceB: string,
  select: { a?: string; b?: string } = {},
): Comparison {
  const pairs: ComparedPair[] = [];
  const unmatched: string[] = [];
  if (select.a !== undefined || select.b !== undefined) {
    const ca = select.a !== undefined ? selectConfiguration(a, select.a, sourceA) : only(a, sourceA);
    const cb = select.b !== undefined ? selectConfiguration(b, select.b, sourceB) : only(b, sourceB);
    pairs.push(compareConfigurations(ca, sourceA, cb, sourceB));
  } else if (a.configurations.length === 1 && b.configurations.length === 1) {
    pairs.push(compareConfigurations(a.configurations[0], sourceA, b.configurations[0], sourceB));
  } else {
    for (const ca of a.configurations) {
      const cb = b.configurations.find((c) => c.label === ca.label);
      if (cb) pairs.push(compareConfigurations(ca, sourceA, cb, sourceB));
      else unmatched.push(`${sourceA}: ${ca.label}`);
    }
    for (const cb of b.configurations) if (!a.configurations.some((c) => c.label === cb.label)) unmatched.push(`${sourceB}: ${cb.label}`);
    if (pairs.length === 0) {
      throw new UsageError(`no configuration of ${sourceA} has the label of one of ${sourceB}: name two with --a and --b (e.g. --a threads=1 --b threads=2)`);
    }
  }
  return { schema: COMPARE_SCHEMA, statistics: STATISTICS_METHOD, pairs, unmatched };
}

function only(s: SweepResults, source: string): ConfigurationRecord {
  if (s.configurations.length !== 1) throw new UsageError(`${source} has ${s.configurations.length} configurations: name one (by label, id or axis values such as threads=2)`);
  return s.configurations[0];
}

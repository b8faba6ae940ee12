/**
 * Summaries of a sweep across trials: per configuration, the median/min/max/spread of every
 * metric of the successful trials (src/metrics/trials.ts), disagreement warnings, the
 * representative trial, speedup and parallel efficiency of each parallel phase against the
 * threads = 1 configuration that marks the same way, and sweep-wide checks (the digest must not
 * depend on the configuration: DESIGN §4). Pure; main thread.
 */
import type { GCType, RunResult } from '../metrics/result.ts';
import { GC_TYPES, workPerGc } from '../metrics/summary.ts';
import { flattenRunSummary, summarizeTrials } from '../metrics/trials.ts';
import { markingMode, type GcOptions } from '../options.ts';
import { efficiency, loadImbalance, speedup } from '../metrics/imbalance.ts';
import { STATISTICS_METHOD, bootstrapRatioCi, geometricMean, ratioVerdict } from '../metrics/intervals.ts';
import { PAUSE_PERCENTILES } from '../metrics/pauses.ts';
import { baselineIndices } from './sweep-matrix.ts';
import type {
  BaselineSummary,
  ConfigurationRecord,
  ConfigurationSummary,
  GeomeanRow,
  ScalingSummary,
  SweepFailure,
  SweepResults,
  TrialRecord,
} from './sweep-results.ts';

/** The figures compared with the baseline (ratios with intervals) and across workloads (geometric means). */
export const RATIO_METRICS = [
  'pauses.count',
  'pauses.totalMs',
  'pauses.p50',
  'pauses.p95',
  'pauses.p99',
  'pauses.max',
  'gcMs',
  'gcOverhead',
  'wallMs',
  'mutatorThroughput',
] as const;

/**
 * Every numeric metric of one run, flat: flattenRunSummary's (`pauses.p95`, `gcOverhead`,
 * `mmu@10`…), plus per collector `scavenge.p95`…, time to safepoint, main-thread ms per phase
 * `phase.<scope>` (summed over the run's GCs), per parallel phase the mean load imbalance of
 * busy time `imbalance.<phase>`, the steals `steals.<phase>` and the mean number of threads that
 * took part `participants.<phase>` (under 'dynamic' helper join, fewer than `threads` when the
 * main thread finished a phase before the helpers arrived) and the mean number its work let take
 * part `allowed.<phase>` (the main thread and `helperLimit` helpers), bytes moved, and the work done
 * per GC (`work.*`: bytes marked, evacuated and copied, pages swept), so that two configurations
 * that did different work are told apart.
 */
export function trialMetrics(r: RunResult): Record<string, number> {
  const out = flattenRunSummary(r.summary);
  for (const t of GC_TYPES) {
    const s = r.summary.pausesByType[t];
    if (s) for (const [k, v] of Object.entries(s)) out[`${t}.${k}`] = v;
  }
  let ttsMax = 0;
  let ttsSum = 0;
  let survived = 0;
  let promoted = 0;
  let evacuated = 0;
  const phaseMs: Record<string, number> = {};
  const imb: Record<string, { sum: number; n: number; threads: number; allowed: number; limits: number }> = {};
  const steals: Record<string, number> = {};
  for (const ev of r.events) {
    ttsMax = Math.max(ttsMax, ev.timeToSafepointMs);
    ttsSum += ev.timeToSafepointMs;
    survived += ev.survivedBytes;
    promoted += ev.promotedBytes;
    evacuated += ev.evacuatedBytes;
    for (const [scope, ms] of Object.entries(ev.phasesMs)) phaseMs[scope] = (phaseMs[scope] ?? 0) + ms;
    for (const ph of ev.parallel) {
      if (ph.threads.length === 0) continue;
      const e = (imb[ph.name] ??= { sum: 0, n: 0, threads: 0, allowed: 0, limits: 0 });
      e.sum += loadImbalance(ph.threads.map((t) => t.busyMs));
      e.n++;
      e.threads += ph.threads.length;
      if (ph.helperLimit !== undefined) {
        e.allowed += 1 + ph.helperLimit;
        e.limits++;
      }
      let s = 0;
      for (const t of ph.threads) s += t.stealsSucceeded;
      steals[ph.name] = (steals[ph.name] ?? 0) + s;
    }
  }
  out['timeToSafepointMs.max'] = ttsMax;
  out['timeToSafepointMs.mean'] = r.events.length > 0 ? ttsSum / r.events.length : 0;
  out.survivedBytes = survived;
  out.promotedBytes = promoted;
  out.evacuatedBytes = evacuated;
  for (const [k, v] of Object.entries(workPerGc(r.events))) out[`work.${k}`] = v;
  for (const [k, v] of Object.entries(phaseMs)) out[`phase.${k}`] = v;
  for (const [k, v] of Object.entries(imb)) {
    out[`imbalance.${k}`] = v.sum / v.n;
    out[`participants.${k}`] = v.threads / v.n;
    if (v.limits > 0) out[`allowed.${k}`] = v.allowed / v.limits;
  }
  for (const [k, v] of Object.entries(steals)) out[`steals.${k}`] = v;
  return out;
}

/**
 * The trial whose total pause time is the (lower) median of the successful ones. When every
 * trial failed, the failed trial that measured the most GCs before failing (its partial record),
 * so the report still charts what was measured; null when no trial left a record.
 */
export function representativeTrial(trials: readonly TrialRecord[]): TrialRecord | null {
  const ok = trials.filter((t) => t.status === 'ok' && t.result !== null);
  if (ok.length === 0) {
    const partial = trials.filter((t) => t.result !== null && t.result.events.length > 0);
    if (partial.length === 0) return null;
    return partial.reduce((a, b) => (b.result!.events.length > a.result!.events.length ? b : a));
  }
  const sorted = ok.toSorted((a, b) => a.result!.summary.pauses.totalMs - b.result!.summary.pauses.totalMs || a.index - b.index);
  return sorted[(sorted.length - 1) >> 1];
}

/** Each successful trial's flat metrics (trialMetrics). */
export function okTrialMetrics(c: ConfigurationRecord): Record<string, number>[] {
  return c.trials.filter((t) => t.status === 'ok' && t.result !== null).map((t) => trialMetrics(t.result!));
}

export function summarizeConfiguration(c: ConfigurationRecord, perTrial = okTrialMetrics(c)): ConfigurationSummary {
  const { metrics, warnings } = summarizeTrials(perTrial);
  const count = metrics['pauses.count']?.median ?? 0;
  return {
    ok: perTrial.length,
    failed: c.trials.length - perTrial.length,
    representative: representativeTrial(c.trials)?.index ?? null,
    metrics,
    warnings,
    scaling: null,
    baseline: null,
    pauseSample: { count, ranks: pauseRanks(Math.round(count)) },
  };
}

/**
 * Which pause a nearest-rank percentile of `n` pauses is: `the max` when its rank is n (p99 of
 * fewer than 101 pauses, p95 of fewer than 21), else `kth of n`.
 */
export function pauseRanks(n: number): Record<string, string> {
  const out: Record<string, string> = {};
  for (const q of PAUSE_PERCENTILES) {
    if (n <= 0) out[`p${q}`] = 'no pauses';
    else {
      const rank = Math.min(n, Math.max(1, Math.ceil((q * n) / 100)));
      out[`p${q}`] = rank === n ? (n === 1 ? 'the only pause' : 'the max') : `${ordinal(rank)} of ${n}`;
    }
  }
  return out;
}

function ordinal(k: number): string {
  const t = k % 100;
  const suffix = t >= 11 && t <= 13 ? 'th' : k % 10 === 1 ? 'st' : k % 10 === 2 ? 'nd' : k % 10 === 3 ? 'rd' : 'th';
  return `${k}${suffix}`;
}

/** `splay threads=2: p99 of 39 pauses is the max, p95 is the 38th of 39` (null when no percentile is notable). */
export function pauseSampleNote(c: ConfigurationRecord): string | null {
  const ps = c.summary.pauseSample;
  if (!ps || c.summary.ok === 0) return null;
  const atMax = PAUSE_PERCENTILES.filter((q) => ps.ranks[`p${q}`] === 'the max' || ps.ranks[`p${q}`] === 'the only pause').map((q) => `p${q}`);
  if (ps.count === 0) return `${c.label}: no pauses`;
  const median = Number.isInteger(ps.count) ? '' : ' (median over trials)';
  if (atMax.length === 0) return `${c.label}: ${ps.count} pauses per trial${median}; p99 is the ${ps.ranks.p99}`;
  return `${c.label}: ${atMax.join(', ')} of ${ps.count} pause${ps.count === 1 ? '' : 's'}${median} ${atMax.length === 1 ? 'is' : 'are'} the max`;
}

/** Ratios with intervals of the RATIO_METRICS of `c` against `base`. */
export function baselineSummary(base: ConfigurationRecord, baseTrials: Record<string, number>[], c: ConfigurationRecord, trials: Record<string, number>[], metrics: readonly string[] = RATIO_METRICS): BaselineSummary {
  const figures: BaselineSummary['figures'] = {};
  for (const k of metrics) {
    const v = trials.map((t) => (k in t ? t[k] : NaN));
    const b = baseTrials.map((t) => (k in t ? t[k] : NaN));
    if (!v.some(Number.isFinite) || !b.some(Number.isFinite)) continue;
    const f = bootstrapRatioCi(v, b);
    figures[k] = { ...f, verdict: ratioVerdict(f) };
  }
  return { baselineId: base.id, baselineLabel: base.label, figures };
}

/** The label without its workload: `splay threads=2` → `threads=2`. */
export function settingOf(label: string): string {
  const i = label.indexOf(' ');
  return i < 0 ? '' : label.slice(i + 1);
}

/** Per setting and metric, the geometric mean over workloads of the ratios to the baseline. */
export function geomeanRows(s: SweepResults): GeomeanRow[] {
  const acc = new Map<string, { ratios: number[]; lo: number[]; hi: number[] }>();
  for (const c of s.configurations) {
    const b = c.summary.baseline;
    if (!b) continue;
    for (const [metric, f] of Object.entries(b.figures)) {
      const key = `${settingOf(c.label)}\u0000${metric}`;
      let a = acc.get(key);
      if (!a) acc.set(key, (a = { ratios: [], lo: [], hi: [] }));
      a.ratios.push(f.ratio);
      a.lo.push(f.lo);
      a.hi.push(f.hi);
    }
  }
  const rows: GeomeanRow[] = [];
  for (const [key, a] of acc) {
    const [setting, metric] = key.split('\u0000');
    rows.push({ setting, metric, geomean: geometricMean(a.ratios), lo: geometricMean(a.lo), hi: geometricMean(a.hi), workloads: a.ratios.length });
  }
  return rows;
}

/**
 * Figures compared against threads = 1: the parallel phases only (those with per-thread figures,
 * hence an `imbalance.` metric). Pauses and main-thread phases mix work that no thread count
 * shares out; they are shown as times, not as speedups.
 */
function scalingKeys(metrics: Record<string, unknown>): string[] {
  const keys: string[] = [];
  for (const k of Object.keys(metrics)) if (k.startsWith('phase.') && `imbalance.${k.slice(6)}` in metrics) keys.push(k);
  return keys;
}

export function scalingAgainst(base: ConfigurationRecord, c: ConfigurationRecord): ScalingSummary | null {
  const threads = c.resolvedOptions.threads;
  if (base.summary.ok === 0 || c.summary.ok === 0) return null;
  const figures: ScalingSummary['figures'] = {};
  for (const k of scalingKeys(c.summary.metrics)) {
    const b = base.summary.metrics[k];
    const n = c.summary.metrics[k];
    if (!b || !n) continue;
    figures[k] = { baselineMs: b.median, ms: n.median, speedup: speedup(b.median, n.median), efficiency: efficiency(b.median, n.median, threads) };
  }
  return { baselineId: base.id, threads, figures };
}

/**
 * The baseline of a configuration's speedups: the one of its group (same workload, parameters
 * and options but the thread count) at threads = 1 that marks the same way. A configuration
 * marking concurrently has none (one thread cannot mark concurrently): comparing it with
 * incremental marking at threads = 1 would compare two algorithms.
 */
export function scalingBaseline(s: SweepResults, c: ConfigurationRecord): ConfigurationRecord | null {
  const mode = markingMode(c.resolvedOptions as GcOptions);
  const base = s.configurations.find((b) => b.group === c.group && b.resolvedOptions.threads === 1 && markingMode(b.resolvedOptions as GcOptions) === mode);
  return base !== undefined && base !== c ? base : null;
}

/** Fills in every configuration's summary and the sweep's failures and warnings, in place. */
export function summarizeSweep(s: SweepResults): SweepResults {
  const perTrial = s.configurations.map((c) => okTrialMetrics(c));
  s.configurations.forEach((c, i) => (c.summary = summarizeConfiguration(c, perTrial[i])));
  let baselines: number[];
  try {
    baselines = baselineIndices(s.spec, s.configurations);
  } catch {
    baselines = s.configurations.map(() => -1); // a results file whose baseline no longer parses
  }
  s.configurations.forEach((c, i) => {
    const b = baselines[i];
    if (b < 0 || b === i) return;
    const base = s.configurations[b];
    if (base.summary.ok === 0 || c.summary.ok === 0) return;
    c.summary.baseline = baselineSummary(base, perTrial[b], c, perTrial[i]);
  });
  s.statistics = { ...STATISTICS_METHOD, baseline: s.spec.baseline ?? 'the first value of every listed axis' };
  s.geomeans = geomeanRows(s);
  for (const c of s.configurations) {
    const base = scalingBaseline(s, c);
    c.summary.scaling = base !== null ? scalingAgainst(base, c) : null;
  }
  const failures: SweepFailure[] = [];
  for (const c of s.configurations) {
    for (const t of c.trials) {
      if (t.failure) failures.push({ index: t.index, configId: c.id, label: c.label, trial: t.trial, kind: t.failure.kind, message: t.failure.message });
    }
  }
  s.failures = failures.sort((a, b) => a.index - b.index);
  const warnings: string[] = [];
  if (s.status === 'interrupted') {
    const run = s.configurations.reduce((n, c) => n + c.trials.length, 0);
    warnings.push(`interrupted: ${run} of ${s.plannedTrials} trials were run`);
  }
  if (failures.length > 0) warnings.push(`${failures.length} trial${failures.length === 1 ? '' : 's'} failed (see failures)`);
  warnings.push(...digestWarnings(s));
  warnings.push(...loadWarnings(s));
  warnings.push(...hostGcWarnings(s));
  s.warnings = warnings;
  return s;
}

/**
 * The digest of the reachable graph depends only on workload, parameters and seed: any two
 * successful trials that share those but differ in digest are a collector bug (DESIGN §4).
 */
export function digestWarnings(s: SweepResults): string[] {
  const byKey = new Map<string, Map<string, string[]>>();
  for (const c of s.configurations) {
    for (const t of c.trials) {
      const r = t.result;
      if (t.status !== 'ok' || r === null || r.digest === '') continue;
      const key = `${r.workload.name} ${JSON.stringify(r.workload.params)} seed=${r.workload.seed}`;
      let m = byKey.get(key);
      if (!m) byKey.set(key, (m = new Map()));
      let l = m.get(r.digest);
      if (!l) m.set(r.digest, (l = []));
      if (!l.includes(c.label)) l.push(c.label);
    }
  }
  const out: string[] = [];
  for (const [key, m] of byKey) {
    if (m.size <= 1) continue;
    const parts = [...m].map(([d, labels]) => `${d} (${labels.join('; ')})`);
    out.push(`digest differs between configurations of ${key}: ${parts.join(' vs ')}`);
  }
  return out;
}

/** One warning when trials ran with the load average above the core count or others busy. */
export function loadWarnings(s: SweepResults): string[] {
  let busy = 0;
  let maxLoad = 0;
  let cpus = s.env.cpus;
  let n = 0;
  for (const c of s.configurations) {
    for (const t of c.trials) {
      if (!t.load) continue;
      n++;
      cpus = t.load.cpus;
      maxLoad = Math.max(maxLoad, t.load.loadStart, t.load.loadEnd);
      if (t.load.busy) busy++;
    }
  }
  if (busy === 0) return [];
  return [`${busy} of ${n} trials ran on a busy machine (load average up to ${maxLoad.toFixed(2)} on ${cpus} CPUs, or other processes using CPU): timings are noisier than usual`];
}

/**
 * One warning when host GCs (V8 collecting the simulator's own JavaScript heap, metrics/host-gc.ts)
 * fell inside measured pauses: those pauses' times include them. Per configuration: pauses hit,
 * and the host GC ms inside them against all its pause ms.
 */
export function hostGcWarnings(s: SweepResults): string[] {
  const parts: string[] = [];
  let pauses = 0;
  for (const c of s.configurations) {
    let hit = 0;
    let inPausesMs = 0;
    let pauseMs = 0;
    for (const t of c.trials) {
      const h = t.status === 'ok' ? t.result?.summary.hostGc : undefined;
      if (h === undefined || t.result === null) continue;
      hit += h.pauses;
      inPausesMs += h.inPausesMs;
      pauseMs += t.result.summary.pauses.totalMs;
    }
    if (hit === 0) continue;
    pauses += hit;
    parts.push(`${c.label}: ${hit} (${inPausesMs.toFixed(1)} of ${pauseMs.toFixed(0)} pause ms)`);
  }
  if (pauses === 0) return [];
  return [`V8's own GC of the simulator's heap fell inside ${pauses} measured pause${pauses === 1 ? '' : 's'}, whose times include it: ${parts.join('; ')}`];
}

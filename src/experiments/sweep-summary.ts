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
import type { ConfigurationRecord, ConfigurationSummary, ScalingSummary, SweepFailure, SweepResults, TrialRecord } from './sweep-results.ts';

/**
 * Every numeric metric of one run, flat: flattenRunSummary's (`pauses.p95`, `gcOverhead`,
 * `mmu@10`…), plus per collector `scavenge.p95`…, time to safepoint, main-thread ms per phase
 * `phase.<scope>` (summed over the run's GCs), per parallel phase the mean load imbalance of
 * busy time `imbalance.<phase>` and the steals `steals.<phase>`, bytes moved, and the work done
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
  const imb: Record<string, { sum: number; n: number }> = {};
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
      const e = (imb[ph.name] ??= { sum: 0, n: 0 });
      e.sum += loadImbalance(ph.threads.map((t) => t.busyMs));
      e.n++;
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
  for (const [k, v] of Object.entries(imb)) out[`imbalance.${k}`] = v.sum / v.n;
  for (const [k, v] of Object.entries(steals)) out[`steals.${k}`] = v;
  return out;
}

/** The trial whose total pause time is the (lower) median of the successful ones. */
export function representativeTrial(trials: readonly TrialRecord[]): TrialRecord | null {
  const ok = trials.filter((t) => t.status === 'ok' && t.result !== null);
  if (ok.length === 0) return null;
  const sorted = ok.toSorted((a, b) => a.result!.summary.pauses.totalMs - b.result!.summary.pauses.totalMs || a.index - b.index);
  return sorted[(sorted.length - 1) >> 1];
}

export function summarizeConfiguration(c: ConfigurationRecord): ConfigurationSummary {
  const ok = c.trials.filter((t) => t.status === 'ok' && t.result !== null);
  const { metrics, warnings } = summarizeTrials(ok.map((t) => trialMetrics(t.result!)));
  return {
    ok: ok.length,
    failed: c.trials.length - ok.length,
    representative: representativeTrial(c.trials)?.index ?? null,
    metrics,
    warnings,
    scaling: null,
  };
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
  for (const c of s.configurations) c.summary = summarizeConfiguration(c);
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

/**
 * Tables of a sweep, as plain text for the terminal and as HTML for report.html: pause
 * percentiles per configuration (median across trials and spread), scaling against threads = 1,
 * failures. Pure string building.
 */
import type { TrialStats } from '../metrics/trials.ts';
import type { RatioVerdict } from '../metrics/intervals.ts';
import { RATIO_METRICS, pauseSampleNote } from '../experiments/sweep-summary.ts';
import type { GCEvent } from '../metrics/result.ts';
import { phaseImbalance, type ImbalanceStats } from '../metrics/imbalance.ts';
import type { ConfigurationRecord, SweepResults } from '../experiments/sweep-results.ts';
import { markingMode, type GcOptions } from '../options.ts';

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function fmtMs(v: number): string {
  if (!Number.isFinite(v)) return '—';
  return v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2);
}

/**
 * `12.3 [11.0–14.2]`: the median and its 95% confidence interval (percentile bootstrap) when
 * there are 2+ trials that differ. Older summaries without an interval show the spread, `±4%`.
 */
export function fmtStat(s: TrialStats | undefined, fmt: (v: number) => string = fmtMs): string {
  if (!s || s.n === 0) return '—';
  if (s.n < 2 || s.spread === 0) return fmt(s.median);
  if (Number.isFinite(s.lo) && Number.isFinite(s.hi)) return `${fmt(s.median)} [${fmt(s.lo)}–${fmt(s.hi)}]`;
  const pct = s.spread === Infinity ? '∞' : `${Math.round(s.spread * 100)}%`;
  return `${fmt(s.median)} ±${pct}`;
}

/** `1.23 [1.05–1.40]` for a ratio and its interval. */
export function fmtRatio(f: { ratio: number; lo: number; hi: number }): string {
  if (!Number.isFinite(f.ratio)) return '—';
  const r = (v: number): string => (Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(2));
  return Number.isFinite(f.lo) && Number.isFinite(f.hi) ? `${r(f.ratio)}x [${r(f.lo)}–${r(f.hi)}]` : `${r(f.ratio)}x`;
}

/** Metrics where a higher value is better (utilisation, throughput); for the rest lower is better. */
export function higherIsBetter(metric: string): boolean {
  return metric === 'mutatorThroughput' || metric.startsWith('mmu@') || metric.startsWith('bmu@');
}

/** Metrics that are times (or time shares): a lower value is `faster`. */
function isTime(metric: string): boolean {
  return /(^|\.)(p\d+|max|min|mean|totalMs)$|Ms$|Ms\.|^gcOverhead$|^phase\./.test(metric) || higherIsBetter(metric);
}

/**
 * The verdict of a ratio in words: `faster` / `slower` for times (and utilisation, throughput:
 * higher is faster), `lower` / `higher` for counts and bytes, or `no significant change` when the
 * interval spans 1.
 */
export function verdictText(metric: string, v: RatioVerdict): string {
  if (v !== 'lower' && v !== 'higher') return v;
  if (!isTime(metric)) return v;
  const better = higherIsBetter(metric) ? v === 'higher' : v === 'lower';
  return better ? 'faster' : 'slower';
}

const fmtPct = (v: number): string => `${(v * 100).toFixed(1)}%`;
const fmtCount = (v: number): string => (Number.isInteger(v) ? String(v) : v.toFixed(1));

export interface TextTable {
  header: string[];
  rows: string[][];
  /** Right-align these columns. */
  right: boolean[];
  /** A row with a note (a failure) shows its first two cells, then the note instead of the rest. */
  notes: (string | null)[];
}

/**
 * Pause percentiles per configuration (one row each), medians across the successful trials,
 * with how the configuration marks and the work done per GC beside them, so that a reader sees
 * when two configurations did different work.
 */
export function pauseTable(s: SweepResults): TextTable {
  const header = ['configuration', 'ok', 'marking', 'GCs', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'GC time', 'marked MB/MC', 'evacuated MB/MC', 'copied MB/scavenge'];
  const rows: string[][] = [];
  const notes: (string | null)[] = [];
  for (const c of s.configurations) {
    const m = c.summary.metrics;
    const ok = `${c.summary.ok}/${c.trials.length}`;
    const mode = (c.resolvedOptions as { engine?: string }).engine === 'v8' ? "V8's own" : markingMode(c.resolvedOptions as GcOptions);
    if (c.summary.ok === 0) {
      const f = c.trials.find((t) => t.failure)?.failure;
      rows.push([c.label, ok, ...header.slice(2).map(() => '')]);
      notes.push(f ? `failed: ${f.kind}: ${f.message}` : 'not run');
      continue;
    }
    notes.push(null);
    rows.push([
      c.label,
      ok,
      mode,
      fmtStat(m['pauses.count'], fmtCount),
      fmtStat(m['pauses.p50']),
      fmtStat(m['pauses.p95']),
      fmtStat(m['pauses.p99']),
      fmtStat(m['pauses.max']),
      fmtStat(m.gcOverhead, fmtPct),
      fmtStat(m['work.markedBytesPerMarkCompact'], fmtMb),
      fmtStat(m['work.evacuatedBytesPerMarkCompact'], fmtMb),
      fmtStat(m['work.copiedBytesPerScavenge'], fmtMb),
    ]);
  }
  return { header, rows, right: header.map((_, i) => i > 0 && i !== 2), notes };
}

/**
 * Each configuration against its baseline: ratio of medians with its 95% interval and the
 * verdict, for the RATIO_METRICS (one row per configuration and metric).
 */
export function baselineTable(s: SweepResults, metrics: readonly string[] = RATIO_METRICS): TextTable {
  const header = ['configuration', 'against', 'figure', 'this', 'baseline', 'ratio [95% CI]', 'verdict'];
  const rows: string[][] = [];
  for (const c of s.configurations) {
    const b = c.summary.baseline;
    if (!b) continue;
    const base = s.configurations.find((x) => x.id === b.baselineId);
    for (const k of metrics) {
      const f = b.figures[k];
      if (!f) continue;
      const fmt = metricFormat(k);
      rows.push([c.label, b.baselineLabel, k, fmtStat(c.summary.metrics[k], fmt), fmtStat(base?.summary.metrics[k], fmt), fmtRatio(f), verdictText(k, f.verdict)]);
    }
  }
  return { header, rows, right: header.map((_, i) => i >= 3 && i <= 5), notes: rows.map(() => null) };
}

/** Geometric means across workloads of each setting's ratio to its baseline. */
export function geomeanTable(s: SweepResults): TextTable {
  const header = ['setting', 'figure', 'workloads', 'geometric mean ratio', 'of interval bounds'];
  const rows = (s.geomeans ?? []).map((g) => [g.setting || '(all)', g.metric, String(g.workloads), fmtRatio({ ratio: g.geomean, lo: NaN, hi: NaN }), Number.isFinite(g.lo) ? `${g.lo.toFixed(2)}–${g.hi.toFixed(2)}` : '—']);
  return { header, rows, right: [false, false, true, true, true], notes: rows.map(() => null) };
}

/** How to format a metric's values in tables. */
export function metricFormat(k: string): (v: number) => string {
  if (k === 'gcOverhead' || k.startsWith('mmu@') || k.startsWith('bmu@')) return fmtPct;
  if (k.endsWith('.count') || k.startsWith('steals.')) return fmtCount;
  if (k.startsWith('participants.') || k.startsWith('allowed.')) return (v) => v.toFixed(2);
  if (/Bytes/.test(k) || k.startsWith('work.') && !k.includes('candidates') && !k.includes('Pages')) return fmtMb;
  if (k === 'mutatorThroughput') return (v) => v.toPrecision(4);
  return fmtMs;
}

/** One line per configuration saying which pause percentiles are just the max of a small sample. */
export function pauseSampleNotes(s: SweepResults): string[] {
  const out: string[] = [];
  for (const c of s.configurations) {
    const n = pauseSampleNote(c);
    if (n !== null) out.push(n);
  }
  return out;
}

function fmtMb(v: number): string {
  return (v / 1048576).toFixed(2);
}

/** Columns padded to their widest cell. */
export function formatTextTable(t: TextTable): string {
  const full = t.rows.filter((_, i) => t.notes[i] === null);
  const widths = t.header.map((h, i) => Math.max(h.length, ...(i < 2 ? t.rows : full).map((r) => r[i].length)));
  const line = (cells: string[], note: string | null = null): string => {
    const shown = note === null ? cells : cells.slice(0, 2);
    const text = shown.map((c, i) => (t.right[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ');
    return (note === null ? text : `${text}  ${note}`).trimEnd();
  };
  return [line(t.header), line(t.header.map((_, i) => '-'.repeat(widths[i]))), ...t.rows.map((r, i) => line(r, t.notes[i]))].join('\n');
}

export function htmlTable(header: readonly string[], rows: readonly (readonly string[])[], opts: { right?: readonly boolean[]; cls?: string } = {}): string {
  const td = (c: string, i: number, tag: string): string => `<${tag}${opts.right?.[i] ? ' class="num"' : ''}>${escapeHtml(c)}</${tag}>`;
  return (
    `<table${opts.cls ? ` class="${opts.cls}"` : ''}><thead><tr>${header.map((h, i) => td(h, i, 'th')).join('')}</tr></thead>` +
    `<tbody>${rows.map((r) => `<tr>${r.map((c, i) => td(c, i, 'td')).join('')}</tr>`).join('')}</tbody></table>`
  );
}

/**
 * Speedup and efficiency of each parallel phase against the threads = 1 configuration that marks
 * the same way, one row per configuration and phase.
 */
export function scalingRows(s: SweepResults): string[][] {
  const rows: string[][] = [];
  for (const c of s.configurations) {
    const sc = c.summary.scaling;
    if (!sc) continue;
    const base = s.configurations.find((b) => b.id === sc.baselineId);
    for (const [k, f] of Object.entries(sc.figures)) {
      rows.push([c.label, k, fmtMs(f.baselineMs), fmtMs(f.ms), `${f.speedup.toFixed(2)}x`, fmtPct(f.efficiency), base?.label ?? sc.baselineId]);
    }
  }
  return rows;
}

/**
 * Load balance per parallel phase (median over trials of the mean max/avg busy time), steals, the
 * mean number of threads that took part (fewer than `threads` under 'dynamic' helper join when
 * phases ended before the helpers arrived) and the mean number the phase's work let take part
 * (fewer than `threads` when the work wanted fewer helpers, as V8's jobs do).
 */
export function balanceRows(c: ConfigurationRecord): string[][] {
  const rows: string[][] = [];
  const median = (k: string) => {
    const st = c.summary.metrics[k];
    return st !== undefined ? st.median.toFixed(2) : '—';
  };
  for (const [k, st] of Object.entries(c.summary.metrics)) {
    if (!k.startsWith('imbalance.')) continue;
    const name = k.slice('imbalance.'.length);
    rows.push([c.label, name, st.median.toFixed(2), fmtStat(c.summary.metrics[`steals.${name}`], fmtCount), median(`participants.${name}`), median(`allowed.${name}`)]);
  }
  return rows;
}

/**
 * The metrics a reader looks at first; their disagreement warnings are printed and shown: the
 * compared ones, less GC time (it disagrees whenever GC overhead does, which is shown).
 */
export const HEADLINE_METRICS: readonly string[] = RATIO_METRICS.filter((m) => m !== 'gcMs');

/**
 * One line per configuration whose trials disagree by more than 10% on a headline metric:
 * `splay threads=2: trials disagree by > 10% on pauses.p50 (32%), pauses.max (25%)`. The full
 * per-metric warnings are in each configuration's summary.
 */
export function headlineWarnings(s: SweepResults): string[] {
  const out: string[] = [];
  for (const c of s.configurations) {
    const parts: string[] = [];
    for (const name of HEADLINE_METRICS) {
      const m = c.summary.metrics[name];
      if (m?.disagrees) parts.push(`${name} (${m.spread === Infinity ? '∞' : `${Math.round(m.spread * 100)}%`})`);
    }
    if (parts.length > 0) out.push(`${c.label}: ${c.summary.ok} trials disagree by more than 10% on ${parts.join(', ')}`);
  }
  return out;
}


/**
 * HotSpot G1's per-worker rows for each parallel phase of one GC: busy ms, idle ms, objects
 * and successful steals (and the wait for a CPU, when the run recorded it), each as Min / Avg /
 * Max / Diff / Sum over the phase's threads.
 */
export function g1Rows(ev: GCEvent): string[][] {
  const rows: string[][] = [];
  const f = (v: number, ms: boolean): string => (ms ? v.toFixed(2) : Number.isInteger(v) ? String(v) : v.toFixed(1));
  const row = (phase: string, what: string, st: ImbalanceStats, ms: boolean): string[] => [
    phase,
    what,
    f(st.min, ms),
    f(st.avg, ms),
    f(st.max, ms),
    f(st.diff, ms),
    f(st.sum, ms),
    String(st.n),
  ];
  for (const ph of ev.parallel) {
    const im = phaseImbalance(ph);
    rows.push(row(ph.name, 'busy (ms)', im.busyMs, true), row('', 'idle (ms)', im.idleMs, true), row('', 'objects', im.objects, false), row('', 'steals', im.stealsSucceeded, false));
    if (im.preemptedMs !== null) rows.push(row('', 'waited for a CPU (ms)', im.preemptedMs, true));
    if (im.racesLost !== null) rows.push(row('', 'races lost', im.racesLost, false));
    if (im.locksContended !== null) rows.push(row('', 'locks found held', im.locksContended, false));
    if (im.mailSent !== null) rows.push(row('', ph.name.startsWith('scavenge') ? 'slots mailed' : 'targets mailed', im.mailSent, false));
  }
  return rows;
}

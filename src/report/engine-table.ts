/**
 * gcsim and V8 side by side: for each sweep configuration run on both engines (`--engine
 * gcsim,v8`, same workload, parameters, threads and other options), the medians over trials of
 * GC counts by type, promoted bytes, pause percentiles, MMU and GC share of wall time, and their
 * ratio gcsim / V8. V8's promoted bytes are also shown in gcsim's sizes (divided by the run's
 * size factor, V8 bytes over gcsim bytes per object). What is comparable: docs/fidelity.md.
 */
import type { ConfigurationRecord, SweepResults } from '../experiments/sweep-results.ts';
import { fmtMs, type TextTable } from './tables.ts';

interface Row {
  metric: string;
  key: string;
  fmt: (v: number) => string;
}

const MB = (v: number): string => (v / 1048576).toFixed(2);
const COUNT = (v: number): string => (Number.isInteger(v) ? String(v) : v.toFixed(1));
const PCT = (v: number): string => `${(100 * v).toFixed(1)}%`;
const UTIL = (v: number): string => v.toFixed(2);

const ROWS: readonly Row[] = [
  { metric: 'scavenges', key: 'scavenge.count', fmt: COUNT },
  { metric: 'mark-compacts', key: 'mark-compact.count', fmt: COUNT },
  { metric: 'promoted MB', key: 'promotedBytes', fmt: MB },
  { metric: 'pause p50 ms', key: 'pauses.p50', fmt: fmtMs },
  { metric: 'pause p95 ms', key: 'pauses.p95', fmt: fmtMs },
  { metric: 'pause max ms', key: 'pauses.max', fmt: fmtMs },
  { metric: 'MMU @ 10 ms', key: 'mmu@10', fmt: UTIL },
  { metric: 'GC share of wall time', key: 'gcOverhead', fmt: PCT },
];

const engineOf = (c: ConfigurationRecord): string => String((c.resolvedOptions as { engine?: string }).engine ?? 'gcsim');
/** The configuration's label without its engine: pairs differ only in engine. */
const pairKey = (c: ConfigurationRecord): string => c.label.replace(/ engine=\S+/, '');

/** The V8 run's size factor (median over its successful trials), or null. */
function v8Factor(c: ConfigurationRecord): number | null {
  const f = c.trials.flatMap((t) => (t.status === 'ok' && t.result?.v8 ? [t.result.v8.factor] : [])).sort((a, b) => a - b);
  return f.length === 0 ? null : f[f.length >> 1];
}

/** Pairs of configurations that differ only in engine, in sweep order. */
export function enginePairs(s: SweepResults): { key: string; gcsim: ConfigurationRecord; v8: ConfigurationRecord }[] {
  const byKey = new Map<string, { gcsim?: ConfigurationRecord; v8?: ConfigurationRecord }>();
  for (const c of s.configurations) {
    const e = byKey.get(pairKey(c)) ?? {};
    if (engineOf(c) === 'v8') e.v8 = c;
    else e.gcsim = c;
    byKey.set(pairKey(c), e);
  }
  return [...byKey.entries()].flatMap(([key, e]) => (e.gcsim && e.v8 ? [{ key, gcsim: e.gcsim, v8: e.v8 }] : []));
}

/** The side-by-side table; no rows when the sweep has no configuration on both engines. */
export function engineTable(s: SweepResults): TextTable {
  const header = ['configuration', 'figure', 'gcsim', 'V8', 'gcsim / V8'];
  const rows: string[][] = [];
  const notes: (string | null)[] = [];
  for (const p of enginePairs(s)) {
    const g = p.gcsim.summary.metrics;
    const v = p.v8.summary.metrics;
    if (p.gcsim.summary.ok === 0 || p.v8.summary.ok === 0) {
      rows.push([p.key, 'no successful trial on both engines', '', '', '']);
      notes.push('no successful trial on both engines');
      continue;
    }
    const ratio = (a: number | undefined, b: number | undefined): string => (a === undefined || b === undefined || !(b > 0) ? '—' : (a / b).toFixed(2));
    for (const r of ROWS) {
      const a = g[r.key]?.median;
      const b = v[r.key]?.median;
      rows.push([p.key, r.metric, a === undefined ? '—' : r.fmt(a), b === undefined ? '—' : r.fmt(b), ratio(a, b)]);
      notes.push(null);
      if (r.key === 'promotedBytes') {
        const f = v8Factor(p.v8);
        const bt = b === undefined || f === null ? undefined : b / f;
        rows.push([p.key, `promoted MB, V8 in gcsim sizes (/${f === null ? '?' : f.toFixed(2)})`, a === undefined ? '—' : MB(a), bt === undefined ? '—' : MB(bt), ratio(a, bt)]);
        notes.push(null);
      }
    }
  }
  return { header, rows, right: [false, false, true, true, true], notes };
}

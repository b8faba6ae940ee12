/**
 * What `gcsim compare` prints and writes: per configuration pair, a table of every figure side
 * by side (A and B: median [95% CI]; B / A with its interval; the verdict), a one-line tally,
 * and the same as one self-contained HTML page. Pure string building.
 */
import type { Comparison, ComparedPair } from '../experiments/compare.ts';
import { RATIO_METRICS } from '../experiments/sweep-summary.ts';
import { escapeHtml, fmtRatio, fmtStat, htmlTable, metricFormat, verdictText, type TextTable } from './tables.ts';

/** Headline figures first, then the rest in the order measured. */
function ordered(p: ComparedPair): ComparedPair['figures'] {
  const rank = (m: string): number => {
    const i = (RATIO_METRICS as readonly string[]).indexOf(m);
    return i < 0 ? RATIO_METRICS.length : i;
  };
  return p.figures.map((f, i) => ({ f, i })).sort((x, y) => rank(x.f.metric) - rank(y.f.metric) || x.i - y.i).map((x) => x.f);
}

export function compareTable(p: ComparedPair): TextTable {
  const header = ['figure', 'A: median [95% CI]', 'B: median [95% CI]', 'B / A [95% CI]', 'verdict'];
  const rows = ordered(p).map((f) => {
    const fmt = metricFormat(f.metric);
    return [f.metric, fmtStat(f.a, fmt), fmtStat(f.b, fmt), fmtRatio(f), verdictText(f.metric, f.verdict)];
  });
  return { header, rows, right: [false, true, true, true, false], notes: rows.map(() => null) };
}

/** `B is faster on 3 figures, slower on 1, no significant change on 40 (2 too few trials)`. */
export function compareTally(p: ComparedPair): string {
  const n = new Map<string, number>();
  for (const f of p.figures) {
    const v = verdictText(f.metric, f.verdict);
    n.set(v, (n.get(v) ?? 0) + 1);
  }
  const order = ['faster', 'slower', 'lower', 'higher', 'no significant change', 'too few trials', 'n/a'];
  return order.filter((k) => n.has(k)).map((k) => `${k}: ${n.get(k)}`).join(', ');
}

export function pairTitle(p: ComparedPair): string {
  return `B = ${p.b.label} (${p.b.source}, ${p.b.ok} trials) against A = ${p.a.label} (${p.a.source}, ${p.a.ok} trials)`;
}

export function statisticsLine(c: Comparison): string {
  const m = c.statistics;
  return `intervals: ${m.method} of the ${m.statistic}, ${Math.round(m.level * 100)}%, ${m.resamples} resamples, seed ${m.seed}; "no significant change" where the ratio's interval spans 1`;
}

export function renderCompareHtml(c: Comparison): string {
  const sections = c.pairs
    .map((p) => {
      const t = compareTable(p);
      return `<h2>${escapeHtml(pairTitle(p))}</h2><p class="sub">${escapeHtml(compareTally(p))}</p>${htmlTable(t.header, t.rows, { right: t.right })}`;
    })
    .join('\n');
  const unmatched = c.unmatched.length > 0 ? `<p class="sub">Without a partner: ${c.unmatched.map(escapeHtml).join('; ')}</p>` : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>gcsim compare</title>
<style>body{font:14px/1.45 system-ui,sans-serif;margin:0 auto;max-width:1100px;padding:1.2em 2em 4em;color:#222}
table{border-collapse:collapse;margin:.6em 0;font-size:13px}th,td{border:1px solid #ddd;padding:3px 8px;text-align:left}
th{background:#f4f4f4}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}.sub{color:#666}</style>
</head>
<body>
<h1>gcsim compare</h1>
<p class="sub">${escapeHtml(statisticsLine(c))}. Faster / slower for times (and utilisation, throughput: higher is faster); lower / higher for counts and bytes.</p>
${unmatched}
${sections}
</body>
</html>
`;
}

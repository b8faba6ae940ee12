/**
 * report.html of a sweep: one self-contained file (inline CSS and SVG, no external resources)
 * with the pause table (marking mode and work per GC beside the pauses), failures and warnings,
 * the charts (pauses against threads, every pause over time, MMU/BMU, heap over time, per-thread
 * timelines of representative GCs, a page occupancy map), the marking cycles, scaling of the
 * parallel phases and load balance, and the configuration and environment. A few lines of inline script check,
 * in a browser, that every chart rendered (console.error otherwise: the browser test's signal).
 */
import { OPTION_TABLE, markingMode, optionFlag, type GcOptions } from '../options.ts';
import { isMutatorStopped } from '../metrics/gc-tracer.ts';
import type { SweepResults } from '../experiments/sweep-results.ts';
import {
  heapChartSpec,
  mmuChartSpec,
  pageMapAbsence,
  pageMapChartSpec,
  pageMapGc,
  pauseChartSpec,
  pauseScatterSpec,
  renderSvg,
  representativeRun,
  representativeGcs,
  timelineChartSpec,
} from './charts.ts';
import { engineTable } from './engine-table.ts';
import { balanceRows, baselineTable, escapeHtml, g1Rows, geomeanTable, headlineWarnings, htmlTable, pauseSampleNotes, pauseTable, scalingRows } from './tables.ts';
import { STATISTICS_METHOD } from '../metrics/intervals.ts';
import type { TopLevelSpec } from 'vega-lite';

/** The charts a report has, in order; `data-chart` names for the browser check. */
export const CHART_NAMES = ['pauses', 'pause-scatter', 'mmu', 'heap', 'timeline-mark-compact', 'timeline-scavenge', 'page-map'] as const;

interface Figure {
  name: string;
  caption: string;
  spec: TopLevelSpec | null;
  /** Why there is no chart, when spec is null. */
  empty: string;
}

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0 auto;max-width:1100px;padding:1.2em 2em 4em;color:#222}
h1{font-size:1.5em;margin-bottom:.2em}h2{margin-top:2em;border-bottom:1px solid #ddd;padding-bottom:.2em}
.sub{color:#666;margin-top:0}nav a{margin-right:1em}
table{border-collapse:collapse;margin:.6em 0;font-size:13px}th,td{border:1px solid #ddd;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#f4f4f4}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
figure.chart{margin:1.4em 0;padding:.6em;border:1px solid #eee;border-radius:4px;overflow-x:auto}
figure.chart figcaption{color:#555;font-size:13px;margin-top:.4em;max-width:60em}
figure.chart svg{display:block;max-width:none}
.empty{color:#888;font-style:italic}.error{color:#b00020}
.warn li{margin:.2em 0}.bad{color:#b00020;font-weight:600}.ok{color:#18794e;font-weight:600}
code,pre{font:12px ui-monospace,SFMono-Regular,Menlo,monospace;background:#f6f6f6}pre{padding:.6em;overflow-x:auto}
details{margin:.5em 0}
`;

/** In the browser: every chart that should be there has a non-empty SVG, or console.error. */
const CHECK_SCRIPT = `(function(){var n=0;document.querySelectorAll('figure[data-chart]').forEach(function(f){
if(f.hasAttribute('data-empty'))return;var s=f.querySelector('svg'),r=s&&s.getBoundingClientRect();
if(!s||f.hasAttribute('data-error')||r.width<10||r.height<10){console.error('gcsim report: chart "'+f.getAttribute('data-chart')+'" is missing or empty');return;}n++;});
document.documentElement.setAttribute('data-charts-rendered',String(n));})();`;

function figures(s: SweepResults): Figure[] {
  const none = 'no trial succeeded';
  const out: Figure[] = [
    {
      name: 'pauses',
      spec: pauseChartSpec(s),
      empty: none,
      caption:
        'Median over trials of each configuration’s p50, p95 and maximum pause, against the number of threads in a parallel phase (main thread included). The faint bar is the median’s 95% confidence interval (percentile bootstrap). Log scale when every value is positive.',
    },
    {
      name: 'pause-scatter',
      spec: pauseScatterSpec(s),
      empty: none,
      caption:
        'Every pause of each configuration’s representative trial at the time it started: a first GC much slower than the later ones of its kind is code warming up, a drift is the heap growing, a band of slow mark-compacts is the finalization pause.',
    },
    {
      name: 'mmu',
      spec: mmuChartSpec(s),
      empty: none,
      caption:
        'Minimum mutator utilisation (solid) and bounded mutator utilisation (dashed) of each configuration’s representative trial. Where a curve leaves 0 is the longest pause; its right end is the overall utilisation; higher and further left is better.',
    },
    {
      name: 'heap',
      spec: heapChartSpec(s),
      empty: none,
      caption: 'Used (solid) and committed (dashed) heap bytes of each configuration’s representative trial, sampled at the start and end of every GC.',
    },
  ];
  const gcs = representativeGcs(s);
  for (const type of ['mark-compact', 'scavenge'] as const) {
    const g = gcs.find((x) => x.event.type === type);
    out.push({
      name: `timeline-${type}`,
      spec: g ? timelineChartSpec(g) : null,
      empty: `no ${type} with parallel phases in a successful trial`,
      caption: `Per-thread timeline of a representative ${type} (the one whose pause is nearest the median ${type} pause of the representative trial with the most threads): each bar is one thread’s span of a parallel phase, from the thread’s own start to end of the phase; gaps are waits. Phases before 0 ran concurrently with the mutator.`,
    });
  }
  const pm = pageMapGc(s);
  out.push({
    name: 'page-map',
    spec: pm ? pageMapChartSpec(pm) : null,
    empty: pageMapAbsence(s),
    caption:
      'GCspy-style occupancy of the old-generation pages before and after the mark-compact with the most evacuation candidates: one cell per page, darker = more live bytes, red outline = chosen for evacuation (emptied by the GC; its objects moved to other pages).',
  });
  return out;
}

async function figureHtml(f: Figure): Promise<string> {
  const cap = `<figcaption>${escapeHtml(f.caption)}</figcaption>`;
  if (f.spec === null) return `<figure class="chart" data-chart="${f.name}" data-empty="${escapeHtml(f.empty)}"><p class="empty">No chart: ${escapeHtml(f.empty)}.</p>${cap}</figure>`;
  try {
    const svg = await renderSvg(f.spec);
    return `<figure class="chart" data-chart="${f.name}">${svg}${cap}</figure>`;
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    return `<figure class="chart" data-chart="${f.name}" data-error="${escapeHtml(msg)}"><p class="error">Chart failed to render: ${escapeHtml(msg)}</p>${cap}</figure>`;
  }
}

function axesText(s: SweepResults): string {
  const parts = [`workload ${s.spec.workloads.join(',')}`];
  for (const [k, v] of Object.entries(s.spec.params)) if (v.length > 1) parts.push(`${k} ${v.join(',')}`);
  for (const [k, v] of Object.entries(s.spec.options)) if ((v as unknown[]).length > 1) parts.push(`${optionFlag(k).slice(2)} ${(v as unknown[]).join(',')}`);
  return parts.join(' × ');
}

/** `percentile bootstrap of the median, 2000 seeded resamples, 95%`. */
export function statisticsText(s: SweepResults): string {
  const m = s.statistics ?? STATISTICS_METHOD;
  return `${m.method} of the ${m.statistic}, ${m.resamples} resamples seeded ${m.seed}, ${Math.round(m.level * 100)}%`;
}

function pauseSampleSection(s: SweepResults): string {
  const notes = pauseSampleNotes(s);
  if (notes.length === 0) return '';
  return `<p class="sub">Pause percentiles are nearest-rank over each trial’s pauses, so a high percentile of a small sample is just its largest pause:</p><ul class="warn">${notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul>`;
}

function engineSection(s: SweepResults): string {
  const et = engineTable(s);
  if (et.rows.length === 0) return '';
  return `<h2 id="engines">gcsim and V8 side by side</h2><p class="sub">Each configuration run on gcsim's heap and on V8's own (<code>--engine gcsim,v8</code>): medians over trials and their ratio. V8's sizes are translated from gcsim's by bytes per object; docs/fidelity.md says what is and is not comparable.</p>` + htmlTable(et.header, et.rows, { right: et.right });
}

function baselineSection(s: SweepResults): string {
  const bt = baselineTable(s);
  let html = `<h2 id="baseline">Against the baseline</h2><p class="sub">Each configuration against its baseline (${escapeHtml(s.statistics?.baseline ?? 'the first value of every listed axis')}, same workload): ratio of the medians with a 95% interval (${escapeHtml(statisticsText(s))}, both sides resampled). “No significant change” where the interval spans 1; faster / slower for times, lower / higher for counts; “too few trials” with fewer than 2 on either side.</p>`;
  if (bt.rows.length === 0) return html + `<p class="empty">No configuration has a successful baseline other than itself.</p>`;
  html += htmlTable(bt.header, bt.rows, { right: bt.right });
  const gm = geomeanTable(s);
  if ((s.geomeans ?? []).some((g) => g.workloads > 1)) {
    html += `<h3>Geometric mean across workloads</h3>` + htmlTable(gm.header, gm.rows, { right: gm.right });
  }
  return html;
}

/** Per-trial machine conditions: load average and whether other processes were busy. */
function loadRows(s: SweepResults): string[][] {
  const rows: string[][] = [];
  for (const c of s.configurations) {
    for (const t of c.trials) {
      if (!t.load) continue;
      rows.push([String(t.index), `${c.label} #${t.trial}`, `${t.load.loadStart.toFixed(2)} → ${t.load.loadEnd.toFixed(2)}`, String(t.load.cpus), t.load.otherBusyCores === null ? '—' : t.load.otherBusyCores.toFixed(2), t.load.busy ? 'yes' : 'no']);
    }
  }
  return rows.sort((a, b) => Number(a[0]) - Number(b[0]));
}

function configSection(s: SweepResults): string {
  const spec = s.spec;
  const specRows: string[][] = [
    ['workloads', spec.workloads.join(', ')],
    ['measured trials per configuration', String(spec.trials)],
    ['warm-up trials per configuration (discarded)', String(spec.warmup)],
    ['seed', spec.varySeed ? `${spec.seed} + trial number` : `${spec.seed} (every trial)`],
    ['trial timeout', `${spec.trialTimeoutMs} ms`],
    ['trials run / planned', `${s.configurations.reduce((n, c) => n + c.trials.length, 0)} / ${s.plannedTrials}`],
  ];
  for (const [k, v] of Object.entries(spec.params)) specRows.push([`param ${k}`, v.join(', ')]);
  for (const [k, v] of Object.entries(spec.options)) specRows.push([optionFlag(k), (v as unknown[]).join(', ')]);

  // Options: one column per distinct value set; the common ones once.
  const names = Object.keys(OPTION_TABLE);
  const optRows = names.map((n) => {
    const vals = [...new Set(s.configurations.map((c) => String((c.resolvedOptions as Record<string, unknown>)[n])))];
    return [optionFlag(n), vals.join(' | '), (OPTION_TABLE as Record<string, { doc: string }>)[n].doc];
  });
  const paramRows: string[][] = [];
  for (const c of s.configurations) for (const [k, v] of Object.entries(c.resolvedParams ?? {})) paramRows.push([c.label, k, String(v)]);

  const env = s.env;
  const envRows: string[][] = [
    ['node / V8', `${env.node} / ${env.v8}`],
    ['platform', `${env.platform} ${env.arch}`],
    ['CPUs', `${env.cpus} × ${env.cpuModel}`],
  ];
  if (s.load) envRows.push(['load average (1, 5, 15 min) at start / end', `${s.load.start.map((x) => x.toFixed(2)).join(' ')} / ${s.load.end?.map((x) => x.toFixed(2)).join(' ') ?? '—'}`]);
  envRows.push(['created', s.createdAt], ['finished', s.finishedAt ?? '—']);
  return (
    `<h2 id="config">Configuration and environment</h2>` +
    (s.command ? `<p>Command: <code>${escapeHtml(s.command)}</code></p>` : '') +
    htmlTable(['sweep', 'value'], specRows) +
    `<h3>Collector options (resolved; “|” separates the values the sweep used)</h3>` +
    htmlTable(['option', 'value', 'meaning'], optRows) +
    `<details><summary>Workload parameters (resolved)</summary>${htmlTable(['configuration', 'parameter', 'value'], paramRows)}</details>` +
    `<h3>Environment</h3>` +
    htmlTable(['', ''], envRows) +
    (loadRows(s).length > 0
      ? `<details><summary>Machine load per trial (run order)</summary>${htmlTable(['trial', 'configuration', 'load average', 'CPUs', 'other processes (cores)', 'busy'], loadRows(s), { right: [true, false, true, true, true, false] })}</details>`
      : '') +
    `<p class="sub">Timings on a shared machine with few cores are noisy: compare medians, read the spread, and distrust differences smaller than it. See docs/experiments.md.</p>`
  );
}

function problemsSection(s: SweepResults): string {
  let html = `<h2 id="problems">Failures and warnings</h2>`;
  if (s.failures.length === 0) html += `<p class="ok">Every trial succeeded.</p>`;
  else
    html += htmlTable(
      ['trial', 'configuration', 'kind', 'message'],
      s.failures.map((f) => [String(f.index), `${f.label} (#${f.trial})`, f.kind, f.message]),
    );
  if (s.warnings.length > 0) html += `<ul class="warn">${s.warnings.map((w) => `<li>${escapeHtml(w)}</li>`).join('')}</ul>`;
  const headline = headlineWarnings(s);
  if (headline.length > 0) {
    html += `<details><summary>Configurations whose trials disagree by more than 10% on a headline figure (${headline.length}; their intervals above are wide)</summary><ul class="warn">${headline.map((w) => `<li>${escapeHtml(w)}</li>`).join('')}</ul></details>`;
  }
  const every = s.configurations.flatMap((c) => c.summary.warnings.map((w) => `${c.label}: ${w}`));
  if (every.length > 0) {
    html += `<details><summary>Every metric whose trials disagree by more than 10% (${every.length})</summary><ul class="warn">${every
      .map((w) => `<li>${escapeHtml(w)}</li>`)
      .join('')}</ul></details>`;
  }
  return html;
}

/**
 * One row per marking cycle of each configuration's representative trial: when marking started,
 * how long it ran beside the mutator, the main thread's steps, the helpers' busy time, the
 * mutator's utilisation while marking (1 − the main thread's pauses and steps in that span, from
 * the tracer's timeline), barrier records and floating garbage (— when not measured).
 */
export function markingCycleRows(s: SweepResults): string[][] {
  const rows: string[][] = [];
  const f1 = (v: number): string => v.toFixed(1);
  for (const c of s.configurations) {
    const r = representativeRun(c);
    if (!r) continue;
    const mode = markingMode(c.resolvedOptions as GcOptions);
    for (const ev of r.events) {
      const inc = ev.incremental;
      if (inc === null) continue;
      const start = ev.startMs - inc.walltimeMs;
      let stopped = 0;
      for (const iv of r.timeline ?? []) {
        if (!isMutatorStopped(iv)) continue;
        const a = Math.max(start, iv.startMs);
        const b = Math.min(ev.startMs, iv.startMs + iv.durationMs);
        if (b > a) stopped += b - a;
      }
      const util = inc.walltimeMs > 0 ? 1 - stopped / inc.walltimeMs : 1;
      const helperMs = inc.concurrentMsPerThread.reduce((a, b) => a + b, 0);
      rows.push([
        c.label,
        mode,
        `#${ev.index}`,
        f1(start),
        f1(inc.walltimeMs),
        String(inc.steps),
        `${f1(inc.stepsMs)} (max ${inc.biggestStepMs.toFixed(2)})`,
        f1(helperMs),
        `${(100 * util).toFixed(1)}%`,
        String(inc.barrierRecords),
        inc.floatingGarbageBytes === null ? '—' : (inc.floatingGarbageBytes / 1048576).toFixed(2),
        f1(ev.pauseMs),
      ]);
    }
  }
  return rows;
}

function markingCyclesSection(s: SweepResults): string {
  const rows = markingCycleRows(s);
  const head = `<h2 id="marking">Marking cycles</h2><p class="sub">Each marking cycle of each configuration’s representative trial, from its start to its finalization pause. Mutator utilisation while marking: 1 − the main thread’s pauses and steps in that span. Floating garbage is measured only in verify mode (— otherwise).</p>`;
  if (rows.length === 0) return `${head}<p class="empty">No marking cycle ran beside the mutator (stop-the-world marking, or no mark-compact).</p>`;
  return (
    head +
    htmlTable(
      ['configuration', 'marking', 'finalized by', 'start ms', 'duration ms', 'steps', 'step ms', 'helper busy ms', 'mutator utilisation', 'barrier records', 'floating MB', 'final pause ms'],
      rows,
      { right: [false, false, false, true, true, true, true, true, true, true, true, true] },
    )
  );
}

export async function renderReportHtml(s: SweepResults): Promise<string> {
  const pt = pauseTable(s);
  const figs = await Promise.all(figures(s).map(figureHtml));
  const scaling = scalingRows(s);
  const balance = s.configurations.flatMap(balanceRows);
  const g1 = representativeGcs(s)
    .map(
      (g) =>
        `<h3>Per-worker figures of ${escapeHtml(`${g.config.label}: ${g.event.type} #${g.event.index}`)} (HotSpot G1 style; Diff = Max − Min is the imbalance, Sum the CPU work)</h3>` +
        htmlTable(['phase', 'per thread', 'Min', 'Avg', 'Max', 'Diff', 'Sum', 'Workers'], g1Rows(g.event), { right: [false, false, true, true, true, true, true, true] }),
    )
    .join('\n');
  const status =
    s.status === 'complete' ? '' : ` <span class="bad">${s.status === 'interrupted' ? 'interrupted: partial results' : 'still running: partial results'}</span>`;
  const title = `gcsim sweep: ${axesText(s)}`;
  return `<!doctype html>
<html lang="en" data-charts="${figs.length}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${CSS}</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<p class="sub">${s.configurations.length} configurations × ${s.spec.trials} trials (+${s.spec.warmup} warm-up), ${escapeHtml(s.createdAt)}, ${escapeHtml(s.env.node)} on ${s.env.cpus} CPUs.${status}</p>
<nav><a href="#pauses">Pauses</a><a href="#baseline">Against the baseline</a><a href="#problems">Failures and warnings</a><a href="#charts">Charts</a><a href="#marking">Marking cycles</a><a href="#scaling">Scaling</a><a href="#config">Configuration</a></nav>
<h2 id="pauses">Pause percentiles per configuration</h2>
<p class="sub">Median across successful trials, [95% confidence interval of the median: ${escapeHtml(statisticsText(s))}]. Marking: how the configuration marks (threads = 1 marks incrementally, more threads concurrently unless --no-concurrent-marking): configurations that mark differently run different algorithms. Work per GC (marked, evacuated, copied) says whether two configurations did the same work for their pauses.</p>
${htmlTable(pt.header, pt.rows.map((r, i) => (pt.notes[i] === null ? r : [r[0], r[1], pt.notes[i]!, ...pt.header.slice(3).map(() => '')])), { right: pt.right })}
${pauseSampleSection(s)}
${engineSection(s)}
${baselineSection(s)}
${problemsSection(s)}
<h2 id="charts">Charts</h2>
${figs.join('\n')}
${markingCyclesSection(s)}
<h2 id="scaling">Scaling and load balance</h2>
<p class="sub">Speedup and efficiency of the parallel phases only, against the threads = 1 configuration that marks the same way. A configuration that marks concurrently has no such baseline (one thread marks incrementally); its phases are shown as times in results.json and results.csv. Sweep <code>--concurrent-marking false</code> to compare one algorithm across thread counts.</p>
${scaling.length > 0 ? htmlTable(['configuration', 'parallel phase (ms)', 'threads = 1', 'this', 'speedup', 'efficiency', 'against'], scaling, { right: [false, false, true, true, true, true, false] }) : '<p class="empty">No configuration with threads &gt; 1 has a successful threads = 1 baseline that marks the same way.</p>'}
${g1}
${balance.length > 0 ? `<h3>Load balance per parallel phase (max / mean busy time per thread; 1.00 = perfect), successful steals, threads that took part and threads the phase's work let take part (means per phase)</h3>${htmlTable(['configuration', 'phase', 'imbalance', 'steals', 'threads', 'allowed'], balance, { right: [false, false, true, true, true, true] })}` : ''}
${configSection(s)}
<p class="sub">Files beside this report: <a href="results.json">results.json</a> (every trial’s gcsim/result@1 and the summaries), <a href="results.csv">results.csv</a>, <a href="trace.json">trace.json</a> (open in <a href="https://ui.perfetto.dev">Perfetto</a>).</p>
<script>${CHECK_SCRIPT}</script>
</body>
</html>
`;
}

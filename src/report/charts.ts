/**
 * The report's charts as Vega-Lite specs built from a sweep's results, and their rendering to
 * SVG in Node (vega's headless `renderer: 'none'` view: no browser, no canvas; text widths are
 * estimated). Each `…Spec` function is pure and returns null when the sweep has nothing to
 * plot; `renderSvg` turns a spec into a standalone <svg> string to inline in report.html.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { GCEvent, RunResult } from '../metrics/result.ts';
import type { ConfigurationRecord, SweepResults, TrialRecord } from '../experiments/sweep-results.ts';
import { threadName } from './chrome-trace.ts';

const WIDTH = 420;
const HEIGHT = 240;
/** Heap samples per series beyond which the heap chart keeps every k-th (SVG size). */
const MAX_HEAP_POINTS = 1500;
/** Page-map cells per row, and the side of a cell in px. */
const PAGE_MAP_COLUMNS = 32;
const PAGE_CELL_PX = 13;

type Spec = TopLevelSpec;
type Row = Record<string, unknown>;

export async function renderSvg(spec: Spec): Promise<string> {
  // Loaded on first use: vega and vega-lite take ~0.5 s to load, which every command would pay.
  const [vega, { compile }] = await Promise.all([import('vega'), import('vega-lite')]);
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

// ---- picking what to show ----------------------------------------------------------------------

export function trialByIndex(c: ConfigurationRecord, index: number | null): TrialRecord | null {
  if (index === null) return null;
  return c.trials.find((t) => t.index === index) ?? null;
}

/** The representative run of a configuration (see sweep-summary), or null if none succeeded. */
export function representativeRun(c: ConfigurationRecord): RunResult | null {
  return trialByIndex(c, c.summary.representative)?.result ?? null;
}

function groups(s: SweepResults): string[] {
  return [...new Set(s.configurations.map((c) => c.group))];
}

/** Wraps a unit or layered spec in a row facet by `field` when there are several groups. */
function facetRows(base: Record<string, unknown>, rows: Row[], field: string, title: string): Spec {
  const many = new Set(rows.map((r) => r[field])).size > 1;
  const { width, height, ...inner } = base;
  if (!many) return { $schema: 'https://vega.github.io/schema/vega-lite/v6.json', title, data: { values: rows }, width, height, ...inner } as Spec;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    data: { values: rows },
    facet: { row: { field, type: 'nominal', title: null, header: { labelAngle: 0, labelAlign: 'left', labelAnchor: 'start', labelOrient: 'top' } } },
    spec: { width, height, ...inner },
    resolve: { scale: { y: 'independent' } },
  } as Spec;
}

// ---- pause percentiles against threads ---------------------------------------------------------

const PAUSE_STATS = [
  ['p50', 'pauses.p50'],
  ['p95', 'pauses.p95'],
  ['max', 'pauses.max'],
] as const;

/** Median across trials of p50, p95 and max pause per thread count, with its 95% interval as a rule. */
export function pauseChartSpec(s: SweepResults): Spec | null {
  const rows: Row[] = [];
  for (const c of s.configurations) {
    if (c.summary.ok === 0) continue;
    for (const [stat, key] of PAUSE_STATS) {
      const m = c.summary.metrics[key];
      if (!m) continue;
      rows.push({ group: c.group, threads: c.resolvedOptions.threads, stat, median: m.median, lo: Number.isFinite(m.lo) ? m.lo : m.min, hi: Number.isFinite(m.hi) ? m.hi : m.max });
    }
  }
  if (rows.length === 0) return null;
  const positive = rows.every((r) => (r.lo as number) > 0);
  const y = { type: 'quantitative', title: 'pause (ms)', scale: positive ? { type: 'log' } : { zero: true } };
  return facetRows(
    {
      width: WIDTH,
      height: HEIGHT,
      encoding: {
        x: { field: 'threads', type: 'ordinal', title: 'threads (main thread included)', axis: { labelAngle: 0 } },
        // Side by side within a thread count, so equal values (p95 = max with few GCs) stay visible.
        xOffset: { field: 'stat', type: 'nominal', sort: ['p50', 'p95', 'max'], scale: { paddingOuter: 0.8 } },
        color: { field: 'stat', type: 'nominal', title: 'pause', sort: ['p50', 'p95', 'max'], legend: { symbolOpacity: 1 } },
      },
      layer: [
        { mark: { type: 'rule', strokeWidth: 2.5, opacity: 0.5 }, encoding: { y: { field: 'lo', ...y }, y2: { field: 'hi' } } },
        { mark: { type: 'point', filled: true, size: 55, opacity: 1 }, encoding: { y: { field: 'median', ...y } } },
      ],
    },
    rows,
    'group',
    'Pause time against threads (median of trials; bar: min–max)',
  );
}

// ---- MMU / BMU ------------------------------------------------------------------------------------

/** MMU and BMU of each configuration's representative run, log window axis. */
export function mmuChartSpec(s: SweepResults): Spec | null {
  const rows: Row[] = [];
  for (const c of s.configurations) {
    const r = representativeRun(c);
    if (!r) continue;
    for (const [curve, pts] of [
      ['MMU', r.summary.mmu],
      ['BMU', r.summary.bmu],
    ] as const) {
      for (const p of pts) if (p.windowMs > 0) rows.push({ group: c.group, threads: String(c.resolvedOptions.threads), curve, windowMs: p.windowMs, util: p.util });
    }
  }
  if (rows.length === 0) return null;
  return facetRows(
    {
      width: WIDTH,
      height: HEIGHT,
      mark: { type: 'line', point: { size: 18 } },
      encoding: {
        x: { field: 'windowMs', type: 'quantitative', scale: { type: 'log' }, title: 'window (ms)' },
        y: { field: 'util', type: 'quantitative', scale: { domain: [0, 1] }, title: 'mutator utilisation' },
        color: { field: 'threads', type: 'nominal', title: 'threads', sort: 'ascending' },
        strokeDash: { field: 'curve', type: 'nominal', title: 'curve', sort: ['MMU', 'BMU'], legend: { symbolType: 'stroke', symbolStrokeWidth: 2, encode: { symbols: { update: { stroke: { value: '#444' } } } } } },
        detail: { field: 'curve' },
      },
    },
    rows,
    'group',
    'Minimum and bounded mutator utilisation (representative trial)',
  );
}

// ---- heap over time -------------------------------------------------------------------------------

export function heapChartSpec(s: SweepResults): Spec | null {
  const rows: Row[] = [];
  for (const c of s.configurations) {
    const r = representativeRun(c);
    if (!r || r.heapSamples.length === 0) continue;
    const stride = Math.ceil(r.heapSamples.length / MAX_HEAP_POINTS);
    r.heapSamples.forEach((h, i) => {
      if (i % stride !== 0 && i !== r.heapSamples.length - 1) return;
      rows.push({ config: c.label, tMs: h.tMs, series: 'used', MB: h.usedBytes / 1048576 });
      rows.push({ config: c.label, tMs: h.tMs, series: 'committed', MB: h.committedBytes / 1048576 });
    });
  }
  if (rows.length === 0) return null;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'Heap size over time (representative trial; sampled at every GC start and end)',
    width: WIDTH + 120,
    height: HEIGHT,
    data: { values: rows },
    mark: { type: 'line', interpolate: 'step-after', strokeWidth: 1.3 },
    encoding: {
      x: { field: 'tMs', type: 'quantitative', title: 'time since the run started (ms)' },
      y: { field: 'MB', type: 'quantitative', title: 'heap (MB)' },
      color: { field: 'config', type: 'nominal', title: 'configuration' },
      strokeDash: { field: 'series', type: 'nominal', title: 'bytes', sort: ['used', 'committed'], legend: { symbolType: 'stroke', symbolStrokeWidth: 2, encode: { symbols: { update: { stroke: { value: '#444' } } } } } },
      detail: { field: 'series' },
    },
  } as Spec;
}

// ---- pauses over time -----------------------------------------------------------------------------

/** Every pause of each configuration's representative trial against when it happened. */
export function pauseScatterSpec(s: SweepResults): Spec | null {
  const rows: Row[] = [];
  for (const c of s.configurations) {
    const r = representativeRun(c);
    if (!r) continue;
    for (const e of r.events) rows.push({ config: c.label, tMs: e.startMs, pauseMs: e.pauseMs, type: e.type, gc: e.index });
  }
  if (rows.length === 0) return null;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'Every pause over time (representative trial)',
    width: WIDTH + 120,
    height: HEIGHT,
    data: { values: rows },
    mark: { type: 'point', filled: true, size: 22, opacity: 0.75 },
    encoding: {
      x: { field: 'tMs', type: 'quantitative', title: 'time since the run started (ms)' },
      y: { field: 'pauseMs', type: 'quantitative', title: 'pause (ms)' },
      color: { field: 'config', type: 'nominal', title: 'configuration' },
      shape: { field: 'type', type: 'nominal', title: 'GC' },
      tooltip: [{ field: 'config' }, { field: 'gc' }, { field: 'type' }, { field: 'pauseMs', format: '.2f' }],
    },
  } as Spec;
}

// ---- per-thread timeline of one GC ------------------------------------------------------------------

export interface PickedGc {
  config: ConfigurationRecord;
  run: RunResult;
  event: GCEvent;
}

/**
 * Representative GCs: from the representative run of the configuration with the most threads
 * that succeeded, for each collector type, the GC whose pause is nearest that run's median
 * pause of the type. Mark-compact first.
 */
export function representativeGcs(s: SweepResults): PickedGc[] {
  const withRuns = s.configurations.filter((c) => representativeRun(c) !== null);
  if (withRuns.length === 0) return [];
  const config = withRuns.reduce((a, b) => (b.resolvedOptions.threads > a.resolvedOptions.threads ? b : a));
  const run = representativeRun(config)!;
  const out: PickedGc[] = [];
  for (const type of ['mark-compact', 'scavenge'] as const) {
    const evs = run.events.filter((e) => e.type === type && e.parallel.length > 0);
    if (evs.length === 0) continue;
    const med = run.summary.pausesByType[type]?.p50 ?? evs[0].pauseMs;
    const event = evs.reduce((a, b) => (Math.abs(b.pauseMs - med) < Math.abs(a.pauseMs - med) ? b : a));
    out.push({ config, run, event });
  }
  return out;
}

/** Gantt chart of one GC: a bar per thread per parallel phase, the pause shaded. ms from the GC's start. */
export function timelineChartSpec(g: PickedGc): Spec {
  const t0 = g.event.startMs;
  const rows: Row[] = [];
  const threads = new Set<number>([0]);
  for (const ph of g.event.parallel) {
    for (const t of ph.threads) {
      threads.add(t.thread);
      rows.push({ thread: threadName(t.thread), order: t.thread, phase: ph.name, start: t.startMs - t0, end: Math.max(t.endMs, t.startMs) - t0, busyMs: t.busyMs, idleMs: t.idleMs });
    }
  }
  const sortOrder = [...threads].sort((a, b) => a - b).map(threadName);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: `${g.config.label}: ${g.event.type} #${g.event.index}, pause ${g.event.pauseMs.toFixed(2)} ms`,
      subtitle: 'per-thread span of each parallel phase; shaded: the stop-the-world pause',
    },
    width: WIDTH + 120,
    height: Math.max(60, 26 * threads.size),
    layer: [
      {
        data: { values: [{ start: 0, end: g.event.pauseMs }] },
        mark: { type: 'rect', color: '#999', opacity: 0.18 },
        encoding: { x: { field: 'start', type: 'quantitative' }, x2: { field: 'end' } },
      },
      {
        data: { values: rows },
        mark: { type: 'bar', cornerRadius: 2, height: { band: 0.7 } },
        encoding: {
          x: { field: 'start', type: 'quantitative', title: `ms from the start of the pause` },
          x2: { field: 'end' },
          y: { field: 'thread', type: 'nominal', sort: sortOrder, title: null },
          color: { field: 'phase', type: 'nominal', title: 'phase', legend: { labelLimit: 260 } },
        },
      },
    ],
  } as Spec;
}

// ---- page occupancy map ----------------------------------------------------------------------------

/**
 * The mark-compact with the most evacuation candidates (ties: the later) among representative
 * runs; null when no mark-compact with a page map chose any (see pageMapAbsence for why).
 */
export function pageMapGc(s: SweepResults): PickedGc | null {
  let best: PickedGc | null = null;
  for (const c of s.configurations) {
    const run = representativeRun(c);
    if (!run) continue;
    for (const ev of run.events) {
      if (ev.type !== 'mark-compact' || !ev.pageMap || ev.pageMap.length === 0 || ev.evacuationCandidates <= 0) continue;
      if (best === null || ev.evacuationCandidates >= best.event.evacuationCandidates) best = { config: c, run, event: ev };
    }
  }
  return best;
}

/** Why there is no page map: no mark-compact recorded one, or none of them had candidates. */
export function pageMapAbsence(s: SweepResults): string {
  let withMap = 0;
  for (const c of s.configurations) {
    for (const ev of representativeRun(c)?.events ?? []) if (ev.type === 'mark-compact' && ev.pageMap && ev.pageMap.length > 0) withMap++;
  }
  return withMap === 0
    ? 'no mark-compact recorded a page map'
    : `none of the ${withMap} mark-compact${withMap === 1 ? '' : 's'} with a page map chose evacuation candidates (every page was only swept)`;
}

/** GCspy-style map: a cell per page, shaded by live bytes, candidates outlined, before and after. */
export function pageMapChartSpec(g: PickedGc): Spec {
  const pages = (g.event.pageMap ?? []).toSorted((a, b) => (a.space < b.space ? -1 : a.space > b.space ? 1 : a.page - b.page));
  const rows: Row[] = [];
  const perSpace = new Map<string, number>();
  for (const p of pages) {
    const i = perSpace.get(p.space) ?? 0;
    perSpace.set(p.space, i + 1);
    const col = i % PAGE_MAP_COLUMNS;
    const row = Math.floor(i / PAGE_MAP_COLUMNS);
    const size = p.sizeBytes > 0 ? p.sizeBytes : 1;
    rows.push({ space: p.space, when: '1 before', col, row, page: p.page, live: Math.min(1, p.liveBytes / size), candidate: p.candidate });
    rows.push({ space: p.space, when: '2 after', col, row, page: p.page, live: Math.min(1, p.afterLiveBytes / size), candidate: p.candidate });
  }
  const maxRows = Math.max(1, ...[...perSpace.values()].map((n) => Math.ceil(n / PAGE_MAP_COLUMNS)));
  const cols = Math.min(PAGE_MAP_COLUMNS, Math.max(...perSpace.values(), 1));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: `${g.config.label}: page occupancy at mark-compact #${g.event.index}`,
      subtitle: `one cell per old-generation page, shaded by live bytes; outlined: evacuation candidate (${g.event.evacuationCandidates})`,
    },
    data: { values: rows },
    facet: {
      row: { field: 'space', type: 'nominal', title: null, header: { labelAngle: 0, labelAlign: 'left', labelOrient: 'top', labelAnchor: 'start' } },
      column: { field: 'when', type: 'nominal', title: null, header: { labelExpr: "slice(datum.value, 2) + ' the GC'" } },
    },
    spec: {
      width: cols * PAGE_CELL_PX,
      height: maxRows * PAGE_CELL_PX,
      layer: [
        {
          mark: { type: 'rect', stroke: '#d62728' },
          encoding: {
            x: { field: 'col', type: 'ordinal', axis: null, scale: { paddingInner: 0.12 } },
            y: { field: 'row', type: 'ordinal', axis: null, scale: { paddingInner: 0.12 } },
            color: { field: 'live', type: 'quantitative', title: 'live fraction', scale: { domain: [0, 1], scheme: 'blues' } },
            strokeWidth: { condition: { test: 'datum.candidate', value: 2 }, value: 0 },
          },
        },
      ],
    },
    resolve: { scale: { x: 'independent', y: 'independent' } },
  } as Spec;
}

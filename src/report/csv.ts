/**
 * results.csv of a sweep: one row per trial and GC type (`all`, `scavenge`, `mark-compact`),
 * with the configuration's every resolved option as columns, so the file loads into a data
 * frame with no joins. A failed trial keeps its rows, with whatever it measured before failing
 * (nothing at all when its worker died) and the failure in `status`/`failure_*`.
 */
import { OPTION_TABLE } from '../options.ts';
import { GC_TYPES, workPerGc, type WorkPerGc } from '../metrics/summary.ts';
import { markingMode, type GcOptions } from '../options.ts';
import type { PauseSummary } from '../metrics/result.ts';
import type { SweepResults } from '../experiments/sweep-results.ts';
import { pauseRanks } from '../experiments/sweep-summary.ts';

/**
 * Configuration-level figures repeated on each of its rows: the median across trials, its 95%
 * interval, and the ratio to the baseline with its interval and verdict (`ci_method` says how).
 */
const SUMMARY_COLUMNS: readonly (readonly [string, string])[] = [
  ['pauses.p50', 'cfg_pause_p50_ms'],
  ['pauses.p95', 'cfg_pause_p95_ms'],
  ['pauses.p99', 'cfg_pause_p99_ms'],
  ['pauses.max', 'cfg_pause_max_ms'],
  ['gcOverhead', 'cfg_gc_overhead'],
  ['wallMs', 'cfg_wall_ms'],
];

const PAUSE_COLUMNS = ['count', 'totalMs', 'p50', 'p90', 'p95', 'p99', 'max'] as const;
/** Work per GC of the trial (the same on each of its rows). */
const WORK_COLUMNS: readonly (readonly [keyof WorkPerGc, string])[] = [
  ['markedBytesPerMarkCompact', 'marked_bytes_per_mc'],
  ['evacuatedBytesPerMarkCompact', 'evacuated_bytes_per_mc'],
  ['candidatesPerMarkCompact', 'candidates_per_mc'],
  ['sweptPagesPerMarkCompact', 'swept_pages_per_mc'],
  ['copiedBytesPerScavenge', 'copied_bytes_per_scavenge'],
];

/** RFC 4180: quote a field holding a comma, quote or line break; double the quotes. */
export function csvField(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvLine(fields: readonly unknown[]): string {
  return fields.map(csvField).join(',');
}

export function sweepCsv(s: SweepResults): string {
  const optionNames = Object.keys(OPTION_TABLE);
  const paramNames = [...new Set(s.configurations.flatMap((c) => Object.keys(c.resolvedParams ?? {})))].sort();
  const header = [
    'config',
    'label',
    'workload',
    ...paramNames.map((p) => `param.${p}`),
    ...optionNames,
    'marking_mode',
    'trial',
    'index',
    'seed',
    'status',
    'failure_kind',
    'failure_message',
    'gc_type',
    ...PAUSE_COLUMNS.map((c) => (c === 'count' ? 'gcs' : c === 'totalMs' ? 'pause_total_ms' : `pause_${c}_ms`)),
    'wall_ms',
    'gc_ms',
    'gc_overhead',
    'mutator_throughput',
    'allocated_bytes',
    'host_ms',
    'digest',
    ...WORK_COLUMNS.map(([, col]) => col),
    'pause_p99_rank',
    'load_start',
    'load_end',
    'cpus',
    'other_busy_cores',
    'busy_machine',
    'ci_method',
    'baseline',
    ...SUMMARY_COLUMNS.flatMap(([, col]) => [`${col}_median`, `${col}_ci_lo`, `${col}_ci_hi`, `${col}_ratio`, `${col}_ratio_lo`, `${col}_ratio_hi`, `${col}_verdict`]),
  ];
  const method = s.statistics ? `${s.statistics.method} of the median, ${Math.round(s.statistics.level * 100)}%, ${s.statistics.resamples} resamples, seed ${s.statistics.seed}` : '';
  const lines = [csvLine(header)];
  for (const c of s.configurations) {
    const fixed = [
      c.id,
      c.label,
      c.workload,
      ...paramNames.map((p) => c.resolvedParams?.[p]),
      ...optionNames.map((o) => (c.resolvedOptions as Record<string, unknown>)[o]),
      markingMode(c.resolvedOptions as GcOptions),
    ];
    const b = c.summary.baseline ?? null;
    const summary = SUMMARY_COLUMNS.flatMap(([k]) => {
      const m = c.summary.metrics?.[k];
      const f = b?.figures[k];
      return [m?.median, m?.lo, m?.hi, f?.ratio, f?.lo, f?.hi, f?.verdict];
    });
    for (const t of c.trials) {
      const r = t.result;
      const ld = t.load;
      const tail2 = [
        ld?.loadStart,
        ld?.loadEnd,
        ld?.cpus,
        ld?.otherBusyCores,
        ld === undefined ? '' : ld.busy,
        method,
        b?.baselineLabel ?? '',
        ...summary,
      ];
      const common = [t.trial, t.index, t.seed, t.status, t.failure?.kind, t.failure?.message];
      const work = r === null ? null : workPerGc(r.events);
      for (const type of ['all', ...GC_TYPES]) {
        const p: PauseSummary | undefined = r === null ? undefined : type === 'all' ? r.summary.pauses : r.summary.pausesByType[type];
        const tail =
          r === null
            ? [r, r, r, r, r, t.hostMs, '']
            : [r.summary.wallMs, r.summary.gcMs, r.summary.gcOverhead, r.summary.mutatorThroughput, r.summary.allocatedBytes, t.hostMs, r.digest];
        lines.push(csvLine([...fixed, ...common, type, ...PAUSE_COLUMNS.map((k) => p?.[k]), ...tail, ...WORK_COLUMNS.map(([k]) => work?.[k]), p ? pauseRanks(p.count).p99 : '', ...tail2]));
      }
    }
  }
  return lines.join('\n') + '\n';
}

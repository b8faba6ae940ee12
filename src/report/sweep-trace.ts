/**
 * trace.json of a sweep: the Chrome trace (chrome-trace.ts) of one trial per configuration, the
 * representative one (or, for a configuration with no success, its first partial run), each its
 * own process. Capped at MAX_TRACE_EVENTS so Perfetto opens it quickly; configurations past the
 * cap are listed in the trace's metadata as left out.
 */
import type { RunResult } from '../metrics/result.ts';
import type { SweepResults } from '../experiments/sweep-results.ts';
import { toChromeTrace, type ChromeTrace } from './chrome-trace.ts';
import { representativeRun } from './charts.ts';

/** ~40 MB of JSON at most; Perfetto's UI stays responsive well past this. */
export const MAX_TRACE_EVENTS = 300_000;

/** Trace events toChromeTrace makes of a run (an upper bound; metadata included). */
export function traceEventEstimate(r: RunResult): number {
  let n = 4 + 2 * ((Number(r.config.threads) || 1) + 1) + r.heapSamples.length + 1;
  for (const ev of r.events) {
    n++;
    for (const ph of ev.parallel) n += ph.threads.length;
  }
  return n;
}

export function sweepTrace(s: SweepResults, maxEvents = MAX_TRACE_EVENTS): ChromeTrace {
  const runs: { label: string; result: RunResult }[] = [];
  const omitted: string[] = [];
  let total = 0;
  for (const c of s.configurations) {
    let result = representativeRun(c);
    let label = c.label;
    if (result === null) {
      const partial = c.trials.find((t) => t.result !== null);
      if (!partial) continue;
      result = partial.result!;
      label = `${c.label} (trial ${partial.trial}, failed: ${partial.failure?.kind ?? '?'})`;
    } else {
      const t = c.trials.find((x) => x.index === c.summary.representative);
      label = `${c.label} (trial ${t?.trial ?? '?'})`;
    }
    const n = traceEventEstimate(result);
    if (runs.length > 0 && total + n > maxEvents) {
      omitted.push(c.label);
      continue;
    }
    total += n;
    runs.push({ label, result });
  }
  const trace = toChromeTrace(runs);
  trace.metadata = { ...trace.metadata, 'gcsim-sweep': { createdAt: s.createdAt, status: s.status, omitted, note: 'one trial per configuration: the representative one (median total pause)' } };
  return trace;
}

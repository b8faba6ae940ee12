/**
 * Which of a child's nvp lines belong to the run. The child prints lines for its start-up (module
 * loading, a GC before the workload) and its end (a GC after it, the digest) too; its
 * PerformanceObserver saw exactly the run's GCs, in order, with their kind and start on the
 * performance clock. The run's lines are the window of consecutive lines whose collectors match
 * those kinds one for one and whose V8 timestamps keep the steadiest distance to the observed
 * ends (V8 prints its own clock, which starts later than the performance clock). Pure.
 */
import type { GCType } from '../metrics/result.ts';

export interface Observed {
  kind: GCType;
  startTime: number;
  duration: number;
}

export interface Alignment {
  /** Index of the first record of the run, or -1 when no window matches. */
  first: number;
  /** V8's timestamp minus the observed end, median over the window (ms). */
  offsetMs: number;
  /** Max minus min of that distance over the window (ms); small for the right window. */
  spreadMs: number;
}

/** Aligns `records` (V8's lines, in order) with the GCs the child observed. */
export function alignRun(records: readonly { tsMs: number; type: GCType }[], observed: readonly Observed[]): Alignment {
  const n = observed.length;
  if (n === 0) return { first: records.length, offsetMs: 0, spreadMs: 0 };
  let best: Alignment = { first: -1, offsetMs: 0, spreadMs: Infinity };
  for (let j = 0; j + n <= records.length; j++) {
    let ok = true;
    const d: number[] = [];
    for (let i = 0; i < n && ok; i++) {
      if (records[j + i].type !== observed[i].kind) ok = false;
      else d.push(records[j + i].tsMs - (observed[i].startTime + observed[i].duration));
    }
    if (!ok) continue;
    const spread = Math.max(...d) - Math.min(...d);
    if (spread < best.spreadMs) {
      d.sort((a, b) => a - b);
      best = { first: j, offsetMs: d[d.length >> 1], spreadMs: spread };
    }
  }
  return best;
}

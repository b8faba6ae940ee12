/**
 * The GC tracer's timeline (V8: gc-tracer.h): every interval in which the collector ran, on any
 * thread, recorded in one place. Pauses and the sequential sub-phases inside them, main-thread
 * GC work outside pauses (incremental marking steps, root marking at the start of a cycle, lazy
 * and on-demand sweeping, joining the helpers) and the helpers' concurrent marking and sweeping.
 * MMU, BMU, GC time and overhead, the Chrome trace and the report are all derived from it, so
 * they cannot disagree. Plain data; the controller appends on the main thread.
 */

/**
 * What an interval is. `pause`: a stop-the-world GC (thread 0). `phase`: a sequential sub-phase
 * of a pause (thread 0, inside its pause). `step`: main-thread GC work while the mutator is
 * stopped but no pause is counted (an incremental marking step, root marking at the start of a
 * cycle, lazy or on-demand sweeping, waiting for helpers between rounds). `concurrent`: a
 * helper's background work while the mutator runs (thread > 0).
 */
export type IntervalKind = 'pause' | 'phase' | 'step' | 'concurrent';

export interface TimelineInterval {
  kind: IntervalKind;
  /** 0 = the main thread (mutator); 1.. = helpers. */
  thread: number;
  /** V8 trace scope: `scavenge`, `mark-compact`, `mc.incremental`, `mc.background.mark`, `mc.sweep.lazy`... */
  name: string;
  /** ms since the start of the run. */
  startMs: number;
  durationMs: number;
  /** Index of the GC event this interval belongs to (for work outside pauses: the GC that ends its cycle). */
  gc: number;
  /** Concurrent intervals: time the helper worked in it (the rest it looked for work). */
  busyMs?: number;
  /** Steps of a marking cycle: objects the marking barrier had shaded in the cycle so far. */
  barrierRecords?: number;
}

/** Main-thread intervals in which the mutator does not run: pauses and steps. */
export function isMutatorStopped(i: TimelineInterval): boolean {
  return i.thread === 0 && (i.kind === 'pause' || i.kind === 'step');
}

/** Σ of the intervals in which the mutator does not run: a run's main-thread GC time. */
export function mainThreadGcMs(timeline: readonly TimelineInterval[]): number {
  let ms = 0;
  for (const i of timeline) if (isMutatorStopped(i)) ms += i.durationMs;
  return ms;
}

export class GcTracer {
  readonly timeline: TimelineInterval[] = [];

  record(kind: IntervalKind, thread: number, name: string, startMs: number, durationMs: number, gc: number): TimelineInterval {
    const i: TimelineInterval = { kind, thread, name, startMs, durationMs: Math.max(0, durationMs), gc };
    this.timeline.push(i);
    return i;
  }
}

/**
 * The controller's side of the GC tracer (V8: GCTracer::Scope): records main-thread GC work
 * outside pauses as `step` intervals (nested steps count once, in the outermost), each helper's
 * share of a background phase as a `concurrent` interval, and each pause with its sequential
 * sub-phases, all on the one timeline of `GcTracer`. Main thread.
 */
import { GcTracer } from '../metrics/gc-tracer.ts';
import type { GCEvent } from '../metrics/result.ts';
import { nowMs, type PhaseSpan } from './phase-clock.ts';

export class TraceScopes {
  readonly tracer = new GcTracer();
  /** Nesting depth of main-thread steps (only the outermost is recorded). */
  private depth = 0;

  /**
   * `gcIndex`: the index the next GC event will have (intervals between GCs name it);
   * `markingBarrierRecords`: objects the barrier shaded in the marking cycle under way, or null.
   */
  constructor(
    private readonly originMs: number,
    private readonly gcIndex: () => number,
    private readonly markingBarrierRecords: () => number | null,
  ) {}

  /** Runs main-thread GC work outside a pause (the mutator is stopped meanwhile) as a step. */
  step<T>(name: string, fn: () => T): T {
    if (this.depth > 0) return fn();
    const start = nowMs();
    const t0 = performance.now();
    this.depth++;
    try {
      return fn();
    } finally {
      this.depth--;
      const iv = this.tracer.record('step', 0, name, start - this.originMs, performance.now() - t0, this.gcIndex());
      const records = this.markingBarrierRecords();
      if (records !== null) iv.barrierRecords = records;
    }
  }

  /** Helper `thread` worked on background phase `name` from `startMs` to `endMs` (absolute), busy `busyMs`. */
  concurrent(thread: number, name: string, startMs: number, endMs: number, busyMs: number): void {
    const iv = this.tracer.record('concurrent', thread, name, startMs - this.originMs, endMs - startMs, this.gcIndex());
    iv.busyMs = busyMs;
  }

  /** A pause and its sequential sub-phases. */
  pause(ev: GCEvent, spans: readonly PhaseSpan[]): void {
    this.tracer.record('pause', 0, ev.type, ev.startMs, ev.pauseMs, ev.index);
    for (const sp of spans) this.tracer.record('phase', 0, sp.name, sp.startMs, sp.durationMs, ev.index);
  }
}

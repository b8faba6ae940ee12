/**
 * The RunSummary of one run (DESIGN §5): pause statistics overall and per collector, MMU and
 * BMU curves from the GC pauses, GC time and overhead, mutator throughput. Pure; called once
 * on the main thread when a run ends. Definitions in docs/metrics.md.
 */

import type { GCEvent, GCType, RunSummary } from './result.ts';
import { pauseSummary } from './pauses.ts';
import { compileTimeline, defaultWindows, mmuAndBmu, type UtilSegment, type UtilizationTimeline } from './mmu.ts';

/** Every collector type gets a pausesByType entry, zeros when it never ran. */
export const GC_TYPES: readonly GCType[] = ['scavenge', 'mark-compact'];

export interface SummaryExtra {
  /** Mutator work units completed in the run (workload-defined: ticks, requests...). */
  workUnits: number;
  /** Bytes the mutator allocated in the run. */
  allocatedBytes: number;
  /** MMU/BMU windows; default defaultWindows(wallMs). */
  windowsMs?: readonly number[];
  /** Intervals of partial mutator utilisation (incremental steps, concurrent work) for MMU/BMU. */
  utilization?: readonly UtilSegment[];
}

/** The utilisation timeline of a run: every GC's [startMs, startMs + pauseMs) is a pause. */
export function timelineFromEvents(
  events: readonly GCEvent[],
  wallMs: number,
  utilization?: readonly UtilSegment[],
): UtilizationTimeline {
  return {
    wallMs,
    pauses: events.map((e) => ({ startMs: e.startMs, durationMs: e.pauseMs })),
    utilization,
  };
}

/** Main-thread GC time of one event: its pause plus its incremental marking steps. */
export function eventGcMs(e: GCEvent): number {
  return e.pauseMs + (e.incremental !== null ? e.incremental.stepsMs : 0);
}

export function summarizeRun(events: readonly GCEvent[], wallMs: number, extra: SummaryExtra): RunSummary {
  if (!Number.isFinite(wallMs) || wallMs < 0) throw new RangeError(`wallMs is ${wallMs}`);
  const pausesByType: RunSummary['pausesByType'] = {};
  for (const t of GC_TYPES) pausesByType[t] = pauseSummary(events.filter((e) => e.type === t).map((e) => e.pauseMs));
  for (const e of events) {
    if (!(e.type in pausesByType)) {
      pausesByType[e.type] = pauseSummary(events.filter((x) => x.type === e.type).map((x) => x.pauseMs));
    }
  }
  const profile = compileTimeline(timelineFromEvents(events, wallMs, extra.utilization));
  const { mmu, bmu } = mmuAndBmu(profile, extra.windowsMs ?? defaultWindows(wallMs));
  let gcMs = 0;
  for (const e of events) gcMs += eventGcMs(e);
  return {
    pauses: pauseSummary(events.map((e) => e.pauseMs)),
    pausesByType,
    mmu,
    bmu,
    wallMs,
    gcMs,
    gcOverhead: wallMs > 0 ? gcMs / wallMs : 0,
    mutatorThroughput: wallMs > 0 ? extra.workUnits / (wallMs / 1000) : 0,
    allocatedBytes: extra.allocatedBytes,
  };
}

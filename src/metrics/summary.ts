/**
 * The RunSummary of one run (DESIGN §5): pause statistics overall and per collector, MMU and
 * BMU curves, GC time and overhead (both from the tracer's timeline), mutator throughput. Pure; called once
 * on the main thread when a run ends. Definitions in docs/metrics.md.
 */

import type { GCEvent, GCType, RunSummary } from './result.ts';
import { pauseSummary } from './pauses.ts';
import { compileTimeline, defaultWindows, mmuAndBmu, type UtilSegment, type UtilizationTimeline } from './mmu.ts';
import { isMutatorStopped, type TimelineInterval } from './gc-tracer.ts';

/** Every collector type gets a pausesByType entry, zeros when it never ran. */
export const GC_TYPES: readonly GCType[] = ['scavenge', 'mark-compact'];

export interface SummaryExtra {
  /** Mutator work units completed in the run (workload-defined: ticks, requests...). */
  workUnits: number;
  /** Bytes the mutator allocated in the run. */
  allocatedBytes: number;
  /** MMU/BMU windows; default defaultWindows(wallMs). */
  windowsMs?: readonly number[];
  /**
   * The tracer's timeline: every interval the mutator was stopped (pauses and main-thread steps)
   * is GC time and utilisation 0. Without it only the events' pauses are known.
   */
  timeline?: readonly TimelineInterval[];
  /** Further intervals of partial mutator utilisation (work that shares the mutator's thread). */
  utilization?: readonly UtilSegment[];
}

/**
 * The utilisation timeline of a run: every interval in which the mutator was stopped (from the
 * tracer's timeline when given, else every GC's [startMs, startMs + pauseMs)) has utilisation 0.
 */
export function utilizationTimeline(
  events: readonly GCEvent[],
  wallMs: number,
  timeline?: readonly TimelineInterval[],
  utilization?: readonly UtilSegment[],
): UtilizationTimeline {
  const pauses =
    timeline !== undefined
      ? timeline.filter(isMutatorStopped).map((i) => ({ startMs: i.startMs, durationMs: i.durationMs }))
      : events.map((e) => ({ startMs: e.startMs, durationMs: e.pauseMs }));
  return { wallMs, pauses, utilization };
}

/** The same, from the events' pauses alone. */
export function timelineFromEvents(events: readonly GCEvent[], wallMs: number, utilization?: readonly UtilSegment[]): UtilizationTimeline {
  return utilizationTimeline(events, wallMs, undefined, utilization);
}

/**
 * Summary of a run. GC time is what the utilisation timeline takes from the mutator (stopped
 * intervals in full, partial ones in proportion), so GC overhead and MMU over the whole run are
 * two views of one set of intervals: MMU(wallMs) = 1 − gcOverhead whenever they do not overlap.
 */
export function summarizeRun(events: readonly GCEvent[], wallMs: number, extra: SummaryExtra): RunSummary {
  if (!Number.isFinite(wallMs) || wallMs < 0) throw new RangeError(`wallMs is ${wallMs}`);
  const pausesByType: RunSummary['pausesByType'] = {};
  for (const t of GC_TYPES) pausesByType[t] = pauseSummary(events.filter((e) => e.type === t).map((e) => e.pauseMs));
  for (const e of events) {
    if (!(e.type in pausesByType)) {
      pausesByType[e.type] = pauseSummary(events.filter((x) => x.type === e.type).map((x) => x.pauseMs));
    }
  }
  const tl = utilizationTimeline(events, wallMs, extra.timeline, extra.utilization);
  const profile = compileTimeline(tl);
  const { mmu, bmu } = mmuAndBmu(profile, extra.windowsMs ?? defaultWindows(wallMs));
  let gcMs = 0;
  for (const p of tl.pauses) gcMs += p.durationMs;
  for (const u of tl.utilization ?? []) gcMs += (1 - u.util) * u.durationMs;
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

/** The work a run's GCs did, per GC: what a pause is paid for (means over the GCs of each type). */
export interface WorkPerGc {
  markedBytesPerMarkCompact: number;
  evacuatedBytesPerMarkCompact: number;
  candidatesPerMarkCompact: number;
  sweptPagesPerMarkCompact: number;
  copiedBytesPerScavenge: number;
}

export function workPerGc(events: readonly GCEvent[]): WorkPerGc {
  const majors = events.filter((e) => e.type === 'mark-compact');
  const minors = events.filter((e) => e.type === 'scavenge');
  const mean = (xs: readonly number[]): number => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);
  return {
    markedBytesPerMarkCompact: mean(majors.map((e) => e.markedBytes ?? 0)),
    evacuatedBytesPerMarkCompact: mean(majors.map((e) => e.evacuatedBytes)),
    candidatesPerMarkCompact: mean(majors.map((e) => e.evacuationCandidates)),
    sweptPagesPerMarkCompact: mean(majors.map((e) => e.sweptPages ?? 0)),
    copiedBytesPerScavenge: mean(minors.map((e) => e.survivedBytes + e.promotedBytes)),
  };
}

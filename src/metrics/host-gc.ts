/**
 * The host's own garbage collections: V8 collecting the simulator's JavaScript heap (its objects,
 * arrays, closures), not the simulated one. A host GC on the main thread stops it, so one that
 * falls inside a gcsim pause is in that pause's time and is not the simulated collector's work.
 * These functions place host GCs (from `HostGcMonitor`, src/experiments/host-gc-monitor.ts) in
 * the pauses of a run. Pure functions on plain data.
 */
import type { GCEvent } from './result.ts';

export type HostGcKind = 'minor' | 'major' | 'incremental' | 'weakcb' | 'other';

/**
 * One host GC. `startMs` from `HostGcMonitor` is on the clock of `performance.timeOrigin +
 * performance.now()`; in `RunResult.hostGcs` it counts from the start of the run, as events' do.
 */
export interface HostGc {
  startMs: number;
  durationMs: number;
  kind: HostGcKind;
}

/** Host GCs inside one pause: how many, and the ms of them that fell within it. */
export interface HostGcInPause {
  count: number;
  ms: number;
  /** Of them, full (mark-compact) collections of the host heap. */
  major: number;
}

/** The host GCs of a measured run (`RunResult.summary.hostGc`). */
export interface HostGcSummary {
  /** Host GCs during the run, on the main thread, and their total ms. */
  count: number;
  ms: number;
  /** gcsim pauses that contained at least one, and the host GC ms inside pauses. */
  pauses: number;
  inPausesMs: number;
}

/** The `detail.kind` of a Node 'gc' performance entry (perf_hooks.constants.NODE_PERFORMANCE_GC_*) as a name. */
export function hostGcKind(flag: number): HostGcKind {
  if (flag === 1) return 'minor';
  if (flag === 4) return 'major';
  if (flag === 8) return 'incremental';
  if (flag === 16) return 'weakcb';
  return 'other';
}

/** The host GCs overlapping [fromMs, toMs] (same clock), or null when none does. */
export function hostGcWithin(gcs: readonly HostGc[], fromMs: number, toMs: number): HostGcInPause | null {
  let count = 0;
  let ms = 0;
  let major = 0;
  for (const g of gcs) {
    const lo = Math.max(fromMs, g.startMs);
    const hi = Math.min(toMs, g.startMs + g.durationMs);
    if (hi < lo) continue;
    count++;
    ms += hi - lo;
    if (g.kind === 'major') major++;
  }
  return count === 0 ? null : { count, ms, major };
}

/**
 * Sets `hostGc` on each event whose pause a host GC overlapped (events are on the clock of
 * `originMs`: a pause spans originMs + startMs .. + pauseMs) and returns the run's totals.
 */
export function attachHostGc(events: GCEvent[], gcs: readonly HostGc[], originMs: number): HostGcSummary {
  let pauses = 0;
  let inPausesMs = 0;
  for (const ev of events) {
    const from = originMs + ev.startMs;
    const inPause = hostGcWithin(gcs, from, from + ev.pauseMs);
    if (inPause === null) continue;
    ev.hostGc = inPause;
    pauses++;
    inPausesMs += inPause.ms;
  }
  let ms = 0;
  for (const g of gcs) ms += g.durationMs;
  return { count: gcs.length, ms, pauses, inPausesMs };
}

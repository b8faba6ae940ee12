/**
 * Main-thread timing of a GC's phases: flat main-thread ms per V8 trace scope, and for parallel
 * phases a record of every participant's share read from the shared thread-stats table. All
 * times are ms since the start of the run, on the clock every thread shares.
 */
import type { PhaseRecord, ThreadPhaseStats } from '../metrics/result.ts';
import type { GcShared } from './gc-shared.ts';
import type { Participant } from './participant.ts';
import type { PhaseRunner } from './phase-runner.ts';

export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

/** A sequential sub-phase of a pause on the main thread, ms since the start of the run. */
export interface PhaseSpan {
  name: string;
  startMs: number;
  durationMs: number;
}

export class PhaseClock {
  phasesMs: Record<string, number> = {};
  parallel: PhaseRecord[] = [];
  /** Every serial and parallel sub-phase of the current GC in order, for the timeline. */
  spans: PhaseSpan[] = [];
  wakeUsMax = 0;
  /** Option recordPageFaults: each parallel phase's record, and each GC event, gets `pageFaults`. */
  private readonly recordPageFaults: boolean;

  constructor(
    readonly originMs: number,
    private readonly shared: GcShared,
    private readonly runner: PhaseRunner,
    private readonly main: Participant,
  ) {
    this.recordPageFaults = shared.buffers.config.recordPageFaults === true;
  }

  /**
   * The process's minor page faults so far (getrusage: every thread's), or -1 when the run does
   * not record them. A fault costs about 2 us here; a pause that writes pages for the first time,
   * or after the process forked, pays one per 4 KiB page, which its time alone does not tell
   * apart from the collector's work.
   */
  pageFaultMark(): number {
    return this.recordPageFaults ? process.resourceUsage().minorPageFault : -1;
  }

  /** Faults since `mark` (from `pageFaultMark`), or -1 when not recorded. */
  pageFaultsSince(mark: number): number {
    return mark >= 0 ? process.resourceUsage().minorPageFault - mark : -1;
  }

  reset(): void {
    this.phasesMs = {};
    this.parallel = [];
    this.spans = [];
    this.wakeUsMax = 0;
  }

  /** Times a main-thread-only step. */
  serial<T>(name: string, fn: () => T): T {
    const start = nowMs();
    const t0 = performance.now();
    try {
      return fn();
    } finally {
      const ms = performance.now() - t0;
      this.phasesMs[name] = (this.phasesMs[name] ?? 0) + ms;
      this.spans.push({ name, startMs: start - this.originMs, durationMs: ms });
    }
  }

  /**
   * Runs `phase` on the participants and records the share of each thread that took part (the
   * main thread, and the helpers that joined before it had finished: see `HelperJoin`).
   */
  parallelPhase(phase: number, name: string, arg = 0, mainOnly = false, joinAll = false): PhaseRecord {
    const faults0 = this.pageFaultMark();
    const start = nowMs();
    const t0 = performance.now();
    this.runner.run(phase, arg, name, () => this.main.runPhase(phase, arg), mainOnly, joinAll);
    const durationMs = performance.now() - t0;
    const faults = this.pageFaultsSince(faults0);
    this.phasesMs[name] = (this.phasesMs[name] ?? 0) + durationMs;
    this.spans.push({ name, startMs: start - this.originMs, durationMs });
    this.wakeUsMax = Math.max(this.wakeUsMax, this.runner.lastWakeUs);
    const threads: ThreadPhaseStats[] = [];
    for (let t = 0; t < this.runner.threads; t++) {
      const r = this.shared.stats.row(t);
      // A helper that arrived after the main thread had finished the phase took no part in it.
      if (t !== 0 && r.startMs === 0) continue;
      const s: ThreadPhaseStats = {
        thread: t,
        startMs: r.startMs - this.originMs,
        endMs: r.endMs - this.originMs,
        busyMs: Math.max(0, r.endMs - r.startMs - r.idleMs),
        idleMs: r.idleMs,
        objects: r.objects,
        bytes: r.bytes,
        stealsAttempted: r.stealsAttempted,
        stealsSucceeded: r.stealsSucceeded,
        racesLost: r.racesLost,
        locksContended: r.locksContended,
      };
      if (r.preemptedMs >= 0) s.preemptedMs = r.preemptedMs;
      if (r.mailSent > 0) s.mailSent = r.mailSent;
      threads.push(s);
    }
    const rec: PhaseRecord = { name, startMs: start - this.originMs, durationMs, threads, helperLimit: this.runner.lastHelperLimit };
    if (this.runner.lastWokenAfterMs >= 0) rec.wokenAfterMs = this.runner.lastWokenAfterMs;
    if (faults >= 0) rec.pageFaults = faults;
    this.parallel.push(rec);
    return rec;
  }
}

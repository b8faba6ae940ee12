/**
 * The helpers' work while the mutator runs (V8: the ConcurrentMarking job and the Sweeper's
 * background tasks): concurrent marking and concurrent sweeping share the helpers, one
 * background phase at a time. Starts, stops and joins that phase, records each helper's share on
 * the timeline, and owns the sweeping state: pages queued after a mark-compact are swept by the
 * helpers, or without helpers lazily by the main thread, a few pages per allocation step, and on
 * demand when an allocation fails. Main thread.
 */
import { C_BACKGROUND_STOP, type Heap } from '../heap/heap.ts';
import type { GcShared } from './gc-shared.ts';
import type { IncrementalMarking } from './incremental-marking.ts';
import type { Participant } from './participant.ts';
import { MAX_CONCURRENT_SWEEPERS, PHASE_CONCURRENT_MARK, PHASE_SWEEP_BACKGROUND } from './phases.ts';
import type { PhaseRunner } from './phase-runner.ts';
import type { TraceScopes } from './trace-scopes.ts';

/** Without helpers, pages swept lazily per allocation step (each ~0.1-0.5 ms). */
const LAZY_SWEEP_PAGES_PER_STEP = 4;

export class BackgroundJobs {
  /** Pages queued for sweeping after the last mark-compact are not all swept yet. */
  sweeping = false;
  /** The helpers are sweeping now. */
  private sweepingInBackground = false;
  /** The helpers are marking now. */
  private markingInBackground = false;
  /** Trace scope of the background phase the helpers run, if any. */
  private backgroundName = '';
  /** Helpers 1..this take part in that phase (the others return at once). */
  private backgroundHelpers = 0;
  private readonly heap: Heap;

  /** `sweepingFinished`: called when the last queued page was swept. */
  constructor(
    private readonly shared: GcShared,
    private readonly runner: PhaseRunner,
    private readonly main: Participant,
    private readonly marking: IncrementalMarking,
    private readonly concurrentMarkers: number,
    private readonly scopes: TraceScopes,
    private readonly sweepingFinished: () => void,
  ) {
    this.heap = shared.heap;
  }

  /** Helpers are running a background phase. */
  get running(): boolean {
    return this.markingInBackground || this.sweepingInBackground;
  }

  /** The helpers finished their background phase on their own (ran out of work). */
  get helpersDone(): boolean {
    return this.runner.backgroundDone();
  }

  get sweepingOnHelpers(): boolean {
    return this.sweepingInBackground;
  }

  /** Starts concurrent marking (a cycle with helpers is under way) or sweeping, if due. */
  resume(): void {
    if (this.runner.threads === 1) return;
    if (this.marking.active && this.marking.concurrent && !this.markingInBackground) {
      this.shared.terminator.reset(this.concurrentMarkers);
      this.runner.startBackground(PHASE_CONCURRENT_MARK, this.concurrentMarkers, 'mc.background.mark');
      this.backgroundName = 'mc.background.mark';
      this.backgroundHelpers = this.concurrentMarkers;
      this.markingInBackground = true;
    } else if (!this.marking.active && this.sweeping && !this.sweepingInBackground) {
      this.runner.startBackground(PHASE_SWEEP_BACKGROUND, MAX_CONCURRENT_SWEEPERS, 'mc.background.sweep');
      this.backgroundName = 'mc.background.sweep';
      this.backgroundHelpers = MAX_CONCURRENT_SWEEPERS;
      this.sweepingInBackground = true;
    }
  }

  /** Asks background helpers to stop at their next check and waits for them. */
  stop(): void {
    if (!this.running) return;
    Atomics.store(this.heap.ctl, C_BACKGROUND_STOP, 1);
    try {
      this.join();
    } finally {
      Atomics.store(this.heap.ctl, C_BACKGROUND_STOP, 0);
    }
  }

  /** Waits for the helpers to finish their background phase; records each one's share. */
  join(): void {
    const running = this.running;
    this.runner.joinBackground();
    if (running) {
      for (let t = 1; t < Math.min(this.runner.threads, this.backgroundHelpers + 1); t++) {
        const r = this.shared.stats.row(t);
        if (r.endMs <= r.startMs) continue;
        const busyMs = Math.max(0, r.endMs - r.startMs - r.idleMs);
        this.scopes.concurrent(t, this.backgroundName, r.startMs, r.endMs, busyMs);
        if (this.markingInBackground) this.marking.addHelperTime(t, busyMs);
      }
    }
    this.markingInBackground = false;
    this.sweepingInBackground = false;
  }

  /** Sweeps one queued page on the main thread (helpers stopped first); false when none was left. */
  sweepOnDemand(): boolean {
    this.stop();
    const swept = this.main.sweeper.sweepOneOnDemand();
    if (!swept) this.sweepingDone();
    else this.resume();
    return swept;
  }

  /** No helpers: a few queued pages swept by the main thread, paid by allocation. */
  sweepLazily(): void {
    for (let i = 0; i < LAZY_SWEEP_PAGES_PER_STEP; i++) {
      if (!this.main.sweeper.sweepOneOnDemand()) {
        this.sweepingDone();
        break;
      }
    }
  }

  /** Finishes every queued page (before marking starts again, or when memory is short). V8: EnsureSweepingCompleted. */
  finishSweepingOnMainThread(): void {
    if (!this.sweeping) return;
    this.stop();
    while (this.main.sweeper.sweepOneOnDemand());
    this.sweepingDone();
  }

  /** The helpers' concurrent sweeping ended on its own: join them. */
  joinSweeping(): void {
    this.join();
    this.sweepingDone();
  }

  private sweepingDone(): void {
    this.sweeping = false;
    this.sweepingFinished();
  }
}

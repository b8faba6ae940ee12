/**
 * The main-thread entry to every collection (V8's Heap::CollectGarbage): runs one GC with the
 * chosen collector, times its pause and phases, records one GCEvent per GC, runs the verifier
 * after every GC in verify mode, and drives the major GC cycle (marking started at the
 * old-generation limit, done concurrently by helpers or in incremental steps paid by allocation,
 * finished in a short pause, then compaction and concurrent sweeping). The cycle's other jobs
 * are units of their own, along V8's lines: `gc-triggers.ts` (when a GC happens),
 * `incremental-marking.ts` (the marking schedule), `heap-limits.ts` (sizes, limits, OOM),
 * `background-jobs.ts` (concurrent marking and sweeping on the helpers) and `trace-scopes.ts`
 * (the tracer's timeline). It knows the mutator only through `MutatorGcHooks` and implements the
 * mutator's `MutatorCollector`.
 */
import { C_GC_OUT_OF_MEMORY, C_MARKING, C_NEW_FROM, C_NEW_TOP, C_ROOT_SP, TEST_KEEP_MARKER_LEFTOVERS, type Heap } from '../heap/heap.ts';
import type { GCEvent, GCType, IncrementalMarkingStats } from '../metrics/result.ts';
import type { GcTracer } from '../metrics/gc-tracer.ts';
import type { GcShared } from './gc-shared.ts';
import { MarkCompactCollector, type CompactionPolicy, type MarkCompactFigures } from './mark-compact-collector.ts';
import type { Participant } from './participant.ts';
import { nowMs, PhaseClock } from './phase-clock.ts';
import type { PhaseRunner } from './phase-runner.ts';
import { ScavengerCollector } from './scavenger-collector.ts';
import { floatingGarbageBytes } from './floating-garbage.ts';
import { OutOfMemoryError } from '../heap/out-of-memory.ts';
import { HeapLimits } from './heap-limits.ts';
import { IncrementalMarking } from './incremental-marking.ts';
import { BackgroundJobs } from './background-jobs.ts';
import { GcTriggers, type TriggerActions } from './gc-triggers.ts';
import { TraceScopes } from './trace-scopes.ts';
import type { MarkingSink, MutatorCollector, MutatorGcHooks } from '../mutator/collector-interface.ts';

export type { MutatorGcHooks };

export { OutOfMemoryError };

/** --verify-heap found the heap broken: the run stops, as V8's heap verifier aborts. */
export class HeapVerificationError extends Error {}

export interface ControllerOptions {
  initialOldLimitBytes: number;
  maxOldBytes: number;
  growingFactor: number;
  policy: CompactionPolicy;
  headroomPages: number;
  /** Mark while the mutator runs (false = stop-the-world mark-compact at the limit). */
  incrementalMarking: boolean;
  /** Helpers marking concurrently; 0 = incremental steps on the main thread. */
  concurrentMarkers: number;
  /**
   * The barrier variant shades overwritten values (a snapshot): a scavenge during marking keeps
   * every grey young object alive as an extra root (BarrierVariant.greyYoungAreRoots).
   */
  greyYoungAreRoots: boolean;
  concurrentSweeping: boolean;
  /** Compute floating garbage at each finalization (verify mode: it traces the heap again). */
  measureFloatingGarbage: boolean;
}

export type Verifier = (kind: GCType) => string[];

export class GcController implements MutatorCollector, TriggerActions {
  readonly events: GCEvent[] = [];
  readonly heapSamples: { tMs: number; usedBytes: number; committedBytes: number }[] = [];
  readonly clock: PhaseClock;
  verifier: Verifier | null = null;
  /** Called after every GC, before verification (e.g. to print --trace-gc lines as they happen). */
  onEvent: ((ev: GCEvent) => void) | null = null;
  verifyChecks = 0;
  readonly verifyErrors: string[] = [];
  /** Heap sizes, the old-generation limit and out-of-memory. */
  readonly limits: HeapLimits;
  private readonly scopes: TraceScopes;
  private readonly marking = new IncrementalMarking();
  private readonly jobs: BackgroundJobs;
  private readonly triggers: GcTriggers;
  private hooks: MutatorGcHooks | null = null;
  private readonly scavenger: ScavengerCollector;
  private readonly markCompact: MarkCompactCollector;
  private readonly heap: Heap;
  inGc = false;
  /** The mark-compact under way serves an allocation that failed: release every empty page. */
  private reduceMemory = false;

  constructor(
    readonly shared: GcShared,
    readonly runner: PhaseRunner,
    readonly main: Participant,
    readonly originMs: number,
    private readonly opts: ControllerOptions,
  ) {
    this.heap = shared.heap;
    this.clock = new PhaseClock(originMs, shared, runner, main);
    this.scavenger = new ScavengerCollector(shared, this.clock);
    this.markCompact = new MarkCompactCollector(shared, this.clock, opts.policy, opts.headroomPages);
    this.limits = new HeapLimits(this.heap, opts, () => this.markCompact.candidateFreeWords());
    this.scopes = new TraceScopes(
      originMs,
      () => this.events.length,
      () => (this.marking.active ? (this.hooks?.barrierRecords ?? 0) - this.marking.barrierRecordsAtStart : null),
    );
    this.jobs = new BackgroundJobs(shared, runner, main, this.marking, opts.concurrentMarkers, this.scopes, () => {
      if (!this.marking.active) this.hooks?.setAllocationObserver(false);
    });
    this.triggers = new GcTriggers(this.heap, this.limits, this.marking, this.jobs, this.scopes, this, opts.incrementalMarking);
  }

  /** Every interval of GC work on every thread: pauses, their sub-phases, steps, concurrent work. */
  get tracer(): GcTracer {
    return this.scopes.tracer;
  }

  /** ForTesting: fewer pages beyond the limit for evacuation, so that it runs out of space. */
  setEvacuationHeadroomForTesting(pages: number): void {
    this.markCompact.headroomPages = pages;
  }

  attachMutator(hooks: MutatorGcHooks): void {
    this.hooks = hooks;
  }

  /** The main thread's marking worklist and live-bytes row, where the write barrier shades. */
  get markingSink(): MarkingSink {
    return { worklist: this.main.ctx.markingLocal, liveBytes: this.main.ctx.liveBytes };
  }

  get markingActive(): boolean {
    return this.marking.active;
  }
  get sweepingActive(): boolean {
    return this.jobs.sweeping;
  }

  // ---- the mutator's triggers (gc-triggers.ts decides) ------------------------------------------
  collectForNewSpace(): void {
    this.triggers.collectForNewSpace();
  }
  collectForOldSpace(): boolean {
    return this.triggers.collectForOldSpace();
  }
  allocationStep(allocatedWords: number): void {
    this.triggers.allocationStep(allocatedWords);
  }

  collectReducingMemory(reason: string, collectorReason: string): void {
    this.reduceMemory = true;
    try {
      this.collect('mark-compact', reason, collectorReason);
    } finally {
      this.reduceMemory = false;
    }
  }

  setAllocationObserver(active: boolean): void {
    this.hooks?.setAllocationObserver(active);
  }

  markingStep(words: number): boolean {
    return this.main.marker.step(words);
  }

  get barrierShadedWords(): number {
    return this.hooks?.barrierShadedWords ?? 0;
  }

  /**
   * The helpers ran out of marking work. The mutator's barrier may have queued more since (its
   * segment is published here): then the helpers go on, and finalization waits, so that the
   * pause finds little left to mark. True when nothing is left.
   */
  concurrentMarkingExhausted(): boolean {
    this.jobs.join();
    this.main.ctx.markingLocal.publish();
    if (this.shared.marking.isEmpty() || !this.marking.mayRestartHelpers()) return true;
    this.jobs.resume();
    return false;
  }

  // ---- the marking cycle --------------------------------------------------------------------------
  /** Starts marking: roots marked from the main thread, then helpers or incremental steps take over. */
  startMarking(): void {
    if (this.marking.active) return;
    this.scopes.step('mc.incremental.start', () => this.startMarkingInner());
  }

  private startMarkingInner(): void {
    this.jobs.finishSweepingOnMainThread();
    this.hooks?.prepareForGc();
    const t0 = performance.now();
    this.markCompact.prepareMarking();
    this.heap.ctl[C_MARKING] = 1;
    const concurrent = this.opts.concurrentMarkers > 0 && this.runner.threads > 1;
    this.hooks?.setMarking(true);
    this.main.marker.markRoots();
    this.main.ctx.markingLocal.publish();
    // Root marking counts as the first incremental step.
    this.marking.begin(concurrent, this.runner.threads, this.hooks?.barrierRecords ?? 0, this.triggers.allocated, this.barrierShadedWords, performance.now() - t0);
    this.jobs.resume();
    this.hooks?.setAllocationObserver(true);
  }

  /** Stops the helpers' background work (marking, sweeping) and waits for them: before the heap is given up. */
  stopHelpers(): void {
    this.jobs.stop();
  }

  /** Finishes every queued page (before marking starts again, or when memory is short). V8: EnsureSweepingCompleted. */
  finishSweepingOnMainThread(): void {
    this.jobs.finishSweepingOnMainThread();
  }

  /** Restarts the background work `stopHelpers` stopped (concurrent marking or sweeping), if any is due. */
  resumeHelpers(): void {
    if (!this.inGc) this.jobs.resume();
  }

  // ---- one GC ------------------------------------------------------------------------------------
  collect(type: GCType, reason: string, collectorReason: string): GCEvent {
    if (this.inGc) throw new Error('GC requested during GC');
    this.inGc = true;
    try {
      return this.collectInner(type, reason, collectorReason);
    } finally {
      this.inGc = false;
    }
  }

  private collectInner(type: GCType, reason: string, collectorReason: string): GCEvent {
    const clock = this.clock;
    const faults0 = clock.pageFaultMark();
    const start = nowMs();
    const t0 = performance.now();
    clock.reset();
    this.markCompact.checkLiveBytes = this.verifier !== null;
    this.hooks?.prepareForGc();
    const beforeBytes = this.limits.usedBytes();
    const beforeCommittedBytes = this.limits.committedBytes();
    this.heapSamples.push({ tMs: start - this.originMs, usedBytes: beforeBytes, committedBytes: beforeCommittedBytes });
    // Background helpers stop for the pause; they are parked participants of its phases.
    clock.serial('safepoint', () => this.jobs.stop());
    let survivedBytes = 0;
    let promotedBytes = 0;
    let evacuatedBytes = 0;
    let candidates = 0;
    let candidateBytes = 0;
    let abortedCandidates = 0;
    let releasedPages = 0;
    let markedBytes = 0;
    let sweptPages = 0;
    let pageMap = null;
    let incremental: IncrementalMarkingStats | null = null;
    if (type === 'scavenge') {
      const oldBefore = this.limits.oldGenerationBytes();
      if (this.marking.active) this.main.ctx.markingLocal.publish();
      // SATB: grey young objects are in the snapshot; they survive this scavenge as extra roots.
      const sp = this.marking.active && this.opts.greyYoungAreRoots ? this.markCompact.pushGreyYoungObjectsAsRoots() : -1;
      try {
        this.scavenger.collect(this.marking.active ? () => this.markCompact.updateMarkingWorklistAfterScavenge() : null);
      } finally {
        if (sp >= 0) this.heap.ctl[C_ROOT_SP] = sp;
      }
      if (this.heap.ctl[C_GC_OUT_OF_MEMORY] !== 0) {
        this.heap.ctl[C_GC_OUT_OF_MEMORY] = 0;
        throw new OutOfMemoryError('no room for the survivors of a scavenge');
      }
      survivedBytes = (this.heap.ctl[C_NEW_TOP] - this.heap.ctl[C_NEW_FROM]) * 4;
      promotedBytes = Math.max(0, this.limits.oldGenerationBytes() - oldBefore);
    } else {
      // With --concurrent-sweeping pages are swept after the pause: by the helpers, or lazily by
      // the main thread in allocation steps when there are none.
      const sweepInPause = !this.opts.concurrentSweeping;
      let f: MarkCompactFigures;
      if (this.marking.active) {
        incremental = this.finalizeMarking();
        f = this.markCompact.compact(sweepInPause, this.reduceMemory);
      } else {
        clock.serial('mc.complete_sweeping', () => this.jobs.finishSweepingOnMainThread());
        f = this.markCompact.collect(sweepInPause, this.reduceMemory);
      }
      this.jobs.sweeping = !sweepInPause;
      survivedBytes = f.survivedBytes;
      promotedBytes = f.promotedBytes;
      evacuatedBytes = f.evacuatedBytes;
      candidates = f.candidates;
      candidateBytes = f.candidateBytes;
      abortedCandidates = f.abortedCandidates;
      releasedPages = f.releasedPages;
      markedBytes = f.markedBytes;
      sweptPages = f.sweptPages;
      pageMap = f.pageMap;
      this.limits.updateAfterFullGc();
    }
    this.hooks?.afterGc();
    const pauseMs = performance.now() - t0;
    const faults = clock.pageFaultsSince(faults0);
    const afterBytes = this.limits.usedBytes();
    const afterCommittedBytes = this.limits.committedBytes();
    const ev: GCEvent = {
      index: this.events.length,
      type,
      reason,
      collectorReason,
      startMs: start - this.originMs,
      pauseMs,
      timeToSafepointMs: (clock.phasesMs['safepoint'] ?? 0) + clock.wakeUsMax / 1000,
      beforeBytes,
      afterBytes,
      beforeCommittedBytes,
      afterCommittedBytes,
      phasesMs: clock.phasesMs,
      parallel: clock.parallel,
      survivedBytes,
      promotedBytes,
      evacuatedBytes,
      incremental,
      evacuationCandidates: candidates,
      evacuationCandidateBytes: candidateBytes,
      abortedCandidates,
      releasedPages,
      markedBytes,
      sweptPages,
      pageMap,
    };
    if (faults >= 0) ev.pageFaults = faults;
    this.events.push(ev);
    this.scopes.pause(ev, clock.spans);
    this.onEvent?.(ev);
    this.heapSamples.push({ tMs: start - this.originMs + pauseMs, usedBytes: afterBytes, committedBytes: afterCommittedBytes });
    if (this.verifier) {
      let errors: string[];
      try {
        errors = this.verifier(type);
      } catch (e) {
        errors = [`verifier stopped: ${(e as Error).message}`];
      }
      errors.push(...this.markCompact.liveBytesErrors.splice(0));
      this.verifyChecks++;
      for (const e of errors) this.verifyErrors.push(`after GC #${ev.index} (${type}): ${e}`);
      // Going on would run the collectors over a broken heap (which may never terminate).
      if (errors.length > 0) throw new HeapVerificationError(this.verifyErrors[this.verifyErrors.length - errors.length]);
    }
    if (type === 'mark-compact') this.limits.checkOutOfMemoryAfterFullGc();
    this.jobs.resume();
    this.hooks?.setAllocationObserver(this.marking.active || this.jobs.sweeping);
    return ev;
  }

  /** The finalization pause's marking: drain the barrier buffer, rescan the roots, finish in parallel. */
  private finalizeMarking(): IncrementalMarkingStats {
    const clock = this.clock;
    // The concurrent markers were stopped at the safepoint: what they left published goes to the
    // main thread's stack, which the main thread always drains (under a scheme that never steals,
    // a helper that did not join the pause would otherwise leave its stack untaken).
    clock.serial('mc.mark.finish_incremental', () => {
      this.main.ctx.markingLocal.publish();
      if (!this.heap.testFlag(TEST_KEEP_MARKER_LEFTOVERS)) this.shared.marking.gatherPublished(0);
    });
    this.markCompact.markParallel('mc.mark');
    let floating: number | null = null;
    if (this.opts.measureFloatingGarbage) floating = clock.serial('mc.mark.floating_garbage', () => floatingGarbageBytes(this.heap));
    const stats = this.marking.finish(this.hooks?.barrierRecords ?? 0, floating);
    this.hooks?.setMarking(false);
    return stats;
  }
}

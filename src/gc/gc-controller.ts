/**
 * The main-thread entry to every collection (V8's Heap::CollectGarbage, IncrementalMarking and
 * GCTracer): chooses the collector, runs the major GC cycle (marking started at the
 * old-generation limit, done concurrently by helpers or in incremental steps paid by allocation,
 * finished in a short pause, then compaction and concurrent sweeping), times every pause and
 * phase, records one GCEvent per GC, moves the old-generation limit, runs the verifier after
 * every GC in verify mode, and raises V8's out-of-memory failure. It knows the mutator only
 * through `MutatorGcHooks` and implements the mutator's `MutatorCollector`.
 */
import { SPACE_CODE, SPACE_LO, SPACE_MAP, SPACE_NEW, SPACE_OLD_DATA, SPACE_OLD_POINTER, PAGE_BYTES } from '../heap/layout.ts';
import { C_BACKGROUND_STOP, C_GC_OUT_OF_MEMORY, C_MARKING, C_NEW_FROM, C_NEW_TOP, C_POOL_LIMIT_PAGES, C_ROOT_SP, type Heap } from '../heap/heap.ts';
import { freeListWords } from '../heap/spaces/free-list.ts';
import type { GCEvent, GCType, IncrementalMarkingStats } from '../metrics/result.ts';
import type { GcShared } from './gc-shared.ts';
import { MarkCompactCollector, type CompactionPolicy, type MarkCompactFigures } from './mark-compact-collector.ts';
import { type Participant, PHASE_CONCURRENT_MARK, PHASE_SWEEP_BACKGROUND } from './participant.ts';
import { nowMs, PhaseClock } from './phase-clock.ts';
import type { PhaseRunner } from './phase-runner.ts';
import { ScavengerCollector } from './scavenger-collector.ts';
import { floatingGarbageBytes } from './floating-garbage.ts';
import { OutOfMemoryError } from '../heap/out-of-memory.ts';
import { GcTracer } from '../metrics/gc-tracer.ts';
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

/**
 * Incremental marking schedule (V8 incremental-marking.cc): a step every 64 KiB allocated, each
 * marking at least 64 KiB and twice what was allocated since the last step, so marking outpaces
 * allocation; finalization is forced when the old generation grows past the limit by half.
 */
const STEP_MIN_WORDS = (64 * 1024) / 4;
const HARD_LIMIT_FACTOR = 1.5;
/** Restarts of the helpers on fresh barrier work before finalization is forced anyway. */
const MAX_CONCURRENT_ROUNDS = 64;
/** Without helpers, pages swept lazily per allocation step (each ~0.1-0.5 ms). */
const LAZY_SWEEP_PAGES_PER_STEP = 4;

interface MarkingCycle {
  startMs: number;
  steps: number;
  stepsMs: number;
  biggestStepMs: number;
  stepIntervals: { startMs: number; durationMs: number }[];
  concurrentMs: number[];
  barrierRecordsAtStart: number;
  concurrent: boolean;
  /** Helpers are marking right now (background phase running). */
  helpersRunning: boolean;
  /** Times the helpers were restarted on barrier work queued after they ran dry. */
  rounds: number;
  allocatedWordsAtLastStep: number;
}

export class GcController implements MutatorCollector {
  readonly events: GCEvent[] = [];
  readonly heapSamples: { tMs: number; usedBytes: number; committedBytes: number }[] = [];
  /** Every interval of GC work on every thread: pauses, their sub-phases, steps, concurrent work. */
  readonly tracer = new GcTracer();
  /** Nesting depth of main-thread steps (only the outermost is recorded). */
  private stepDepth = 0;
  /** Trace scope of the background phase the helpers run, if any. */
  private backgroundName = '';
  readonly clock: PhaseClock;
  oldLimitBytes: number;
  verifier: Verifier | null = null;
  /** Called after every GC, before verification (e.g. to print --trace-gc lines as they happen). */
  onEvent: ((ev: GCEvent) => void) | null = null;
  verifyChecks = 0;
  readonly verifyErrors: string[] = [];
  private hooks: MutatorGcHooks | null = null;
  private readonly scavenger: ScavengerCollector;
  private readonly markCompact: MarkCompactCollector;
  private readonly heap: Heap;
  private inGc = false;
  private marking: MarkingCycle | null = null;
  /** Pages queued for sweeping after the last mark-compact are not all swept yet. */
  private sweeping = false;
  private sweepingInBackground = false;
  /** Words allocated by the mutator, as reported by allocation steps. */
  private allocatedWords = 0;

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
    this.oldLimitBytes = opts.initialOldLimitBytes;
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
    return this.marking !== null;
  }
  get sweepingActive(): boolean {
    return this.sweeping;
  }

  // ---- sizes (V8's SizeOfObjects and CommittedMemory) -------------------------------------------
  oldGenerationBytes(): number {
    const h = this.heap;
    return (h.spaceUsedWords(SPACE_OLD_POINTER) + h.spaceUsedWords(SPACE_OLD_DATA) + h.spaceUsedWords(SPACE_CODE) + h.spaceUsedWords(SPACE_LO)) * 4;
  }
  usedBytes(): number {
    return this.oldGenerationBytes() + (this.heap.spaceUsedWords(SPACE_NEW) + this.heap.spaceUsedWords(SPACE_MAP)) * 4;
  }
  committedBytes(): number {
    const h = this.heap;
    let pages = 0;
    for (const s of [SPACE_NEW, SPACE_OLD_POINTER, SPACE_OLD_DATA, SPACE_CODE, SPACE_MAP, SPACE_LO]) pages += h.spaceCommittedPages(s);
    return pages * PAGE_BYTES;
  }
  /** Bytes the old generation can still take without a GC: free-list words and pages left. */
  oldGenerationAvailableBytes(): number {
    const h = this.heap;
    const pagesLeft = h.ctl[C_POOL_LIMIT_PAGES] - h.oldGenerationPages();
    const free = freeListWords(h, SPACE_OLD_POINTER) + freeListWords(h, SPACE_OLD_DATA) - this.markCompact.candidateFreeWords();
    return Math.max(0, pagesLeft) * PAGE_BYTES + Math.max(0, free) * 4;
  }

  // ---- triggers ---------------------------------------------------------------------------------
  /** New space is full: scavenge, or mark-compact when promotion might not fit (V8: SelectGarbageCollector). */
  collectForNewSpace(): void {
    const newUsed = (this.heap.ctl[C_NEW_TOP] - this.heap.ctl[C_NEW_FROM]) * 4;
    if (this.oldGenerationAvailableBytes() < newUsed) {
      this.mainStep('mc.complete_sweeping', () => this.finishSweepingOnMainThread());
      if (this.oldGenerationAvailableBytes() < newUsed) {
        this.collect('mark-compact', 'allocation failure', 'scavenge might not succeed');
        return;
      }
    }
    this.collect('scavenge', 'allocation failure', '');
    this.checkOldGenerationLimit();
  }

  /**
   * An old-space or large-object allocation failed: first sweep what is still unswept (V8's
   * main thread sweeps on demand), and only then collect. Returns true if sweeping freed memory.
   */
  collectForOldSpace(): boolean {
    if (this.sweeping && this.sweepOnDemand()) return true;
    this.reduceMemory = true;
    try {
      this.collect('mark-compact', 'allocation failure', 'GC in old space requested');
    } finally {
      this.reduceMemory = false;
    }
    return false;
  }

  /** The mark-compact under way serves an allocation that failed: release every empty page. */
  private reduceMemory = false;

  /** Sweeps one queued page on the main thread; false when none was left. */
  private sweepOnDemand(): boolean {
    return this.mainStep('mc.sweep.on_demand', () => {
      this.stopBackground();
      const swept = this.main.sweeper.sweepOneOnDemand();
      if (!swept) this.sweepingDone();
      else this.resumeBackground();
      return swept;
    });
  }

  /**
   * Called by the mutator about every 64 KiB of allocation while marking or sweeping is under
   * way (V8's allocation observer): an incremental step, the end of concurrent sweeping, or the
   * finalization of marking when it has run out of work or the old generation hit its hard limit.
   */
  allocationStep(allocatedWords: number): void {
    if (this.inGc) return;
    this.allocatedWords += allocatedWords;
    if (this.sweepingInBackground && this.runner.backgroundDone()) {
      this.mainStep('mc.background.join', () => this.joinBackground());
      this.sweepingDone();
    } else if (this.sweeping && !this.sweepingInBackground) {
      // No helpers: sweep lazily, a few pages per step, paid by allocation.
      this.mainStep('mc.sweep.lazy', () => {
        for (let i = 0; i < LAZY_SWEEP_PAGES_PER_STEP; i++) {
          if (!this.main.sweeper.sweepOneOnDemand()) {
            this.sweepingDone();
            break;
          }
        }
      });
    }
    const m = this.marking;
    if (m !== null) {
      if (this.oldGenerationBytes() > this.oldLimitBytes * HARD_LIMIT_FACTOR) {
        this.collect('mark-compact', 'allocation failure', 'old generation size exceeded its hard limit');
        return;
      }
      if (m.concurrent) {
        if (this.runner.backgroundDone() && this.mainStep('mc.background.join', () => this.concurrentMarkingExhausted(m))) {
          this.collect('mark-compact', 'finalize incremental marking via stack guard', 'GC in old space requested');
        } else {
          // As in V8, the main thread also marks in steps while helpers mark concurrently, so that
          // marking keeps pace with an allocation-heavy mutator (the barrier feeds it work).
          this.incrementalStep(m);
        }
      } else if (this.incrementalStep(m)) {
        this.collect('mark-compact', 'finalize incremental marking via stack guard', 'GC in old space requested');
      }
      return;
    }
    this.checkOldGenerationLimit();
    if (!this.sweeping && this.marking === null) this.hooks?.setAllocationObserver(false);
  }

  /**
   * The helpers ran out of marking work. The mutator's barrier may have queued more since (its
   * segment is published here): then the helpers go on, and finalization waits, so that the
   * pause finds little left to mark. True when nothing is left.
   */
  private concurrentMarkingExhausted(m: MarkingCycle): boolean {
    this.joinBackground();
    this.main.ctx.markingLocal.publish();
    if (this.shared.marking.isEmpty() || m.rounds >= MAX_CONCURRENT_ROUNDS) return true;
    m.rounds++;
    this.resumeBackground();
    return false;
  }

  /** Starts a major GC cycle when the old generation passed its limit. */
  private checkOldGenerationLimit(): void {
    if (this.marking !== null || this.oldGenerationBytes() <= this.oldLimitBytes) return;
    if (this.opts.incrementalMarking) this.startMarking();
    else this.collect('mark-compact', 'allocation failure', 'old generation size exceeded its limit');
  }

  /** One main-thread marking step; true when marking has no work left. */
  private incrementalStep(m: MarkingCycle): boolean {
    const t0 = performance.now();
    const since = this.allocatedWords - m.allocatedWordsAtLastStep;
    m.allocatedWordsAtLastStep = this.allocatedWords;
    const done = this.mainStep('mc.incremental', () => this.main.marker.step(Math.max(STEP_MIN_WORDS, 2 * since)));
    const ms = performance.now() - t0;
    m.steps++;
    m.stepsMs += ms;
    m.biggestStepMs = Math.max(m.biggestStepMs, ms);
    return done;
  }

  /**
   * Runs main-thread GC work outside a pause (the mutator is stopped meanwhile) and records it on
   * the timeline as a step; nested steps count once, in the outermost.
   */
  private mainStep<T>(name: string, fn: () => T): T {
    if (this.stepDepth > 0) return fn();
    const start = nowMs();
    const t0 = performance.now();
    this.stepDepth++;
    try {
      return fn();
    } finally {
      this.stepDepth--;
      const iv = this.tracer.record('step', 0, name, start - this.originMs, performance.now() - t0, this.events.length);
      if (this.marking !== null) iv.barrierRecords = (this.hooks?.barrierRecords ?? 0) - this.marking.barrierRecordsAtStart;
    }
  }

  // ---- the marking cycle --------------------------------------------------------------------------
  /** Starts marking: roots marked from the main thread, then helpers or incremental steps take over. */
  startMarking(): void {
    if (this.marking !== null) return;
    this.mainStep('mc.incremental.start', () => this.startMarkingInner());
  }

  private startMarkingInner(): void {
    this.finishSweepingOnMainThread();
    this.hooks?.prepareForGc();
    const t0 = performance.now();
    const heap = this.heap;
    this.markCompact.prepareMarking();
    heap.ctl[C_MARKING] = 1;
    const concurrent = this.opts.concurrentMarkers > 0 && this.runner.threads > 1;
    this.hooks?.setMarking(true);
    this.main.marker.markRoots();
    this.main.ctx.markingLocal.publish();
    this.marking = {
      startMs: nowMs(),
      steps: 0,
      stepsMs: 0,
      biggestStepMs: 0,
      stepIntervals: [],
      concurrentMs: new Array<number>(this.runner.threads).fill(0),
      barrierRecordsAtStart: this.hooks?.barrierRecords ?? 0,
      concurrent,
      helpersRunning: false,
      rounds: 0,
      allocatedWordsAtLastStep: this.allocatedWords,
    };
    // Root marking counts as the first incremental step.
    const ms = performance.now() - t0;
    this.marking.steps = 1;
    this.marking.stepsMs = ms;
    this.marking.biggestStepMs = ms;
    this.resumeBackground();
    this.hooks?.setAllocationObserver(true);
  }

  // ---- background work (concurrent marking and sweeping share the helpers) -----------------------
  private resumeBackground(): void {
    if (this.runner.threads === 1) return;
    const m = this.marking;
    if (m !== null && m.concurrent && !m.helpersRunning) {
      this.shared.terminator.reset(this.opts.concurrentMarkers);
      this.runner.startBackground(PHASE_CONCURRENT_MARK, this.opts.concurrentMarkers, 'mc.background.mark');
      this.backgroundName = 'mc.background.mark';
      m.helpersRunning = true;
    } else if (m === null && this.sweeping && !this.sweepingInBackground) {
      this.runner.startBackground(PHASE_SWEEP_BACKGROUND, 0, 'mc.background.sweep');
      this.backgroundName = 'mc.background.sweep';
      this.sweepingInBackground = true;
    }
  }

  /** Stops the helpers' background work (marking, sweeping) and waits for them: before the heap is given up. */
  stopHelpers(): void {
    this.stopBackground();
  }

  /** Asks background helpers to stop at their next check and waits for them. */
  private stopBackground(): void {
    if (!(this.marking?.helpersRunning ?? false) && !this.sweepingInBackground) return;
    Atomics.store(this.heap.ctl, C_BACKGROUND_STOP, 1);
    try {
      this.joinBackground();
    } finally {
      Atomics.store(this.heap.ctl, C_BACKGROUND_STOP, 0);
    }
  }

  private joinBackground(): void {
    const running = (this.marking?.helpersRunning ?? false) || this.sweepingInBackground;
    this.runner.joinBackground();
    if (running) {
      // Each helper's share of the background phase, as the stats table saw it.
      for (let t = 1; t < this.runner.threads; t++) {
        const r = this.shared.stats.row(t);
        if (r.endMs <= r.startMs) continue;
        const iv = this.tracer.record('concurrent', t, this.backgroundName, r.startMs - this.originMs, r.endMs - r.startMs, this.events.length);
        iv.busyMs = Math.max(0, r.endMs - r.startMs - r.idleMs);
      }
    }
    const m = this.marking;
    if (m !== null && m.helpersRunning) {
      for (let t = 1; t < this.runner.threads; t++) {
        const r = this.shared.stats.row(t);
        if (r.endMs > r.startMs) m.concurrentMs[t] += Math.max(0, r.endMs - r.startMs - r.idleMs);
      }
      m.helpersRunning = false;
    }
    this.sweepingInBackground = false;
  }

  private sweepingDone(): void {
    this.sweeping = false;
    if (this.marking === null) this.hooks?.setAllocationObserver(false);
  }

  /** Finishes every queued page (before marking starts again, or when memory is short). V8: EnsureSweepingCompleted. */
  finishSweepingOnMainThread(): void {
    if (!this.sweeping) return;
    this.stopBackground();
    while (this.main.sweeper.sweepOneOnDemand());
    this.sweepingDone();
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
    const start = nowMs();
    const t0 = performance.now();
    clock.reset();
    this.hooks?.prepareForGc();
    const beforeBytes = this.usedBytes();
    const beforeCommittedBytes = this.committedBytes();
    this.heapSamples.push({ tMs: start - this.originMs, usedBytes: beforeBytes, committedBytes: beforeCommittedBytes });
    // Background helpers stop for the pause; they are parked participants of its phases.
    clock.serial('safepoint', () => this.stopBackground());
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
      const oldBefore = this.oldGenerationBytes();
      if (this.marking !== null) this.main.ctx.markingLocal.publish();
      // SATB: grey young objects are in the snapshot; they survive this scavenge as extra roots.
      const sp = this.marking !== null && this.opts.greyYoungAreRoots ? this.markCompact.pushGreyYoungObjectsAsRoots() : -1;
      try {
        this.scavenger.collect(this.marking !== null ? () => this.markCompact.updateMarkingWorklistAfterScavenge() : null);
      } finally {
        if (sp >= 0) this.heap.ctl[C_ROOT_SP] = sp;
      }
      if (this.heap.ctl[C_GC_OUT_OF_MEMORY] !== 0) {
        this.heap.ctl[C_GC_OUT_OF_MEMORY] = 0;
        throw new OutOfMemoryError('no room for the survivors of a scavenge');
      }
      survivedBytes = (this.heap.ctl[C_NEW_TOP] - this.heap.ctl[C_NEW_FROM]) * 4;
      promotedBytes = Math.max(0, this.oldGenerationBytes() - oldBefore);
    } else {
      // With --concurrent-sweeping pages are swept after the pause: by the helpers, or lazily by
      // the main thread in allocation steps when there are none.
      const sweepInPause = !this.opts.concurrentSweeping;
      let f: MarkCompactFigures;
      if (this.marking !== null) {
        incremental = this.finalizeMarking();
        f = this.markCompact.compact(sweepInPause, this.reduceMemory);
      } else {
        clock.serial('mc.complete_sweeping', () => this.finishSweepingOnMainThread());
        f = this.markCompact.collect(sweepInPause, this.reduceMemory);
      }
      this.sweeping = !sweepInPause;
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
      const live = this.oldGenerationBytes();
      this.oldLimitBytes = Math.min(this.opts.maxOldBytes, Math.max(this.opts.initialOldLimitBytes, live * this.opts.growingFactor));
    }
    this.hooks?.afterGc();
    const pauseMs = performance.now() - t0;
    const afterBytes = this.usedBytes();
    const afterCommittedBytes = this.committedBytes();
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
    this.events.push(ev);
    this.tracer.record('pause', 0, type, ev.startMs, pauseMs, ev.index);
    for (const sp of clock.spans) this.tracer.record('phase', 0, sp.name, sp.startMs, sp.durationMs, ev.index);
    this.onEvent?.(ev);
    this.heapSamples.push({ tMs: start - this.originMs + pauseMs, usedBytes: afterBytes, committedBytes: afterCommittedBytes });
    if (this.verifier) {
      let errors: string[];
      try {
        errors = this.verifier(type);
      } catch (e) {
        errors = [`verifier stopped: ${(e as Error).message}`];
      }
      this.verifyChecks++;
      for (const e of errors) this.verifyErrors.push(`after GC #${ev.index} (${type}): ${e}`);
      // Going on would run the collectors over a broken heap (which may never terminate).
      if (errors.length > 0) throw new HeapVerificationError(this.verifyErrors[this.verifyErrors.length - errors.length]);
    }
    if (type === 'mark-compact' && this.oldGenerationBytes() > this.opts.maxOldBytes) {
      throw new OutOfMemoryError(`old generation ${(this.oldGenerationBytes() / 1048576).toFixed(1)} MB live after a full GC`);
    }
    this.resumeBackground();
    this.hooks?.setAllocationObserver(this.marking !== null || this.sweeping);
    return ev;
  }

  /** The finalization pause's marking: drain the barrier buffer, rescan the roots, finish in parallel. */
  private finalizeMarking(): IncrementalMarkingStats {
    const m = this.marking!;
    const clock = this.clock;
    clock.serial('mc.mark.finish_incremental', () => this.main.ctx.markingLocal.publish());
    this.markCompact.markParallel('mc.mark');
    let floating: number | null = null;
    if (this.opts.measureFloatingGarbage) floating = clock.serial('mc.mark.floating_garbage', () => floatingGarbageBytes(this.heap));
    const barrierRecords = (this.hooks?.barrierRecords ?? 0) - m.barrierRecordsAtStart;
    this.hooks?.setMarking(false);
    this.marking = null;
    return {
      stepsMs: m.stepsMs,
      steps: m.steps,
      biggestStepMs: m.biggestStepMs,
      walltimeMs: nowMs() - m.startMs,
      concurrentMsPerThread: m.concurrentMs.slice(1),
      barrierRecords,
      floatingGarbageBytes: floating,
    };
  }
}

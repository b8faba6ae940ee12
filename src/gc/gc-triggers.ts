/**
 * When a GC happens (V8: Heap::SelectGarbageCollector, the allocation observers of incremental
 * marking and sweeping, Heap::StartIncrementalMarkingIfAllocationLimitIsReached): the mutator's
 * allocation failures and its allocation observer end here, and this unit decides between a
 * scavenge and a full GC, starts a marking cycle at the old-generation limit, paces marking and
 * lazy sweeping by allocation, and finalizes marking when it ran out of work or the hard limit
 * was hit. What a GC does is the controller's (`TriggerActions`). Main thread.
 */
import { C_NEW_FROM, C_NEW_TOP, type Heap } from '../heap/heap.ts';
import type { GCType } from '../metrics/result.ts';
import type { BackgroundJobs } from './background-jobs.ts';
import type { HeapLimits } from './heap-limits.ts';
import type { IncrementalMarking } from './incremental-marking.ts';
import type { TraceScopes } from './trace-scopes.ts';

/** What the triggers ask of the controller. */
export interface TriggerActions {
  /** A GC is running (allocation during a GC does not trigger another). */
  readonly inGc: boolean;
  collect(type: GCType, reason: string, collectorReason: string): unknown;
  /** A full GC for a failed allocation: it releases every empty page (V8: reduce memory). */
  collectReducingMemory(reason: string, collectorReason: string): void;
  /** Starts a marking cycle (root marking, then helpers or steps). */
  startMarking(): void;
  /** One main-thread marking step of `words` words; true when marking has no work left. */
  markingStep(words: number): boolean;
  /** Words of the objects the mutator's marking barrier shaded, a running total. */
  readonly barrierShadedWords: number;
  /** The helpers ran dry: true when nothing is left to mark (else they go another round). */
  concurrentMarkingExhausted(): boolean;
  setAllocationObserver(active: boolean): void;
}

export class GcTriggers {
  /** Words allocated by the mutator, as reported by allocation steps. */
  private allocatedWords = 0;

  constructor(
    private readonly heap: Heap,
    private readonly limits: HeapLimits,
    private readonly marking: IncrementalMarking,
    private readonly jobs: BackgroundJobs,
    private readonly scopes: TraceScopes,
    private readonly gc: TriggerActions,
    /** Mark while the mutator runs (false: a stop-the-world full GC at the limit). */
    private readonly incrementalMarking: boolean,
  ) {}

  /** The mutator's running total of allocated words. */
  get allocated(): number {
    return this.allocatedWords;
  }

  /** New space is full: scavenge, or mark-compact when promotion might not fit. */
  collectForNewSpace(): void {
    const newUsed = (this.heap.ctl[C_NEW_TOP] - this.heap.ctl[C_NEW_FROM]) * 4;
    if (this.limits.oldGenerationAvailableBytes() < newUsed) {
      this.scopes.step('mc.complete_sweeping', () => this.jobs.finishSweepingOnMainThread());
      if (this.limits.oldGenerationAvailableBytes() < newUsed) {
        this.gc.collect('mark-compact', 'allocation failure', 'scavenge might not succeed');
        return;
      }
    }
    this.gc.collect('scavenge', 'allocation failure', '');
    this.checkOldGenerationLimit();
  }

  /**
   * An old-space or large-object allocation failed: first sweep what is still unswept (V8's
   * main thread sweeps on demand), and only then collect. Returns true if sweeping freed memory.
   */
  collectForOldSpace(): boolean {
    if (this.jobs.sweeping && this.scopes.step('mc.sweep.on_demand', () => this.jobs.sweepOnDemand())) return true;
    this.gc.collectReducingMemory('allocation failure', 'GC in old space requested');
    return false;
  }

  /**
   * The allocation observer, about every 64 KiB of allocation while marking or sweeping is under
   * way: an incremental step, the end of concurrent sweeping, or the finalization of marking when
   * it has run out of work or the old generation hit its hard limit.
   */
  allocationStep(allocatedWords: number): void {
    if (this.gc.inGc) return;
    this.allocatedWords += allocatedWords;
    const jobs = this.jobs;
    if (jobs.sweepingOnHelpers && jobs.helpersDone) {
      this.scopes.step('mc.background.join', () => jobs.joinSweeping());
    } else if (jobs.sweeping && !jobs.sweepingOnHelpers) {
      this.scopes.step('mc.sweep.lazy', () => jobs.sweepLazily());
    }
    const marking = this.marking;
    if (marking.active) {
      if (this.limits.hardLimitReached()) {
        this.gc.collect('mark-compact', 'allocation failure', 'old generation size exceeded its hard limit');
        return;
      }
      if (marking.concurrent) {
        if (jobs.helpersDone && this.scopes.step('mc.background.join', () => this.gc.concurrentMarkingExhausted())) {
          this.gc.collect('mark-compact', 'finalize incremental marking via stack guard', 'GC in old space requested');
        } else {
          // As in V8, the main thread also marks in steps while helpers mark concurrently, so that
          // marking keeps pace with an allocation-heavy mutator (the barrier feeds it work).
          this.incrementalStep();
        }
      } else if (this.incrementalStep()) {
        this.gc.collect('mark-compact', 'finalize incremental marking via stack guard', 'GC in old space requested');
      }
      return;
    }
    this.checkOldGenerationLimit();
    if (!jobs.sweeping && !marking.active) this.gc.setAllocationObserver(false);
  }

  /** Starts a major GC cycle when the old generation passed its limit. */
  private checkOldGenerationLimit(): void {
    if (this.marking.active || !this.limits.oldGenerationLimitReached()) return;
    if (this.incrementalMarking) this.gc.startMarking();
    else this.gc.collect('mark-compact', 'allocation failure', 'old generation size exceeded its limit');
  }

  /** One main-thread marking step, sized by the schedule; true when marking has no work left. */
  private incrementalStep(): boolean {
    const t0 = performance.now();
    const words = this.marking.nextStepWords(this.allocatedWords, this.gc.barrierShadedWords);
    const done = this.scopes.step('mc.incremental', () => this.gc.markingStep(words));
    this.marking.recordStep(performance.now() - t0);
    return done;
  }
}

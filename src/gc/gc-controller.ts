/**
 * The main-thread entry to every collection (V8's Heap::CollectGarbage and GCTracer): chooses
 * the collector, times the pause and its phases, records one GCEvent per GC, moves the
 * old-generation limit, runs the verifier after every GC in verify mode, and raises V8's
 * out-of-memory failure. It knows the mutator only through `MutatorGcHooks`.
 */
import { SPACE_CODE, SPACE_LO, SPACE_MAP, SPACE_NEW, SPACE_OLD_DATA, SPACE_OLD_POINTER, PAGE_BYTES } from '../heap/layout.ts';
import { C_NEW_FROM, C_NEW_TOP, C_POOL_LIMIT_PAGES, type Heap } from '../heap/heap.ts';
import { freeListWords } from '../heap/spaces/free-list.ts';
import type { GCEvent, GCType } from '../metrics/result.ts';
import type { GcShared } from './gc-shared.ts';
import { MarkCompactCollector, type CompactionPolicy } from './mark-compact-collector.ts';
import type { Participant } from './participant.ts';
import { nowMs, PhaseClock } from './phase-clock.ts';
import type { PhaseRunner } from './phase-runner.ts';
import { ScavengerCollector } from './scavenger-collector.ts';

/** What the controller needs from the mutator around a GC. */
export interface MutatorGcHooks {
  /** Publish the allocation top and handle-stack pointer; make every LAB iterable. */
  prepareForGc(): void;
  /** Reload the allocation top after the semispaces flipped. */
  afterGc(): void;
}

export class OutOfMemoryError extends Error {
  constructor(detail: string) {
    super(`FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory (${detail})`);
  }
}

export interface ControllerOptions {
  initialOldLimitBytes: number;
  maxOldBytes: number;
  growingFactor: number;
  policy: CompactionPolicy;
  headroomPages: number;
}

export type Verifier = (kind: GCType) => string[];

export class GcController {
  readonly events: GCEvent[] = [];
  readonly heapSamples: { tMs: number; usedBytes: number; committedBytes: number }[] = [];
  readonly clock: PhaseClock;
  oldLimitBytes: number;
  verifier: Verifier | null = null;
  verifyChecks = 0;
  readonly verifyErrors: string[] = [];
  private hooks: MutatorGcHooks | null = null;
  private readonly scavenger: ScavengerCollector;
  private readonly markCompact: MarkCompactCollector;
  private readonly heap: Heap;
  private inGc = false;

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

  attachMutator(hooks: MutatorGcHooks): void {
    this.hooks = hooks;
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
    return Math.max(0, pagesLeft) * PAGE_BYTES + (freeListWords(h, SPACE_OLD_POINTER) + freeListWords(h, SPACE_OLD_DATA)) * 4;
  }

  // ---- triggers ---------------------------------------------------------------------------------
  /** New space is full: scavenge, or mark-compact when promotion might not fit (V8: SelectGarbageCollector). */
  collectForNewSpace(): void {
    const newUsed = (this.heap.ctl[C_NEW_TOP] - this.heap.ctl[C_NEW_FROM]) * 4;
    if (this.oldGenerationAvailableBytes() < newUsed) {
      this.collect('mark-compact', 'allocation failure', 'scavenge might not succeed');
    } else {
      this.collect('scavenge', 'allocation failure', '');
    }
    this.afterAllocationGc();
  }

  /** An old-space or large-object allocation failed. */
  collectForOldSpace(): void {
    this.collect('mark-compact', 'allocation failure', 'GC in old space requested');
  }

  /** After a GC caused by allocation: start a full GC if the old generation passed its limit. */
  private afterAllocationGc(): void {
    if (this.oldGenerationBytes() > this.oldLimitBytes) this.collect('mark-compact', 'allocation failure', 'old generation size exceeded its limit');
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
    const oldBefore = this.oldGenerationBytes();
    let survivedBytes = 0;
    let promotedBytes = 0;
    let evacuatedBytes = 0;
    let candidates = 0;
    let pageMap = null;
    if (type === 'scavenge') {
      this.scavenger.collect();
      survivedBytes = (this.heap.ctl[C_NEW_TOP] - this.heap.ctl[C_NEW_FROM]) * 4;
      promotedBytes = Math.max(0, this.oldGenerationBytes() - oldBefore);
    } else {
      const f = this.markCompact.collect();
      survivedBytes = f.survivedBytes;
      promotedBytes = f.promotedBytes;
      evacuatedBytes = f.evacuatedBytes;
      candidates = f.candidates;
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
      timeToSafepointMs: clock.wakeUsMax / 1000,
      beforeBytes,
      afterBytes,
      beforeCommittedBytes,
      afterCommittedBytes,
      phasesMs: clock.phasesMs,
      parallel: clock.parallel,
      survivedBytes,
      promotedBytes,
      evacuatedBytes,
      incremental: null,
      evacuationCandidates: candidates,
      pageMap,
    };
    this.events.push(ev);
    this.heapSamples.push({ tMs: start - this.originMs + pauseMs, usedBytes: afterBytes, committedBytes: afterCommittedBytes });
    if (this.verifier) {
      const errors = this.verifier(type);
      this.verifyChecks++;
      for (const e of errors) this.verifyErrors.push(`after GC #${ev.index} (${type}): ${e}`);
    }
    if (type === 'mark-compact' && this.oldGenerationBytes() > this.opts.maxOldBytes) {
      throw new OutOfMemoryError(`old generation ${(this.oldGenerationBytes() / 1048576).toFixed(1)} MB live after a full GC`);
    }
    return ev;
  }
}

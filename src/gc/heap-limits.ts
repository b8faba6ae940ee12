/**
 * Heap sizes, the old-generation limit and out-of-memory: V8's Heap size queries
 * (OldGenerationSizeOfObjects, CommittedMemory, OldGenerationSpaceAvailable), heap-controller.cc's
 * MemoryController (the next limit from the live size and the growing factor) and the fatal
 * out-of-memory check after a full GC. Main thread; reads the heap's counters, changes nothing in it.
 */
import { SPACE_CODE, SPACE_LO, SPACE_MAP, SPACE_NEW, SPACE_OLD_DATA, SPACE_OLD_POINTER, PAGE_BYTES } from '../heap/layout.ts';
import { C_POOL_LIMIT_PAGES, type Heap } from '../heap/heap.ts';
import { freeListWords } from '../heap/spaces/free-list.ts';
import { OutOfMemoryError } from '../heap/out-of-memory.ts';

export interface HeapLimitOptions {
  initialOldLimitBytes: number;
  maxOldBytes: number;
  /** The next limit is the live old generation times this (V8's heap growing factor). */
  growingFactor: number;
}

/**
 * While marking incrementally, a full GC is forced when the old generation grows past its limit
 * by half (V8: the hard limit that finalizes incremental marking at once).
 */
const HARD_LIMIT_FACTOR = 1.5;

export class HeapLimits {
  /** Passing it starts a major GC cycle. */
  oldLimitBytes: number;

  /** `candidateFreeWords`: free-list words on evacuation candidates, which allocation may not use. */
  constructor(
    private readonly heap: Heap,
    private readonly opts: HeapLimitOptions,
    private readonly candidateFreeWords: () => number,
  ) {
    this.oldLimitBytes = opts.initialOldLimitBytes;
  }

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
    const free = freeListWords(h, SPACE_OLD_POINTER) + freeListWords(h, SPACE_OLD_DATA) - this.candidateFreeWords();
    return Math.max(0, pagesLeft) * PAGE_BYTES + Math.max(0, free) * 4;
  }

  /** The old generation passed its limit: a major GC cycle is due. */
  oldGenerationLimitReached(): boolean {
    return this.oldGenerationBytes() > this.oldLimitBytes;
  }

  /** Marking is under way but the old generation passed the hard limit: finalize now. */
  hardLimitReached(): boolean {
    return this.oldGenerationBytes() > this.oldLimitBytes * HARD_LIMIT_FACTOR;
  }

  /** After a full GC: the next limit, from the live size (MemoryController::CalculateAllocationLimit). */
  updateAfterFullGc(): void {
    const live = this.oldGenerationBytes();
    this.oldLimitBytes = Math.min(this.opts.maxOldBytes, Math.max(this.opts.initialOldLimitBytes, live * this.opts.growingFactor));
  }

  /** After a full GC, what is live must fit the maximum, or the run fails as V8's does. */
  checkOutOfMemoryAfterFullGc(): void {
    const old = this.oldGenerationBytes();
    if (old > this.opts.maxOldBytes) throw new OutOfMemoryError(`old generation ${(old / 1048576).toFixed(1)} MB live after a full GC`);
  }
}

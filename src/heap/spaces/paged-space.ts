/**
 * Allocation in the paged spaces (old pointer, old data, code, map): linear allocation buffers
 * (LABs) refilled from the segregated free lists or from fresh pages. A LAB belongs to one thread;
 * refilling takes the heap lock, so GC threads may refill concurrently. V8: paged-spaces.h,
 * main-allocator.h (LinearAllocationArea), evacuation-allocator.h.
 */
import { type Addr, PAGE_BITS, PAGE_WORDS } from '../layout.ts';
import { type Heap, C_UNSWEPT_ALLOCATIONS, META_WORDS, M_FLAGS, PAGE_NEEDS_SWEEP } from '../heap.ts';
import { addUsedWords, freeListAdd, freeListTake, MIN_FREE_BLOCK_WORDS } from './free-list.ts';
import { markBlack } from '../marking-bitmap.ts';

/** One thread's linear allocation buffer: bump `top` up to `limit`, in the area that begins at `start`. */
export class Lab {
  top: Addr = 0;
  limit: Addr = 0;
  /**
   * Where the current area begins. Only `labFreeLast` reads it: the block before the area may be
   * free memory that ends right there (another block, or the previous page's end), and a bump
   * back below it would make the LAB span two blocks (and, across a page boundary, two pages).
   */
  start: Addr = 0;
  /** Allocate black: set the mark bit of every object allocated here (marking is active). */
  black = false;
  constructor(readonly space: number) {}
}

/**
 * Gives `lab` a fresh area of at least `minWords` (normally `labWords`) in its space. Returns
 * false when neither the free list nor the page pool can supply one.
 */
export function refillLab(heap: Heap, lab: Lab, minWords: number, labWords: number): boolean {
  retireLab(heap, lab);
  const want = Math.max(minWords, labWords);
  heap.lock();
  try {
    let block = freeListTake(heap, lab.space, want);
    if (block === 0 && want > minWords) block = freeListTake(heap, lab.space, minWords);
    let words: number;
    if (block !== 0) {
      words = 2 + heap.mem[block + 1];
      // The invariant of concurrent sweeping: free-list memory only ever comes from swept pages.
      if ((heap.pageMeta[(block >>> PAGE_BITS) * META_WORDS + M_FLAGS] & PAGE_NEEDS_SWEEP) !== 0) Atomics.add(heap.ctl, C_UNSWEPT_ALLOCATIONS, 1);
    } else {
      const page = heap.takePage(lab.space);
      if (page === 0) return false;
      block = page << PAGE_BITS;
      words = PAGE_WORDS;
    }
    let take = words;
    if (words - want >= MIN_FREE_BLOCK_WORDS && words > want) {
      take = want;
      freeListAdd(heap, lab.space, block + take, words - take);
    }
    addUsedWords(heap, block, take);
    lab.start = block;
    lab.top = block;
    lab.limit = block + take;
    return true;
  } finally {
    heap.unlock();
  }
}

/**
 * Gives the unused rest of `lab` back to the free list (a rest too small for a node stays a
 * filler and counts as used), keeping `usedWords + free-list words == PAGE_WORDS` per page.
 */
export function retireLab(heap: Heap, lab: Lab): void {
  const rest = lab.limit - lab.top;
  if (rest >= MIN_FREE_BLOCK_WORDS) {
    heap.lock();
    freeListAdd(heap, lab.space, lab.top, rest);
    heap.unlock();
    addUsedWords(heap, lab.top, -rest);
  } else if (rest > 0) {
    heap.formatFiller(lab.top, rest);
  }
  lab.start = 0;
  lab.top = 0;
  lab.limit = 0;
}

/**
 * Gives back the object of `words` at `a` if it was the last allocation in `lab`'s current area
 * (a bump back) and returns true; false otherwise, and the caller makes it a filler: the
 * scavenger's undo of a lost forwarding race (V8: LinearAllocationArea::DecrementTopIfAdjacent).
 * Top alone does not say it. An object allocated just before a refill can end exactly where the
 * new area starts (a free block that ends at a page's end, then the next page fresh), and a bump
 * back to it would make the LAB span two blocks and two pages, with each page's used words
 * wrong after the LAB is given back. V8 only gives back the allocation it has just made; the
 * warm-up's lost race (`Scavenger.warmLostRace`) also gives back an earlier one.
 */
export function labFreeLast(lab: Lab, a: Addr, words: number): boolean {
  if (lab.top !== a + words || a < lab.start) return false;
  lab.top = a;
  return true;
}

/**
 * Allocates `words` in `lab`, refilling it when needed. Returns 0 when the space is exhausted.
 * The fast path is the first four lines.
 */
export function labAllocate(heap: Heap, lab: Lab, words: number, labWords: number): Addr {
  const top = lab.top;
  if (top + words <= lab.limit && top !== 0) {
    lab.top = top + words;
    if (lab.black) markBlack(heap, top);
    return top;
  }
  return labAllocateSlow(heap, lab, words, labWords);
}

function labAllocateSlow(heap: Heap, lab: Lab, words: number, labWords: number): Addr {
  if (words > labWords) {
    // A big object gets a block of its own; the current LAB is kept.
    const own = new Lab(lab.space);
    if (!refillLab(heap, own, words, words)) return 0;
    const a = own.top;
    own.top += words;
    retireLab(heap, own); // a rest under MIN_FREE_BLOCK_WORDS counts as used (waste)
    if (lab.black) markBlack(heap, a);
    return a;
  }
  if (!refillLab(heap, lab, words, labWords)) return 0;
  const a = lab.top;
  lab.top = a + words;
  if (lab.black) markBlack(heap, a);
  return a;
}

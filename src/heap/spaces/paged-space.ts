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

/** One thread's linear allocation buffer: bump `top` up to `limit`. */
export class Lab {
  top: Addr = 0;
  limit: Addr = 0;
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
  lab.top = 0;
  lab.limit = 0;
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

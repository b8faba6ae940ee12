/**
 * New space: two semispaces of equal size in one contiguous region. The mutator bump-allocates in
 * from-space; a scavenge copies survivors into to-space, where every GC thread takes chunks with
 * a CAS on the shared to-space top, then the two are flipped. V8: semi-space-new-space.h.
 */
import { type Addr, PAGE_BITS } from '../layout.ts';
import { type Heap, C_NEW_FROM, C_NEW_TO, C_NEW_TOP, C_AGE_MARK, C_TO_TOP, META_WORDS, M_FLAGS, PAGE_FROM_SPACE, PAGE_TO_SPACE } from '../heap.ts';
import { Lab } from './paged-space.ts';
import { markBlack } from '../marking-bitmap.ts';
import { SPACE_NEW } from '../layout.ts';

/** Gives `lab` a chunk of to-space of at least `minWords`, ideally `chunkWords`. False if full. */
export function refillToSpaceLab(heap: Heap, lab: Lab, minWords: number, chunkWords: number): boolean {
  retireToSpaceLab(heap, lab);
  const ctl = heap.ctl;
  const end = ctl[C_NEW_TO] + heap.semiWords;
  for (;;) {
    const top = Atomics.load(ctl, C_TO_TOP);
    const avail = end - top;
    if (avail < minWords) return false;
    const take = avail < chunkWords ? avail : Math.max(chunkWords, minWords);
    if (Atomics.compareExchange(ctl, C_TO_TOP, top, top + take) === top) {
      lab.start = top;
      lab.top = top;
      lab.limit = top + take;
      return true;
    }
  }
}

export function retireToSpaceLab(heap: Heap, lab: Lab): void {
  if (lab.limit > lab.top) heap.formatFiller(lab.top, lab.limit - lab.top);
  lab.start = 0;
  lab.top = 0;
  lab.limit = 0;
}

/** Allocates `words` in to-space through `lab`; 0 when to-space is full. */
export function toSpaceAllocate(heap: Heap, lab: Lab, words: number, chunkWords: number): Addr {
  let top = lab.top;
  if (top === 0 || top + words > lab.limit) {
    if (!refillToSpaceLab(heap, lab, words, chunkWords)) return 0;
    top = lab.top;
  }
  lab.top = top + words;
  if (lab.black) markBlack(heap, top);
  return top;
}

export function newToSpaceLab(): Lab {
  return new Lab(SPACE_NEW);
}

/** Main thread, before copying into to-space. */
export function resetToSpace(heap: Heap): void {
  Atomics.store(heap.ctl, C_TO_TOP, heap.ctl[C_NEW_TO]);
}

/**
 * Main thread, after a scavenge or mark-compact: to-space (filled up to C_TO_TOP) becomes the
 * space the mutator allocates in, everything in it has survived once (age mark = top).
 */
export function flipSemispaces(heap: Heap, zap: boolean): void {
  const ctl = heap.ctl;
  const from = ctl[C_NEW_FROM];
  const to = ctl[C_NEW_TO];
  const top = ctl[C_TO_TOP];
  ctl[C_NEW_FROM] = to;
  ctl[C_NEW_TO] = from;
  ctl[C_NEW_TOP] = top;
  ctl[C_AGE_MARK] = top;
  const pm = heap.pageMeta;
  const semiPages = heap.semiWords >>> PAGE_BITS;
  for (let i = 0; i < semiPages; i++) {
    pm[((to >>> PAGE_BITS) + i) * META_WORDS + M_FLAGS] = PAGE_FROM_SPACE;
    pm[((from >>> PAGE_BITS) + i) * META_WORDS + M_FLAGS] = PAGE_TO_SPACE;
  }
  // The old from-space is garbage now: its mark bits must not survive into the next cycle.
  heap.clearMarkBitsRange(from, from + heap.semiWords);
  if (zap) heap.mem.fill(ZAP_VALUE, from, from + heap.semiWords);
}

/** Written over freed memory in verify mode: an odd value, so a stale read looks like a bad pointer. */
export const ZAP_VALUE = 0x5eadbee1 | 0;

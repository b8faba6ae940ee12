/**
 * A LAB gives back only its own last allocation (`labFreeLast`, the scavenger's undo of a lost
 * forwarding race): an object allocated before a refill may end exactly where the new area
 * begins, and a bump back to it would make the LAB span two blocks on two pages.
 */
import { describe, it, expect } from 'vitest';
import { Heap, META_WORDS, M_USED_WORDS } from '../../src/heap/heap.ts';
import { SPACE_OLD_POINTER, PAGE_WORDS, PAGE_BITS } from '../../src/heap/layout.ts';
import { FREE_LIST_WORDS, freeListTake } from '../../src/heap/spaces/free-list.ts';
import { pageWithFreeBlockAtEnd } from '../helpers/heap-layout.ts';
import { Lab, labAllocate, labFreeLast, retireLab } from '../../src/heap/spaces/paged-space.ts';

const LAB_WORDS = 8192;

/** A heap whose old-pointer free list holds one 4-word block, at the very end of a page whose next page is the pool's next fresh one. */
function heapWithBlockAtPageEnd(): { h: Heap; page: number; blockAt: number } {
  const h = Heap.create({ semiPages: 1, oldPages: 8, headroomPages: 1, maxHandles: 2048 }, FREE_LIST_WORDS);
  return { h, ...pageWithFreeBlockAtEnd(h) };
}

function usedWords(h: Heap, page: number): number {
  return h.pageMeta[page * META_WORDS + M_USED_WORDS];
}

describe('labFreeLast', () => {
  it('bumps back the last allocation of the current area, and nothing before the area', () => {
    const { h, page, blockAt } = heapWithBlockAtPageEnd();
    const lab = new Lab(SPACE_OLD_POINTER);
    // The first object takes the 4-word block (no block of a whole LAB), the second a fresh page:
    // adjacent in memory, in two areas.
    const first = labAllocate(h, lab, 4, LAB_WORDS);
    const second = labAllocate(h, lab, 4, LAB_WORDS);
    expect(first).toBe(blockAt);
    expect(second).toBe((page + 1) << PAGE_BITS);
    expect(second).toBe(first + 4);
    expect(lab.start).toBe(second);

    expect(labFreeLast(lab, second, 4)).toBe(true);
    expect(lab.top).toBe(second);
    // `first` ends where top is now, but lies before the area: not the LAB's to give back.
    expect(labFreeLast(lab, first, 4)).toBe(false);
    expect(lab.top).toBe(second);

    // Given back, the LAB leaves each page's accounting whole: page + 1 is free again, and the
    // page of `first` keeps it as used (its caller makes it a filler).
    retireLab(h, lab);
    expect(usedWords(h, page)).toBe(PAGE_WORDS);
    expect(usedWords(h, page + 1)).toBe(0);
    h.lock();
    expect(freeListTake(h, SPACE_OLD_POINTER, LAB_WORDS)).toBe(second);
    h.unlock();
  });

  it('does not bump back an object that is not the last allocation', () => {
    const { h } = heapWithBlockAtPageEnd();
    const lab = new Lab(SPACE_OLD_POINTER);
    labAllocate(h, lab, 4, LAB_WORDS);
    const a = labAllocate(h, lab, 6, LAB_WORDS);
    const b = labAllocate(h, lab, 2, LAB_WORDS);
    expect(labFreeLast(lab, a, 6)).toBe(false);
    expect(labFreeLast(lab, b, 2)).toBe(true);
    expect(labFreeLast(lab, a, 6)).toBe(true);
    expect(lab.top).toBe(a);
  });
});

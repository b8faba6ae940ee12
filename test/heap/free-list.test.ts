import { describe, it, expect } from 'vitest';
import { Heap, META_WORDS, M_FLAGS, PAGE_EVACUATION_CANDIDATE } from '../../src/heap/heap.ts';
import { SPACE_OLD_POINTER, PAGE_WORDS, PAGE_BITS } from '../../src/heap/layout.ts';
import { FREE_LIST_WORDS, freeListAdd, freeListTake, freeListWords, sizeClass, CLASS_MIN_WORDS, warmFreeListPaths } from '../../src/heap/spaces/free-list.ts';

function heap(): Heap {
  return Heap.create({ semiPages: 1, oldPages: 8, headroomPages: 1, maxHandles: 2048 }, FREE_LIST_WORDS);
}

describe('FreeList', () => {
  it('puts a block in the largest class whose lower bound it reaches', () => {
    expect(sizeClass(3)).toBe(0);
    expect(sizeClass(5)).toBe(0);
    expect(sizeClass(6)).toBe(1);
    expect(sizeClass(100)).toBe(CLASS_MIN_WORDS.indexOf(64));
    expect(sizeClass(1 << 20)).toBe(CLASS_MIN_WORDS.length - 1);
  });

  it('returns a block that fits, and accounts free words', () => {
    const h = heap();
    h.lock();
    const p = h.takePage(SPACE_OLD_POINTER);
    h.unlock();
    const a = p << PAGE_BITS;
    freeListAdd(h, SPACE_OLD_POINTER, a, 10);
    freeListAdd(h, SPACE_OLD_POINTER, a + 100, 70);
    expect(freeListWords(h, SPACE_OLD_POINTER)).toBe(80);
    expect(freeListTake(h, SPACE_OLD_POINTER, 65)).toBe(a + 100);
    expect(freeListTake(h, SPACE_OLD_POINTER, 11)).toBe(0);
    expect(freeListTake(h, SPACE_OLD_POINTER, 9)).toBe(a);
    expect(freeListWords(h, SPACE_OLD_POINTER)).toBe(0);
  });

  it('serves a 2-word request (an empty object) from class 0, not from the word before the heads', () => {
    const h = heap();
    h.lock();
    const a = h.takePage(SPACE_OLD_POINTER) << PAGE_BITS;
    h.unlock();
    freeListAdd(h, SPACE_OLD_POINTER, a, 40);
    expect(sizeClass(2)).toBe(0);
    expect(freeListTake(h, SPACE_OLD_POINTER + 1, 2)).toBe(0); // the next space's lists are empty
    expect(freeListTake(h, SPACE_OLD_POINTER, 2)).toBe(a);
  });

  it('keeps blocks under three words out of the list (wasted, but still fillers)', () => {
    const h = heap();
    h.lock();
    const a = h.takePage(SPACE_OLD_POINTER) << PAGE_BITS;
    h.unlock();
    freeListAdd(h, SPACE_OLD_POINTER, a, 2);
    expect(freeListWords(h, SPACE_OLD_POINTER)).toBe(0);
    expect(h.mem[a + 1]).toBe(0);
  });

  it('never hands out a block of an evacuation candidate, and drops such blocks as it meets them', () => {
    const h = heap();
    h.lock();
    const p1 = h.takePage(SPACE_OLD_POINTER);
    const p2 = h.takePage(SPACE_OLD_POINTER);
    h.unlock();
    freeListAdd(h, SPACE_OLD_POINTER, p1 << PAGE_BITS, 50);
    freeListAdd(h, SPACE_OLD_POINTER, p2 << PAGE_BITS, 50);
    freeListAdd(h, SPACE_OLD_POINTER, (p1 << PAGE_BITS) + 200, PAGE_WORDS - 200);
    h.pageMeta[p1 * META_WORDS + M_FLAGS] |= PAGE_EVACUATION_CANDIDATE;
    // The big class holds only the candidate's block: it is dropped, and the 50-word block on p2 is taken.
    expect(freeListTake(h, SPACE_OLD_POINTER, 40)).toBe(p2 << PAGE_BITS);
    expect(freeListTake(h, SPACE_OLD_POINTER, 40)).toBe(0);
    expect(freeListWords(h, SPACE_OLD_POINTER)).toBe(0);
  });

  it('the warm-up of its rare paths drops the candidate blocks and takes the ones that fit', () => {
    const h = Heap.create({ semiPages: 1, oldPages: 2, headroomPages: 0, maxHandles: 16 }, FREE_LIST_WORDS);
    const taken = warmFreeListPaths(h);
    const p2 = taken[0] >>> PAGE_BITS;
    expect(taken.map((a) => a - (p2 << PAGE_BITS))).toEqual([0, 100, 400]);
    // What is left: the 65-word block the searches passed over, too small for 66 words.
    expect(freeListWords(h, SPACE_OLD_POINTER)).toBe(65);
    expect(freeListTake(h, SPACE_OLD_POINTER, 65)).toBe((p2 << PAGE_BITS) + 300);
  });
});

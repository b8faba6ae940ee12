/** Heap layouts that tests build by hand. */
import { type Heap } from '../../src/heap/heap.ts';
import { PAGE_BITS, PAGE_WORDS, SPACE_OLD_POINTER } from '../../src/heap/layout.ts';
import { addUsedWords, freeListAdd } from '../../src/heap/spaces/free-list.ts';

/**
 * Takes a fresh old-pointer page and uses it up but for a free block of `freeWords` at its very
 * end, so that an allocation taking that block ends where the next page begins (the pool's next
 * fresh page, in a heap whose pages were taken in order). Returns the page and the block's address.
 */
export function pageWithFreeBlockAtEnd(heap: Heap, freeWords = 4): { page: number; blockAt: number } {
  heap.lock();
  const page = heap.takePage(SPACE_OLD_POINTER);
  heap.unlock();
  const start = page << PAGE_BITS;
  const blockAt = start + PAGE_WORDS - freeWords;
  heap.formatFiller(start, PAGE_WORDS - freeWords);
  addUsedWords(heap, start, PAGE_WORDS - freeWords);
  freeListAdd(heap, SPACE_OLD_POINTER, blockAt, freeWords);
  return { page, blockAt };
}

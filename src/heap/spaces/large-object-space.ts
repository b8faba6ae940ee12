/**
 * Large object space: an object above MAX_REGULAR_OBJECT_WORDS gets a chunk of whole pages of its
 * own, at the chunk's start, and never moves; the collector frees the chunk when the object
 * dies. Main thread allocates; the mark-compact collector frees. V8: large-spaces.h.
 */
import { type Addr, PAGE_BITS, PAGE_WORDS, SPACE_LO } from '../layout.ts';
import { type Heap, META_WORDS, M_USED_WORDS } from '../heap.ts';
import { markBlack } from '../marking-bitmap.ts';

/** Returns the address of a new large object of `words` words (header not written), or 0. */
export function allocateLarge(heap: Heap, words: number, black: boolean): Addr {
  const pages = Math.ceil(words / PAGE_WORDS);
  heap.lock();
  try {
    const first = heap.takeChunk(SPACE_LO, pages);
    if (first === 0) return 0;
    const a = first << PAGE_BITS;
    heap.pageMeta[first * META_WORDS + M_USED_WORDS] = words;
    heap.formatFiller(a + words, pages * PAGE_WORDS - words);
    if (black) markBlack(heap, a);
    return a;
  } finally {
    heap.unlock();
  }
}

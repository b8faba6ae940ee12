/**
 * The OLD_TO_NEW remembered set: one bit per slot address, set by the generational write barrier
 * on the main thread and by scavenger threads re-recording promoted objects (Atomics.or after a
 * plain test). Per-page slot counts let the scavenger skip pages without slots. V8: slot-set.h,
 * remembered-set.h.
 */
import { type Addr, PAGE_BITS, PAGE_WORDS } from './layout.ts';
import { type Heap, META_WORDS, M_RS_COUNT, TEST_NO_REMEMBERED_SET } from './heap.ts';

export function recordOldToNew(heap: Heap, slot: Addr): void {
  const rs = heap.rsBits;
  const i = slot >>> 5;
  const m = 1 << (slot & 31);
  if ((rs[i] & m) !== 0) return;
  if (heap.testFlag(TEST_NO_REMEMBERED_SET)) return;
  Atomics.or(rs, i, m);
  const meta = (slot >>> PAGE_BITS) * META_WORDS + M_RS_COUNT;
  if (heap.pageMeta[meta] === 0) Atomics.store(heap.pageMeta, meta, 1);
}

export function hasOldToNew(heap: Heap, slot: Addr): boolean {
  return (heap.rsBits[slot >>> 5] & (1 << (slot & 31))) !== 0;
}

export function clearOldToNew(heap: Heap, slot: Addr): void {
  Atomics.and(heap.rsBits, slot >>> 5, ~(1 << (slot & 31)));
}

/** Clears every slot of the page range [from, to) (both 32-word aligned or page bounds). */
export function clearOldToNewRange(heap: Heap, from: Addr, to: Addr): void {
  const rs = heap.rsBits;
  for (let a = from; a < to; ) {
    if ((a & 31) === 0 && a + 32 <= to) {
      rs[a >>> 5] = 0;
      a += 32;
    } else {
      rs[a >>> 5] &= ~(1 << (a & 31));
      a++;
    }
  }
}

export function clearOldToNewPage(heap: Heap, page: number): void {
  const w0 = (page << PAGE_BITS) >>> 5;
  heap.rsBits.fill(0, w0, w0 + (PAGE_WORDS >>> 5));
  heap.pageMeta[page * META_WORDS + M_RS_COUNT] = 0;
}

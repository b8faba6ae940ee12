/**
 * The remembered sets, one bit per slot address (a wasm atomic or after a plain test, see
 * `Heap.setBit`). OLD_TO_NEW: set by the generational write barrier and by GC threads
 * re-recording promoted or evacuated objects. OLD_TO_OLD: slots that point into evacuation
 * candidates, recorded while marking (by markers, the marking barrier, the scavenger and the
 * evacuator), consumed by pointer updating. Per-page counts let the collectors skip pages
 * without slots. V8: slot-set.h, remembered-set.h.
 */
import { type Addr, PAGE_BITS, PAGE_WORDS } from './layout.ts';
import { type Heap, C_WARMUP_RECORD_LOCK, META_WORDS, M_FLAGS, M_RS_COUNT, M_RS_OLD_COUNT, TEST_NO_REMEMBERED_SET } from './heap.ts';
import { lockWord, unlockWord } from '../parallel/lock.ts';

export function recordOldToNew(heap: Heap, slot: Addr): void {
  const rs = heap.rsBits;
  const i = slot >>> 5;
  const m = 1 << (slot & 31);
  if ((rs[i] & m) !== 0) return;
  if (heap.testFlag(TEST_NO_REMEMBERED_SET)) return;
  heap.setBit(heap.rsBase, slot);
  const meta = (slot >>> PAGE_BITS) * META_WORDS + M_RS_COUNT;
  if (heap.pageMeta[meta] === 0) Atomics.store(heap.pageMeta, meta, 1);
}

export function hasOldToNew(heap: Heap, slot: Addr): boolean {
  return (heap.rsBits[slot >>> 5] & (1 << (slot & 31))) !== 0;
}


/**
 * Clears the OLD_TO_NEW records of the free range [from, to). Whole bitmap words inside the range
 * belong to it alone (a plain store); the two partial words at its ends share bits with live
 * neighbours that another thread may be recording, so they are cleared atomically.
 */
export function clearOldToNewRange(heap: Heap, from: Addr, to: Addr): void {
  const rs = heap.rsBits;
  if (to <= from) return;
  const firstWord = from >>> 5;
  const lastWord = (to - 1) >>> 5;
  const headMask = -1 << (from & 31); // bits from `from` up
  const tailMask = (to & 31) === 0 ? -1 : ~(-1 << (to & 31)); // bits below `to`
  if (firstWord === lastWord) {
    const m = headMask & tailMask;
    if ((rs[firstWord] & m) !== 0) heap.clearBits(heap.rsBase, firstWord, m);
    return;
  }
  if ((rs[firstWord] & headMask) !== 0) heap.clearBits(heap.rsBase, firstWord, headMask);
  for (let w = firstWord + 1; w < lastWord; w++) rs[w] = 0;
  if ((rs[lastWord] & tailMask) !== 0) heap.clearBits(heap.rsBase, lastWord, tailMask);
}


/** Records a slot that points into an evacuation candidate (any thread, during marking). */
export function recordOldToOld(heap: Heap, slot: Addr): void {
  const rs = heap.rsOldBits;
  const i = slot >>> 5;
  const m = 1 << (slot & 31);
  if ((rs[i] & m) !== 0) return;
  heap.setBit(heap.rsOldBase, slot);
  const meta = (slot >>> PAGE_BITS) * META_WORDS + M_RS_OLD_COUNT;
  if (heap.pageMeta[meta] === 0) Atomics.store(heap.pageMeta, meta, 1);
}

/**
 * Warm-up only (`Participant.warmRarePaths`): this thread records a slot, OLD_TO_NEW and
 * OLD_TO_OLD, on a page without records, and so takes the branch that marks a page as having
 * slots. A thread meets that branch once per page, and may meet it first in a measured pause,
 * where optimised code compiled without its type feedback deoptimised (`recordOldToNew` inlined
 * in the scavenger's `scanSlots`, `bench/figures/deopts.ts`). The slot is a word of page 0,
 * which holds no object and which no collector scans; the records are undone at once, and the
 * threads take turns, so each finds the page without records.
 */
export function warmFirstRecords(heap: Heap): void {
  const slot = PAGE_ZERO_RECORD_SLOT;
  onPageZero(heap, 0, () => {
    recordOldToNew(heap, slot);
    recordOldToOld(heap, slot);
  });
}

/**
 * Where on page 0 each warm-up routine makes its words (`onPageZero`), apart so that none
 * overlaps another: `warmFirstRecords`' slot; `Marker.warmPaths`' slot, its target and a large
 * object of PROGRESS_BAR_CHUNK + 1 slots; `Scavenger.warmMarkingPaths`' object.
 */
export const PAGE_ZERO_RECORD_SLOT = PAGE_WORDS >>> 1;
export const PAGE_ZERO_MARKER_WORDS = PAGE_ZERO_RECORD_SLOT + 32;
export const PAGE_ZERO_SCAVENGER_WORDS = PAGE_ZERO_RECORD_SLOT + 8192;

/**
 * Warm-up only: runs `body`, which may write words of page 0 and record its slots, with `flags`
 * set on page 0 meanwhile, under the lock C_WARMUP_RECORD_LOCK (participants take turns), then
 * clears those flags and every record of page 0. Page 0 holds no object and no collector scans
 * it, so a rare path can run there on made-up objects (`warmFirstRecords`, `Marker.warmPaths`,
 * `Scavenger.warmMarkingPaths`); `body` undoes its own writes to the heap's words and mark bits.
 */
export function onPageZero(heap: Heap, flags: number, body: () => void): void {
  const ctl = heap.ctl;
  const pm = heap.pageMeta;
  lockWord(ctl, C_WARMUP_RECORD_LOCK);
  try {
    if (flags !== 0) Atomics.or(pm, M_FLAGS, flags); // page 0's flags
    body();
  } finally {
    if (flags !== 0) Atomics.and(pm, M_FLAGS, ~flags);
    const words = PAGE_WORDS >>> 5;
    heap.rsBits.fill(0, 0, words);
    heap.rsOldBits.fill(0, 0, words);
    pm[M_RS_COUNT] = 0; // page 0's counts
    pm[M_RS_OLD_COUNT] = 0;
    unlockWord(ctl, C_WARMUP_RECORD_LOCK);
  }
}

/**
 * The mark bitmap: one bit per heap word, set at an object's first word. Marking threads race
 * on it: test with a plain read first, then set with an atomic or (test-and-test-and-set), and
 * the thread whose `or` flipped the bit owns the object. The racing sets go through
 * `Heap.setBit`, a wasm atomic (parallel/wasm-atomics.ts). V8: marking-state.h, marking.h.
 */
import type { Heap } from './heap.ts';
import type { Addr } from './layout.ts';

/** Sets the mark bit of `addr`; true if this call set it (the caller then owns the object). */
export function tryMark(heap: Heap, addr: Addr): boolean {
  if ((heap.markBits[addr >>> 5] & (1 << (addr & 31))) !== 0) return false;
  return heap.setBit(heap.markBase, addr) !== 0;
}

export function isMarked(bits: Int32Array, addr: Addr): boolean {
  return (bits[addr >>> 5] & (1 << (addr & 31))) !== 0;
}

/** Marks a freshly allocated object (black allocation, evacuated copies). */
export function markBlack(heap: Heap, addr: Addr): void {
  heap.setBit(heap.markBase, addr);
}

/** Words of the marked objects that start in [from, to): what marking found live there. */
export function markedWords(heap: Heap, from: Addr, to: Addr): number {
  const bits = heap.markBits;
  const mem = heap.mem;
  let words = 0;
  for (let a = nextMarked(bits, from, to); a < to; a = nextMarked(bits, a + 1, to)) words += 2 + mem[a + 1];
  return words;
}

/**
 * Finds the next mark bit at or after `from` and before `to`; returns `to` if none. Skips whole
 * zero words, so a mostly-dead page costs one read per 32 words.
 */
export function nextMarked(bits: Int32Array, from: Addr, to: Addr): Addr {
  let i = from >>> 5;
  let w = bits[i] & (-1 << (from & 31));
  const last = (to - 1) >>> 5;
  while (w === 0) {
    if (i >= last) return to;
    w = bits[++i];
  }
  const a = (i << 5) + (31 - Math.clz32(w & -w));
  return a < to ? a : to;
}

/** The racing loop of the wasm-atomics test, shared by the main thread and the workers. */
import type { SharedWasmMemory } from '../../src/parallel/wasm-atomics.ts';
import { atomicsFor } from '../../src/parallel/wasm-atomics.ts';

/** Bytes 0–7 of the memory are its id; the bitmap starts here. */
export const BITMAP_BASE = 64;
/** Threads that have arrived at the start line (a word of `sync`). */
const READY = 0;

/**
 * Sets bits 0 .. bits-1 of the bitmap, every thread in the same order so that they race for the
 * same words; returns how many this thread won. `plain`: the negative control, a read-modify-write
 * without an atomic (test, then `|=`), as marking would be without `setBit`.
 */
export function setBitsLoop(memory: SharedWasmMemory, sync: Int32Array, threads: number, bits: number, plain: boolean): number {
  const { setBit } = atomicsFor(memory);
  const words = new Int32Array(memory.buffer, BITMAP_BASE, bits >>> 5);
  Atomics.add(sync, READY, 1);
  while (Atomics.load(sync, READY) < threads);
  let won = 0;
  for (let a = 0; a < bits; a++) {
    const i = a >>> 5;
    const m = 1 << (a & 31);
    if ((words[i] & m) !== 0) continue;
    if (plain) {
      const w = words[i];
      if ((w & m) !== 0) continue;
      let x = 0; // a few instructions between the read and the write, as in the marker
      for (let k = 0; k < 8; k++) x += k ^ a;
      words[i] = w | m | (x & 0);
      won++;
    } else if (setBit(BITMAP_BASE, a) !== 0) {
      won++;
    }
  }
  return won;
}

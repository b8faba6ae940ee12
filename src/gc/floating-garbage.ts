/**
 * Floating garbage of a marking cycle (verify mode only: it traces the heap once more): bytes of
 * objects the marking kept alive although nothing reachable from the roots points to them at
 * finalization. This is what separates the insertion barrier from a snapshot-at-the-beginning
 * one. Main thread, helpers parked, after marking finished and before evacuation.
 */
import { type Addr, KIND_TAGGED, PAGE_BITS, PAGE_WORDS, SPACE_CODE, SPACE_LO, SPACE_OLD_DATA, SPACE_OLD_POINTER } from '../heap/layout.ts';
import { type Heap, C_GLOBALS_BASE, C_GLOBALS_COUNT, C_NEW_FROM, C_NEW_TOP, C_ROOT_SP } from '../heap/heap.ts';
import { nextMarked } from '../heap/marking-bitmap.ts';

export function floatingGarbageBytes(heap: Heap): number {
  const mem = heap.mem;
  const reach = new Uint32Array(Math.ceil(mem.length / 32));
  const stack: Addr[] = [];
  const visit = (v: number): void => {
    if ((v & 1) === 0) return;
    const a = v >>> 1;
    const m = 1 << (a & 31);
    if ((reach[a >>> 5] & m) !== 0) return;
    reach[a >>> 5] |= m;
    stack.push(a);
  };
  const ctl = heap.ctl;
  for (let r = 1; r < ctl[C_ROOT_SP]; r++) visit(heap.roots[r]);
  const gb = ctl[C_GLOBALS_BASE];
  for (let r = gb; r < gb + ctl[C_GLOBALS_COUNT]; r++) visit(heap.roots[r]);
  while (stack.length > 0) {
    const a = stack.pop()!;
    if (((mem[a] >>> 1) & 3) !== KIND_TAGGED) continue;
    const end = a + 2 + mem[a + 1];
    for (let s = a + 2; s < end; s++) visit(mem[s]);
  }
  let floating = 0;
  const bits = heap.markBits;
  const scan = (from: Addr, to: Addr): void => {
    for (let a = nextMarked(bits, from, to); a < to; a = nextMarked(bits, a + 1, to)) {
      if ((reach[a >>> 5] & (1 << (a & 31))) === 0) floating += (2 + mem[a + 1]) * 4;
    }
  };
  scan(ctl[C_NEW_FROM], ctl[C_NEW_TOP]);
  for (const s of [SPACE_OLD_POINTER, SPACE_OLD_DATA, SPACE_CODE]) for (const p of heap.pagesOf(s)) scan(p << PAGE_BITS, (p << PAGE_BITS) + PAGE_WORDS);
  for (const p of heap.pagesOf(SPACE_LO)) scan(p << PAGE_BITS, (p << PAGE_BITS) + 1);
  return floating;
}

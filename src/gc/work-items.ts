/**
 * Work items of a parallel phase: a list the main-thread half of a collector fills before the
 * phase, and that every participant claims from with one Atomics.add per item (V8's
 * ItemParallelJob / IndexGenerator, simplified to a shared cursor). Lives in the GC buffers.
 *
 *   items (Int32Array): | count | cursor | kind0 | arg0 | kind1 | arg1 | ...
 */

export const ITEM_ROOTS = 1; // arg: first handle index of a ROOT_CHUNK range of the handle stack
export const ITEM_GLOBALS = 2; // arg: unused; the globals region
export const ITEM_PAGE = 3; // arg: page number
export const ITEM_NEW_RANGE = 4; // arg: first word of a page-sized range of new space

/** Handles per root item: small enough to split, big enough to amortise the claim. */
export const ROOT_CHUNK = 4096;

const COUNT = 0;
const CURSOR = 1;
const HEADER = 2;

export class WorkItems {
  readonly a: Int32Array;
  constructor(buffer: SharedArrayBuffer) {
    this.a = new Int32Array(buffer);
  }
  static bufferFor(maxItems: number): SharedArrayBuffer {
    return new SharedArrayBuffer((HEADER + 2 * maxItems) * 4);
  }
  get capacity(): number {
    return (this.a.length - HEADER) >>> 1;
  }
  /** Main thread, before the phase. */
  clear(): void {
    this.a[COUNT] = 0;
    Atomics.store(this.a, CURSOR, 0);
  }
  add(kind: number, arg: number): void {
    const n = this.a[COUNT];
    if (n >= this.capacity) throw new Error(`work item list overflow (${n} items)`);
    this.a[HEADER + 2 * n] = kind;
    this.a[HEADER + 2 * n + 1] = arg;
    this.a[COUNT] = n + 1;
  }
  get count(): number {
    return this.a[COUNT];
  }
  /** Items not claimed yet (approximate while threads claim). Any thread. */
  remaining(): number {
    return Math.max(0, this.a[COUNT] - Atomics.load(this.a, CURSOR));
  }
  /** Claims the next item; returns its index or -1 when all are taken. Any thread. */
  claim(): number {
    const i = Atomics.add(this.a, CURSOR, 1);
    return i < this.a[COUNT] ? i : -1;
  }
  kind(i: number): number {
    return this.a[HEADER + 2 * i];
  }
  arg(i: number): number {
    return this.a[HEADER + 2 * i + 1];
  }
}

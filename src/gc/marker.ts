/**
 * The per-thread body of marking: marks the objects reachable from its claimed root items into
 * the shared bitmap (test-and-test-and-set, the winner pushes), drains the marking worklist with
 * stealing, and counts live bytes per page in its own row. Runs on the main thread and in
 * helpers alike. V8: marking-visitor.h, concurrent-marking.cc (the visitor part).
 */
import { type Addr, KIND_TAGGED, PAGE_BITS } from '../heap/layout.ts';
import { type Heap, C_GLOBALS_BASE, C_GLOBALS_COUNT, C_ROOT_SP } from '../heap/heap.ts';
import { ITEM_GLOBALS, ITEM_ROOTS, ROOT_CHUNK } from './work-items.ts';
import type { GcThreadContext } from './gc-shared.ts';

export class Marker {
  private readonly heap: Heap;
  private readonly mem: Int32Array;
  private readonly bits: Int32Array;
  private readonly live: Int32Array;
  objects = 0;
  markedWords = 0;

  constructor(private readonly ctx: GcThreadContext) {
    this.heap = ctx.heap;
    this.mem = ctx.heap.mem;
    this.bits = ctx.heap.markBits;
    this.live = ctx.liveBytes;
  }

  /** Stop-the-world marking: roots from the claimed items, then the transitive closure. */
  run(): void {
    this.objects = 0;
    this.markedWords = 0;
    const items = this.ctx.items;
    const roots = this.heap.roots;
    const ctl = this.heap.ctl;
    for (let i = items.claim(); i >= 0; i = items.claim()) {
      const kind = items.kind(i);
      let from = 0;
      let to = 0;
      if (kind === ITEM_ROOTS) {
        from = items.arg(i);
        to = Math.min(from + ROOT_CHUNK, ctl[C_ROOT_SP]);
      } else if (kind === ITEM_GLOBALS) {
        from = ctl[C_GLOBALS_BASE];
        to = from + ctl[C_GLOBALS_COUNT];
      }
      for (let r = from; r < to; r++) this.markValue(roots[r]);
    }
    this.drain();
  }

  /** Marks the object `v` points to (if it is a pointer) and queues it if this thread won it. */
  markValue(v: number): void {
    if ((v & 1) === 0) return;
    const a = v >>> 1;
    const bits = this.bits;
    const i = a >>> 5;
    const m = 1 << (a & 31);
    if ((bits[i] & m) !== 0) return;
    if ((Atomics.or(bits, i, m) & m) !== 0) return;
    const mem = this.mem;
    const h = mem[a];
    const size = 2 + mem[a + 1];
    this.live[a >>> PAGE_BITS] += size << 2;
    this.objects++;
    this.markedWords += size;
    if (((h >>> 1) & 3) === KIND_TAGGED) this.ctx.markingLocal.push(a);
  }

  drain(): void {
    const local = this.ctx.markingLocal;
    const term = this.ctx.terminator;
    for (;;) {
      let obj = local.pop();
      while (obj !== 0) {
        this.visit(obj);
        obj = local.pop();
      }
      this.ctx.heartbeat();
      if (term.offerTermination(local)) return;
    }
  }

  visit(obj: Addr): void {
    const mem = this.mem;
    const end = obj + 2 + mem[obj + 1];
    for (let slot = obj + 2; slot < end; slot++) {
      const v = mem[slot];
      if ((v & 1) !== 0) this.markValue(v);
    }
  }
}

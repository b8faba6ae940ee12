/**
 * The per-thread body of pointer updating after evacuation: for each claimed item (a chunk of
 * roots, a range of to-space, or a page with recorded slots), every slot that points to a moved
 * object gets the forwarding address. On a page, only the recorded slots are visited: OLD_TO_NEW
 * (kept while they still point into new space) and OLD_TO_OLD (consumed). Items are disjoint, so
 * stores need no Atomics. V8: mark-compact.cc (PointersUpdatingJob, RememberedSetUpdatingItem).
 */
import { type Addr, KIND_TAGGED, PAGE_BITS, PAGE_WORDS } from '../heap/layout.ts';
import { type Heap, C_GLOBALS_BASE, C_GLOBALS_COUNT, C_NEW_FROM, C_ROOT_SP, C_TO_TOP, META_WORDS, M_FLAGS, M_RS_OLD_COUNT, PAGE_EVACUATION_CANDIDATE, TEST_NO_POINTER_UPDATE } from '../heap/heap.ts';
import { nextMarked } from '../heap/marking-bitmap.ts';
import { ITEM_GLOBALS, ITEM_NEW_RANGE, ITEM_PAGE, ITEM_ROOTS, ROOT_CHUNK } from './work-items.ts';
import { HEARTBEAT_MASK, type GcThreadContext } from './gc-shared.ts';

export class PointerUpdater {
  private readonly heap: Heap;
  private readonly mem: Int32Array;
  private fromStart = 0;
  private fromEnd = 0;
  objects = 0;
  slots = 0;

  constructor(private readonly ctx: GcThreadContext) {
    this.heap = ctx.heap;
    this.mem = ctx.heap.mem;
  }

  run(): void {
    const heap = this.heap;
    const ctl = heap.ctl;
    this.objects = this.slots = 0;
    if (heap.testFlag(TEST_NO_POINTER_UPDATE)) return; // ForTesting: the negative control
    this.fromStart = ctl[C_NEW_FROM];
    this.fromEnd = this.fromStart + heap.semiWords;
    const items = this.ctx.items;
    const roots = heap.roots;
    for (let i = items.claim(); i >= 0; i = items.claim()) {
      const kind = items.kind(i);
      const arg = items.arg(i);
      if (kind === ITEM_ROOTS || kind === ITEM_GLOBALS) {
        const from = kind === ITEM_ROOTS ? arg : ctl[C_GLOBALS_BASE];
        const to = kind === ITEM_ROOTS ? Math.min(arg + ROOT_CHUNK, ctl[C_ROOT_SP]) : from + ctl[C_GLOBALS_COUNT];
        for (let r = from; r < to; r++) roots[r] = this.forward(roots[r]);
      } else if (kind === ITEM_PAGE) {
        this.updateRecordedSlots(arg);
      } else if (kind === ITEM_NEW_RANGE) {
        this.updateSurvivors(arg, Math.min(arg + PAGE_WORDS, ctl[C_TO_TOP]));
      }
      this.ctx.heartbeat();
    }
  }

  /**
   * The recorded slots of one page. A slot whose target should have moved but did not (not
   * forwarded) lies in a dead object, since marking reached every target of a live one: its
   * records are dropped and the sweeper frees it.
   */
  private updateRecordedSlots(page: number): void {
    const heap = this.heap;
    const mem = this.mem;
    const rsNew = heap.rsBits;
    const rsOld = heap.rsOldBits;
    const pm = heap.pageMeta;
    const newStart = heap.newStart;
    const newEnd = heap.newEnd;
    const fromStart = this.fromStart;
    const fromEnd = this.fromEnd;
    let slots = 0;
    const w0 = (page << PAGE_BITS) >>> 5;
    const w1 = w0 + (PAGE_WORDS >>> 5);
    for (let w = w0; w < w1; w++) {
      if (((w - w0) & HEARTBEAT_MASK) === HEARTBEAT_MASK) this.ctx.heartbeat(); // 8 beats a page
      let bitsNew = rsNew[w];
      const bitsOld = rsOld[w];
      let bits = bitsNew | bitsOld;
      if (bits === 0) continue;
      while (bits !== 0) {
        const low = bits & -bits;
        bits ^= low;
        const slot = (w << 5) + (31 - Math.clz32(low));
        const v = mem[slot];
        let keepNew = false;
        if ((v & 1) !== 0) {
          const a = v >>> 1;
          let nv = v;
          let dead = false;
          if ((a >= fromStart && a < fromEnd) || (pm[(a >>> PAGE_BITS) * META_WORDS + M_FLAGS] & PAGE_EVACUATION_CANDIDATE) !== 0) {
            const h = mem[a];
            if ((h & 1) !== 0) {
              nv = h;
              mem[slot] = nv;
              slots++;
            } else {
              dead = true;
            }
          }
          const na = nv >>> 1;
          keepNew = !dead && na >= newStart && na < newEnd;
        }
        if ((bitsNew & low) !== 0 && !keepNew) bitsNew ^= low;
      }
      rsNew[w] = bitsNew;
      if (bitsOld !== 0) rsOld[w] = 0;
    }
    pm[page * META_WORDS + M_RS_OLD_COUNT] = 0;
    this.slots += slots;
    this.objects++;
  }

  /** Survivors copied to to-space (marked by the evacuator): young hosts need no slot records. */
  private updateSurvivors(from: Addr, to: Addr): void {
    const bits = this.heap.markBits;
    // Chunks of HEARTBEAT_MASK + 1 objects with a beat between them (see Evacuator.evacuateRange).
    let a = nextMarked(bits, from, to);
    while (a < to) {
      for (let n = 0; n <= HEARTBEAT_MASK && a < to; n++, a = nextMarked(bits, a + 1, to)) this.updateObject(a);
      this.ctx.heartbeat();
    }
  }

  /** `forward` inlined with the GC's constants in locals: nothing is re-read from `this` per slot. */
  private updateObject(obj: Addr): void {
    const mem = this.mem;
    this.objects++;
    if (((mem[obj] >>> 1) & 3) !== KIND_TAGGED) return;
    const pm = this.heap.pageMeta;
    const fromStart = this.fromStart;
    const fromEnd = this.fromEnd;
    let slots = 0;
    const end = obj + 2 + mem[obj + 1];
    for (let slot = obj + 2; slot < end; slot++) {
      const v = mem[slot];
      if ((v & 1) === 0) continue;
      const a = v >>> 1;
      if ((a >= fromStart && a < fromEnd) || (pm[(a >>> PAGE_BITS) * META_WORDS + M_FLAGS] & PAGE_EVACUATION_CANDIDATE) !== 0) {
        const h = mem[a];
        if ((h & 1) !== 0) {
          mem[slot] = h;
          slots++;
        }
      }
    }
    this.slots += slots;
  }

  /** The tagged value after evacuation: the forwarding address if the target moved. */
  forward(v: number): number {
    if ((v & 1) === 0) return v;
    const a = v >>> 1;
    if ((a >= this.fromStart && a < this.fromEnd) || (this.heap.pageMeta[(a >>> PAGE_BITS) * META_WORDS + M_FLAGS] & PAGE_EVACUATION_CANDIDATE) !== 0) {
      const h = this.mem[a];
      if ((h & 1) !== 0) return h;
    }
    return v;
  }
}

/**
 * The per-thread body of sweeping: for each claimed page, walks the mark bitmap; every gap
 * between live objects becomes a filler and, if it can hold a node, a free-list entry (added
 * under one lock acquisition per page). Sets the page's used words and live bytes. V8: sweeper.cc.
 */
import { type Addr, PAGE_BITS, PAGE_WORDS } from '../heap/layout.ts';
import { type Heap, C_BACKGROUND_STOP, META_WORDS, M_FLAGS, M_LIVE_BYTES, M_SPACE, M_USED_WORDS, PAGE_NEEDS_SWEEP } from '../heap/heap.ts';
import { nextMarked } from '../heap/marking-bitmap.ts';
import { freeListAdd, MIN_FREE_BLOCK_WORDS } from '../heap/spaces/free-list.ts';
import { ZAP_VALUE } from '../heap/spaces/semi-space.ts';
import { clearOldToNewRange } from '../heap/remembered-set.ts';
import { ITEM_PAGE } from './work-items.ts';
import type { GcThreadContext } from './gc-shared.ts';

export class Sweeper {
  private readonly heap: Heap;
  /** Gaps of the page being swept: start, words, start, words, ... (reused, never reallocated). */
  private readonly gaps = new Int32Array(PAGE_WORDS);
  pages = 0;
  freedWords = 0;

  constructor(private readonly ctx: GcThreadContext) {
    this.heap = ctx.heap;
  }

  /**
   * Sweeps claimed pages until none are left. In the background (concurrent sweeping) it stops
   * before claiming another page once the main thread asks background work to stop; the
   * remaining items stay claimable, so sweeping resumes where it left off.
   */
  run(background = false, sweepers = 0): void {
    this.pages = this.freedWords = 0;
    // In the background only helpers 1..sweepers sweep (0: every helper).
    if (background && sweepers > 0 && this.ctx.threadId > sweepers) return;
    const items = this.ctx.shared.sweepItems;
    const ctl = this.heap.ctl;
    for (;;) {
      if (background && Atomics.load(ctl, C_BACKGROUND_STOP) !== 0) return;
      const i = items.claim();
      if (i < 0) return;
      if (items.kind(i) === ITEM_PAGE) this.sweepPage(items.arg(i));
      this.ctx.heartbeat();
    }
  }

  /** Main thread, on allocation failure during concurrent sweeping: sweep one more page itself. */
  sweepOneOnDemand(): boolean {
    const items = this.ctx.shared.sweepItems;
    const i = items.claim();
    if (i < 0) return false;
    if (items.kind(i) === ITEM_PAGE) this.sweepPage(items.arg(i));
    return true;
  }

  sweepPage(page: number): void {
    const heap = this.heap;
    const mem = heap.mem;
    const bits = heap.markBits;
    const gaps = this.gaps;
    const start: Addr = page << PAGE_BITS;
    const end = start + PAGE_WORDS;
    let n = 0;
    let liveWords = 0;
    let cursor = start;
    for (let a = nextMarked(bits, start, end); a < end; a = nextMarked(bits, cursor, end)) {
      if (a > cursor) {
        gaps[n++] = cursor;
        gaps[n++] = a - cursor;
      }
      const size = 2 + mem[a + 1];
      liveWords += size;
      cursor = a + size;
    }
    if (cursor < end) {
      gaps[n++] = cursor;
      gaps[n++] = end - cursor;
    }
    const zap = this.ctx.shared.config.zap;
    let free = 0;
    const space = heap.pageMeta[page * META_WORDS + M_SPACE];
    heap.lock();
    for (let k = 0; k < n; k += 2) {
      const g = gaps[k];
      const w = gaps[k + 1];
      if (zap && w > 3) mem.fill(ZAP_VALUE, g + 3, g + w);
      // Dead objects' slots leave the remembered set (V8: RemoveRange), or a later object in this
      // memory would have its raw words taken for slots.
      clearOldToNewRange(heap, g, g + w);
      freeListAdd(heap, space, g, w);
      if (w >= MIN_FREE_BLOCK_WORDS) free += w;
    }
    // Inside the lock: once its gaps are on the free list another thread may allocate there.
    heap.pageMeta[page * META_WORDS + M_USED_WORDS] = PAGE_WORDS - free;
    heap.pageMeta[page * META_WORDS + M_LIVE_BYTES] = liveWords * 4;
    heap.pageMeta[page * META_WORDS + M_FLAGS] &= ~PAGE_NEEDS_SWEEP;
    heap.unlock();
    this.pages++;
    this.freedWords += free;
  }
}

/**
 * The per-thread body of evacuation in a mark-compact: each claimed item (an evacuation
 * candidate page, or a page-sized range of from-space) is evacuated by this thread alone, so the
 * forwarding address is a plain store. Live old objects go to fresh pages through this thread's
 * compaction LABs, live young ones to to-space or, on their second survival, to old space. Copies
 * are marked black so pointer updating and sweeping see them. A candidate whose objects no
 * longer fit anywhere keeps the rest of them in place (V8's aborted evacuation): the page records
 * where it stopped and the main thread turns it back into an ordinary page after pointer updating.
 * V8: mark-compact.cc (Evacuator, ReportAbortedEvacuationCandidateDueToOOM).
 */
import { type Addr, KIND_TAGGED, PAGE_BITS, PAGE_WORDS, SPACE_OLD_DATA, SPACE_OLD_POINTER, headerKind, tagPtr } from '../heap/layout.ts';
import {
  type Heap,
  C_AGE_MARK,
  C_GC_OUT_OF_MEMORY,
  C_NEW_TOP,
  META_WORDS,
  M_ABORTED_AT,
  M_FLAGS,
  M_LIVE_BYTES,
  PAGE_COMPACTION_ABORTED,
  PAGE_EVACUATION_CANDIDATE,
} from '../heap/heap.ts';
import { recordOldToNew, recordOldToOld } from '../heap/remembered-set.ts';
import { Lab, labAllocate, retireLab } from '../heap/spaces/paged-space.ts';
import { newToSpaceLab, retireToSpaceLab, toSpaceAllocate } from '../heap/spaces/semi-space.ts';
import { nextMarked } from '../heap/marking-bitmap.ts';
import { ITEM_NEW_RANGE, ITEM_PAGE } from './work-items.ts';
import { COPY_LOOP_MAX_WORDS } from './scavenger.ts';
import { HEARTBEAT_MASK, type GcThreadContext } from './gc-shared.ts';

export class Evacuator {
  private readonly heap: Heap;
  private readonly mem: Int32Array;
  private readonly toLab = newToSpaceLab();
  private readonly pointerLab = new Lab(SPACE_OLD_POINTER);
  private readonly dataLab = new Lab(SPACE_OLD_DATA);
  objects = 0;
  words = 0;
  promotedWords = 0;
  survivedWords = 0;

  private readonly newStart: Addr;
  private readonly newEnd: Addr;

  constructor(private readonly ctx: GcThreadContext) {
    this.heap = ctx.heap;
    this.mem = ctx.heap.mem;
    this.newStart = ctx.heap.newStart;
    this.newEnd = ctx.heap.newEnd;
    this.toLab.black = true;
    this.pointerLab.black = true;
    this.dataLab.black = true;
  }

  run(): void {
    this.objects = this.words = this.promotedWords = this.survivedWords = 0;
    const items = this.ctx.items;
    const heap = this.heap;
    const ageMark = heap.ctl[C_AGE_MARK];
    const newTop = heap.ctl[C_NEW_TOP];
    for (let i = items.claim(); i >= 0; i = items.claim()) {
      const kind = items.kind(i);
      const start = items.arg(i);
      if (kind === ITEM_PAGE) {
        this.evacuateRange(start << PAGE_BITS, (start << PAGE_BITS) + PAGE_WORDS, false, 0);
      } else if (kind === ITEM_NEW_RANGE) {
        this.evacuateRange(start, Math.min(start + PAGE_WORDS, newTop), true, ageMark);
      }
      this.ctx.heartbeat();
    }
    this.flushLive(0);
    retireToSpaceLab(heap, this.toLab);
    retireLab(heap, this.pointerLab);
    retireLab(heap, this.dataLab);
  }

  /**
   * Evacuates the live objects of [from, to), beating between chunks. A page holds up to ~10,000
   * objects (1-4 ms): the main thread's beats inside it are where a 'dynamic' phase wakes its
   * helpers, so they start while items remain. The beat is a call in this outer loop, not a
   * branch of the copy loop: taken every 256 objects, that branch had never run on some thread
   * in the warm-up, and its missing type feedback deoptimised the copy loop in a measured pause.
   */
  private evacuateRange(from: Addr, to: Addr, young: boolean, ageMark: Addr): void {
    for (let a = from; a < to; ) {
      a = this.evacuateChunk(a, to, young, ageMark);
      this.ctx.heartbeat();
    }
  }

  /**
   * Evacuates up to HEARTBEAT_MASK + 1 live objects from `from` on and returns where the next
   * chunk starts: `to` when the range is done or its page was aborted.
   */
  private evacuateChunk(from: Addr, to: Addr, young: boolean, ageMark: Addr): Addr {
    const mem = this.mem;
    const bits = this.heap.markBits;
    let n = 0;
    for (let a = nextMarked(bits, from, to); a < to; a = nextMarked(bits, a + 1, to)) {
      if (n++ === HEARTBEAT_MASK) return a;
      const h = mem[a];
      const size = 2 + mem[a + 1];
      const kind = headerKind(h);
      let target = 0;
      if (young) {
        if (a < ageMark) {
          target = this.allocateOld(kind, size);
          if (target !== 0) this.promotedWords += size;
        }
        if (target === 0) {
          target = toSpaceAllocate(this.heap, this.toLab, size, this.ctx.labWords);
          if (target !== 0) this.survivedWords += size;
        }
        if (target === 0) {
          target = this.allocateOld(kind, size);
          if (target !== 0) this.promotedWords += size;
        }
      } else {
        target = this.allocateOld(kind, size);
        if (target === 0) {
          this.abortPage(a);
          return to;
        }
      }
      if (target === 0) {
        // A young survivor fits neither in to-space nor in old space: the heap is really full.
        // Left unmoved; the main thread reports V8's out-of-memory failure after the phase.
        Atomics.store(this.heap.ctl, C_GC_OUT_OF_MEMORY, 1);
        continue;
      }
      if (size <= COPY_LOOP_MAX_WORDS) for (let k = 0; k < size; k++) mem[target + k] = mem[a + k];
      else mem.copyWithin(target, a, a + size);
      mem[a] = tagPtr(target);
      if (kind === KIND_TAGGED && (target < this.newStart || target >= this.newEnd)) this.recordMigratedSlots(target, size);
      this.objects++;
      this.words += size;
    }
    return to;
  }

  /**
   * No space for the object at `a` of a candidate page: it and every live object after it stay
   * where they are. This thread alone evacuates the page, so the address is a plain store; the
   * flag word is shared with readers of other pages' flags, hence the atomic or.
   */
  private abortPage(a: Addr): void {
    const m = (a >>> PAGE_BITS) * META_WORDS;
    this.heap.pageMeta[m + M_ABORTED_AT] = a;
    Atomics.or(this.heap.pageMeta, m + M_FLAGS, PAGE_COMPACTION_ABORTED);
  }

  /**
   * An old copy keeps the slot records of its original (V8's RecordMigratedSlotVisitor): slots
   * into new space go to OLD_TO_NEW, slots into candidates to OLD_TO_OLD; pointer updating then
   * fixes them. Copies in to-space need no record: every survivor there is scanned.
   */
  private recordMigratedSlots(obj: Addr, size: number): void {
    const mem = this.mem;
    const heap = this.heap;
    const pm = heap.pageMeta;
    for (let slot = obj + 2, end = obj + size; slot < end; slot++) {
      const v = mem[slot];
      if ((v & 1) === 0) continue;
      const a = v >>> 1;
      if (a >= this.newStart && a < this.newEnd) recordOldToNew(heap, slot);
      else if ((pm[(a >>> PAGE_BITS) * META_WORDS + M_FLAGS] & PAGE_EVACUATION_CANDIDATE) !== 0) recordOldToOld(heap, slot);
    }
  }

  private allocateOld(kind: number, size: number): Addr {
    const a = labAllocate(this.heap, kind === KIND_TAGGED ? this.pointerLab : this.dataLab, size, this.ctx.labWords);
    if (a !== 0) {
      // Target pages are fresh: what lands on them is their live size until the sweeper recounts.
      // Added per page run rather than per object (one Atomics.add each).
      const page = a >>> PAGE_BITS;
      if (page !== this.livePage) this.flushLive(page);
      this.liveWords += size;
    }
    return a;
  }

  private livePage = 0;
  private liveWords = 0;

  private flushLive(nextPage: number): void {
    if (this.liveWords !== 0) Atomics.add(this.heap.pageMeta, this.livePage * META_WORDS + M_LIVE_BYTES, this.liveWords << 2);
    this.livePage = nextPage;
    this.liveWords = 0;
  }
}

/**
 * The write barrier, main thread only: the marking barrier (while marking is active) and the
 * generational barrier (old-to-new slot recording), a fast path of a few compares and a slow
 * path per variant. A variant is one row of `BARRIER_VARIANTS`: which values it shades and the
 * colour of objects allocated during marking. V8: marking-barrier.h, heap-write-barrier.h.
 */
import { type Addr, PAGE_BITS } from '../heap/layout.ts';
import { type Heap, META_WORDS, M_FLAGS, PAGE_EVACUATION_CANDIDATE, TEST_NO_MARKING_BARRIER } from '../heap/heap.ts';
import { tryMark } from '../heap/marking-bitmap.ts';
import { recordOldToNew, recordOldToOld } from '../heap/remembered-set.ts';

/** Shade the value being written (Dijkstra's insertion barrier). */
export const SHADE_NEW = 1;
/** Shade the value being overwritten (Yuasa's deletion barrier, snapshot at the beginning). */
export const SHADE_OLD = 2;

/** One marking-barrier variant. */
export interface BarrierVariant {
  /** SHADE_NEW, SHADE_OLD or both: which values the slow path marks grey. */
  readonly shade: number;
  /**
   * Objects allocated while marking are black (not in a snapshot barrier's snapshot, so nothing
   * else would mark them). Insertion needs no black allocation: the final pause rescans roots.
   */
  readonly allocateBlack: boolean;
  /**
   * A scavenge during marking keeps every grey young object alive as an extra root, because a
   * deletion barrier may have shaded an object that is no longer reachable from the roots and
   * the snapshot still counts it (docs/architecture.md, "SATB and the scavenger").
   */
  readonly greyYoungAreRoots: boolean;
  readonly doc: string;
}

/** The variants, selected by `--barrier`. A new variant is a row here (plus its test). */
export const BARRIER_VARIANTS = {
  insertion: { shade: SHADE_NEW, allocateBlack: false, greyYoungAreRoots: false, doc: "shade the written value (Dijkstra; V8's MarkingBarrier)" },
  satb: { shade: SHADE_OLD, allocateBlack: true, greyYoungAreRoots: true, doc: 'shade the overwritten value (Yuasa; snapshot at the beginning)' },
  hybrid: { shade: SHADE_NEW | SHADE_OLD, allocateBlack: true, greyYoungAreRoots: true, doc: 'shade both the written and the overwritten value (Dijkstra + Yuasa, as in Go)' },
} as const satisfies Record<string, BarrierVariant>;

export type BarrierName = keyof typeof BARRIER_VARIANTS;
export const BARRIER_NAMES = Object.keys(BARRIER_VARIANTS) as BarrierName[];

/** Where the barrier pushes grey objects: the main thread's marking worklist view. */
export interface GreyWorklist {
  push(addr: Addr): void;
}

export class WriteBarrier {
  /** Marking is active: the fast path takes the slow path. */
  marking = false;
  /** Objects allocated now are black (marking active and the variant allocates black). */
  blackAllocation = false;
  /** Objects this barrier shaded since it was created. */
  records = 0;
  /** Their words: marking work the barrier made, which the step schedule adds to its steps. */
  shadedWords = 0;
  private shade = 0;
  private barrierOff = false;
  private readonly mem: Int32Array;
  private readonly pageMeta: Int32Array;
  private readonly newStart: Addr;
  private readonly newEnd: Addr;

  constructor(
    private readonly heap: Heap,
    readonly variant: BarrierVariant,
    private readonly grey: GreyWorklist,
  ) {
    this.mem = heap.mem;
    this.pageMeta = heap.pageMeta;
    this.newStart = heap.newStart;
    this.newEnd = heap.newEnd;
  }

  setMarking(active: boolean): void {
    this.marking = active;
    this.shade = active ? this.variant.shade : 0;
    this.blackAllocation = active && this.variant.allocateBlack;
    // ForTesting: the negative control removes the slow path's shading.
    this.barrierOff = this.heap.testFlag(TEST_NO_MARKING_BARRIER);
  }

  /** Stores tagged value `v` into `slot` of object `host`: the fast path of every field write. */
  write(host: Addr, slot: Addr, v: number): void {
    const mem = this.mem;
    if (this.marking) this.markingSlow(host, slot, mem[slot], v);
    mem[slot] = v;
    if ((v & 1) !== 0) {
      const t = v >>> 1;
      if (t >= this.newStart && t < this.newEnd && (host < this.newStart || host >= this.newEnd)) recordOldToNew(this.heap, slot);
    }
  }

  /**
   * The marking barrier's slow path: a pointer into an evacuation candidate stored in an old
   * object is recorded for pointer updating (V8's RecordSlot), then the variant's values are
   * shaded grey with the marker's test-and-set and pushed on the main thread's marking worklist.
   */
  private markingSlow(host: Addr, slot: Addr, old: number, v: number): void {
    if ((v & 1) !== 0 && (host < this.newStart || host >= this.newEnd) && (this.pageMeta[(v >>> (PAGE_BITS + 1)) * META_WORDS + M_FLAGS] & PAGE_EVACUATION_CANDIDATE) !== 0) {
      recordOldToOld(this.heap, slot);
    }
    if (this.barrierOff) return;
    const shade = this.shade;
    if ((shade & SHADE_NEW) !== 0 && (v & 1) !== 0) this.shadeGrey(v >>> 1);
    if ((shade & SHADE_OLD) !== 0 && (old & 1) !== 0) this.shadeGrey(old >>> 1);
  }

  /**
   * Marks `a` and pushes it: the marker counts its live bytes and scans it, if tagged, when it
   * visits it. Its words are added up for the incremental step schedule.
   */
  private shadeGrey(a: Addr): void {
    if (!tryMark(this.heap, a)) return;
    this.records++;
    this.shadedWords += 2 + this.mem[a + 1];
    this.grey.push(a);
  }
}

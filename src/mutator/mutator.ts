/**
 * The mutator API, main thread only: a stack of handle scopes and named globals (the roots),
 * allocation of tagged, raw-data, code and large objects, and field access through the
 * write barrier (write-barrier.ts). The mutator holds handles (indices into the root table), never raw
 * addresses, so objects may move under it. Collections start from allocation, as in V8.
 * V8: factory.h, handles.h (HandleScope), heap-write-barrier.h.
 */
import {
  type Addr,
  KIND_RAW,
  KIND_TAGGED,
  MAX_REGULAR_OBJECT_WORDS,
  PAGE_BITS,
  SMI_MAX,
  SMI_MIN,
  SPACE_CODE,
  SPACE_OLD_DATA,
  SPACE_OLD_POINTER,
  makeHeader,
} from '../heap/layout.ts';
import { type Heap, C_GLOBALS_BASE, C_GLOBALS_COUNT, C_NEW_FROM, C_NEW_TOP, C_ROOT_SP } from '../heap/heap.ts';
import { markBlack } from '../heap/marking-bitmap.ts';
import { MapRegistry } from '../heap/maps.ts';
import { Lab, labAllocate, retireLab } from '../heap/spaces/paged-space.ts';
import { allocateLarge } from '../heap/spaces/large-object-space.ts';
import { OutOfMemoryError } from '../heap/out-of-memory.ts';
import type { MutatorCollector, MutatorGcHooks } from './collector-interface.ts';
import { BARRIER_VARIANTS, type BarrierVariant, WriteBarrier } from './write-barrier.ts';
import { type Handle, type MutatorApi, MutatorError } from './mutator-api.ts';
import { AllocationSitePretenuring } from './allocation-site-pretenuring.ts';

export { type Handle, NULL_HANDLE, MutatorError } from './mutator-api.ts';

/** Globals live at the top of the root table. */
export const MAX_GLOBALS = 1024;

/** Mutator-side LAB for old-space allocation (tenured objects, code). */
const MUTATOR_LAB_WORDS = 8192;
/** The allocation observer fires about every 64 KiB (V8: 64 KiB young, 256 KiB old). */
const OBSERVER_STEP_WORDS = (64 * 1024) / 4;
/**
 * Full GCs an old-space allocation may trigger before it fails with V8's out-of-memory error:
 * the second collects what the first left as floating garbage of a finished marking cycle
 * (V8 tries a last-resort GC, CollectAllAvailableGarbage, before giving up).
 */
const LAST_RESORT_GCS = 2;

/**
 * The mutator API a workload is written against (`sim.mutator`, or `m` in a workload's `run`).
 * Main thread only. Every store of a reference goes through the write barrier.
 */
export class Mutator implements MutatorGcHooks, MutatorApi {
  /** Defines object maps (`maps.define(name, KIND_TAGGED | KIND_RAW)`), one per object shape. */
  readonly maps: MapRegistry;
  private readonly mem: Int32Array;
  private readonly roots: Int32Array;
  private top: Addr;
  /** Where the fast path stops: the end of from-space, or earlier while the allocation observer is on. */
  private limit: Addr;
  private realLimit: Addr;
  private observer = false;
  /** Top when the observer last fired; old-space words allocated since. */
  private stepBase: Addr = 0;
  private oldSinceStep = 0;
  /** Marking is active (set by the collector when a marking cycle starts and ends). */
  private marking = false;
  /** Objects allocated in new space now are black (the barrier variant's allocation colour). */
  private blackYoung = false;
  private readonly markingWorklist: { publish(): void };
  /** The main thread's row of per-page live bytes (black allocation and barrier marking). */
  private readonly liveRow: Int32Array;
  /** The write barrier: generational always, marking while marking is active. */
  readonly barrier: WriteBarrier;
  private sp = 1;
  private readonly globalsBase: number;
  private readonly globalIndex = new Map<string, number>();
  private readonly oldPointerLab = new Lab(SPACE_OLD_POINTER);
  private readonly oldDataLab = new Lab(SPACE_OLD_DATA);
  private readonly codeLab = new Lab(SPACE_CODE);
  /** Work units the workload reports (for mutator throughput). */
  workUnits = 0;
  /** Bytes allocated by the mutator so far. */
  allocatedBytes = 0;
  /** The map of `allocateString` objects (raw). */
  readonly stringMap: Addr;
  /** A ready-made map for tagged arrays of any length. */
  readonly arrayMap: Addr;
  /** The map of `allocateCode` objects (raw, non-moving). */
  readonly codeMap: Addr;

  /** Allocation-site pretenuring (--allocation-site-pretenuring), or null when off. */
  readonly pretenuring: AllocationSitePretenuring | null;
  /** Young objects do not straddle new-space pages (--new-space-pages), as in V8. */
  private readonly newSpacePages: boolean;

  constructor(
    readonly heap: Heap,
    readonly gc: MutatorCollector,
    barrierVariant: BarrierVariant = BARRIER_VARIANTS.insertion,
    allocationSitePretenuring = false,
    newSpacePages = false,
  ) {
    this.pretenuring = allocationSitePretenuring ? new AllocationSitePretenuring(heap) : null;
    this.newSpacePages = newSpacePages;
    this.mem = heap.mem;
    this.roots = heap.roots;
    this.maps = new MapRegistry(heap);
    this.top = heap.ctl[C_NEW_TOP];
    this.realLimit = heap.ctl[C_NEW_FROM] + heap.semiWords;
    this.limit = this.hardLimit();
    const sink = gc.markingSink;
    this.markingWorklist = sink.worklist;
    this.liveRow = sink.liveBytes;
    this.barrier = new WriteBarrier(heap, barrierVariant, sink.worklist);
    this.globalsBase = this.roots.length - MAX_GLOBALS;
    heap.ctl[C_GLOBALS_BASE] = this.globalsBase;
    heap.ctl[C_GLOBALS_COUNT] = 0;
    this.roots[0] = 0;
    this.stringMap = this.maps.define('string', KIND_RAW);
    this.arrayMap = this.maps.define('array', KIND_TAGGED);
    this.codeMap = this.maps.define('code', KIND_RAW);
    gc.attachMutator(this);
  }

  // ---- GC hooks ------------------------------------------------------------------------------------
  /** Collector hook: publish the allocation top and handle-stack pointer; retire the LABs. */
  prepareForGc(): void {
    const ctl = this.heap.ctl;
    ctl[C_NEW_TOP] = this.top;
    ctl[C_ROOT_SP] = this.sp;
    this.pretenuring?.beforeGc(this.top);
    retireLab(this.heap, this.oldPointerLab);
    retireLab(this.heap, this.oldDataLab);
    retireLab(this.heap, this.codeLab);
  }
  /** Collector hook: reload the allocation top after the semispaces flipped. */
  afterGc(): void {
    this.pretenuring?.afterGc();
    this.top = this.heap.ctl[C_NEW_TOP];
    this.realLimit = this.heap.ctl[C_NEW_FROM] + this.heap.semiWords;
    this.stepBase = this.top;
    this.updateLimit();
  }

  /** Objects the marking barrier shaded since the mutator was created. */
  get barrierRecords(): number {
    return this.barrier.records;
  }

  /** Words of those objects. */
  get barrierShadedWords(): number {
    return this.barrier.shadedWords;
  }

  /** Collector hook: marking starts or ends (barrier slow path and black allocation on or off). */
  setMarking(active: boolean): void {
    this.marking = active;
    this.barrier.setMarking(active);
    // A snapshot barrier's new objects are not in the snapshot: the variant allocates them black.
    this.blackYoung = this.barrier.blackAllocation;
    retireLab(this.heap, this.oldPointerLab);
    retireLab(this.heap, this.oldDataLab);
    retireLab(this.heap, this.codeLab);
    this.oldPointerLab.black = this.oldDataLab.black = this.codeLab.black = active;
    if (active) this.markingWorklist.publish();
  }

  /** Collector hook: step the collector every 64 KiB of allocation (or stop). */
  setAllocationObserver(active: boolean): void {
    this.observer = active;
    this.stepBase = this.top;
    this.oldSinceStep = 0;
    this.updateLimit();
  }

  private updateLimit(): void {
    const hard = this.hardLimit();
    this.limit = this.observer ? Math.min(hard, this.top + OBSERVER_STEP_WORDS) : hard;
  }

  /** Where young allocation must stop: the end of the semispace, or of the page `top` is on (--new-space-pages). */
  private hardLimit(): Addr {
    return this.newSpacePages ? Math.min(this.realLimit, ((this.top >>> PAGE_BITS) + 1) << PAGE_BITS) : this.realLimit;
  }

  /**
   * --new-space-pages: an object that does not fit in the rest of its page starts the next one,
   * the rest becoming a filler (V8's semispaces are pages, and an object never straddles two).
   * Returns the new top (unchanged when the object fits, or when there is no next page).
   */
  private nextNewSpacePage(words: number): Addr {
    const top = this.top;
    if (!this.newSpacePages) return top;
    const end = ((top >>> PAGE_BITS) + 1) << PAGE_BITS;
    if (top + words > end && end + words <= this.realLimit) {
      this.heap.formatFiller(top, end - top);
      this.top = end;
    }
    // The limit may be the end of the page just filled (top stopped exactly on it): refresh it.
    this.updateLimit();
    if (this.limit - this.top < words) this.limit = this.hardLimit();
    return this.top;
  }

  // ---- handle scopes -------------------------------------------------------------------------------
  /** Opens a scope (a stack frame); returns the mark to close it with. */
  openScope(): number {
    return this.sp;
  }
  /** Closes the scopes opened since `openScope` returned `mark`: their handles become invalid. */
  closeScope(mark: number): void {
    this.sp = mark;
  }
  /** Closes the scope and carries one handle out of it (EscapableHandleScope). */
  escape(mark: number, h: Handle): Handle {
    const v = this.roots[h];
    this.sp = mark;
    return this.newHandle(v);
  }
  /** Handles on the stack now (the handle-stack pointer). */
  get handleCount(): number {
    return this.sp;
  }

  private newHandle(v: number): Handle {
    const sp = this.sp;
    if (sp >= this.globalsBase) throw new MutatorError(`handle stack overflow (${sp} handles): close scopes or raise --max-handles`);
    this.roots[sp] = v;
    this.sp = sp + 1;
    return sp;
  }

  // ---- globals -------------------------------------------------------------------------------------
  /** Roots the object of `h` under `name` until it is replaced (a named global, like V8's Global). */
  setGlobal(name: string, h: Handle): void {
    let i = this.globalIndex.get(name);
    if (i === undefined) {
      i = this.globalIndex.size;
      if (i >= MAX_GLOBALS) throw new MutatorError('too many globals');
      this.globalIndex.set(name, i);
      this.heap.ctl[C_GLOBALS_COUNT] = i + 1;
    }
    this.roots[this.globalsBase + i] = this.roots[h];
  }
  /** A new handle to the global `name` (the null handle when it was never set). */
  getGlobal(name: string): Handle {
    const i = this.globalIndex.get(name);
    return this.newHandle(i === undefined ? 0 : this.roots[this.globalsBase + i]);
  }
  /** The names of the globals set so far. */
  globalNames(): string[] {
    return [...this.globalIndex.keys()];
  }

  // ---- allocation ----------------------------------------------------------------------------------
  /** A tagged object of `slots` fields (all SMI 0) with map `map`; `tenured` allocates in old space. */
  allocate(map: Addr, slots: number, tenured = false): Handle {
    if (this.pretenuring !== null && !tenured) tenured = this.pretenuring.tenures(map);
    const a = this.allocateWords(2 + slots, tenured ? SPACE_OLD_POINTER : 0);
    const mem = this.mem;
    mem[a] = makeHeader(map, KIND_TAGGED);
    mem[a + 1] = slots;
    mem.fill(0, a + 2, a + 2 + slots);
    return this.newHandle((a << 1) | 1);
  }

  /** A raw-data object (a string of `bytes` bytes) whose words are filled from `fill`. */
  allocateString(bytes: number, fill = 0, tenured = false): Handle {
    return this.allocateRawObject(this.stringMap, Math.ceil(bytes / 4), fill, tenured ? SPACE_OLD_DATA : 0);
  }

  /** A raw-data object of map `map` with `words` words filled from the seed `fill` (never scanned). */
  allocateRaw(map: Addr, words: number, fill = 0, tenured = false): Handle {
    return this.allocateRawObject(map, words, fill, tenured ? SPACE_OLD_DATA : 0);
  }

  /** A code object in the non-moving code space. */
  allocateCode(bytes: number, fill = 0): Handle {
    return this.allocateRawObject(this.codeMap, Math.ceil(bytes / 4), fill, SPACE_CODE);
  }

  private allocateRawObject(map: Addr, words: number, fill: number, space: number): Handle {
    const a = this.allocateWords(2 + words, space);
    const mem = this.mem;
    mem[a] = makeHeader(map, KIND_RAW);
    mem[a + 1] = words;
    let x = fill | 0;
    for (let i = a + 2, end = a + 2 + words; i < end; i++) {
      mem[i] = x;
      x = (Math.imul(x, 1103515245) + 12345) | 0;
    }
    return this.newHandle((a << 1) | 1);
  }

  /** Fast path: bump in new space. `space` 0 = young; else a paged old space. */
  private allocateWords(words: number, space: number): Addr {
    this.allocatedBytes += words << 2;
    if (space === 0 && words <= MAX_REGULAR_OBJECT_WORDS) {
      const a = this.top;
      if (a + words <= this.limit) {
        this.top = a + words;
        if (this.blackYoung) markBlack(this.heap, a);
        return a;
      }
    }
    return this.allocateSlow(words, space);
  }

  private allocateSlow(words: number, space: number): Addr {
    if (words > MAX_REGULAR_OBJECT_WORDS) return this.allocateLargeObject(words);
    if (space !== 0) return this.allocateOld(words, space);
    if (this.observer) {
      // The allocation observer: a marking step, or the end of marking or sweeping.
      this.gc.allocationStep(this.top - this.stepBase);
      this.stepBase = this.top;
      this.updateLimit();
      if (this.limit - this.top < words) this.limit = this.hardLimit();
    }
    let a = this.top;
    if (a + words > this.limit) a = this.nextNewSpacePage(words);
    if (a + words > this.limit) {
      this.gc.collectForNewSpace();
      a = this.nextNewSpacePage(words);
    }
    if (a + words <= this.limit) {
      this.top = a + words;
      if (this.blackYoung) markBlack(this.heap, a);
      return a;
    }
    // Survivors fill new space: allocate in old space instead (V8 would grow new space).
    return this.allocateOld(words, SPACE_OLD_POINTER);
  }

  private allocateOld(words: number, space: number): Addr {
    this.oldAllocationStep(words);
    const lab = space === SPACE_OLD_POINTER ? this.oldPointerLab : space === SPACE_OLD_DATA ? this.oldDataLab : this.codeLab;
    let a = labAllocate(this.heap, lab, words, MUTATOR_LAB_WORDS);
    for (let fullGcs = 0; a === 0; ) {
      if (!this.gc.collectForOldSpace()) fullGcs++;
      a = labAllocate(this.heap, lab, words, MUTATOR_LAB_WORDS);
      if (a === 0 && fullGcs >= LAST_RESORT_GCS) throw new OutOfMemoryError(`no room for ${words * 4} bytes in old space`);
    }
    if (this.marking) this.liveRow[a >>> PAGE_BITS] += words << 2; // allocated black
    return a;
  }

  private allocateLargeObject(words: number): Addr {
    this.oldAllocationStep(words);
    let a = allocateLarge(this.heap, words, this.marking);
    for (let fullGcs = 0; a === 0; ) {
      if (!this.gc.collectForOldSpace()) fullGcs++;
      a = allocateLarge(this.heap, words, this.marking);
      if (a === 0 && fullGcs >= LAST_RESORT_GCS) throw new OutOfMemoryError(`no room for a large object of ${words * 4} bytes`);
    }
    if (this.marking) this.liveRow[a >>> PAGE_BITS] += words << 2;
    return a;
  }

  /**
   * The old-generation allocation observer (V8 fires one every 256 KiB of old-space allocation,
   * always): starts marking at the old-generation limit even when the mutator allocates only in
   * old space, and paces marking and lazy sweeping. Called before allocating: a step may
   * collect, and the new object is not initialised until we return.
   */
  private oldAllocationStep(words: number): void {
    this.oldSinceStep += words;
    if (this.oldSinceStep >= OBSERVER_STEP_WORDS) {
      const n = this.oldSinceStep;
      this.oldSinceStep = 0;
      this.gc.allocationStep(n);
    }
  }

  // ---- field access --------------------------------------------------------------------------------
  private addrOf(h: Handle): Addr {
    const v = this.roots[h];
    if ((v & 1) === 0) throw new MutatorError(`handle ${h} does not hold an object`);
    return v >>> 1;
  }

  /** Fields (tagged) or words (raw) of the object of `h`. */
  length(h: Handle): number {
    return this.mem[this.addrOf(h) + 1];
  }

  /** `h` holds no object (the null handle, or a field that held a SMI). */
  isNull(h: Handle): boolean {
    return (this.roots[h] & 1) === 0;
  }

  /** Same object? */
  same(a: Handle, b: Handle): boolean {
    return this.roots[a] === this.roots[b];
  }

  /** Field `i` as a new handle (the null handle's value when it holds a SMI). */
  get(h: Handle, i: number): Handle {
    const a = this.addrOf(h);
    if (i >>> 0 >= this.mem[a + 1]) throw new MutatorError(`field ${i} out of range`);
    return this.newHandle(this.mem[a + 2 + i]);
  }

  /** Is field `i` a SMI (no object)? */
  isSmiField(h: Handle, i: number): boolean {
    const a = this.addrOf(h);
    return (this.mem[a + 2 + i] & 1) === 0;
  }

  /** Field `i` as a small integer; throws MutatorError when it holds an object. */
  getSmi(h: Handle, i: number): number {
    const a = this.addrOf(h);
    if (i >>> 0 >= this.mem[a + 1]) throw new MutatorError(`field ${i} out of range`);
    const v = this.mem[a + 2 + i];
    if ((v & 1) !== 0) throw new MutatorError(`field ${i} holds an object, not a SMI`);
    return v >> 1;
  }

  /** Stores the 31-bit integer `n` into field `i` (through the write barrier). */
  setSmi(h: Handle, i: number, n: number): void {
    const a = this.addrOf(h);
    if (i >>> 0 >= this.mem[a + 1]) throw new MutatorError(`field ${i} out of range`);
    if (n > SMI_MAX || n < SMI_MIN || n !== Math.floor(n)) throw new MutatorError(`${n} is not a 31-bit SMI`);
    this.barrier.write(a, a + 2 + i, n << 1);
  }

  /** Stores the object of handle `v` (or null for the null handle) into field `i`. */
  set(h: Handle, i: number, v: Handle): void {
    const a = this.addrOf(h);
    if (i >>> 0 >= this.mem[a + 1]) throw new MutatorError(`field ${i} out of range`);
    this.barrier.write(a, a + 2 + i, this.roots[v]);
  }

  /** Raw word `i` of a raw-data object. */
  readRaw(h: Handle, i: number): number {
    const a = this.addrOf(h);
    if (i >>> 0 >= this.mem[a + 1]) throw new MutatorError(`word ${i} out of range`);
    return this.mem[a + 2 + i];
  }
  /** Writes raw word `i` of a raw-data object (no barrier: collectors never look inside). */
  writeRaw(h: Handle, i: number, word: number): void {
    const a = this.addrOf(h);
    if (i >>> 0 >= this.mem[a + 1]) throw new MutatorError(`word ${i} out of range`);
    this.mem[a + 2 + i] = word | 0;
  }

  /** The workload reports completed work (for throughput figures). */
  work(units = 1): void {
    this.workUnits += units;
  }

  /** Explicit GC, like `global.gc()`. */
  collect(kind: 'minor' | 'major'): void {
    this.gc.collect(kind === 'minor' ? 'scavenge' : 'mark-compact', 'testing', kind === 'minor' ? '' : 'testing');
  }

  /** The address behind a handle, for tests and tools (it changes when the object moves). */
  addressOf(h: Handle): Addr {
    return this.addrOf(h);
  }
}

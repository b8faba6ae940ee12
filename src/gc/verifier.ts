/**
 * The heap verifier (DESIGN §4), main thread, with every helper parked: walks every space object
 * by object and checks that headers are sound, every pointer in every object and root lands on an
 * object start in a live space (never in the empty semispace, a released page, a filler or an
 * object the last marking found dead on a page not yet swept), every
 * old-to-new slot is in the remembered set, and free lists agree with page accounting.
 * V8: heap-verifier.cc.
 */
import {
  type Addr,
  FILLER1_HEADER,
  FILLER_HEADER,
  KIND_FILLER,
  KIND_FILLER1,
  KIND_TAGGED,
  PAGE_BITS,
  PAGE_WORDS,
  SPACE_CODE,
  SPACE_LO,
  SPACE_MAP,
  SPACE_NAMES,
  SPACE_OLD_DATA,
  SPACE_OLD_POINTER,
  headerKind,
  headerMap,
} from '../heap/layout.ts';
import { type Heap, PAGE_NEEDS_SWEEP, C_UNSWEPT_ALLOCATIONS, C_GLOBALS_BASE, C_GLOBALS_COUNT, C_NEW_FROM, C_NEW_TOP, C_ROOT_SP, META_WORDS, M_CHUNK_PAGES, M_USED_WORDS } from '../heap/heap.ts';
import { isValidMap } from '../heap/maps.ts';
import { forEachFreeNode } from '../heap/spaces/free-list.ts';
import { hasOldToNew } from '../heap/remembered-set.ts';

const MAX_ERRORS = 20;

export function verifyHeap(heap: Heap): string[] {
  return new HeapVerifier(heap).run();
}

class HeapVerifier {
  private readonly errors: string[] = [];
  private readonly starts: Uint32Array;
  /** Objects whose slots we check: [addr...] */
  private readonly objects: number[] = [];
  private readonly mem: Int32Array;

  constructor(private readonly heap: Heap) {
    this.mem = heap.mem;
    this.starts = new Uint32Array(Math.ceil(heap.mem.length / 32));
  }

  private error(msg: string): void {
    if (this.errors.length < MAX_ERRORS) this.errors.push(msg);
  }

  private where(a: Addr): string {
    const space = this.heap.spaceOf(a);
    let s: string = SPACE_NAMES[space] ?? '?';
    if (this.heap.inNewSpace(a)) s = this.heap.inFromSpace(a) ? 'new space' : 'the empty semispace (to-space)';
    return `${a} (page ${a >>> PAGE_BITS}, ${s})`;
  }

  run(): string[] {
    const heap = this.heap;
    const ctl = heap.ctl;
    const unswept = ctl[C_UNSWEPT_ALLOCATIONS];
    if (unswept > 0) this.error(`${unswept} allocations landed on pages that were not swept yet`);
    // 1. walk every space, recording object starts
    this.walk(ctl[C_NEW_FROM], ctl[C_NEW_TOP], 'new space');
    for (const s of [SPACE_OLD_POINTER, SPACE_OLD_DATA, SPACE_CODE, SPACE_MAP]) {
      for (const p of heap.pagesOf(s)) this.walk(p << PAGE_BITS, (p + 1) << PAGE_BITS, SPACE_NAMES[s]);
    }
    for (const p of heap.pagesOf(SPACE_LO)) {
      const a = p << PAGE_BITS;
      const pages = heap.pageMeta[p * META_WORDS + M_CHUNK_PAGES];
      this.walk(a, a + pages * PAGE_WORDS, 'lo');
    }
    // 2. every pointer of every object and root
    for (const obj of this.objects) this.checkSlots(obj);
    const roots = heap.roots;
    for (let r = 1; r < ctl[C_ROOT_SP]; r++) this.checkPointer(roots[r], `handle ${r}`);
    const gb = ctl[C_GLOBALS_BASE];
    for (let r = gb; r < gb + ctl[C_GLOBALS_COUNT]; r++) this.checkPointer(roots[r], `global #${r - gb}`);
    // 3. free lists and page accounting
    this.checkFreeLists();
    return this.errors;
  }

  private walk(from: Addr, to: Addr, label: string): void {
    const mem = this.mem;
    const starts = this.starts;
    for (let a = from; a < to; ) {
      const h = mem[a];
      if ((h & 1) !== 0) {
        this.error(`forwarding header left at ${this.where(a)} in ${label}`);
        return;
      }
      let size: number;
      const kind = headerKind(h);
      if (h === FILLER1_HEADER) size = 1;
      else if (kind === KIND_FILLER1 || (kind === KIND_FILLER && h !== FILLER_HEADER)) {
        this.error(`bad filler header ${h} at ${this.where(a)}`);
        return;
      } else {
        const len = mem[a + 1];
        if (len < 0 || a + 2 + len > to) {
          this.error(`object at ${this.where(a)} has length ${len} beyond its ${label} area end ${to}`);
          return;
        }
        size = 2 + len;
        if (kind !== KIND_FILLER) {
          if (!isValidMap(this.heap, headerMap(h))) {
            this.error(`object at ${this.where(a)} has an invalid map ${headerMap(h)}`);
            return;
          }
          // A page waiting for the sweeper still holds the dead objects of the last marking: only
          // its marked objects are live, so a pointer to an unmarked one is an error, and the dead
          // ones' stale slots are not checked.
          if (!this.unswept(a >>> PAGE_BITS) || this.heap.isMarked(a)) {
            starts[a >>> 5] |= 1 << (a & 31);
            if (kind === KIND_TAGGED) this.objects.push(a);
          }
        }
      }
      a += size;
    }
  }

  private unswept(page: number): boolean {
    return (this.heap.pageFlags(page) & PAGE_NEEDS_SWEEP) !== 0;
  }

  private isStart(a: Addr): boolean {
    return (this.starts[a >>> 5] & (1 << (a & 31))) !== 0;
  }

  private checkPointer(v: number, what: string): boolean {
    if ((v & 1) === 0) return true;
    const a = v >>> 1;
    if (a <= 0 || a >= this.mem.length || !this.isStart(a)) {
      this.error(`${what} points to ${this.where(a)}, which is not a live object`);
      return false;
    }
    return true;
  }

  private checkSlots(obj: Addr): void {
    const mem = this.mem;
    const heap = this.heap;
    const end = obj + 2 + mem[obj + 1];
    const old = !heap.inNewSpace(obj);
    for (let slot = obj + 2; slot < end; slot++) {
      const v = mem[slot];
      if ((v & 1) === 0) continue;
      if (!this.checkPointer(v, `slot ${slot - obj - 2} of the object at ${this.where(obj)}`)) continue;
      if (old && heap.inNewSpace(v >>> 1) && !hasOldToNew(heap, slot)) {
        this.error(`old-to-new slot ${slot} of the object at ${this.where(obj)} is missing from the remembered set`);
      }
    }
  }

  private checkFreeLists(): void {
    const heap = this.heap;
    for (const s of [SPACE_OLD_POINTER, SPACE_OLD_DATA, SPACE_CODE]) {
      const freeOnPage = new Map<number, number>();
      try {
        forEachFreeNode(heap, s, (node, words) => {
          const p = node >>> PAGE_BITS;
          if (heap.spaceOf(node) !== s) this.error(`free-list node ${node} of ${SPACE_NAMES[s]} lies on a page of ${SPACE_NAMES[heap.spaceOf(node)]}`);
          if (this.isStart(node)) this.error(`free-list node ${node} overlaps a live object`);
          if ((node & (PAGE_WORDS - 1)) + words > PAGE_WORDS) this.error(`free-list node ${node} crosses its page end`);
          freeOnPage.set(p, (freeOnPage.get(p) ?? 0) + words);
        });
      } catch (e) {
        this.error((e as Error).message);
        continue;
      }
      for (const p of heap.pagesOf(s)) {
        if (this.unswept(p)) continue; // its accounting is the last GC's until it is swept
        const used = heap.pageMeta[p * META_WORDS + M_USED_WORDS];
        const free = freeOnPage.get(p) ?? 0;
        if (used + free !== PAGE_WORDS) this.error(`page ${p} of ${SPACE_NAMES[s]}: used ${used} + free-list ${free} words != ${PAGE_WORDS}`);
      }
    }
  }
}

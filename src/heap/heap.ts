/**
 * The heap's shared memory: the word array and the three bitmaps in ranges of shared wasm
 * memories (heap/wasm-arena.ts), page metadata, handle roots and the control block each in its
 * own SharedArrayBuffer, mapped once by every thread
 * (`Heap.create` on the main thread, `Heap.attach` in helpers). Owns the page pool and the
 * page lists of every space. No thread policy here: callers take `lock()` when they race.
 * V8: heap.h, memory-allocator.h, memory-chunk.h.
 *
 *   mem (Int32Array, word-addressed; page = 2^16 words = 256 KiB)
 *   +--------+--------+--------------+--------------+---------------------------------------+
 *   | page 0 | page 1 | semispace A  | semispace B  | pool: old pointer/data, code, map, LO  |
 *   | null   | map sp.| (S pages)    | (S pages)    | pages, taken and returned at run time  |
 *   +--------+--------+--------------+--------------+---------------------------------------+
 *
 *   pageMeta (Int32Array, META_WORDS per page)
 *   | space | flags | liveBytes | usedWords | chunkPages | next | progress | rsCount | rsOldCount | abortedAt |
 *
 *   markBits, rsBits (OLD_TO_NEW), rsOldBits (OLD_TO_OLD) (Int32Array): one bit per heap word;
 *   bit (a & 31) of word (a >>> 5).
 */
import { lockWord, unlockWord } from '../parallel/lock.ts';
import { atomicsFor } from '../parallel/wasm-atomics.ts';
import { type ArenaRange, allocateInArena, allocateObjectArea, releaseToArena } from './wasm-arena.ts';
import {
  type Addr,
  PAGE_BITS,
  PAGE_WORDS,
  SPACE_FREE,
  SPACE_NEW,
  SPACE_MAP,
  SPACE_RESERVED,
  SPACE_LO,
  FILLER_HEADER,
  FILLER1_HEADER,
  WORD_BYTES,
} from './layout.ts';

// ---- page metadata --------------------------------------------------------------------------
export const META_WORDS = 10;
export const M_SPACE = 0;
export const M_FLAGS = 1;
/** Live bytes found by the last marking (summed per thread at the end of marking). */
export const M_LIVE_BYTES = 2;
/** Words of the page not on a free list and not in an unused LAB remainder. */
export const M_USED_WORDS = 3;
/** For the first page of a large-object chunk: its number of pages. */
export const M_CHUNK_PAGES = 4;
/** Next page of the same space (0 ends the list). */
export const M_NEXT = 5;
/** First page of a large object: slots scanned so far by marking (V8's progress bar). */
export const M_PROGRESS = 6;
/** Number of old-to-new slots recorded on this page (approximate: only 0 / non-0 matters). */
export const M_RS_COUNT = 7;
/** Number of OLD_TO_OLD slots (into evacuation candidates) recorded on this page (0 / non-0). */
export const M_RS_OLD_COUNT = 8;
/**
 * An evacuation candidate whose evacuation ran out of space: the address of the first object
 * left in place (every live object below it was moved). Written by the one thread evacuating the
 * page; read by the main thread after the phase. 0 = not aborted.
 */
export const M_ABORTED_AT = 9;

export const PAGE_EVACUATION_CANDIDATE = 1;
export const PAGE_NEEDS_SWEEP = 2;
export const PAGE_LARGE_START = 4;
export const PAGE_LARGE_CONT = 8;
export const PAGE_FROM_SPACE = 16;
export const PAGE_TO_SPACE = 32;
/** V8's COMPACTION_WAS_ABORTED: a candidate that keeps the objects evacuation could not move. */
export const PAGE_COMPACTION_ABORTED = 64;

// ---- control block -------------------------------------------------------------------------
export const C_LOCK = 0;
export const C_NEW_FROM = 1;
export const C_NEW_TO = 2;
export const C_SEMI_WORDS = 3;
export const C_NEW_TOP = 4;
export const C_AGE_MARK = 5;
export const C_TO_TOP = 6;
/**
 * Extra pages the old generation may take beyond its limit: evacuation takes target pages before
 * it releases candidates. Written by the main thread before and after evacuation (helpers parked);
 * read under the heap lock by any thread taking a page.
 */
export const C_HEADROOM_PAGES = 7;
/**
 * Set (to 1) by any GC thread that found no space at all for a surviving young object; the main
 * thread turns it into V8's out-of-memory failure after the phase. Cleared by the main thread.
 */
export const C_GC_OUT_OF_MEMORY = 8;
export const C_POOL_FREE_PAGES = 9;
export const C_MARKING = 10;
export const C_TEST_FLAGS = 11;
export const C_TOTAL_PAGES = 12;
export const C_POOL_LIMIT_PAGES = 13;
/**
 * Evacuation candidates chosen when the current (or last) marking cycle started; 0 lets marking
 * skip the per-slot candidate check (no OLD_TO_OLD slot can need recording). Written by the main
 * thread before marking starts, only read while it runs.
 */
export const C_MARKING_CANDIDATES = 14;
/**
 * Every pool page below this one is in use (under the heap lock): `takeChunk` starts its search
 * here rather than at the first pool page, so taking a page does not scan the whole pool.
 */
export const C_POOL_SCAN_FROM = 15;
/** Head page of each space's page list, indexed by space id. */
export const C_SPACE_FIRST = 16;
export const C_MAP_TOP = 24;
export const C_ROOT_SP = 25;
export const C_GLOBALS_BASE = 26;
export const C_GLOBALS_COUNT = 27;
/** Set by the main thread to make background phases (concurrent marking, sweeping) return early. */
export const C_BACKGROUND_STOP = 28;
/** Debug counter: allocations that landed on a page still waiting to be swept (must stay 0). */
export const C_UNSWEPT_ALLOCATIONS = 29;
/** ForTesting: a fault to inject in a helper, `thread << 8 | phase << 2 | kind` (see participant.ts). */
export const C_TEST_FAULT = 30;
/**
 * Warm-up only: nonzero while the warm-up program runs on a scratch heap. Each thread that takes
 * part in a scavenge then first runs rare paths (`Participant.warmRarePaths`), among them a
 * forwarding race it loses (`Scavenger.warmLostRace`, which adds one to C_WARMUP_LOST_RACES).
 * Written by the main thread between GCs.
 */
export const C_WARMUP_PATHS = 31;
export const C_WARMUP_LOST_RACES = 32;
/** Warm-up only: a lock word every participant takes at once (`warmContendedLock`). */
export const C_WARMUP_LOCK = 33;
/** Warm-up only: participants that have found C_WARMUP_LOCK held once. */
export const C_WARMUP_CONTENDED_LOCKS = 34;
/** Warm-up only: the lock under which a participant runs a rare path on page 0 and undoes it (`onPageZero`). */
export const C_WARMUP_RECORD_LOCK = 35;
/**
 * Nonzero while a stop-the-world mark splits the heap among its threads (option ownerMarking):
 * written by the main thread before the phase, read by every marker when it starts.
 */
export const C_MARK_OWNED = 36;
/**
 * Nonzero while a scavenge splits from-space among its threads (option ownerScavenging): written
 * by the main thread before the phase, read by every scavenger when it starts.
 */
export const C_SCAVENGE_OWNED = 37;
/**
 * Nonzero while a stop-the-world mark gives each helper a mark bitmap of its own (option
 * threadMarkBitmaps): written by the main thread before the phase, read by every marker.
 */
export const C_MARK_THREAD_BITMAPS = 38;
export const CTL_WORDS = 40;

/** ForTesting switches, shared so that helper threads see them too. */
export const TEST_NO_REMEMBERED_SET = 1;
export const TEST_NO_POINTER_UPDATE = 2;
export const TEST_PLAIN_FORWARDING = 4;
export const TEST_NO_MARKING_BARRIER = 8;
export const TEST_KEEP_STALE_FREE_LISTS = 16;
/** Helpers decide whether to join a phase from their own copy of the GC config, not the terminator. */
export const TEST_STALE_JOIN_MODE = 32;
/**
 * Markers (`Marker`: parallel, concurrent and incremental marking; not the mutator's barrier or
 * black allocation) set mark bits with a plain or, as one thread alone does. Unsafe wherever two
 * threads can set bits of one bitmap word (a lost update unmarks a live object); for
 * measurements whose threads share no bitmap word (bench/figures/bitmap-sharing.ts).
 */
export const TEST_PLAIN_MARKING = 64;
/**
 * The finalization pause leaves what the stopped concurrent markers published on their own stacks
 * instead of gathering it on the main thread's (`Worklist.gatherPublished`): under a scheme that
 * never steals, a helper that does not join the pause leaves it unmarked.
 */
export const TEST_KEEP_MARKER_LEFTOVERS = 128;
/**
 * Owner marking's terminator ignores undelivered mail: the mark ends once every thread is idle,
 * with mark targets still published to a thread that will not take them (`Marker.ownedWork`).
 */
export const TEST_IGNORE_UNDELIVERED_MAIL = 256;
/**
 * Option threadMarkBitmaps: the helpers' mark bitmaps are not merged into the heap's after a
 * mark, so what only helpers marked looks unmarked (`MarkCompactCollector.mergeThreadMarkBitmaps`).
 */
export const TEST_SKIP_MARK_BITMAP_MERGE = 512;
/**
 * Option ownerMarking under the 'dynamic' helper join: an owned mark joins its helpers as other
 * phases do (lazily, and only those that arrive before the main thread has finished), instead of
 * every helper from the start (`MarkCompactCollector.markParallel`).
 */
export const TEST_OWNED_MARK_DYNAMIC_JOIN = 1024;

export interface HeapBuffers {
  /**
   * The object area (the word array): a range of a wasm memory shared by the process's heaps
   * (heap/wasm-arena.ts), so that forwarding races are wasm atomics (`Heap.cas`); a
   * SharedArrayBuffer of its own for an area larger than a wasm memory (4 GiB).
   */
  mem: ArenaRange | SharedArrayBuffer;
  pageMeta: SharedArrayBuffer;
  /**
   * The mark bitmap, then the OLD_TO_NEW and the OLD_TO_OLD bitmaps, `bitmapBytes` each, in one
   * range of a wasm memory shared by every heap of the process (heap/wasm-arena.ts), so that
   * their racing updates are wasm atomics (`Heap.setBit`, `Heap.clearBits`).
   */
  bitmaps: ArenaRange;
  bitmapBytes: number;
  roots: SharedArrayBuffer;
  ctl: SharedArrayBuffer;
  freeLists: SharedArrayBuffer;
}

/**
 * `Heap.cas` of every heap whose object area is a SharedArrayBuffer of its own (above 4 GiB): one
 * function for all of them, as the wasm `cas` is one per memory, so that the scavenger's call
 * site keeps the one target it had in the warm-up's heap. A closure made per heap was a new
 * target in the measured heap, and the site deoptimised there ("wrong call target") in the
 * measured run's first scavenges.
 */
function casInOwnBuffer(this: Heap, _base: number, addr: Addr, expected: number, replacement: number): number {
  return Atomics.compareExchange(this.mem, addr, expected, replacement);
}

export interface HeapGeometry {
  semiPages: number;
  /** Pages that the old generation (old spaces, code, LO) may hold at most. */
  oldPages: number;
  /** Extra pages so that evacuation can take target pages before candidates are released. */
  headroomPages: number;
  maxHandles: number;
}

/** Pages a heap may have: word addresses below 2^31 (see Heap.create). */
export const MAX_PAGES = (1 << (31 - PAGE_BITS)) - 1;

export const MAP_SPACE_PAGE = 1;
export const FIRST_SEMI_PAGE = 2;

export class HeapOutOfMemory extends Error {}

/** Gives the arena ranges of a heap that was never released back when the heap is collected. */
const arenaRanges = new FinalizationRegistry<ArenaRange>(releaseToArena);

/** Words in one page of the operating system (4 KiB on x86-64 and arm64 Linux): the unit of `preTouch`. */
const OS_PAGE_WORDS = 1024;

export class Heap {
  readonly mem: Int32Array;
  /** Byte offset of `mem` in its wasm memory, as an int32 (it may pass 2^31): the `base` of `cas`. */
  readonly memBase: number;
  /**
   * Compare-and-exchange of word `addr` of `mem` (`base`: `memBase`); returns the word it found.
   * A wasm atomic (parallel/wasm-atomics.ts), about half the cost of `Atomics.compareExchange`
   * here; that one for an object area in a SharedArrayBuffer (`casInOwnBuffer`). Called as a
   * method (`heap.cas(...)`): the latter reads the heap's `mem` through `this`.
   */
  readonly cas: (this: Heap, base: number, addr: Addr, expected: number, replacement: number) => number;
  readonly pageMeta: Int32Array;
  readonly markBits: Int32Array;
  /** Byte offsets of the three bitmaps in their memory: the `base` of `setBit` and `clearBits`. */
  readonly markBase: number;
  readonly rsBase: number;
  readonly rsOldBase: number;
  /**
   * Sets bit `addr` of the bitmap at `base` atomically; 1 if this call set it. A wasm atomic
   * (parallel/wasm-atomics.ts): about half the cost of an `Atomics.or` here.
   */
  readonly setBit: (base: number, addr: Addr) => number;
  /** Clears the bits `mask` of word `word` of the bitmap at `base` atomically. */
  readonly clearBits: (base: number, word: number, mask: number) => void;
  readonly rsBits: Int32Array;
  readonly rsOldBits: Int32Array;
  /** The object area's arena range; null for one in a SharedArrayBuffer of its own. */
  private readonly objectRange: ArenaRange | null;
  /** This thread made the heap (`create`) and gives its arena range back (`release`), once. */
  private owner = false;
  private released = false;
  readonly roots: Int32Array;
  readonly ctl: Int32Array;
  readonly freeLists: Int32Array;
  readonly totalPages: number;
  readonly semiWords: number;
  readonly newStart: Addr;
  readonly newEnd: Addr;

  private constructor(readonly buffers: HeapBuffers) {
    const area = buffers.mem;
    if (area instanceof SharedArrayBuffer) {
      const mem = new Int32Array(area);
      this.mem = mem;
      this.memBase = 0;
      this.cas = casInOwnBuffer;
      this.objectRange = null;
    } else {
      this.mem = new Int32Array(area.memory.buffer, area.offset, area.bytes / 4);
      this.memBase = area.offset | 0;
      this.cas = atomicsFor(area.memory).cas;
      this.objectRange = area;
    }
    this.pageMeta = new Int32Array(buffers.pageMeta);
    const { memory, offset } = buffers.bitmaps;
    const n = buffers.bitmapBytes >>> 2;
    this.markBase = offset;
    this.rsBase = offset + buffers.bitmapBytes;
    this.rsOldBase = offset + 2 * buffers.bitmapBytes;
    this.markBits = new Int32Array(memory.buffer, this.markBase, n);
    this.rsBits = new Int32Array(memory.buffer, this.rsBase, n);
    this.rsOldBits = new Int32Array(memory.buffer, this.rsOldBase, n);
    const atomics = atomicsFor(memory);
    this.setBit = atomics.setBit;
    this.clearBits = atomics.clearBits;
    this.roots = new Int32Array(buffers.roots);
    this.ctl = new Int32Array(buffers.ctl);
    this.freeLists = new Int32Array(buffers.freeLists);
    this.totalPages = this.ctl[C_TOTAL_PAGES];
    this.semiWords = this.ctl[C_SEMI_WORDS];
    this.newStart = FIRST_SEMI_PAGE << PAGE_BITS;
    this.newEnd = this.newStart + 2 * this.semiWords;
  }

  /** The pages of a heap of geometry `g`: its object area is that many pages of PAGE_WORDS words. */
  static totalPages(g: HeapGeometry): number {
    return FIRST_SEMI_PAGE + 2 * g.semiPages + g.oldPages + g.headroomPages;
  }

  /**
   * `placement` (see `allocateObjectArea`): `keepRoomBytes` after the object area in its memory
   * (a scratch heap keeps room for the measured one), and `after`, a heap whose memory the object
   * area comes from if it can (the measured heap after its scratch heap).
   */
  static create(g: HeapGeometry, freeListWords: number, placement: { keepRoomBytes?: number; after?: Heap } = {}): Heap {
    const totalPages = Heap.totalPages(g);
    // A tagged pointer is (address << 1) | 1 in an int32 word, so word addresses stay below 2^31
    // (8 GiB; above 2^30 the tagged word is negative, which every reader handles with `>>> 1`).
    // One page short of it, so that the end of the last page, (page + 1) << PAGE_BITS, is an int32.
    if (totalPages > MAX_PAGES) throw new HeapOutOfMemory(`heap too large: ${totalPages} pages, at most ${MAX_PAGES} (31-bit word addresses)`);
    const words = totalPages * PAGE_WORDS;
    const buffers: HeapBuffers = {
      mem: allocateObjectArea(words * 4, placement.keepRoomBytes ?? 0, placement.after?.objectRange?.memory) ?? new SharedArrayBuffer(words * 4),
      pageMeta: new SharedArrayBuffer(totalPages * META_WORDS * 4),
      bitmaps: allocateInArena(3 * (words >>> 5) * 4),
      bitmapBytes: (words >>> 5) * 4,
      roots: new SharedArrayBuffer(g.maxHandles * 4),
      ctl: new SharedArrayBuffer(CTL_WORDS * 4),
      freeLists: new SharedArrayBuffer(freeListWords * 4),
    };
    const ctl = new Int32Array(buffers.ctl);
    ctl[C_TOTAL_PAGES] = totalPages;
    ctl[C_SEMI_WORDS] = g.semiPages * PAGE_WORDS;
    ctl[C_POOL_LIMIT_PAGES] = g.oldPages;
    const h = new Heap(buffers);
    h.owner = true;
    arenaRanges.register(h, buffers.bitmaps, h);
    if (h.objectRange !== null) arenaRanges.register(h, h.objectRange, h);
    const pm = h.pageMeta;
    pm[0 * META_WORDS + M_SPACE] = SPACE_RESERVED;
    h.mem[0] = FILLER1_HEADER;
    h.mem[1] = FILLER_HEADER;
    h.mem[2] = PAGE_WORDS - 2;
    pm[MAP_SPACE_PAGE * META_WORDS + M_SPACE] = SPACE_MAP;
    ctl[C_SPACE_FIRST + SPACE_MAP] = MAP_SPACE_PAGE;
    h.formatFiller(MAP_SPACE_PAGE << PAGE_BITS, PAGE_WORDS);
    for (let p = FIRST_SEMI_PAGE; p < FIRST_SEMI_PAGE + 2 * g.semiPages; p++) {
      pm[p * META_WORDS + M_SPACE] = SPACE_NEW;
      pm[p * META_WORDS + M_FLAGS] = p < FIRST_SEMI_PAGE + g.semiPages ? PAGE_FROM_SPACE : PAGE_TO_SPACE;
    }
    ctl[C_NEW_FROM] = h.newStart;
    ctl[C_NEW_TO] = h.newStart + h.semiWords;
    ctl[C_NEW_TOP] = h.newStart;
    ctl[C_AGE_MARK] = h.newStart;
    ctl[C_POOL_FREE_PAGES] = totalPages - FIRST_SEMI_PAGE - 2 * g.semiPages;
    h.commitSideTables(h.newStart, h.newEnd);
    return h;
  }

  static attach(buffers: HeapBuffers): Heap {
    return new Heap(buffers);
  }

  /**
   * Gives the heap's arena ranges back (on the thread that created it, once no thread uses the
   * heap any more: `Simulator.close`). A heap never released gives them back when collected,
   * unless `keepRangeUntilReleased` was called.
   */
  release(): void {
    if (!this.owner || this.released) return;
    this.released = true;
    arenaRanges.unregister(this);
    releaseToArena(this.buffers.bitmaps);
    if (this.objectRange !== null) releaseToArena(this.objectRange);
  }

  /**
   * For a heap that helper threads work on: its ranges go back only through `release`. Helpers
   * may outlive the main thread's last reference to a simulator that was never closed, and must
   * not find their bitmaps handed to another heap.
   */
  keepRangeUntilReleased(): void {
    arenaRanges.unregister(this);
  }

  get poolFirstPage(): number {
    return FIRST_SEMI_PAGE + 2 * (this.semiWords >>> PAGE_BITS);
  }

  // ---- locking: one mutex (parallel/lock.ts) guarding the page pool, page lists and free lists
  lock(): void {
    lockWord(this.ctl, C_LOCK);
  }
  unlock(): void {
    unlockWord(this.ctl, C_LOCK);
  }

  // ---- address classification (hot: plain loads only) -----------------------------------------
  inNewSpace(addr: Addr): boolean {
    return addr >= this.newStart && addr < this.newEnd;
  }
  /** The semispace being evacuated during a scavenge / where the mutator allocates between GCs. */
  inFromSpace(addr: Addr): boolean {
    const from = this.ctl[C_NEW_FROM];
    return addr >= from && addr < from + this.semiWords;
  }
  inToSpace(addr: Addr): boolean {
    const to = this.ctl[C_NEW_TO];
    return addr >= to && addr < to + this.semiWords;
  }
  spaceOf(addr: Addr): number {
    return this.pageMeta[(addr >>> PAGE_BITS) * META_WORDS + M_SPACE];
  }
  pageFlags(page: number): number {
    return this.pageMeta[page * META_WORDS + M_FLAGS];
  }
  testFlag(flag: number): boolean {
    return (this.ctl[C_TEST_FLAGS] & flag) !== 0;
  }

  // ---- fillers ------------------------------------------------------------------------------
  /**
   * Formats [addr, addr + words) as one filler object so that the page stays iterable. One-word
   * fillers are rare; they share the header store with the others rather than having a store of
   * their own, which a thread may never have run before a measured pause: optimised code that
   * meets a store without type feedback deoptimises (the sweeper's `sweepPage` did, up to 12
   * times in one run at threads = 4).
   */
  formatFiller(addr: Addr, words: number): void {
    if (words <= 0) return;
    const mem = this.mem;
    mem[addr] = words === 1 ? FILLER1_HEADER : FILLER_HEADER;
    if (words > 1) mem[addr + 1] = words - 2;
  }

  // ---- page pool ------------------------------------------------------------------------------
  /** Takes one free page for `space` (caller holds the lock). Returns 0 when the pool is empty. */
  takePage(space: number): number {
    const n = this.takeChunk(space, 1);
    return n;
  }

  /** Takes `pages` contiguous free pages (caller holds the lock); returns the first or 0. */
  takeChunk(space: number, pages: number): number {
    const pm = this.pageMeta;
    const ctl = this.ctl;
    if (this.oldGenerationPages() + pages > ctl[C_POOL_LIMIT_PAGES] + ctl[C_HEADROOM_PAGES]) return 0;
    let run = 0;
    let firstFree = -1;
    for (let p = Math.max(this.poolFirstPage, ctl[C_POOL_SCAN_FROM]); p < this.totalPages; p++) {
      if (pm[p * META_WORDS + M_SPACE] === SPACE_FREE) {
        if (firstFree < 0) firstFree = p;
        run++;
        if (run === pages) {
          const first = p - pages + 1;
          ctl[C_POOL_SCAN_FROM] = firstFree === first ? p + 1 : firstFree;
          for (let q = first; q <= p; q++) {
            const m = q * META_WORDS;
            pm[m + M_SPACE] = space;
            pm[m + M_FLAGS] = space === SPACE_LO ? (q === first ? PAGE_LARGE_START : PAGE_LARGE_CONT) : 0;
            pm[m + M_LIVE_BYTES] = 0;
            pm[m + M_USED_WORDS] = 0;
            pm[m + M_CHUNK_PAGES] = q === first ? pages : 0;
            pm[m + M_PROGRESS] = 0;
            pm[m + M_RS_COUNT] = 0;
            pm[m + M_RS_OLD_COUNT] = 0;
            pm[m + M_ABORTED_AT] = 0;
            pm[m + M_NEXT] = 0;
          }
          // link at the head of the space's page list
          pm[first * META_WORDS + M_NEXT] = ctl[C_SPACE_FIRST + space];
          ctl[C_SPACE_FIRST + space] = first;
          ctl[C_POOL_FREE_PAGES] -= pages;
          return first;
        }
      } else {
        run = 0;
      }
    }
    if (firstFree >= 0) ctl[C_POOL_SCAN_FROM] = firstFree;
    return 0;
  }

  /** Returns a page or large-object chunk to the pool and unlinks it (caller holds the lock). */
  releaseChunk(first: number): void {
    const pm = this.pageMeta;
    const ctl = this.ctl;
    const space = pm[first * META_WORDS + M_SPACE];
    const pages = space === SPACE_LO ? pm[first * META_WORDS + M_CHUNK_PAGES] : 1;
    // unlink
    let prev = 0;
    let p = ctl[C_SPACE_FIRST + space];
    while (p !== 0 && p !== first) {
      prev = p;
      p = pm[p * META_WORDS + M_NEXT];
    }
    if (p === 0) throw new Error(`page ${first} is not in space ${space}'s list`);
    const next = pm[first * META_WORDS + M_NEXT];
    if (prev === 0) ctl[C_SPACE_FIRST + space] = next;
    else pm[prev * META_WORDS + M_NEXT] = next;
    for (let q = first; q < first + pages; q++) {
      pm.fill(0, q * META_WORDS, (q + 1) * META_WORDS);
      const w0 = (q << PAGE_BITS) >>> 5;
      this.markBits.fill(0, w0, w0 + (PAGE_WORDS >>> 5));
      this.rsBits.fill(0, w0, w0 + (PAGE_WORDS >>> 5));
      this.rsOldBits.fill(0, w0, w0 + (PAGE_WORDS >>> 5));
    }
    ctl[C_POOL_FREE_PAGES] += pages;
    if (first < ctl[C_POOL_SCAN_FROM]) ctl[C_POOL_SCAN_FROM] = first;
  }

  /** Pages held by the old generation (old spaces, code, large objects). */
  oldGenerationPages(): number {
    return this.totalPages - this.poolFirstPage - this.ctl[C_POOL_FREE_PAGES];
  }

  /** Pages of `space`, in list order (allocates an array: not for hot paths). */
  pagesOf(space: number): number[] {
    const out: number[] = [];
    const pm = this.pageMeta;
    for (let p = this.ctl[C_SPACE_FIRST + space]; p !== 0; p = pm[p * META_WORDS + M_NEXT]) out.push(p);
    return out;
  }

  // ---- sizes -----------------------------------------------------------------------------------
  newSpaceUsedWords(): number {
    return this.ctl[C_NEW_TOP] - this.ctl[C_NEW_FROM];
  }
  spaceUsedWords(space: number): number {
    if (space === SPACE_NEW) return this.newSpaceUsedWords();
    let sum = 0;
    const pm = this.pageMeta;
    for (let p = this.ctl[C_SPACE_FIRST + space]; p !== 0; p = pm[p * META_WORDS + M_NEXT]) {
      // A page waiting for the sweeper still holds its dead objects: count what marking found live.
      const m = p * META_WORDS;
      sum += (pm[m + M_FLAGS] & PAGE_NEEDS_SWEEP) !== 0 ? pm[m + M_LIVE_BYTES] >>> 2 : pm[m + M_USED_WORDS];
    }
    return sum;
  }
  spaceCommittedPages(space: number): number {
    if (space === SPACE_NEW) return 2 * (this.semiWords >>> PAGE_BITS);
    let sum = 0;
    const pm = this.pageMeta;
    for (let p = this.ctl[C_SPACE_FIRST + space]; p !== 0; p = pm[p * META_WORDS + M_NEXT]) sum += space === SPACE_LO ? pm[p * META_WORDS + M_CHUNK_PAGES] : 1;
    return sum;
  }
  bytes(words: number): number {
    return words * WORD_BYTES;
  }

  // ---- mark bitmap ----------------------------------------------------------------------------
  isMarked(addr: Addr): boolean {
    return (this.markBits[addr >>> 5] & (1 << (addr & 31))) !== 0;
  }
  /**
   * Clears the mark bits (or the remembered set) of every page in use. Pages in the pool are
   * already clear (releaseChunk clears them), and not touching them keeps their memory uncommitted.
   */
  clearBitsOfUsedPages(bits: Int32Array): void {
    const pm = this.pageMeta;
    const perPage = PAGE_WORDS >>> 5;
    for (let p = 0; p < this.totalPages; p++) {
      if (pm[p * META_WORDS + M_SPACE] !== SPACE_FREE) bits.fill(0, p * perPage, (p + 1) * perPage);
    }
  }

  /**
   * Writes the side tables (mark bitmap, both remembered-set bitmaps) of [from, to) once, so the
   * operating system backs them with memory now rather than at their first use in a GC pause. V8
   * initializes a page's header, where these tables live, when it commits the page; a fresh
   * SharedArrayBuffer is backed lazily, on first write. The object area is left to first touch,
   * as in V8.
   */
  commitSideTables(from: Addr, to: Addr): void {
    this.markBits.fill(0, from >>> 5, (to + 31) >>> 5);
    this.rsBits.fill(0, from >>> 5, (to + 31) >>> 5);
    this.rsOldBits.fill(0, from >>> 5, (to + 31) >>> 5);
  }

  /**
   * Option preTouch (HotSpot's -XX:+AlwaysPreTouch): writes one word of every 4 KiB page of the
   * object area, and the side tables of the whole heap, so the operating system backs all of it
   * now. The first copy into a page then costs no page fault, whose cost is the machine's (a VM
   * whose host backs the page only then: 2-12 us here) and which two threads of one process take
   * under the kernel's locks of its address space. Each word is written with the value it holds,
   * so a heap in use keeps its contents.
   */
  preTouch(): void {
    const mem = this.mem;
    for (let w = 0; w < mem.length; w += OS_PAGE_WORDS) mem[w] = mem[w];
    this.commitSideTables(0, mem.length);
  }

  clearMarkBitsRange(from: Addr, to: Addr): void {
    // word-granular clearing of whole bitmap words inside [from, to); both ends page-aligned or 32-aligned
    this.markBits.fill(0, from >>> 5, (to + 31) >>> 5);
  }
}

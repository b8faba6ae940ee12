/**
 * The main-thread half of the mark-compact collector (stop-the-world here): marks from the roots
 * on every participant, chooses evacuation candidates by a compaction policy, evacuates them and the
 * live young objects in parallel, updates pointers in parallel (rebuilding the remembered set),
 * frees dead large objects and candidate pages, and sweeps the other pages in parallel.
 * V8: mark-compact.cc (MarkCompactCollector).
 */
import {
  type Addr,
  PAGE_BITS,
  PAGE_BYTES,
  PAGE_WORDS,
  PAGED_SPACES,
  SPACE_CODE,
  SPACE_LO,
  SPACE_NAMES,
  SPACE_FREE,
  SPACE_OLD_DATA,
  SPACE_OLD_POINTER,
} from '../heap/layout.ts';
import {
  C_MARK_OWNED,
  C_MARK_THREAD_BITMAPS,
  TEST_SKIP_MARK_BITMAP_MERGE,
  TEST_OWNED_MARK_DYNAMIC_JOIN,
  PAGE_LARGE_START,
  type Heap,
  C_GLOBALS_BASE,
  C_NEW_FROM,
  C_NEW_TO,
  C_NEW_TOP,
  C_TO_TOP,
  C_MARKING,
  C_GC_OUT_OF_MEMORY,
  C_HEADROOM_PAGES,
  C_ROOT_SP,
  META_WORDS,
  M_ABORTED_AT,
  PAGE_NEEDS_SWEEP,
  TEST_KEEP_STALE_FREE_LISTS,
  M_FLAGS,
  M_LIVE_BYTES,
  M_RS_COUNT,
  M_RS_OLD_COUNT,
  M_USED_WORDS,
  M_SPACE,
  M_PROGRESS,
  PAGE_COMPACTION_ABORTED,
  PAGE_EVACUATION_CANDIDATE,
  C_MARKING_CANDIDATES,
} from '../heap/heap.ts';
import { markedWords, nextMarked } from '../heap/marking-bitmap.ts';
import { clearOldToNewRange } from '../heap/remembered-set.ts';
import { OutOfMemoryError } from '../heap/out-of-memory.ts';
import { freeListReset } from '../heap/spaces/free-list.ts';
import { flipSemispaces, resetToSpace, ZAP_VALUE } from '../heap/spaces/semi-space.ts';
import type { PageMapEntry } from '../metrics/result.ts';
import type { GcShared } from './gc-shared.ts';
import { EVACUATE_MAIN_THREAD_ONLY, PHASE_EVACUATE, PHASE_MARK, PHASE_SWEEP, PHASE_UPDATE_POINTERS } from './phases.ts';
import type { PhaseClock } from './phase-clock.ts';
import type { CompactionPolicyFn, PageFigures } from './compaction-policy.ts';
import { addRootItems } from './scavenger-collector.ts';
import { ITEM_NEW_RANGE, ITEM_PAGE } from './work-items.ts';

export interface CompactionPolicy {
  neverCompact: boolean;
  /** A page is a candidate when at least this % of it is free. */
  fragmentationPercent: number;
  /** At most this many live bytes are evacuated per GC. */
  quotaBytes: number;
  /** Evacuate on every participant (false: the main thread alone, V8 --no-parallel-compaction). */
  parallelCompaction: boolean;
  /** Chooses the candidates from the old pages' figures (COMPACTION_POLICIES). */
  select: CompactionPolicyFn;
}

export interface MarkCompactFigures {
  candidates: number;
  /** Bytes in use on the candidates when they were chosen. */
  candidateBytes: number;
  /** Candidates whose evacuation ran out of space and kept some objects in place. */
  abortedCandidates: number;
  /** Empty pages returned to the pool. */
  releasedPages: number;
  /** Live bytes marked by the cycle (every page, every thread, every step). */
  markedBytes: number;
  /** Old pages queued for sweeping. */
  sweptPages: number;
  evacuatedBytes: number;
  promotedBytes: number;
  survivedBytes: number;
  freedLargeObjects: number;
  pageMap: PageMapEntry[];
}

export class MarkCompactCollector {
  private readonly heap: Heap;
  constructor(
    private readonly shared: GcShared,
    private readonly clock: PhaseClock,
    private readonly policy: CompactionPolicy,
    /** Pages beyond the old-generation limit that evacuation may take before candidates are released. */
    public headroomPages: number,
  ) {
    this.heap = shared.heap;
  }

  /** Candidates of the cycle being marked (chosen when marking starts). */
  private candidates: number[] = [];
  /** Bytes in use on those candidates when they were chosen. */
  candidateBytes = 0;

  /**
   * Marking from scratch (no sweeping may be under way): chooses the evacuation candidates, so
   * that marking records the slots pointing into them, evicts their free memory from the free
   * lists, and clears the bitmap, progress bars and live-byte tables.
   */
  prepareMarking(): void {
    const heap = this.heap;
    const shared = this.shared;
    this.candidates = this.selectCandidates();
    // Their free blocks leave the free lists lazily: freeListTake drops a candidate's blocks as
    // it meets them, so nothing new lands on a page about to be evacuated.
    for (const p of this.candidates) heap.pageMeta[p * META_WORDS + M_FLAGS] |= PAGE_EVACUATION_CANDIDATE;
    Atomics.store(heap.ctl, C_MARKING_CANDIDATES, this.candidates.length);
    heap.clearBitsOfUsedPages(heap.markBits);
    for (const p of heap.pagesOf(SPACE_LO)) heap.pageMeta[p * META_WORDS + M_PROGRESS] = 0;
    shared.threadLive.fill(0);
    shared.marking.clear();
    shared.mail.clear();
  }

  /** Stop-the-world marking phase: roots from work items, closure on every participant. */
  markParallel(name: string): void {
    const shared = this.shared;
    const mainOnly = shared.markMainOnly;
    const ctl = this.heap.ctl;
    const owned = shared.markOwned;
    // An owned mark deals the heap's pages to every thread, so every helper takes part from its
    // start, also under the 'dynamic' join of the other phases.
    const joinAll = owned && !this.heap.testFlag(TEST_OWNED_MARK_DYNAMIC_JOIN);
    this.clock.serial('mc.mark.roots', () => {
      shared.items.clear();
      addRootItems(this.heap, shared);
      shared.resetTerminatorForPhase(mainOnly, joinAll);
      ctl[C_MARK_OWNED] = owned ? 1 : 0;
      ctl[C_MARK_THREAD_BITMAPS] = shared.markThreadBitmaps ? 1 : 0;
    });
    const split = ctl[C_MARK_THREAD_BITMAPS] !== 0;
    // Alone, the main thread finds everything on its own stack: the finalization pause gathered the
    // concurrent markers' leftovers there (`GcController.finalizeMarking`).
    try {
      this.clock.parallelPhase(PHASE_MARK, name, 0, mainOnly, joinAll);
    } finally {
      ctl[C_MARK_OWNED] = 0;
      ctl[C_MARK_THREAD_BITMAPS] = 0;
    }
    if (!shared.mail.isEmpty()) throw new Error(`${name}: ${shared.mail.size()} mailed mark targets were never received`);
    if (split && !this.heap.testFlag(TEST_SKIP_MARK_BITMAP_MERGE)) this.clock.serial(`${name}.merge_bitmaps`, () => this.mergeThreadMarkBitmaps());
  }

  /**
   * Option threadMarkBitmaps, after a mark: ors each helper's bitmap into the heap's over the
   * pages in use, and clears it for the next mark. A bit set in two bitmaps is an object two
   * threads both marked between test and set and both visited: its live bytes, counted by each,
   * come off the main thread's row once per extra visit. A large object is counted once whoever
   * visits it (the thread that claims its first chunk), so it keeps its count.
   */
  mergeThreadMarkBitmaps(): void {
    const heap = this.heap;
    const shared = this.shared;
    const mb = heap.markBits;
    const pm = heap.pageMeta;
    const perPage = PAGE_WORDS >>> 5;
    let twice = 0;
    // Helper by helper, a plain loop over each page's words: once per mark, so the loop is what
    // on-stack replacement compiles (a for-of over the helpers inside it ran 6-7 ms on 350 pages).
    for (let t = 1; t < shared.config.threads; t++) {
      const hb = shared.threadMarkBitmap(t);
      for (let p = 0; p < heap.totalPages; p++) {
        if (pm[p * META_WORDS + M_SPACE] === SPACE_FREE) continue;
        const end = (p + 1) * perPage;
        for (let w = p * perPage; w < end; w++) {
          const x = hb[w];
          if (x === 0) continue;
          hb[w] = 0;
          const acc = mb[w];
          mb[w] = acc | x;
          if ((acc & x) !== 0) twice += this.countOnce(w, acc & x);
        }
      }
    }
    this.markedTwice += twice;
  }

  /** The objects of bitmap word `w` whose bits `dup` two threads both set: their live bytes off the main thread's row, once each; how many. */
  private countOnce(w: number, dup: number): number {
    const heap = this.heap;
    const pm = heap.pageMeta;
    const live = this.shared.threadLive; // the main thread's row comes first
    let n = 0;
    while (dup !== 0) {
      const low = dup & -dup;
      dup ^= low;
      const a = (w << 5) + (31 - Math.clz32(low));
      if ((pm[(a >>> PAGE_BITS) * META_WORDS + M_FLAGS] & PAGE_LARGE_START) !== 0) continue;
      live[a >>> PAGE_BITS] -= (2 + heap.mem[a + 1]) << 2;
      n++;
    }
    return n;
  }

  /**
   * After a scavenge during marking: published marking-worklist entries that pointed into
   * from-space now point to the copy, or are dropped when the object died (V8:
   * UpdateMarkingWorklistAfterScavenge). Main thread, helpers parked, every local published.
   */
  updateMarkingWorklistAfterScavenge(): void {
    const heap = this.heap;
    const mem = heap.mem;
    // Before the flip (and before verify mode zaps it): from-space still holds forwarding headers.
    const from = heap.ctl[C_NEW_FROM];
    const end = from + heap.semiWords;
    const newStart = heap.newStart;
    const newEnd = heap.newEnd;
    // The main thread's row of live bytes (threadLive's first).
    const mainLive = this.shared.threadLive;
    this.shared.marking.rewritePublished((a) => {
      if (a < from || a >= end) return a;
      const h = mem[a];
      if ((h & 1) === 0) return 0;
      const to = h >>> 1;
      // A grey object promoted: the scavenger counted its copy with the colour it transferred, and
      // the marker counts it again when it visits it (marking counts on visit), so one is taken back.
      // Computed for every copy (0 for one in new space): arithmetic that only a promoted grey
      // object reached had no type feedback after the warm-up and deoptimised in measured runs.
      const bytes = (2 + mem[to + 1]) << 2;
      mainLive[to >>> PAGE_BITS] -= to < newStart || to >= newEnd ? bytes : 0;
      return to;
    });
  }

  /** A stop-the-world mark-compact from scratch. */
  collect(sweepInPause: boolean, reduceMemory = false): MarkCompactFigures {
    this.clock.serial('mc.prologue', () => this.prepareMarking());
    this.markParallel('mc.mark');
    return this.compact(sweepInPause, reduceMemory);
  }

  /**
   * Everything after marking: evacuation candidates, parallel evacuation of candidates and of new
   * space, parallel pointer updating, releasing dead large objects and evacuated pages, flipping
   * the semispaces, then sweeping in the pause or queueing the pages for concurrent sweeping.
   * `reduceMemory` (a GC for an allocation that failed): every empty page goes back to the pool.
   */
  compact(sweepInPause: boolean, reduceMemory = false): MarkCompactFigures {
    const heap = this.heap;
    const shared = this.shared;
    const clock = this.clock;
    heap.ctl[C_MARKING] = 0;
    clock.serial('mc.evacuate.prologue', () => {
      heap.ctl[C_HEADROOM_PAGES] = this.headroomPages;
      // Evacuation must copy into fresh pages only; sweeping rebuilds the free lists.
      // From here every old page awaits sweeping: nothing may be allocated in its free memory.
      for (const s of [SPACE_OLD_POINTER, SPACE_OLD_DATA, SPACE_CODE]) for (const p of heap.pagesOf(s)) heap.pageMeta[p * META_WORDS + M_FLAGS] |= PAGE_NEEDS_SWEEP;
      // ForTesting: stale free lists would hand that memory out (the verifier counts it).
      if (!heap.testFlag(TEST_KEEP_STALE_FREE_LISTS)) for (const s of PAGED_SPACES) freeListReset(heap, s);
    });

    // ---- live bytes and the page map (candidates were chosen when marking started)
    const pageMap: PageMapEntry[] = [];
    const candidates = this.candidates;
    const candidateBytes = candidates.length > 0 ? this.candidateBytes : 0;
    this.candidates = [];
    let markedBytes = 0;
    clock.serial('mc.evacuate.candidates', () => {
      markedBytes = this.accumulateLiveBytes();
      if (this.checkLiveBytes) this.liveBytesErrors.push(...this.liveBytesMismatches());
      for (const s of [SPACE_OLD_POINTER, SPACE_OLD_DATA, SPACE_CODE]) {
        for (const p of heap.pagesOf(s)) {
          const candidate = (heap.pageFlags(p) & PAGE_EVACUATION_CANDIDATE) !== 0;
          pageMap.push({ page: p, space: SPACE_NAMES[s], liveBytes: heap.pageMeta[p * META_WORDS + M_LIVE_BYTES], sizeBytes: PAGE_BYTES, candidate, afterLiveBytes: 0 });
        }
      }
    });

    // ---- evacuation of candidates and of new space
    const oldBefore = this.oldGenerationUsedBytes();
    clock.serial('mc.evacuate.copy.prologue', () => {
      const items = shared.items;
      items.clear();
      for (const p of candidates) items.add(ITEM_PAGE, p);
      const from = heap.ctl[C_NEW_FROM];
      const top = heap.ctl[C_NEW_TOP];
      for (let a = from; a < top; a += PAGE_WORDS) items.add(ITEM_NEW_RANGE, a);
      resetToSpace(heap);
    });
    const evac = clock.parallelPhase(PHASE_EVACUATE, 'mc.evacuate.copy', this.policy.parallelCompaction ? 0 : EVACUATE_MAIN_THREAD_ONLY);
    let evacuatedBytes = 0;
    for (const t of evac.threads) evacuatedBytes += t.bytes;
    if (heap.ctl[C_GC_OUT_OF_MEMORY] !== 0) {
      heap.ctl[C_GC_OUT_OF_MEMORY] = 0;
      heap.ctl[C_HEADROOM_PAGES] = 0;
      throw new OutOfMemoryError('no room to evacuate the surviving young objects');
    }

    // ---- pointer updating: roots, the survivors in to-space, and the recorded slots (OLD_TO_NEW
    // for young objects that moved, OLD_TO_OLD for objects that left the candidates)
    clock.serial('mc.evacuate.update_pointers.prologue', () => {
      const items = shared.items;
      items.clear();
      addRootItems(heap, shared);
      const pm = heap.pageMeta;
      for (let p = heap.poolFirstPage; p < heap.totalPages; p++) {
        const m = p * META_WORDS;
        if (pm[m + M_SPACE] === SPACE_FREE) continue;
        // A candidate stays one during pointer updating (pointers to its moved objects are
        // forwarded); an aborted one also has its own slots updated, for the objects it kept.
        if ((pm[m + M_FLAGS] & (PAGE_EVACUATION_CANDIDATE | PAGE_COMPACTION_ABORTED)) === PAGE_EVACUATION_CANDIDATE) continue;
        if (pm[m + M_RS_COUNT] !== 0 || pm[m + M_RS_OLD_COUNT] !== 0) items.add(ITEM_PAGE, p);
      }
      const to = heap.ctl[C_NEW_TO];
      const toTop = heap.ctl[C_TO_TOP];
      for (let a = to; a < toTop; a += PAGE_WORDS) items.add(ITEM_NEW_RANGE, a);
    });
    clock.parallelPhase(PHASE_UPDATE_POINTERS, 'mc.evacuate.update_pointers');

    // ---- release what died or moved
    let freedLargeObjects = 0;
    let abortedCandidates = 0;
    clock.serial('mc.evacuate.clean_up', () => {
      heap.lock();
      try {
        for (const p of candidates) {
          if ((heap.pageFlags(p) & PAGE_COMPACTION_ABORTED) !== 0) {
            this.keepAbortedCandidate(p);
            abortedCandidates++;
            continue;
          }
          // No free-list node lies on a candidate: the lists were emptied before evacuation and
          // since then hold only the rest of fresh target pages.
          if (shared.config.zap) heap.mem.fill(ZAP_VALUE, p << PAGE_BITS, (p + 1) << PAGE_BITS);
          heap.releaseChunk(p);
        }
        for (const p of heap.pagesOf(SPACE_LO)) {
          if (!heap.isMarked(p << PAGE_BITS)) {
            if (shared.config.zap) heap.mem.fill(ZAP_VALUE, p << PAGE_BITS, (p << PAGE_BITS) + 2 + heap.mem[(p << PAGE_BITS) + 1]);
            heap.releaseChunk(p);
            freedLargeObjects++;
          }
        }
      } finally {
        heap.unlock();
      }
      flipSemispaces(heap, shared.config.zap);
    });
    const survivedBytes = (heap.ctl[C_NEW_TOP] - heap.ctl[C_NEW_FROM]) * 4;

    // ---- sweeping: every old page not evacuated (evacuation targets included); empty pages go
    // back to the pool, all but one per space (V8: StartSweepSpace), so that one space's garbage
    // does not hold pages another space needs.
    let releasedPages = 0;
    clock.serial('mc.sweep.prologue', () => {
      if (!heap.testFlag(TEST_KEEP_STALE_FREE_LISTS)) for (const s of PAGED_SPACES) freeListReset(heap, s);
      releasedPages = this.releaseEmptyPages(!reduceMemory);
      const items = shared.sweepItems;
      items.clear();
      for (const s of [SPACE_OLD_POINTER, SPACE_OLD_DATA, SPACE_CODE]) {
        for (const p of heap.pagesOf(s)) {
          heap.pageMeta[p * META_WORDS + M_FLAGS] |= PAGE_NEEDS_SWEEP;
          items.add(ITEM_PAGE, p);
        }
      }
    });
    if (sweepInPause) clock.parallelPhase(PHASE_SWEEP, 'mc.sweep');
    heap.ctl[C_HEADROOM_PAGES] = 0;

    for (const e of pageMap) e.afterLiveBytes = heap.spaceOf(e.page << PAGE_BITS) === SPACE_FREE ? 0 : heap.pageMeta[e.page * META_WORDS + M_LIVE_BYTES];
    const promotedBytes = Math.max(0, this.oldGenerationUsedBytes() - oldBefore);
    const sweptPages = shared.sweepItems.count;
    return { candidates: candidates.length, candidateBytes, abortedCandidates, releasedPages, markedBytes, sweptPages, evacuatedBytes, promotedBytes, survivedBytes, freedLargeObjects, pageMap };
  }

  /**
   * An aborted candidate becomes an ordinary page again (V8: PostProcessAbortedEvacuationCandidates):
   * every live object below the abort point was moved, so that range is one dead filler whose
   * mark bits and slot records are cleared; the objects from there on stay and are swept with the
   * page. Main thread, after pointer updating (which still needed the forwarding headers).
   */
  private keepAbortedCandidate(p: number): void {
    const heap = this.heap;
    const pm = heap.pageMeta;
    const m = p * META_WORDS;
    const start = p << PAGE_BITS;
    const at = pm[m + M_ABORTED_AT];
    if (at > start) {
      if (this.shared.config.zap) heap.mem.fill(ZAP_VALUE, start, at);
      heap.formatFiller(start, at - start);
      clearBitRange(heap.markBits, start, at);
      clearOldToNewRange(heap, start, at);
      clearBitRange(heap.rsOldBits, start, at);
    }
    pm[m + M_LIVE_BYTES] = markedWords(heap, at, start + PAGE_WORDS) * 4;
    pm[m + M_ABORTED_AT] = 0;
    pm[m + M_FLAGS] &= ~(PAGE_EVACUATION_CANDIDATE | PAGE_COMPACTION_ABORTED);
  }

  /**
   * Returns to the pool every old page on which marking left nothing (judged by the mark bitmap,
   * which sweeping also trusts), keeping the first empty page of each space for the next
   * allocations unless `keepOne` is false (V8 releases them all when it must reduce memory: an
   * allocation failed, and a space's spare page may be what a large object needs). Main thread,
   * free lists empty, no LAB open. Returns the pages released.
   */
  private releaseEmptyPages(keepOne: boolean): number {
    const heap = this.heap;
    let released = 0;
    heap.lock();
    try {
      for (const s of [SPACE_OLD_POINTER, SPACE_OLD_DATA, SPACE_CODE]) {
        let keptOne = !keepOne;
        for (const p of heap.pagesOf(s)) {
          const start = p << PAGE_BITS;
          if (nextMarked(heap.markBits, start, start + PAGE_WORDS) < start + PAGE_WORDS) continue;
          if (!keptOne) {
            keptOne = true;
            continue;
          }
          if (this.shared.config.zap) heap.mem.fill(ZAP_VALUE, start, start + PAGE_WORDS);
          heap.releaseChunk(p);
          released++;
        }
      }
    } finally {
      heap.unlock();
    }
    return released;
  }

  /**
   * Verify mode: after each marking, every old page's counted live bytes are compared with the
   * bytes of its marked objects (the bitmap); what differs lands here for the verifier's report.
   */
  checkLiveBytes = false;
  readonly liveBytesErrors: string[] = [];
  /** Option threadMarkBitmaps: objects two threads both marked and visited, over the run (tests read it). */
  markedTwice = 0;

  /** Old pages whose counted live bytes differ from the bytes their mark bits cover. */
  private liveBytesMismatches(): string[] {
    const heap = this.heap;
    const errors: string[] = [];
    for (const s of [SPACE_OLD_POINTER, SPACE_OLD_DATA, SPACE_CODE, SPACE_LO]) {
      for (const p of heap.pagesOf(s)) {
        const start = p << PAGE_BITS;
        // A large object's page counts the whole object; its mark bit is at its first word.
        const marked = markedWords(heap, start, s === SPACE_LO ? start + 1 : start + PAGE_WORDS) * 4;
        const counted = heap.pageMeta[p * META_WORDS + M_LIVE_BYTES];
        if (counted !== marked && errors.length < 5) errors.push(`page ${p} (${SPACE_NAMES[s]}): marking counted ${counted} live bytes, its mark bits cover ${marked}`);
      }
    }
    return errors;
  }

  /** Sums every marking thread's per-page live bytes into the page metadata; returns the total. */
  private accumulateLiveBytes(): number {
    const heap = this.heap;
    const pages = heap.totalPages;
    const rows = this.shared.threadLive;
    const threads = rows.length / pages;
    let total = 0;
    for (let p = 0; p < pages; p++) {
      let sum = 0;
      for (let t = 0; t < threads; t++) sum += rows[t * pages + p];
      heap.pageMeta[p * META_WORDS + M_LIVE_BYTES] = sum;
      total += sum;
    }
    return total;
  }

  /**
   * V8's CollectEvacuationCandidates, when marking starts: pages at least `fragmentationPercent`
   * free (by their allocated words: the last sweep left live objects plus what was allocated
   * since), fewest allocated bytes first, while those stay within the quota; none if no page
   * would be freed.
   */
  /** The evacuation candidates by the configured policy (src/gc/compaction-policy.ts). */
  selectCandidates(): number[] {
    const { neverCompact, fragmentationPercent, quotaBytes, select } = this.policy;
    if (neverCompact) return [];
    const heap = this.heap;
    const pages: PageFigures[] = [];
    for (const s of [SPACE_OLD_POINTER, SPACE_OLD_DATA]) {
      for (const p of heap.pagesOf(s)) pages.push({ page: p, usedBytes: heap.pageMeta[p * META_WORDS + M_USED_WORDS] * 4 });
    }
    const chosen = select(pages, { fragmentationPercent, quotaBytes });
    let bytes = 0;
    for (const p of chosen) bytes += heap.pageMeta[p * META_WORDS + M_USED_WORDS] * 4;
    this.candidateBytes = bytes;
    return chosen;
  }

  /**
   * During SATB marking, a scavenge keeps every grey young object alive (see docs/architecture.md,
   * "SATB and the scavenger"): the young entries of the published marking worklist are pushed on
   * the handle stack above the mutator's handles, as extra roots of this scavenge. Returns the
   * handle-stack pointer to restore afterwards. Main thread, every marking local published.
   */
  pushGreyYoungObjectsAsRoots(): number {
    const heap = this.heap;
    const ctl = heap.ctl;
    const roots = heap.roots;
    const sp = ctl[C_ROOT_SP];
    const from = ctl[C_NEW_FROM];
    const end = from + heap.semiWords;
    const limit = ctl[C_GLOBALS_BASE];
    let top = sp;
    this.shared.marking.rewritePublished((a) => {
      if (a >= from && a < end) {
        if (top >= limit) throw new OutOfMemoryError(`handle stack full while keeping ${top - sp} grey young objects alive`);
        roots[top++] = (a << 1) | 1;
      }
      return a;
    });
    ctl[C_ROOT_SP] = top;
    return sp;
  }

  /** Free words still on the free lists that lie on this cycle's candidates (not allocatable). */
  candidateFreeWords(): number {
    let words = 0;
    for (const p of this.candidates) words += PAGE_WORDS - this.heap.pageMeta[p * META_WORDS + M_USED_WORDS];
    return words;
  }

  oldGenerationUsedBytes(): number {
    const h = this.heap;
    return (h.spaceUsedWords(SPACE_OLD_POINTER) + h.spaceUsedWords(SPACE_OLD_DATA) + h.spaceUsedWords(SPACE_CODE) + h.spaceUsedWords(SPACE_LO)) * 4;
  }
}

/** Clears bits [from, to) of a one-bit-per-word bitmap (main thread, no racing writer). */
function clearBitRange(bits: Int32Array, from: Addr, to: Addr): void {
  for (let a = from; a < to; ) {
    const i = a >>> 5;
    if ((a & 31) === 0 && to - a >= 32) {
      bits[i] = 0;
      a += 32;
    } else {
      bits[i] &= ~(1 << (a & 31));
      a++;
    }
  }
}

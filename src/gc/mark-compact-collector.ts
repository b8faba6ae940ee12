/**
 * The main-thread half of the mark-compact collector (stop-the-world here): marks from the roots
 * on every participant, chooses evacuation candidates by fragmentation, evacuates them and the
 * live young objects in parallel, updates pointers in parallel (rebuilding the remembered set),
 * frees dead large objects and candidate pages, and sweeps the other pages in parallel.
 * V8: mark-compact.cc (MarkCompactCollector).
 */
import {
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
  type Heap,
  C_NEW_FROM,
  C_NEW_TO,
  C_NEW_TOP,
  C_TO_TOP,
  C_MARKING,
  META_WORDS,
  PAGE_NEEDS_SWEEP,
  TEST_KEEP_STALE_FREE_LISTS,
  M_FLAGS,
  M_LIVE_BYTES,
  M_RS_COUNT,
  M_RS_OLD_COUNT,
  M_USED_WORDS,
  M_SPACE,
  M_PROGRESS,
  PAGE_EVACUATION_CANDIDATE,
} from '../heap/heap.ts';
import { freeListEvictPagesWithFlag, freeListReset } from '../heap/spaces/free-list.ts';
import { flipSemispaces, resetToSpace, ZAP_VALUE } from '../heap/spaces/semi-space.ts';
import type { PageMapEntry } from '../metrics/result.ts';
import type { GcShared } from './gc-shared.ts';
import { EVACUATE_MAIN_THREAD_ONLY, PHASE_EVACUATE, PHASE_MARK, PHASE_SWEEP, PHASE_UPDATE_POINTERS } from './participant.ts';
import type { PhaseClock } from './phase-clock.ts';
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
}

export interface MarkCompactFigures {
  candidates: number;
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
    private readonly headroomPages: number,
  ) {
    this.heap = shared.heap;
  }

  /** Candidates of the cycle being marked (chosen when marking starts). */
  private candidates: number[] = [];

  /**
   * Marking from scratch (no sweeping may be under way): chooses the evacuation candidates, so
   * that marking records the slots pointing into them, evicts their free memory from the free
   * lists, and clears the bitmap, progress bars and live-byte tables.
   */
  prepareMarking(): void {
    const heap = this.heap;
    const shared = this.shared;
    this.candidates = this.selectCandidates();
    for (const p of this.candidates) heap.pageMeta[p * META_WORDS + M_FLAGS] |= PAGE_EVACUATION_CANDIDATE;
    if (this.candidates.length > 0) {
      heap.lock();
      for (const s of [SPACE_OLD_POINTER, SPACE_OLD_DATA]) freeListEvictPagesWithFlag(heap, s, PAGE_EVACUATION_CANDIDATE);
      heap.unlock();
    }
    heap.clearBitsOfUsedPages(heap.markBits);
    for (const p of heap.pagesOf(SPACE_LO)) heap.pageMeta[p * META_WORDS + M_PROGRESS] = 0;
    shared.threadLive.fill(0);
    shared.marking.clear();
  }

  /** Stop-the-world marking phase: roots from work items, closure on every participant. */
  markParallel(name: string): void {
    const shared = this.shared;
    this.clock.serial('mc.mark.roots', () => {
      shared.items.clear();
      addRootItems(this.heap, shared);
      shared.terminator.reset(shared.config.threads);
    });
    this.clock.parallelPhase(PHASE_MARK, name);
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
    this.shared.marking.rewritePublished((a) => {
      if (a < from || a >= end) return a;
      const h = mem[a];
      return (h & 1) !== 0 ? h >>> 1 : 0;
    });
  }

  /** A stop-the-world mark-compact from scratch. */
  collect(sweepInPause: boolean): MarkCompactFigures {
    this.clock.serial('mc.prologue', () => this.prepareMarking());
    this.markParallel('mc.mark');
    return this.compact(sweepInPause);
  }

  /**
   * Everything after marking: evacuation candidates, parallel evacuation of candidates and of new
   * space, parallel pointer updating, releasing dead large objects and evacuated pages, flipping
   * the semispaces, then sweeping in the pause or queueing the pages for concurrent sweeping.
   */
  compact(sweepInPause: boolean): MarkCompactFigures {
    const heap = this.heap;
    const shared = this.shared;
    const clock = this.clock;
    heap.ctl[C_MARKING] = 0;
    clock.serial('mc.evacuate.prologue', () => {
      heap.headroomAllowance = this.headroomPages;
      // Evacuation must copy into fresh pages only; sweeping rebuilds the free lists.
      // From here every old page awaits sweeping: nothing may be allocated in its free memory.
      for (const s of [SPACE_OLD_POINTER, SPACE_OLD_DATA, SPACE_CODE]) for (const p of heap.pagesOf(s)) heap.pageMeta[p * META_WORDS + M_FLAGS] |= PAGE_NEEDS_SWEEP;
      // ForTesting: stale free lists would hand that memory out (the verifier counts it).
      if (!heap.testFlag(TEST_KEEP_STALE_FREE_LISTS)) for (const s of PAGED_SPACES) freeListReset(heap, s);
    });

    // ---- live bytes and the page map (candidates were chosen when marking started)
    const pageMap: PageMapEntry[] = [];
    const candidates = this.candidates;
    this.candidates = [];
    clock.serial('mc.evacuate.candidates', () => {
      this.accumulateLiveBytes();
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

    // ---- pointer updating: roots, the survivors in to-space, and the recorded slots (OLD_TO_NEW
    // for young objects that moved, OLD_TO_OLD for objects that left the candidates)
    clock.serial('mc.evacuate.update_pointers.prologue', () => {
      const items = shared.items;
      items.clear();
      addRootItems(heap, shared);
      const pm = heap.pageMeta;
      for (let p = heap.poolFirstPage; p < heap.totalPages; p++) {
        const m = p * META_WORDS;
        if (pm[m + M_SPACE] === SPACE_FREE || (pm[m + M_FLAGS] & PAGE_EVACUATION_CANDIDATE) !== 0) continue;
        if (pm[m + M_RS_COUNT] !== 0 || pm[m + M_RS_OLD_COUNT] !== 0) items.add(ITEM_PAGE, p);
      }
      const to = heap.ctl[C_NEW_TO];
      const toTop = heap.ctl[C_TO_TOP];
      for (let a = to; a < toTop; a += PAGE_WORDS) items.add(ITEM_NEW_RANGE, a);
    });
    clock.parallelPhase(PHASE_UPDATE_POINTERS, 'mc.evacuate.update_pointers');

    // ---- release what died or moved
    let freedLargeObjects = 0;
    clock.serial('mc.evacuate.clean_up', () => {
      heap.lock();
      try {
        for (const p of candidates) {
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

    // ---- sweeping: every old page not evacuated (evacuation targets included)
    clock.serial('mc.sweep.prologue', () => {
      if (!heap.testFlag(TEST_KEEP_STALE_FREE_LISTS)) for (const s of PAGED_SPACES) freeListReset(heap, s);
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
    heap.headroomAllowance = 0;

    for (const e of pageMap) e.afterLiveBytes = e.candidate ? 0 : heap.pageMeta[e.page * META_WORDS + M_LIVE_BYTES];
    const promotedBytes = Math.max(0, this.oldGenerationUsedBytes() - oldBefore);
    return { candidates: candidates.length, evacuatedBytes, promotedBytes, survivedBytes, freedLargeObjects, pageMap };
  }

  /** Sums every marking thread's per-page live bytes into the page metadata. */
  private accumulateLiveBytes(): void {
    const heap = this.heap;
    const pages = heap.totalPages;
    const rows = this.shared.threadLive;
    const threads = rows.length / pages;
    for (let p = 0; p < pages; p++) {
      let sum = 0;
      for (let t = 0; t < threads; t++) sum += rows[t * pages + p];
      heap.pageMeta[p * META_WORDS + M_LIVE_BYTES] = sum;
    }
  }

  /**
   * V8's CollectEvacuationCandidates, when marking starts: pages at least `fragmentationPercent`
   * free (by their allocated words: the last sweep left live objects plus what was allocated
   * since), fewest allocated bytes first, while those stay within the quota; none if no page
   * would be freed.
   */
  selectCandidates(): number[] {
    const { neverCompact, fragmentationPercent, quotaBytes } = this.policy;
    if (neverCompact) return [];
    const heap = this.heap;
    const pool: { page: number; live: number }[] = [];
    for (const s of [SPACE_OLD_POINTER, SPACE_OLD_DATA]) {
      for (const p of heap.pagesOf(s)) {
        const live = heap.pageMeta[p * META_WORDS + M_USED_WORDS] * 4;
        if (PAGE_BYTES - live >= (fragmentationPercent / 100) * PAGE_BYTES) pool.push({ page: p, live });
      }
    }
    pool.sort((a, b) => a.live - b.live || a.page - b.page);
    const chosen: number[] = [];
    let sum = 0;
    for (const c of pool) {
      if (sum + c.live > quotaBytes) break;
      sum += c.live;
      chosen.push(c.page);
    }
    if (chosen.length > 0 && Math.ceil(sum / PAGE_BYTES) >= chosen.length) return [];
    return chosen;
  }

  oldGenerationUsedBytes(): number {
    const h = this.heap;
    return (h.spaceUsedWords(SPACE_OLD_POINTER) + h.spaceUsedWords(SPACE_OLD_DATA) + h.spaceUsedWords(SPACE_CODE) + h.spaceUsedWords(SPACE_LO)) * 4;
  }
}

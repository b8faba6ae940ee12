/**
 * The main-thread half of the parallel scavenge: splits the roots (handle stack, globals) and
 * the pages with OLD_TO_NEW slots into work items, runs the scavenge phase on every participant,
 * then flips the semispaces and moves the age mark. V8: scavenger.cc (ScavengerCollector).
 */
import { type Heap, C_GLOBALS_COUNT, C_ROOT_SP, C_SCAVENGE_OWNED, META_WORDS, M_RS_COUNT, M_SPACE } from '../heap/heap.ts';
import { SPACE_FREE } from '../heap/layout.ts';
import { flipSemispaces, resetToSpace } from '../heap/spaces/semi-space.ts';
import type { GcShared } from './gc-shared.ts';
import { PHASE_SCAVENGE } from './phases.ts';
import type { PhaseClock } from './phase-clock.ts';
import { ITEM_GLOBALS, ITEM_PAGE, ITEM_ROOTS, ROOT_CHUNK } from './work-items.ts';

export class ScavengerCollector {
  private readonly heap: Heap;
  constructor(
    private readonly shared: GcShared,
    private readonly clock: PhaseClock,
  ) {
    this.heap = shared.heap;
  }

  /** `beforeFlip` runs after copying, while from-space still holds the forwarding addresses. */
  collect(beforeFlip: (() => void) | null = null): void {
    const heap = this.heap;
    const shared = this.shared;
    const mainOnly = shared.scavengeMainOnly;
    this.clock.serial('scavenge.roots', () => {
      shared.items.clear();
      addRootItems(heap, shared);
      addRememberedSetItems(heap, shared);
      resetToSpace(heap);
      shared.copied.clear();
      shared.mail.clear();
      shared.resetTerminatorForPhase(mainOnly);
      heap.ctl[C_SCAVENGE_OWNED] = shared.scavengeOwned ? 1 : 0;
    });
    try {
      this.clock.parallelPhase(PHASE_SCAVENGE, 'scavenge.parallel', 0, mainOnly);
    } finally {
      heap.ctl[C_SCAVENGE_OWNED] = 0;
    }
    // A slot mailed and never received would still point into from-space, which the flip frees.
    if (!shared.mail.isEmpty()) throw new Error(`scavenge.parallel: ${shared.mail.size()} mailed slots were never received`);
    if (beforeFlip !== null) this.clock.serial('scavenge.update_marking_worklist', beforeFlip);
    this.clock.serial('scavenge.finalize', () => flipSemispaces(heap, shared.config.zap));
  }
}

/**
 * An item for every page with OLD_TO_NEW slots. A loop of its own, not in the step's closure: on
 * a large heap (thousands of pages) the loop is compiled on stack replacement in its first GCs,
 * and code compiled then for a closure that goes on to `resetToSpace` inlined that call before
 * it had type feedback; the closure, made anew each scavenge, entered that code and deoptimised
 * in every scavenge of some runs (fragmenter's 512 MB heap at threads = 2: about 240
 * deoptimisations in a measured run, `bench/figures/deopts.ts`).
 */
export function addRememberedSetItems(heap: Heap, shared: GcShared): void {
  const items = shared.items;
  const pm = heap.pageMeta;
  for (let p = heap.poolFirstPage; p < heap.totalPages; p++) {
    const m = p * META_WORDS;
    if (pm[m + M_SPACE] !== SPACE_FREE && pm[m + M_RS_COUNT] !== 0) items.add(ITEM_PAGE, p);
  }
}

/** Root items shared by every collector: the handle stack in chunks, then the globals. */
export function addRootItems(heap: Heap, shared: GcShared): void {
  const sp = heap.ctl[C_ROOT_SP];
  for (let r = 1; r < sp; r += ROOT_CHUNK) shared.items.add(ITEM_ROOTS, r);
  if (heap.ctl[C_GLOBALS_COUNT] > 0) shared.items.add(ITEM_GLOBALS, 0);
}

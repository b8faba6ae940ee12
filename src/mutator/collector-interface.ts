/**
 * What the mutator needs from a collector, and what it offers one: the interface the mutator
 * owns, so that mutator/ depends on no collector (dependency inversion; V8's Heap is the one
 * object behind both sides). Main thread only. `gc/gc-controller.ts` implements `MutatorCollector`.
 */
import type { Addr } from '../heap/layout.ts';

/** What a collector calls on the mutator around a GC. */
export interface MutatorGcHooks {
  /** Publish the allocation top and handle-stack pointer; make every LAB iterable. */
  prepareForGc(): void;
  /** Reload the allocation top after the semispaces flipped. */
  afterGc(): void;
  /** Marking starts or ends: turn the marking barrier and black allocation on or off. */
  setMarking(active: boolean): void;
  /** Call `allocationStep()` about every 64 KiB of allocation (or stop). */
  setAllocationObserver(active: boolean): void;
  /** Objects the marking barrier shaded since the mutator was created. */
  readonly barrierRecords: number;
  /** Words of those objects. */
  readonly barrierShadedWords: number;
}

/** The main thread's marking state the write barrier shades into. */
export interface MarkingSink {
  /** The main thread's marking worklist view: grey objects are pushed here. */
  readonly worklist: { push(addr: Addr): void; publish(): void };
  /** The main thread's row of per-page live bytes (black allocation). */
  readonly liveBytes: Int32Array;
}

/** What the mutator calls on the collector: allocation-driven GCs and explicit ones. */
export interface MutatorCollector {
  /** Registers the mutator's hooks; called once by the Mutator constructor. */
  attachMutator(hooks: MutatorGcHooks): void;
  /** The allocation observer fired after `words` words of allocation. */
  allocationStep(words: number): void;
  /** New space is full. */
  collectForNewSpace(): void;
  /** Old-space allocation failed; false when a full GC ran (counts towards the last resort). */
  collectForOldSpace(): boolean;
  /** An explicit GC (`collect('minor' | 'major')`). */
  collect(type: 'scavenge' | 'mark-compact', reason: string, detail: string): void;
  /** Where the marking barrier shades. */
  readonly markingSink: MarkingSink;
}

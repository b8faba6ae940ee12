/**
 * The collectors' shared state besides the heap: work items, the copied-object and marking
 * worklists, termination, per-thread live-byte tables and per-thread phase figures, all in
 * SharedArrayBuffers; plus `GcThreadContext`, one participant's views of them. Built by the main
 * thread (`GcShared.create`) and attached in every helper.
 */
import { Heap, type HeapBuffers } from '../heap/heap.ts';
import { Worklist, WorklistLocal, type WorklistBuffers } from '../parallel/worklist.ts';
import { Mailbox } from '../parallel/mailbox.ts';
import type { WorkDistributionLocal } from '../parallel/work-distribution.ts';
import { Terminator, type TerminatorBuffers } from '../parallel/termination.ts';
import { ThreadStats } from '../parallel/thread-stats.ts';
import { Heartbeat } from '../parallel/heartbeat.ts';
import { WorkItems } from './work-items.ts';
import { PHASE_CONCURRENT_MARK, PHASE_EVACUATE, PHASE_MARK, PHASE_SCAVENGE, PHASE_SWEEP, PHASE_SWEEP_BACKGROUND, PHASE_UPDATE_POINTERS } from './phases.ts';

/**
 * Evacuation items (256 KB pages of candidates and of new space) per thread that evacuates: V8's
 * PageEvacuationJob wants one worker per MB of pages (`kItemsPerWorker = MB / kPageSize`).
 */
export const EVACUATION_ITEMS_PER_THREAD = 4;
/** At most this many threads update pointers (V8's PointersUpdatingJob: kMaxPointerUpdateTasks). */
export const MAX_POINTER_UPDATE_THREADS = 8;
/** At most this many threads scavenge (V8's kMaxScavengerTasks). */
export const MAX_SCAVENGE_THREADS = 8;

/**
 * Threads a scavenge may use with semispaces of `semiBytes`: one per MB of semispace and one more,
 * at most `MAX_SCAVENGE_THREADS` (V8's ScavengerCollector::NumberOfScavengeTasks, which also caps
 * them at the platform's worker threads + 1: here the run's thread count).
 */
export function scavengeThreads(semiBytes: number): number {
  return Math.min(MAX_SCAVENGE_THREADS, Math.floor(semiBytes / (1 << 20)) + 1);
}

/**
 * Per-thread bodies beat every HEARTBEAT_MASK + 1 objects (256, about 25-75 µs of work): the main
 * thread's beats are where a 'dynamic' phase checks whether to wake its helpers (after 25 µs, if
 * they could take work), and every thread's beats tell the stall watch it is alive. At 1024 a
 * page of young objects ran 1.5-3.6 ms on the main thread before its helpers were woken.
 */
export const HEARTBEAT_MASK = 255;

/** Entries per segment of the mail between the threads of owner marking and scavenging. */
export const MAIL_SEGMENT = 1024;

export interface GcConfig {
  threads: number;
  /** The work-distribution scheme's tag (`workDistributionTag` of src/parallel/work-distribution.ts). */
  steal: number;
  labWords: number;
  /** Zap freed memory and keep extra checks (verify mode). */
  zap: boolean;
  /**
   * Helpers join a stop-the-world phase on arrival ('dynamic', the scheduler's default) or all
   * take part from the start ('all'): the initial value of `GcShared.helperJoin`. Default 'dynamic'.
   */
  helperJoin?: 'dynamic' | 'all';
  /** Each participant reads its run-queue wait (SchedClock) at the start and end of every phase. */
  recordPreemption?: boolean;
  /** The main thread reads the process's minor page faults at the start and end of every pause and parallel phase. */
  recordPageFaults?: boolean;
  /** False: scavenges run on the main thread alone (option parallelScavenge). Default true. */
  parallelScavenge?: boolean;
  /** False: stop-the-world marking runs on the main thread alone (option parallelMarking). Default true. */
  parallelMarking?: boolean;
  /** True: forwarding addresses are CASed also when the main thread scavenges alone (option casForwarding). */
  casForwarding?: boolean;
  /** True: mark bits are set atomically also when the main thread marks alone (option atomicMarking). */
  atomicMarking?: boolean;
  /**
   * True: a stop-the-world mark on several threads deals the heap's pages among them; each sets
   * the mark bits of its own pages alone, with a plain or, and the others mail it the targets they
   * find there (option ownerMarking). Needs every thread in the phase from the start (helperJoin 'all') and
   * a power-of-two thread count; otherwise marks set bits atomically, as V8 does.
   */
  ownerMarking?: boolean;
  /**
   * True: a scavenge on several threads deals from-space's pages among them; each copies and
   * forwards the objects of its own pages alone, with a plain store, and the others mail it the
   * slots they find pointing there (option ownerScavenging). The same conditions as ownerMarking;
   * otherwise scavenges CAS every forwarding address, as V8 does.
   */
  ownerScavenging?: boolean;
  /**
   * True: a stop-the-world mark on several threads (at most 4) gives each helper a mark bitmap of
   * its own (`GcBuffers.threadMarkBits`); each thread tests every bitmap and sets bits in its own
   * with a plain or, and the main thread merges the helpers' bitmaps into the heap's after the
   * phase (option threadMarkBitmaps).
   */
  threadMarkBitmaps?: boolean;
}

export interface GcBuffers {
  heap: HeapBuffers;
  config: GcConfig;
  items: SharedArrayBuffer;
  /** Sweeping has its own item list: it may run in the background across other phases. */
  sweepItems: SharedArrayBuffer;
  copied: WorklistBuffers;
  marking: WorklistBuffers;
  /** The mail of owner marking and owner scavenging: row t holds what was sent to thread t (`Mailbox`). */
  mail: WorklistBuffers;
  terminator: TerminatorBuffers;
  stats: SharedArrayBuffer;
  heartbeat: SharedArrayBuffer;
  /** Option threadMarkBitmaps: (threads - 1) mark bitmaps of the heap's size, helper t's at t - 1; else null. */
  threadMarkBits: SharedArrayBuffer | null;
  /** threads x totalPages Int32: live bytes each marking thread found per page. */
  threadLive: SharedArrayBuffer;
}

/**
 * `GcBuffers` made by a constructor, not an object literal. A literal evaluated a second time in
 * a process (the measured run's heap after the warm-up's scratch heap) is a copy of its first
 * object with every field then stored again, and V8 marks its fields mutable: code that TurboFan
 * compiled in the warm-up relying on them being constant (the scavenge's root step, `sweepPage`)
 * was thrown away as the measured heap was made, and the first GCs of the measured run ran
 * unoptimised until it was compiled again (`--trace-deopt`: "marking dependent code ... reason:
 * code dependencies" just before the run). A constructor's stores are all first stores.
 * Structured clone posts it to the helpers as a plain object with the same fields.
 */
class GcBufferSet implements GcBuffers {
  constructor(
    readonly heap: HeapBuffers,
    readonly config: GcConfig,
    readonly items: SharedArrayBuffer,
    readonly sweepItems: SharedArrayBuffer,
    readonly copied: WorklistBuffers,
    readonly marking: WorklistBuffers,
    readonly mail: WorklistBuffers,
    readonly terminator: TerminatorBuffers,
    readonly stats: SharedArrayBuffer,
    readonly heartbeat: SharedArrayBuffer,
    readonly threadLive: SharedArrayBuffer,
    readonly threadMarkBits: SharedArrayBuffer | null,
  ) {}
}

/** The heartbeat and stats table of the scheduler whose helpers a new heap's phases run on. */
interface KeptTables {
  heartbeat: Heartbeat;
  stats: ThreadStats;
}

export class GcShared {
  readonly heap: Heap;
  readonly items: WorkItems;
  readonly sweepItems: WorkItems;
  readonly copied: Worklist;
  readonly marking: Worklist;
  readonly mail: Worklist;
  readonly terminator: Terminator;
  readonly stats: ThreadStats;
  readonly heartbeat: Heartbeat;
  readonly threadLive: Int32Array;
  /**
   * Main thread: how termination counts the participants of the next stop-the-world phases (every
   * thread from the start, or the main thread and each helper that joins). Helpers learn it from
   * the terminator (`Terminator.joining`), in shared memory; set it together with the scheduler's
   * own `helperJoin` (`Simulator.setHelperJoin`).
   */
  helperJoin: 'dynamic' | 'all';
  /** Helpers a scavenge may use (`scavengeThreads` of this heap's semispaces, less the main thread). */
  private readonly scavengeHelpers: number;

  private constructor(readonly buffers: GcBuffers, heap?: Heap, keep: KeptTables | null = null) {
    this.helperJoin = buffers.config.helperJoin ?? 'dynamic';
    this.heap = heap ?? Heap.attach(buffers.heap);
    this.items = new WorkItems(buffers.items);
    this.sweepItems = new WorkItems(buffers.sweepItems);
    this.copied = Worklist.attach(buffers.copied);
    this.marking = Worklist.attach(buffers.marking);
    this.mail = Worklist.attach(buffers.mail);
    // The kept objects themselves, not new views: the scheduler's stall watch hangs off its heartbeat.
    this.heartbeat = keep?.heartbeat ?? Heartbeat.attach(buffers.heartbeat);
    this.terminator = Terminator.attach(buffers.terminator, { heartbeat: this.heartbeat });
    this.stats = keep?.stats ?? ThreadStats.attach(buffers.stats);
    this.threadLive = new Int32Array(buffers.threadLive);
    this.scavengeHelpers = scavengeThreads(this.heap.semiWords * 4) - 1;
  }

  /**
   * `keep`: the heartbeat and stats table of an existing GcShared, for a fresh heap whose phases
   * run on helpers already started (their scheduler watches those two tables).
   */
  static create(heap: Heap, config: GcConfig, keep: KeptTables | null = null): GcShared {
    const t = config.threads;
    const maxItems = heap.totalPages * 2 + (heap.roots.length >>> 10) + 64;
    const buffers = new GcBufferSet(
      heap.buffers,
      config,
      WorkItems.bufferFor(maxItems),
      WorkItems.bufferFor(heap.totalPages),
      Worklist.create({ threads: t, segmentSize: 256 }).buffers,
      Worklist.create({ threads: t, segmentSize: 64 }).buffers,
      // The mail of owner marking and scavenging: a segment's lines cross to the other core
      // whole, and each segment costs a lock and a shared counter at both ends. 1,024 entries
      // made owner marking and scavenging of a random layout 11-13% faster than 256 where the
      // cores were 220 ns apart, and did alike where they were 80 ns apart (docs/performance.md,
      // "A host whose cores are far apart").
      Worklist.create({ threads: t, segmentSize: MAIL_SEGMENT }).buffers,
      Terminator.create({ threads: t }).buffers,
      keep !== null ? keep.stats.buffer : ThreadStats.create(t).buffer,
      keep !== null ? keep.heartbeat.buffer : Heartbeat.create(t).buffer,
      new SharedArrayBuffer(t * heap.totalPages * 4),
      config.threadMarkBitmaps === true && t > 1 ? new SharedArrayBuffer((t - 1) * heap.markBits.length * 4) : null,
    );
    return new GcShared(buffers, heap, keep);
  }

  static attach(buffers: GcBuffers): GcShared {
    return new GcShared(buffers);
  }

  get config(): GcConfig {
    return this.buffers.config;
  }

  /**
   * How many of `helpers` the work of `phase` that a helper could take now can use: unclaimed
   * items, or entries another thread published on the phase's worklist (the scheduler's lazy wake
   * asks; approximate, any thread). Work still private to the main thread does not count: a helper
   * could not get it. As V8's jobs answer `GetMaxConcurrency`, counting the main thread as one of
   * the workers: evacuation wants one thread per `EVACUATION_ITEMS_PER_THREAD` items not yet done
   * (PageEvacuationJob: one per MB of pages, so about 1 MB of new space is evacuated by the main
   * thread alone), pointer updating one per item up to `MAX_POINTER_UPDATE_THREADS`
   * (PointersUpdatingJob), a scavenge up to `scavengeThreads` (one per MB of semispace and one
   * more), and the other phases every helper while they have such work.
   */
  wantedHelpers(phase: number, helpers: number): number {
    switch (phase) {
      case PHASE_SCAVENGE:
        return this.items.remaining() > 0 || this.copied.size() > 0 ? Math.min(helpers, this.scavengeHelpers) : 0;
      case PHASE_MARK:
        return this.items.remaining() > 0 || this.marking.size() > 0 ? helpers : 0;
      case PHASE_SWEEP:
      case PHASE_SWEEP_BACKGROUND:
        return this.sweepItems.remaining() > 0 ? helpers : 0;
      case PHASE_CONCURRENT_MARK:
        return this.marking.size() > 0 ? helpers : 0;
      case PHASE_EVACUATE:
        // The main thread holds an item of its own: the unclaimed ones and it are not yet done.
        return Math.min(helpers, Math.ceil((this.items.remaining() + 1) / EVACUATION_ITEMS_PER_THREAD) - 1);
      case PHASE_UPDATE_POINTERS:
        return Math.min(helpers, this.items.remaining(), MAX_POINTER_UPDATE_THREADS - 1);
      default:
        return this.items.remaining() > 0 ? helpers : 0;
    }
  }

  /**
   * Before a stop-the-world phase with termination (scavenge, marking): the main thread takes
   * part from the start; under 'dynamic' join each helper counts itself in when it arrives
   * (`Terminator.join`), so a phase the main thread finishes alone does not wait for them.
   * `joinAll`: every helper is counted from the start whatever the mode (the phase runs with
   * `PhaseRunner.run`'s joinAll).
   */
  resetTerminatorForPhase(mainOnly = false, joinAll = false): void {
    if (mainOnly) this.terminator.reset(1, false); // the main thread alone, no one joins
    else if (joinAll || this.helperJoin === 'all') this.terminator.reset(this.config.threads, false);
    else this.terminator.reset(1, true);
  }

  /** Scavenges run on the main thread alone: one thread, or option parallelScavenge off. */
  get scavengeMainOnly(): boolean {
    return this.config.threads === 1 || this.config.parallelScavenge === false;
  }

  /** Stop-the-world marking runs on the main thread alone: one thread, or option parallelMarking off. */
  get markMainOnly(): boolean {
    return this.config.threads === 1 || this.config.parallelMarking === false;
  }

  /**
   * The next stop-the-world mark gives each helper a mark bitmap of its own (option
   * threadMarkBitmaps), as far as the run allows it: several threads, the bitmaps made.
   */
  get markThreadBitmaps(): boolean {
    return this.buffers.threadMarkBits !== null && !this.markMainOnly; // made only with the option, at threads > 1
  }

  /** Thread t's mark bitmap under option threadMarkBitmaps: the heap's for the main thread, its own for a helper. */
  threadMarkBitmap(t: number): Int32Array {
    const n = this.heap.markBits.length;
    const b = this.buffers.threadMarkBits;
    if (t === 0 || b === null) return this.heap.markBits;
    return new Int32Array(b, (t - 1) * n * 4, n);
  }

  /**
   * The next stop-the-world mark splits the heap among its threads (option ownerMarking), as far
   * as the run allows it: several threads, a power of two of them. Such a mark runs with every
   * helper from its start whatever the helper-join mode (`MarkCompactCollector.markParallel`):
   * a page's owner must be there to take its mail.
   */
  get markOwned(): boolean {
    const t = this.config.threads;
    return this.config.ownerMarking === true && !this.markMainOnly && (t & (t - 1)) === 0;
  }

  /**
   * The next scavenge splits from-space among its threads (option ownerScavenging), as far as the
   * run allows it: several threads, a power of two of them, all in the phase from the start.
   */
  get scavengeOwned(): boolean {
    const t = this.config.threads;
    return this.config.ownerScavenging === true && !this.scavengeMainOnly && (t & (t - 1)) === 0 && this.helperJoin === 'all';
  }

  /**
   * The main thread scavenging alone installs forwarding addresses with a plain store (nothing
   * races for the header), unless option casForwarding keeps V8's CAS.
   */
  get mainForwardsPlainly(): boolean {
    return this.scavengeMainOnly && this.config.casForwarding !== true;
  }
}

/** One participant's views: what a per-thread GC body may touch. */
export class GcThreadContext {
  readonly heap: Heap;
  readonly items: WorkItems;
  readonly copiedLocal: WorkDistributionLocal;
  readonly markingLocal: WorkDistributionLocal;
  /** The mail of owner marking and owner scavenging, this thread's view. */
  readonly mailbox: Mailbox;
  readonly terminator: Terminator;
  readonly labWords: number;
  /** This thread's row of the per-page live-bytes table. */
  readonly liveBytes: Int32Array;

  constructor(
    readonly shared: GcShared,
    readonly threadId: number,
  ) {
    const cfg = shared.config;
    this.heap = shared.heap;
    this.items = shared.items;
    const copied = new WorklistLocal(shared.copied, threadId);
    const marking = new WorklistLocal(shared.marking, threadId);
    copied.steal = marking.steal = cfg.steal;
    // Publishing a segment wakes participants sleeping in termination.
    copied.wakeOnPublish(shared.terminator.wakeSignal);
    marking.wakeOnPublish(shared.terminator.wakeSignal);
    this.copiedLocal = copied;
    this.markingLocal = marking;
    this.mailbox = new Mailbox(shared.mail, threadId);
    this.mailbox.wakeOnPublish(shared.terminator.wakeSignal);
    this.terminator = shared.terminator;
    this.labWords = cfg.labWords;
    const pages = shared.heap.totalPages;
    this.liveBytes = new Int32Array(shared.buffers.threadLive, threadId * pages * 4, pages);
  }

  heartbeat(): void {
    this.shared.heartbeat.beat(this.threadId);
  }
}

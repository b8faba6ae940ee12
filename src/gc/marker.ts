/**
 * The per-thread body of marking: marks the objects reachable from its claimed root items into
 * the shared bitmap (test-and-test-and-set, the winner pushes), drains the marking worklist with
 * stealing, and counts live bytes per page in its own row. Runs on the main thread and in
 * helpers alike. V8: marking-visitor.h, concurrent-marking.cc (the visitor part).
 *
 * A marked object is pushed without reading it; its header is read when it is visited, where its
 * bytes are counted (as V8 counts live bytes in ProcessMarkingWorklist). Objects are popped in
 * batches of MARK_BATCH, and the batch's length words are loaded before any of them is visited,
 * so that their cache misses overlap instead of following one another (JavaScript has no
 * prefetch; the loads stand in for Boehm's and MMTk's prefetch on pop).
 *
 * Owner marking (option ownerMarking, a stop-the-world mark only): each thread sets the bits of
 * its own pages with a plain or and mails the targets it finds in other threads' pages to them
 * (`drain`, `visitSlotsOwned`; src/parallel/mailbox.ts).
 */
import { type Addr, KIND_TAGGED as KIND_TAGGED_IMPORT, PAGE_BITS as PAGE_BITS_IMPORT, makeHeader, tagPtr } from '../heap/layout.ts';
import { type Heap, C_BACKGROUND_STOP, C_MARK_OWNED, C_MARK_THREAD_BITMAPS, C_MARKING_CANDIDATES as C_MARKING_CANDIDATES_IMPORT, C_GLOBALS_BASE, C_GLOBALS_COUNT, C_ROOT_SP, META_WORDS as META_WORDS_IMPORT, M_FLAGS as M_FLAGS_IMPORT, M_PROGRESS, PAGE_EVACUATION_CANDIDATE as PAGE_EVACUATION_CANDIDATE_IMPORT, PAGE_LARGE_START as PAGE_LARGE_START_IMPORT, TEST_IGNORE_UNDELIVERED_MAIL, TEST_PLAIN_MARKING } from '../heap/heap.ts';
import { PAGE_ZERO_MARKER_WORDS, onPageZero, recordOldToOld as recordOldToOldImport } from '../heap/remembered-set.ts';
import type { TerminationWork } from '../parallel/termination.ts';
import type { Mailbox } from '../parallel/mailbox.ts';
import { STEAL_NONE } from '../parallel/work-distribution.ts';
import { ITEM_GLOBALS, ITEM_ROOTS, ROOT_CHUNK } from './work-items.ts';
import { HEARTBEAT_MASK as HEARTBEAT_MASK_IMPORT, type GcThreadContext } from './gc-shared.ts';

// Module-local aliases of what the per-object paths use: optimised code reads an imported (or
// exported) binding through a cell with a hole check at every use (see src/gc/scavenger.ts).
const KIND_TAGGED = KIND_TAGGED_IMPORT;
const PAGE_BITS = PAGE_BITS_IMPORT;
const C_MARKING_CANDIDATES = C_MARKING_CANDIDATES_IMPORT;
const META_WORDS = META_WORDS_IMPORT;
const M_FLAGS = M_FLAGS_IMPORT;
const PAGE_EVACUATION_CANDIDATE = PAGE_EVACUATION_CANDIDATE_IMPORT;
const PAGE_LARGE_START = PAGE_LARGE_START_IMPORT;
const HEARTBEAT_MASK = HEARTBEAT_MASK_IMPORT;
const recordOldToOld = recordOldToOldImport;

/**
 * A large object's slots are scanned in chunks of this many, claimed with an atomic add on its
 * page's progress counter, so several threads can share one big array (V8's progress bar).
 */
const CHUNK = 4096;
export const PROGRESS_BAR_CHUNK = CHUNK;

/**
 * Owner marking: the heap's pages are dealt to the threads round robin, the owner of the object at
 * `a` being page `a >>> PAGE_BITS` & (threads - 1). A page's mark bits fill 128 cache lines of the
 * bitmap, so no line holds two threads' bits. (With 32 KB chunks instead of pages, the bench
 * graph's neighbouring layout mailed 0.63-0.75 targets per object against 0.53-0.55.)
 */
const OWNER_BITS = PAGE_BITS;

/** Objects popped, and their length words loaded, before the first of them is visited. */
const BATCH = 8;
export const MARK_BATCH = BATCH;

export class Marker {
  private readonly heap: Heap;
  private readonly mem: Int32Array;
  private readonly bits: Int32Array;
  private readonly live: Int32Array;
  objects = 0;
  markedWords = 0;
  /**
   * Mark-bit races this thread lost in the current phase: it found an object's bit clear, and
   * another thread set it before this thread's atomic or did, so the other thread pushed the
   * object (0 where bits are set with a plain or). Counted without a branch (`won ^ 1`): a branch
   * that only a lost race took would have had no type feedback on a thread whose warm-up lost
   * none, and would deoptimise the loop in a measured run.
   */
  racesLost = 0;
  /** Owner marking: targets this thread mailed to their owners in the current phase. */
  get mailSent(): number {
    return this.mail.sent;
  }
  /**
   * Mark bits are set atomically (`Heap.setBit`) only when another thread can race (threads > 1),
   * or with option atomicMarking, as V8's marking visitors always do. 1 or 0: optimised code tests
   * a boolean field's truthiness in up to eleven instructions, a number in two.
   */
  private atomic: number;
  /** `atomic` as the configuration sets it; cleared under TEST_PLAIN_MARKING (`syncAtomic`). */
  private readonly atomicConfigured: number;
  /**
   * 1 while this thread marks in an owner-marking phase (C_MARK_OWNED): it sets only the bits of
   * its own pages, with a plain or, and mails every other target to the thread that owns it.
   */
  private owned = 0;
  /** Threads - 1 (a power of two less one when `owned`): a page's owner is its index & this. */
  private readonly ownerMask: number;
  private readonly mail: Mailbox;
  /** The marking worklist and this thread's mail, for the terminator of an owner-marking phase. */
  private readonly ownedWork: TerminationWork;
  /**
   * 1 while this thread marks with a bitmap of its own (C_MARK_THREAD_BITMAPS): it tests every
   * thread's bitmap and sets bits in its own alone, with a plain or.
   */
  private split = 0;
  /** Option threadMarkBitmaps: this thread's bitmap (the heap's for the main thread). */
  private readonly ownBits: Int32Array;
  /** Every thread's bitmap, the last repeated up to four (a second test of the same word is a cache hit). */
  private readonly splitBits: Int32Array[];
  /** This thread's batch of popped objects (see the header). */
  private readonly batch = new Int32Array(BATCH);
  /** The batch's loaded length words, xored: kept so the compiler keeps the loads. */
  private touched = 0;

  constructor(private readonly ctx: GcThreadContext) {
    this.heap = ctx.heap;
    this.mem = ctx.heap.mem;
    this.bits = ctx.heap.markBits;
    this.live = ctx.liveBytes;
    this.atomicConfigured = ctx.shared.config.threads > 1 || ctx.shared.config.atomicMarking === true ? 1 : 0;
    this.atomic = this.atomicConfigured;
    this.ownerMask = ctx.shared.config.threads - 1;
    const splitBits: Int32Array[] = [];
    const threads = ctx.shared.config.threads;
    for (let t = 0; t < 4; t++) splitBits.push(ctx.shared.threadMarkBitmap(Math.min(t, threads - 1)));
    this.splitBits = splitBits;
    this.ownBits = ctx.shared.threadMarkBitmap(ctx.threadId);
    const ctl = ctx.heap.ctl;
    const local = ctx.markingLocal;
    const mail = ctx.mailbox;
    this.mail = mail;
    const heap = ctx.heap;
    this.ownedWork = {
      threadId: ctx.threadId,
      hasVisibleWork: () => local.hasVisibleWork() || mail.hasMail(),
      undelivered: () => mail.undelivered() && !heap.testFlag(TEST_IGNORE_UNDELIVERED_MAIL),
    };
    this.stopAwareWork = {
      threadId: ctx.threadId,
      hasVisibleWork: () => Atomics.load(ctl, C_BACKGROUND_STOP) === 0 && local.hasVisibleWork(),
    };
  }

  /** Stop-the-world marking: roots from the claimed items, then the transitive closure. */
  run(): void {
    this.objects = 0;
    this.markedWords = 0;
    this.racesLost = 0;
    this.syncAtomic();
    this.mail.resetStats();
    this.owned = this.heap.ctl[C_MARK_OWNED] !== 0 ? 1 : 0;
    this.split = this.heap.ctl[C_MARK_THREAD_BITMAPS] !== 0 ? 1 : 0;
    try {
      this.markClaimedRoots();
      this.drain();
    } finally {
      this.owned = 0;
      this.split = 0;
    }
  }

  private markClaimedRoots(): void {
    const items = this.ctx.items;
    const roots = this.heap.roots;
    const ctl = this.heap.ctl;
    for (let i = items.claim(); i >= 0; i = items.claim()) {
      const kind = items.kind(i);
      let from = 0;
      let to = 0;
      if (kind === ITEM_ROOTS) {
        from = items.arg(i);
        to = Math.min(from + ROOT_CHUNK, ctl[C_ROOT_SP]);
      } else if (kind === ITEM_GLOBALS) {
        from = ctl[C_GLOBALS_BASE];
        to = from + ctl[C_GLOBALS_COUNT];
      }
      if (this.owned !== 0) {
        for (let r = from; r < to; r++) this.markValueOwned(roots[r]);
      } else if (this.split !== 0) {
        for (let r = from; r < to; r++) this.markValueSplit(roots[r]);
      } else {
        for (let r = from; r < to; r++) this.markValue(roots[r]);
      }
    }
  }

  /** `markValue` in an owner-marking phase: marks the target if this thread owns it, else mails it. */
  private markValueOwned(v: number): void {
    if ((v & 1) === 0) return;
    const a = v >>> 1;
    const owner = (a >>> OWNER_BITS) & this.ownerMask;
    if (owner === this.ctx.threadId) this.markOwn(a);
    else this.mail.send(owner, a);
  }

  /** `markValue` with a bitmap of this thread's own: marks the target unless some thread's bitmap has it. */
  private markValueSplit(v: number): void {
    if ((v & 1) === 0) return;
    const a = v >>> 1;
    const i = a >>> 5;
    const m = 1 << (a & 31);
    const b = this.splitBits;
    if (((b[0][i] | b[1][i] | b[2][i] | b[3][i]) & m) !== 0) return;
    this.ownBits[i] |= m;
    this.ctx.markingLocal.push(a);
  }

  /** Marks `a`, in one of this thread's pages, with a plain or; pushes it if its bit was clear. */
  private markOwn(a: number): void {
    const bits = this.bits;
    const i = a >>> 5;
    const m = 1 << (a & 31);
    if ((bits[i] & m) !== 0) return;
    bits[i] |= m;
    this.ctx.markingLocal.push(a);
  }

  /** Marks the targets mailed to this thread; returns how many it took. */
  private receiveMail(): number {
    const mail = this.mail;
    const wl = mail.worklist;
    let taken = 0;
    for (let s = mail.take(); s !== -1; s = mail.take()) {
      const pool = mail.view();
      const first = wl.entriesOf(s);
      const end = first + wl.segmentCount(s);
      for (let k = first; k < end; k++) this.markOwn(pool[k]);
      taken += end - first;
      mail.release(s);
    }
    return taken;
  }

  /** ForTesting: under TEST_PLAIN_MARKING this marker sets bits with a plain or at any thread count. */
  private syncAtomic(): void {
    this.atomic = this.heap.testFlag(TEST_PLAIN_MARKING) ? 0 : this.atomicConfigured;
  }

  /** Marks the object `v` points to (if it is a pointer) and queues it if this thread won it. */
  markValue(v: number): void {
    if ((v & 1) === 0) return;
    const a = v >>> 1;
    const bits = this.bits;
    const i = a >>> 5;
    const m = 1 << (a & 31);
    if ((bits[i] & m) !== 0) return;
    if (this.atomic !== 0) {
      const won = this.heap.setBit(this.heap.markBase, a);
      this.racesLost += won ^ 1;
      if (won === 0) return;
    } else {
      bits[i] |= m;
    }
    this.ctx.markingLocal.push(a);
  }

  /**
   * Pops up to MARK_BATCH objects into the batch, loading each one's length word as it goes (see
   * the header); returns how many it popped, 0 when the local view is empty.
   */
  private popBatch(): number {
    const local = this.ctx.markingLocal;
    const batch = this.batch;
    const mem = this.mem;
    let touched = this.touched;
    let k = 0;
    while (k < BATCH) {
      const obj = local.pop();
      if (obj === 0) break;
      batch[k++] = obj;
      touched ^= mem[obj + 1];
    }
    this.touched = touched;
    return k;
  }

  /**
   * Concurrent marking on a helper while the mutator runs: drains the shared worklist (fed by the
   * mutator's barrier and by root marking) with the helpers `1..markers` as participants, and
   * returns early, with its local work published, when the main thread asks background work to stop.
   */
  runConcurrent(markers: number): void {
    this.objects = 0;
    this.markedWords = 0;
    this.racesLost = 0;
    this.syncAtomic();
    if (this.ctx.threadId === 0 || this.ctx.threadId > markers) return;
    // Under a scheme that never steals, the concurrent markers are dealt the main thread's
    // segments (its root marking, barrier records and steps): no one else gives them any work.
    const local = this.ctx.markingLocal;
    local.dealer = local.steal === STEAL_NONE ? 0 : -1;
    try {
      this.drainConcurrent();
    } finally {
      local.dealer = -1;
    }
  }

  private drainConcurrent(): void {
    const local = this.ctx.markingLocal;
    const term = this.ctx.terminator;
    const ctl = this.heap.ctl;
    const stopWork = this.stopAwareWork;
    const batch = this.batch;
    for (;;) {
      let n = 0;
      // A batch is visited whole before a stop is looked at: no popped object is left unvisited.
      for (let k = this.popBatch(); k !== 0; k = this.popBatch()) {
        for (let j = 0; j < k; j++) this.visit(batch[j]);
        n += k;
        if (n >= 64) {
          n = 0;
          this.ctx.heartbeat();
          if (Atomics.load(ctl, C_BACKGROUND_STOP) !== 0) break;
        }
      }
      // After a stop the local work left is published, where the main thread takes it; otherwise
      // the local worklist is empty and publishing does nothing. Called either way: a call only a
      // stop in mid-drain reached had no type feedback on a helper whose warm-up met none, and
      // deoptimised in a measured run.
      local.publish();
      this.ctx.heartbeat();
      if (term.offerTermination(stopWork)) return;
    }
  }

  /** While a stop is requested every participant counts as idle, so the group terminates at once. */
  private readonly stopAwareWork: TerminationWork;

  /**
   * One incremental marking step on the main thread: marks until `budgetWords` more words are
   * marked or the worklist is empty. Returns true when no marking work is left that this thread can see.
   */
  step(budgetWords: number): boolean {
    this.syncAtomic();
    const target = this.markedWords + budgetWords;
    const batch = this.batch;
    for (let k = this.popBatch(); k !== 0; k = this.popBatch()) {
      for (let j = 0; j < k; j++) this.visit(batch[j]);
      if (this.markedWords >= target) return false;
    }
    return true;
  }

  /**
   * Claims the next chunk of a large object; re-pushes the object first if more chunks remain.
   * The thread that claims the first chunk counts the object.
   */
  private visitChunk(obj: Addr, len: number, tagged: boolean): void {
    const first = Atomics.add(this.heap.pageMeta, (obj >>> PAGE_BITS) * META_WORDS + M_PROGRESS, CHUNK);
    if (first === 0) this.count(obj, len);
    if (first >= len || !tagged) return;
    if (first + CHUNK < len) this.ctx.markingLocal.push(obj);
    const from = obj + 2 + first;
    const end = obj + 2 + Math.min(len, first + CHUNK);
    const candidates = this.heap.ctl[C_MARKING_CANDIDATES] !== 0;
    if (this.owned !== 0) this.visitSlotsOwned(obj, from, end, candidates);
    else if (this.split !== 0) this.visitSlotsSplit(obj, from, end, candidates);
    else this.visitSlots(obj, from, end, candidates);
  }

  private count(obj: Addr, len: number): void {
    const size = 2 + len;
    this.live[obj >>> PAGE_BITS] += size << 2;
    this.objects++;
    this.markedWords += size;
  }

  /** Marks the roots (handles, globals) from the main thread, without a parallel phase. */
  markRoots(): void {
    this.syncAtomic();
    const roots = this.heap.roots;
    const ctl = this.heap.ctl;
    const sp = ctl[C_ROOT_SP];
    for (let r = 1; r < sp; r++) this.markValue(roots[r]);
    const gb = ctl[C_GLOBALS_BASE];
    const ge = gb + ctl[C_GLOBALS_COUNT];
    for (let r = gb; r < ge; r++) this.markValue(roots[r]);
  }

  /**
   * The transitive closure: pops batches of grey objects and visits them until termination. In
   * an owner-marking phase this thread also marks what others mailed it, between batches and
   * before it goes idle, and publishes its own mail before it goes idle and whenever another
   * thread is idle; the phase then ends when every thread is idle and no mail is undelivered
   * (`ownedWork`).
   */
  drain(): void {
    const local = this.ctx.markingLocal;
    const mail = this.mail;
    const term = this.ctx.terminator;
    const batch = this.batch;
    const owned = this.owned;
    const work = owned !== 0 ? this.ownedWork : local;
    for (;;) {
      let n = 0;
      for (let k = this.popBatch(); k !== 0; k = this.popBatch()) {
        for (let j = 0; j < k; j++) this.visit(batch[j]);
        // The main thread's beats drive the lazy wake; a thread with a long worklist still tells
        // the stall watch it is alive (a graph of millions of objects keeps one busy for seconds).
        n += k;
        if (n > HEARTBEAT_MASK) {
          n = 0;
          this.ctx.heartbeat();
          if (owned !== 0) {
            this.receiveMail();
            if (term.hasIdleParticipants()) mail.flush();
          }
        }
      }
      if (owned !== 0) {
        if (this.receiveMail() !== 0) continue;
        mail.flush();
      }
      this.ctx.heartbeat();
      if (term.offerTermination(work)) return;
    }
  }


  /** Counts a grey object and, if it has tagged slots, marks their targets. */
  visit(obj: Addr): void {
    const mem = this.mem;
    const len = mem[obj + 1];
    const tagged = ((mem[obj] >>> 1) & 3) === KIND_TAGGED;
    if (len > CHUNK && (this.heap.pageMeta[(obj >>> PAGE_BITS) * META_WORDS + M_FLAGS] & PAGE_LARGE_START) !== 0) {
      this.visitChunk(obj, len, tagged);
      return;
    }
    this.count(obj, len);
    if (!tagged) return;
    if (this.owned !== 0) this.visitSlotsOwned(obj, obj + 2, obj + 2 + len, this.heap.ctl[C_MARKING_CANDIDATES] !== 0);
    else if (this.split !== 0) this.visitSlotsSplit(obj, obj + 2, obj + 2 + len, this.heap.ctl[C_MARKING_CANDIDATES] !== 0);
    else this.visitSlots(obj, obj + 2, obj + 2 + len, this.heap.ctl[C_MARKING_CANDIDATES] !== 0);
  }

  /**
   * Marks the targets of [from, end) of `obj` and pushes those this thread won, unread. A slot of
   * an old object that points into an evacuation candidate is recorded (OLD_TO_OLD) for pointer
   * updating: one page-flag load per pointer, as V8's RecordSlot, skipped when the cycle has no
   * candidate at all (`candidates`: C_MARKING_CANDIDATES, read by the caller). Young hosts need
   * no record: all of new space is rescanned. `markValue` inlined by hand, with every view in a
   * local: the loop body makes no call but the push, so nothing is re-read from `this` per slot.
   */
  private visitSlots(obj: Addr, from: Addr, end: Addr, candidates: boolean): void {
    const mem = this.mem;
    const bits = this.bits;
    const atomic = this.atomic;
    const local = this.ctx.markingLocal;
    const heap = this.heap;
    const setBit = heap.setBit;
    const markBase = heap.markBase;
    const pm = heap.pageMeta;
    // The bounds are read and compared whether or not the cycle has candidates: a load or a
    // compare that only a cycle with candidates reached had no type feedback on a thread whose
    // warm-up met none, and deoptimised.
    const newStart = heap.newStart;
    const newEnd = heap.newEnd;
    const young = obj >= newStart && obj < newEnd;
    const oldHost = candidates && !young;
    let lost = 0;
    for (let slot = from; slot < end; slot++) {
      const v = mem[slot];
      if ((v & 1) === 0) continue;
      const a = v >>> 1;
      const i = a >>> 5;
      const m = 1 << (a & 31);
      if ((bits[i] & m) === 0) {
        let won = 1;
        if (atomic !== 0) {
          won = setBit(markBase, a);
          lost += won ^ 1;
        } else bits[i] |= m;
        if (won !== 0) local.push(a);
      }
      if (oldHost && (pm[(a >>> PAGE_BITS) * META_WORDS + M_FLAGS] & PAGE_EVACUATION_CANDIDATE) !== 0) recordOldToOld(heap, slot);
    }
    this.racesLost += lost;
  }

  /**
   * `visitSlots` with a bitmap of this thread's own (option threadMarkBitmaps): a target no
   * thread's bitmap has is marked in this thread's with a plain or and pushed. Two threads may
   * both mark one object between test and set; both then visit it, and the merge after the phase
   * counts its live bytes once (`MarkCompactCollector.mergeThreadMarkBitmaps`).
   */
  private visitSlotsSplit(obj: Addr, from: Addr, end: Addr, candidates: boolean): void {
    const mem = this.mem;
    const b = this.splitBits;
    const b0 = b[0];
    const b1 = b[1];
    const b2 = b[2];
    const b3 = b[3];
    const own = this.ownBits;
    const local = this.ctx.markingLocal;
    const heap = this.heap;
    const pm = heap.pageMeta;
    const newStart = heap.newStart;
    const newEnd = heap.newEnd;
    const young = obj >= newStart && obj < newEnd;
    const oldHost = candidates && !young;
    for (let slot = from; slot < end; slot++) {
      const v = mem[slot];
      if ((v & 1) === 0) continue;
      const a = v >>> 1;
      const i = a >>> 5;
      const m = 1 << (a & 31);
      if (((b0[i] | b1[i] | b2[i] | b3[i]) & m) === 0) {
        own[i] |= m;
        local.push(a);
      }
      if (oldHost && (pm[(a >>> PAGE_BITS) * META_WORDS + M_FLAGS] & PAGE_EVACUATION_CANDIDATE) !== 0) recordOldToOld(heap, slot);
    }
  }

  /**
   * `visitSlots` in an owner-marking phase: a target in one of this thread's pages is marked with
   * a plain or and pushed if its bit was clear; any other is mailed, untested, to its owner (a
   * test would read a bitmap line the owner writes). Slots are recorded as `visitSlots` does.
   */
  private visitSlotsOwned(obj: Addr, from: Addr, end: Addr, candidates: boolean): void {
    const mem = this.mem;
    const bits = this.bits;
    const local = this.ctx.markingLocal;
    const mail = this.mail;
    const heap = this.heap;
    const pm = heap.pageMeta;
    const me = this.ctx.threadId;
    const ownerMask = this.ownerMask;
    const young = obj >= heap.newStart && obj < heap.newEnd;
    const oldHost = candidates && !young;
    for (let slot = from; slot < end; slot++) {
      const v = mem[slot];
      if ((v & 1) === 0) continue;
      const a = v >>> 1;
      const owner = (a >>> OWNER_BITS) & ownerMask;
      if (owner === me) {
        const i = a >>> 5;
        const m = 1 << (a & 31);
        if ((bits[i] & m) === 0) {
          bits[i] |= m;
          local.push(a);
        }
      } else mail.send(owner, a);
      if (oldHost && (pm[(a >>> PAGE_BITS) * META_WORDS + M_FLAGS] & PAGE_EVACUATION_CANDIDATE) !== 0) recordOldToOld(heap, slot);
    }
  }

  /**
   * Warm-up only (`Participant.warmRarePaths`): runs marking's rare paths on this thread on words
   * of page 0, which holds no object and which no collector scans, so that the thread has type
   * feedback for them before a measured cycle. A helper whose warm-up met one of them in no
   * marking deoptimised there in a measured run (splay and gcbench at threads = 4):
   * - a slot of an old object into an evacuation candidate, recorded for pointer updating (its
   *   target is marked already, so nothing is pushed);
   * - a large tagged object (all its slots Smis), whose first chunk this thread claims; the
   *   re-push of the object for its next chunk is popped back at once.
   * Page 0 is a candidate and a large page only meanwhile (`onPageZero`), and everything is
   * undone (test/experiments/warm-paths.test.ts).
   */
  warmPaths(): void {
    const heap = this.heap;
    const mem = this.mem;
    const pm = heap.pageMeta;
    const local = this.ctx.markingLocal;
    const slot = PAGE_ZERO_MARKER_WORDS;
    const target = slot + 8;
    const big = slot + 64;
    const len = PROGRESS_BAR_CHUNK + 1;
    const objects = this.objects;
    const markedWords = this.markedWords;
    onPageZero(heap, PAGE_EVACUATION_CANDIDATE | PAGE_LARGE_START, () => {
      mem[slot] = tagPtr(target);
      heap.setBit(heap.markBase, target);
      // The host is any address above new space: only the comparison reads it.
      this.visitSlots(heap.newEnd, slot, slot + 1, true);
      mem[big] = makeHeader(0, KIND_TAGGED);
      mem[big + 1] = len;
      this.visit(big);
      if (local.pop() !== big) throw new Error('Marker.warmPaths: the large object was not re-pushed');
      pm[M_PROGRESS] = 0;
      this.live[0] -= (2 + len) << 2;
      heap.clearBits(heap.markBase, target >>> 5, 1 << (target & 31));
      mem[slot] = mem[big] = mem[big + 1] = 0;
      this.objects = objects;
      this.markedWords = markedWords;
    });
  }
}

/**
 * Segmented work-stealing worklist on SharedArrayBuffers: V8's `heap::base::Worklist` with
 * whole-segment stealing. `Worklist` is the shared part (segment pool + one published stack per
 * thread) and may be attached in any thread; `WorklistLocal` is one thread's private view (a push
 * and a pop segment) and must only ever be used by the thread that created it.
 *
 * Memory layout (all Int32; a segment id s is a word offset s * stride into the pool):
 *
 *   ctl SAB (fixed)                                  pool SAB (growable, segments carved on demand)
 *   word                                             +------+-------+-----------------+-----+
 *    0  POOL_LOCK    lock.ts mutex (0 free)          | NEXT | COUNT | entries[size]   | pad |  segment 0
 *    1  FREE_TOP     free-segment list head, -1      +------+-------+-----------------+-----+
 *    2  SEG_HIGH     segments carved so far          | NEXT | COUNT | entries[size]   | pad |  segment 1
 *    3  ENTRIES      published entries, all threads  +------+-------+-----------------+-----+
 *    4  SEG_SIZE     entries per segment              ...   stride = round16(2 + size) words, so
 *    5  STRIDE       words per segment                      every segment starts on 64 bytes
 *    6  THREADS      rows below                       NEXT : next segment on a stack / free list
 *    7  MAX_SEGS     pool limit (segments)            COUNT: entries in a published segment
 *    8..15 reserved
 *   16 + 16t + 0  LOCK[t]      mutex of thread t's published stack        one 64-byte row per
 *   16 + 16t + 1  TOP[t]       top segment of the stack, -1 = empty       thread: no false sharing
 *   16 + 16t + 2  SEGMENTS[t]  segments on the stack                      between stacks
 *
 * Who sees what: a local segment is private (plain reads/writes, invisible to other threads)
 * until `publish()` pushes it on the owner's stack under its lock; the lock release is the
 * happens-before edge that makes the segment's entries visible to a thief, who takes the whole
 * segment under the same lock. Counters read outside the locks (ENTRIES, TOP) are approximate.
 */

import { lockWord, unlockWord } from './lock.ts';
import { STEAL_NONE, STEAL_SEGMENT, stealFunction, type StealFn, type WorkDistributionLocal } from './work-distribution.ts';

/** Debug checks (value range, segment bounds): a constant so they cost nothing when off. */
const DEBUG = false;

const NIL = -1;

// ctl words
const POOL_LOCK = 0;
const FREE_TOP = 1;
const SEG_HIGH = 2;
const ENTRIES = 3;
const SEG_SIZE = 4;
const STRIDE = 5;
const THREADS = 6;
const MAX_SEGS = 7;
const ROW0 = 16;
/** 16 words = 64 bytes: one cache line per thread row. */
const ROW_WORDS = 16;
const R_LOCK = 0;
const R_TOP = 1;
const R_SEGMENTS = 2;

// segment header words
const S_NEXT = 0;
const S_COUNT = 1;
const S_HDR = 2;

/** V8's marking worklist segment size; the scavenger uses 256. */
export const DEFAULT_SEGMENT_SIZE = 64;
/**
 * Default pool limit in bytes (virtual address space is reserved up front by a growable SAB,
 * physical memory only as the pool grows): 256 MiB, about 53M entries with 64-entry segments.
 */
export const DEFAULT_MAX_POOL_BYTES = 256 * 1024 * 1024;

/** The shared buffers of a worklist: structured-cloneable, to pass through workerData. */
export interface WorklistBuffers {
  readonly ctl: SharedArrayBuffer;
  readonly pool: SharedArrayBuffer;
}

export interface WorklistOptions {
  /** Number of thread rows (ids 0..threads-1). */
  threads: number;
  /** Entries per segment; default 64. */
  segmentSize?: number;
  /** Segments the pool holds before it first grows; default 4 per thread, at least 16. */
  initialSegments?: number;
  /** Hard limit of the pool in segments; default: what fits in 256 MiB. */
  maxSegments?: number;
}

/** The shared part. One instance per thread (`create` in one, `attach` in the others). */
export class Worklist {
  readonly buffers: WorklistBuffers;
  readonly ctl: Int32Array;
  readonly threads: number;
  readonly segmentSize: number;
  readonly strideWords: number;
  /**
   * Fixed-length view of the pool, replaced when the pool has grown. Length-tracking views over
   * a growable SAB cost ~7x more per access on Node 20 (V8 11.3), so hot paths use this one.
   */
  pool: Int32Array;

  private constructor(buffers: WorklistBuffers) {
    this.buffers = buffers;
    this.ctl = new Int32Array(buffers.ctl);
    this.threads = this.ctl[THREADS];
    this.segmentSize = this.ctl[SEG_SIZE];
    this.strideWords = this.ctl[STRIDE];
    this.pool = new Int32Array(buffers.pool, 0, buffers.pool.byteLength >> 2);
  }

  static create(opts: WorklistOptions): Worklist {
    const threads = opts.threads;
    const segmentSize = opts.segmentSize ?? DEFAULT_SEGMENT_SIZE;
    if (!Number.isInteger(threads) || threads < 1) throw new RangeError(`Worklist: threads must be >= 1, got ${threads}`);
    if (!Number.isInteger(segmentSize) || segmentSize < 1) {
      throw new RangeError(`Worklist: segmentSize must be >= 1, got ${segmentSize}`);
    }
    const stride = (S_HDR + segmentSize + 15) & ~15;
    const strideBytes = stride * 4;
    const initial = Math.max(1, opts.initialSegments ?? Math.max(16, 4 * threads));
    const max = Math.max(initial, opts.maxSegments ?? Math.floor(DEFAULT_MAX_POOL_BYTES / strideBytes));
    const pool =
      max > initial
        ? new SharedArrayBuffer(initial * strideBytes, { maxByteLength: max * strideBytes })
        : new SharedArrayBuffer(initial * strideBytes);
    const ctlSab = new SharedArrayBuffer((ROW0 + threads * ROW_WORDS) * 4);
    const ctl = new Int32Array(ctlSab);
    ctl[FREE_TOP] = NIL;
    ctl[SEG_SIZE] = segmentSize;
    ctl[STRIDE] = stride;
    ctl[THREADS] = threads;
    ctl[MAX_SEGS] = max;
    for (let t = 0; t < threads; t++) ctl[ROW0 + t * ROW_WORDS + R_TOP] = NIL;
    return new Worklist({ ctl: ctlSab, pool });
  }

  static attach(buffers: WorklistBuffers): Worklist {
    return new Worklist(buffers);
  }

  /**
   * Drops every published entry (segments go back to the pool). Main thread, between phases,
   * while no other thread uses the worklist. Segments that locals hold stay theirs, with their
   * entries: empty a local with `WorklistLocal.clear()`.
   */
  clear(): void {
    const ctl = this.ctl;
    const pool = this.refreshPool();
    lockWord(ctl, POOL_LOCK);
    for (let t = 0; t < this.threads; t++) {
      const row = ROW0 + t * ROW_WORDS;
      lockWord(ctl, row + R_LOCK);
      let s = ctl[row + R_TOP];
      while (s !== NIL) {
        const base = s * this.strideWords;
        const next = pool[base + S_NEXT];
        pool[base + S_NEXT] = ctl[FREE_TOP];
        ctl[FREE_TOP] = s;
        s = next;
      }
      Atomics.store(ctl, row + R_TOP, NIL);
      ctl[row + R_SEGMENTS] = 0;
      unlockWord(ctl, row + R_LOCK);
    }
    Atomics.store(ctl, ENTRIES, 0);
    unlockWord(ctl, POOL_LOCK);
  }

  /** No published entries (approximate while other threads run: for stats and termination). */
  isEmpty(): boolean {
    return Atomics.load(this.ctl, ENTRIES) === 0;
  }

  /** Published entries, all threads (approximate while other threads run). */
  size(): number {
    return Atomics.load(this.ctl, ENTRIES);
  }

  /** Segments on thread t's published stack (approximate). */
  publishedSegments(thread: number): number {
    return Atomics.load(this.ctl, ROW0 + thread * ROW_WORDS + R_SEGMENTS);
  }

  /** Segments carved from the pool so far, and the pool's current capacity, in segments. */
  poolStats(): { carved: number; capacity: number; max: number } {
    return {
      carved: Atomics.load(this.ctl, SEG_HIGH),
      capacity: Math.floor(this.buffers.pool.byteLength / (this.strideWords * 4)),
      max: this.ctl[MAX_SEGS],
    };
  }

  /** A view covering the whole pool as it is now (after another thread may have grown it). */
  refreshPool(): Int32Array {
    const words = this.buffers.pool.byteLength >> 2;
    if (words !== this.pool.length) this.pool = new Int32Array(this.buffers.pool, 0, words);
    return this.pool;
  }

  /** Takes a segment from the free list or carves a new one, growing the pool if needed. */
  allocateSegment(): number {
    const ctl = this.ctl;
    lockWord(ctl, POOL_LOCK);
    let s = ctl[FREE_TOP];
    if (s !== NIL) {
      ctl[FREE_TOP] = this.refreshPool()[s * this.strideWords + S_NEXT];
    } else {
      s = ctl[SEG_HIGH];
      const strideBytes = this.strideWords * 4;
      const pool = this.buffers.pool;
      if ((s + 1) * strideBytes > pool.byteLength) {
        const max = ctl[MAX_SEGS];
        if (s + 1 > max || !pool.growable) {
          unlockWord(ctl, POOL_LOCK);
          throw new Error(
            `Worklist segment pool exhausted: all ${s} segments of ${this.segmentSize} entries are in use ` +
              `(limit ${max} segments, ${(max * strideBytes) / 1048576} MiB); raise maxSegments`,
          );
        }
        // Double, so a pool of millions of entries is reached in a few dozen grows.
        pool.grow(Math.min(max, Math.max(s + 1, 2 * s)) * strideBytes);
      }
      ctl[SEG_HIGH] = s + 1;
    }
    unlockWord(ctl, POOL_LOCK);
    return s;
  }

  freeSegment(s: number): void {
    const ctl = this.ctl;
    const pool = this.pool; // the caller held s, so this thread's view already covers it
    lockWord(ctl, POOL_LOCK);
    pool[s * this.strideWords + S_NEXT] = ctl[FREE_TOP];
    ctl[FREE_TOP] = s;
    unlockWord(ctl, POOL_LOCK);
  }

  /** Pushes a full (or partly full) segment on thread t's published stack. */
  publishSegment(t: number, s: number, count: number): void {
    const ctl = this.ctl;
    const pool = this.pool;
    const base = s * this.strideWords;
    const row = ROW0 + t * ROW_WORDS;
    pool[base + S_COUNT] = count;
    lockWord(ctl, row + R_LOCK);
    pool[base + S_NEXT] = ctl[row + R_TOP];
    Atomics.store(ctl, row + R_TOP, s);
    ctl[row + R_SEGMENTS]++;
    Atomics.add(ctl, ENTRIES, count);
    unlockWord(ctl, row + R_LOCK);
  }

  /** Pops the top segment of thread t's published stack, or NIL (-1). The caller owns it then. */
  takeSegment(t: number): number {
    const ctl = this.ctl;
    const row = ROW0 + t * ROW_WORDS;
    if (Atomics.load(ctl, row + R_TOP) === NIL) return NIL; // test before taking the lock
    lockWord(ctl, row + R_LOCK);
    const s = ctl[row + R_TOP];
    if (s !== NIL) {
      // Segments on a stack were carved before they were published, and the lock orders this
      // read after the publisher's writes, so a refreshed view covers s.
      const pool = this.refreshPool();
      const base = s * this.strideWords;
      Atomics.store(ctl, row + R_TOP, pool[base + S_NEXT]);
      pool[base + S_NEXT] = NIL; // a chain of one (see StealFn)
      ctl[row + R_SEGMENTS]--;
      Atomics.sub(ctl, ENTRIES, pool[base + S_COUNT]);
    }
    unlockWord(ctl, row + R_LOCK);
    return s;
  }

  /**
   * Detaches the bottom (oldest) segment of thread t's published stack and returns it as a chain
   * of one, or NIL: the thief's end of a work-stealing deque (Arora, Blumofe and Plaxton; Chase
   * and Lev). The oldest entries were pushed first, so in a depth-first traversal they are the
   * shallowest, with the largest subgraphs, farthest from where the owner works now. Walks the
   * stack under t's lock (a few segments while marking a tree; up to hundreds on a wide graph).
   */
  takeOldest(t: number): number {
    const ctl = this.ctl;
    const row = ROW0 + t * ROW_WORDS;
    if (Atomics.load(ctl, row + R_TOP) === NIL) return NIL;
    lockWord(ctl, row + R_LOCK);
    let s = ctl[row + R_TOP];
    if (s !== NIL) {
      const pool = this.refreshPool();
      const stride = this.strideWords;
      let prev = NIL;
      for (let next = pool[s * stride + S_NEXT]; next !== NIL; next = pool[next * stride + S_NEXT]) {
        prev = s;
        s = next;
      }
      if (prev === NIL) Atomics.store(ctl, row + R_TOP, NIL);
      else pool[prev * stride + S_NEXT] = NIL;
      ctl[row + R_SEGMENTS]--;
      Atomics.sub(ctl, ENTRIES, pool[s * stride + S_COUNT]);
    }
    unlockWord(ctl, row + R_LOCK);
    return s;
  }

  /**
   * Steal-half: detaches the top half (rounded up) of thread t's published stack in one lock
   * hold and returns the first segment of that chain (linked through NEXT, ending in NIL), or NIL.
   * The caller owns every segment of the chain.
   */
  takeHalf(t: number): number {
    const ctl = this.ctl;
    const row = ROW0 + t * ROW_WORDS;
    if (Atomics.load(ctl, row + R_TOP) === NIL) return NIL;
    lockWord(ctl, row + R_LOCK);
    const first = ctl[row + R_TOP];
    if (first !== NIL) {
      const pool = this.refreshPool();
      const stride = this.strideWords;
      const take = (ctl[row + R_SEGMENTS] + 1) >> 1;
      let last = first;
      let entries = pool[first * stride + S_COUNT];
      for (let k = 1; k < take; k++) {
        const next = pool[last * stride + S_NEXT];
        if (next === NIL) break;
        last = next;
        entries += pool[last * stride + S_COUNT];
      }
      Atomics.store(ctl, row + R_TOP, pool[last * stride + S_NEXT]);
      pool[last * stride + S_NEXT] = NIL;
      let n = 0;
      for (let s = first; s !== NIL; s = pool[s * stride + S_NEXT]) n++;
      ctl[row + R_SEGMENTS] -= n;
      Atomics.sub(ctl, ENTRIES, entries);
    }
    unlockWord(ctl, row + R_LOCK);
    return first;
  }

  /** The segment after `s` in a chain returned by `takeSegment` or `takeHalf`, or NIL. */
  nextInChain(s: number): number {
    return this.pool[s * this.strideWords + S_NEXT];
  }

  /**
   * Rewrites every published entry with `fn` (0 drops the entry), compacting segments in place and
   * returning emptied ones to the pool: V8's Worklist::Update, used when objects on a marking
   * worklist move. Main thread, while no other thread uses the worklist; publish locals first.
   */
  rewritePublished(fn: (v: number) => number): void {
    const ctl = this.ctl;
    const pool = this.refreshPool();
    const stride = this.strideWords;
    let entries = 0;
    for (let t = 0; t < this.threads; t++) {
      const row = ROW0 + t * ROW_WORDS;
      let prev = NIL;
      let s = ctl[row + R_TOP];
      while (s !== NIL) {
        const base = s * stride;
        const next = pool[base + S_NEXT];
        const n = pool[base + S_COUNT];
        let k = 0;
        for (let i = 0; i < n; i++) {
          const v = fn(pool[base + S_HDR + i]);
          if (v !== 0) pool[base + S_HDR + k++] = v;
        }
        if (k === 0) {
          if (prev === NIL) ctl[row + R_TOP] = next;
          else pool[prev * stride + S_NEXT] = next;
          ctl[row + R_SEGMENTS]--;
          pool[base + S_NEXT] = ctl[FREE_TOP];
          ctl[FREE_TOP] = s;
        } else {
          pool[base + S_COUNT] = k;
          entries += k;
          prev = s;
        }
        s = next;
      }
    }
    Atomics.store(ctl, ENTRIES, entries);
  }

  /**
   * Moves every segment published by another thread onto thread `to`'s stack. Main thread, while
   * no other thread uses the worklist (between phases): `to` is then the one owner pushing on its
   * own stack, as the termination contract asks. The work of threads that will not come back for
   * it (concurrent markers stopped for the finalization pause) becomes `to`'s to take or deal.
   * Returns the segments moved.
   */
  gatherPublished(to: number): number {
    let moved = 0;
    for (let t = 0; t < this.threads; t++) {
      if (t === to) continue;
      for (let s = this.takeSegment(t); s !== NIL; s = this.takeSegment(t)) {
        this.publishSegment(to, s, this.pool[s * this.strideWords + S_COUNT]);
        moved++;
      }
    }
    return moved;
  }

  /** Thread t's published stack is non-empty (approximate). */
  hasPublished(t: number): boolean {
    return Atomics.load(this.ctl, ROW0 + t * ROW_WORDS + R_TOP) !== NIL;
  }

  segmentCount(s: number): number {
    return this.pool[s * this.strideWords + S_COUNT];
  }

  /** Index in `pool` of segment `s`'s first entry (refresh the view first: `refreshPool`). */
  entriesOf(s: number): number {
    return s * this.strideWords + S_HDR;
  }
}

/**
 * One thread's view of a worklist: a push segment and a pop segment, private to the thread
 * until published. Implements the `TerminationWork` contract of `termination.ts`.
 */
export class WorklistLocal implements WorkDistributionLocal {
  readonly worklist: Worklist;
  readonly threadId: number;
  /** How this view takes work from others: a scheme's steal function (null: never steals). */
  private stealFn: StealFn | null;
  private stealTag: number;
  stealsAttempted: number;
  stealsSucceeded: number;

  private pool: Int32Array;
  private readonly ctl: Int32Array;
  private readonly segmentSize: number;
  private readonly stride: number;
  private readonly threads: number;
  // Push segment: entries [pushStart, pushPos), capacity up to pushEnd. NIL segment: all 0.
  private pushSeg: number;
  private pushStart: number;
  private pushPos: number;
  private pushEnd: number;
  // Pop segment: entries [popBase, popPos). NIL segment: both 0.
  private popSeg: number;
  private popBase: number;
  private popPos: number;
  /** An empty segment kept for the next push segment, to spare a trip to the pool lock. */
  private spareSeg: number;
  /** Next thread to steal from: rotates so thieves spread over victims. */
  private victim: number;
  /**
   * Under a scheme that never steals: the thread whose published segments this view may still
   * take (the dealer), or -1. Concurrent markers are dealt the main thread's segments this way.
   */
  dealer: number;
  /** [SLEEPERS, SEQ] of a terminator: publishing wakes sleeping peers (see `wakeOnPublish`). */
  private wake: Int32Array | null;

  constructor(worklist: Worklist, threadId: number) {
    if (!Number.isInteger(threadId) || threadId < 0 || threadId >= worklist.threads) {
      throw new RangeError(`WorklistLocal: thread id ${threadId} out of range 0..${worklist.threads - 1}`);
    }
    this.worklist = worklist;
    this.threadId = threadId;
    this.stealTag = STEAL_SEGMENT;
    this.stealFn = stealFunction(STEAL_SEGMENT);
    this.stealsAttempted = 0;
    this.stealsSucceeded = 0;
    this.pool = worklist.pool;
    this.ctl = worklist.ctl;
    this.segmentSize = worklist.segmentSize;
    this.stride = worklist.strideWords;
    this.threads = worklist.threads;
    this.pushSeg = NIL;
    this.pushStart = 0;
    this.pushPos = 0;
    this.pushEnd = 0;
    this.popSeg = NIL;
    this.popBase = 0;
    this.popPos = 0;
    this.spareSeg = NIL;
    this.victim = (threadId + 1) % worklist.threads;
    this.dealer = NIL;
    this.wake = null;
  }

  /** The work-distribution scheme, by tag (see `workDistributionTag` in work-distribution.ts). */
  get steal(): number {
    return this.stealTag;
  }
  set steal(tag: number) {
    this.stealFn = stealFunction(tag);
    this.stealTag = tag;
  }

  /** Steals at all; setting true selects whole-segment stealing, false no stealing. */
  get stealing(): boolean {
    return this.stealFn !== null;
  }
  set stealing(on: boolean) {
    this.steal = on ? STEAL_SEGMENT : STEAL_NONE;
  }

  /** Pushes a positive int32. Private until its segment fills or `publish()` is called. */
  push(v: number): void {
    const p = this.pushPos;
    if (p !== this.pushEnd) {
      if (DEBUG && !(v > 0 && (v | 0) === v)) throw new RangeError(`Worklist.push: ${v} is not a positive int32`);
      this.pool[p] = v;
      this.pushPos = p + 1;
      return;
    }
    this.pushSlow(v);
  }

  /**
   * Pops an entry: the local segments first, then the thread's own published segments, then (if
   * stealing) a whole segment of another thread. 0 when none was found.
   */
  pop(): number {
    const p = this.popPos;
    if (p !== this.popBase) {
      this.popPos = p - 1;
      return this.pool[p - 1];
    }
    return this.popSlow();
  }

  /** Makes every local entry visible to other threads. */
  publish(): void {
    if (this.pushSeg !== NIL && this.pushPos !== this.pushStart) {
      this.worklist.publishSegment(this.threadId, this.pushSeg, this.pushPos - this.pushStart);
      this.pushSeg = NIL;
      this.pushStart = this.pushPos = this.pushEnd = 0;
      this.signalPublished();
    }
    if (this.popPos !== this.popBase) {
      this.worklist.publishSegment(this.threadId, this.popSeg, this.popPos - this.popBase);
      this.popSeg = NIL;
      this.popBase = this.popPos = 0;
      this.signalPublished();
    }
  }

  isLocalEmpty(): boolean {
    return this.popPos === this.popBase && this.pushPos === this.pushStart;
  }

  /** Entries held privately by this view. */
  localSize(): number {
    return this.popPos - this.popBase + (this.pushPos - this.pushStart);
  }

  /**
   * Work this thread could get by popping: local entries, its own published segments, or (when
   * stealing) anyone's. Approximate; used by the terminator while idle.
   */
  hasVisibleWork(): boolean {
    if (!this.isLocalEmpty()) return true;
    if (this.stealFn !== null) return Atomics.load(this.ctl, ENTRIES) !== 0;
    return this.worklist.hasPublished(this.threadId) || (this.dealer !== NIL && this.worklist.hasPublished(this.dealer));
  }

  /** Discards this view's private entries (keeps its segments for reuse). */
  clear(): void {
    this.popPos = this.popBase;
    this.pushPos = this.pushStart;
  }

  /**
   * Have `publish` wake threads sleeping in a terminator: `signal` is `Terminator.wakeSignal`
   * ([SLEEPERS, SEQ]). Costs one Atomics.load per published segment while nobody sleeps.
   */
  wakeOnPublish(signal: Int32Array | null): void {
    this.wake = signal;
  }

  resetStats(): void {
    this.stealsAttempted = 0;
    this.stealsSucceeded = 0;
  }

  private signalPublished(): void {
    const w = this.wake;
    if (w !== null && Atomics.load(w, 0) !== 0) {
      Atomics.add(w, 1, 1);
      Atomics.notify(w, 1);
    }
  }

  private pushSlow(v: number): void {
    if (DEBUG && !(v > 0 && (v | 0) === v)) throw new RangeError(`Worklist.push: ${v} is not a positive int32`);
    if (this.pushSeg !== NIL) {
      this.worklist.publishSegment(this.threadId, this.pushSeg, this.segmentSize);
      // Forget it before allocating: if the pool is exhausted, the view stays consistent.
      this.pushSeg = NIL;
      this.pushStart = this.pushPos = this.pushEnd = 0;
      this.signalPublished();
    }
    let s = this.spareSeg;
    if (s !== NIL) this.spareSeg = NIL;
    else s = this.worklist.allocateSegment();
    this.setPushSegment(s);
    this.pool[this.pushPos++] = v;
  }

  private setPushSegment(s: number): void {
    const start = s * this.stride + S_HDR;
    if (start + this.segmentSize > this.pool.length) this.pool = this.worklist.refreshPool();
    this.pushSeg = s;
    this.pushStart = this.pushPos = start;
    this.pushEnd = start + this.segmentSize;
  }

  private popSlow(): number {
    // 1. Swap with a non-empty push segment (V8: Local::Pop).
    if (this.pushPos !== this.pushStart) {
      const emptySeg = this.popSeg;
      this.popSeg = this.pushSeg;
      this.popBase = this.pushStart;
      this.popPos = this.pushPos;
      if (emptySeg !== NIL) {
        this.setPushSegment(emptySeg);
      } else {
        this.pushSeg = NIL;
        this.pushStart = this.pushPos = this.pushEnd = 0;
      }
      return this.pool[--this.popPos];
    }
    // 2. Take back one of our own published segments.
    const wl = this.worklist;
    let s = wl.takeSegment(this.threadId);
    // 2b. Without stealing, a segment of the dealer's, if this view has one.
    if (s === NIL && this.dealer !== NIL && this.stealFn === null) s = wl.takeSegment(this.dealer);
    // 3. Steal from another thread, as the scheme says: a chain of segments (see StealFn).
    const steal = this.stealFn;
    if (s === NIL && steal !== null && this.threads > 1) {
      this.stealsAttempted++;
      const n = this.threads;
      let v = this.victim;
      for (let k = 1; k < n; k++) {
        if (v === this.threadId) v = v + 1 === n ? 0 : v + 1;
        s = steal(wl, v);
        v = v + 1 === n ? 0 : v + 1;
        if (s !== NIL) {
          this.stealsSucceeded++;
          break;
        }
      }
      this.victim = v;
      // Keep the first segment to pop from, publish the rest on our own stack (only an owner
      // pushes on its stack: the termination argument holds).
      if (s !== NIL) {
        let rest = wl.nextInChain(s);
        if (rest !== NIL) {
          while (rest !== NIL) {
            const next = wl.nextInChain(rest);
            wl.publishSegment(this.threadId, rest, wl.segmentCount(rest));
            rest = next;
          }
          this.signalPublished();
        }
      }
    }
    if (s === NIL) return 0;
    // The old pop segment is empty: keep it as the spare or give it back.
    const old = this.popSeg;
    if (old !== NIL) {
      if (this.spareSeg === NIL) this.spareSeg = old;
      else wl.freeSegment(old);
    }
    const base = s * this.stride + S_HDR;
    if (base + this.segmentSize > this.pool.length) this.pool = wl.refreshPool();
    this.popSeg = s;
    this.popBase = base;
    this.popPos = base + this.pool[base - S_HDR + S_COUNT];
    if (DEBUG && this.popPos === base) throw new Error('Worklist: published an empty segment');
    return this.pool[--this.popPos];
  }
}

/**
 * Warm-up only: runs a worklist's slow paths on a private two-thread instance with segments of
 * two entries and a pool that has to grow, on the calling thread: publishing, allocating and
 * freeing segments, growing the pool, taking back one's own segments, stealing with the given
 * scheme, waking a sleeping peer, publishing a segment popped in part. A slow path that a thread
 * first meets in a measured pause deoptimises the optimised code that inlined it (`popSlow` did
 * in most measured runs at threads 2-4); the instance has the shape of the real ones, so the type feedback carries over.
 * Returns the entries popped, in order (for tests).
 */
export function warmWorklistPaths(steal: number): number[] {
  const wl = Worklist.create({ threads: 2, segmentSize: 2, initialSegments: 1, maxSegments: 64 });
  const a = new WorklistLocal(wl, 0);
  const b = new WorklistLocal(wl, 1);
  a.steal = b.steal = steal;
  const wake = new Int32Array(new SharedArrayBuffer(8));
  wake[0] = 1; // a peer sleeps: publishing notifies it
  a.wakeOnPublish(wake);
  const popped: number[] = [];
  const take = (local: WorklistLocal): number => {
    const v = local.pop();
    if (v !== 0) popped.push(v);
    return v;
  };
  for (let i = 1; i <= 24; i++) a.push(i);
  for (let k = 0; k < 3; k++) take(a); // own push segment, then swaps
  while (take(b) !== 0) {
    // b steals a's published segments (with a scheme that steals)
  }
  while (take(a) !== 0) {
    // whatever is left
  }
  a.push(25);
  take(a);
  take(a);
  b.push(26);
  b.publish();
  a.hasVisibleWork();
  take(a); // a steals it, or (static) it stays b's
  // Publishing a half-popped segment (a concurrent marker stopped in mid-drain): 27 and 28 fill a
  // segment, published when 29 starts the next; after 30 and 29, a takes its own segment back to
  // pop 28, and publishes the rest (27), which it then takes back once more.
  for (let i = 27; i <= 30; i++) a.push(i);
  for (let k = 0; k < 3; k++) take(a);
  a.publish();
  while (take(a) !== 0) {
    // 27
  }
  return popped;
}

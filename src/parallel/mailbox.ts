/**
 * Mail between the threads of a parallel phase: each thread sends entries to another thread, and
 * only the addressee receives them. Owner marking (`Marker`, option ownerMarking) sends the
 * targets of slots that lie in another thread's part of the heap to that thread, which alone sets
 * their mark bits (Oancea, Mycroft and Watt, "A new approach to parallelising tracing algorithms",
 * ISMM 2009). Built on a `Worklist` whose row t is thread t's inbox: a sender fills a segment per
 * addressee privately and publishes it on the addressee's row when it is full or on `flush()`; the
 * addressee takes whole segments from its own row. Unlike the marking worklist, other threads push
 * on a row: a terminator must not end the phase while mail is published and unreceived
 * (`undelivered`, see `TerminationWork` in termination.ts).
 */
import type { Worklist } from './worklist.ts';

const NIL = -1;

export class Mailbox {
  readonly worklist: Worklist;
  readonly threadId: number;
  private readonly threads: number;
  private readonly segmentSize: number;
  private pool: Int32Array;
  /** Per addressee: the segment being filled (NIL: none), the next free entry and the end. */
  private readonly seg: Int32Array;
  private readonly pos: Int32Array;
  private readonly end: Int32Array;
  private readonly start: Int32Array;
  /** [SLEEPERS, SEQ] of a terminator: publishing mail wakes sleeping peers. */
  private wake: Int32Array | null = null;
  /** Entries this thread published to others in the current phase. */
  sent = 0;

  constructor(worklist: Worklist, threadId: number) {
    if (!Number.isInteger(threadId) || threadId < 0 || threadId >= worklist.threads) {
      throw new RangeError(`Mailbox: thread id ${threadId} out of range 0..${worklist.threads - 1}`);
    }
    this.worklist = worklist;
    this.threadId = threadId;
    this.threads = worklist.threads;
    this.segmentSize = worklist.segmentSize;
    this.pool = worklist.pool;
    const t = worklist.threads;
    this.seg = new Int32Array(t).fill(NIL);
    this.pos = new Int32Array(t);
    this.end = new Int32Array(t);
    this.start = new Int32Array(t);
  }

  /** Publishing wakes threads sleeping in a terminator (`Terminator.wakeSignal`). */
  wakeOnPublish(signal: Int32Array | null): void {
    this.wake = signal;
  }

  /** Sends the int32 `v` to thread `to` (not this thread). Private until its segment is published. */
  send(to: number, v: number): void {
    const p = this.pos[to];
    if (p !== this.end[to]) {
      this.pool[p] = v;
      this.pos[to] = p + 1;
      return;
    }
    this.sendSlow(to, v);
  }

  private sendSlow(to: number, v: number): void {
    this.publishTo(to);
    const wl = this.worklist;
    const s = wl.allocateSegment();
    this.pool = wl.refreshPool();
    const first = wl.entriesOf(s);
    this.seg[to] = s;
    this.start[to] = first;
    this.end[to] = first + this.segmentSize;
    this.pool[first] = v;
    this.pos[to] = first + 1;
  }

  /** Publishes the segment being filled for `to`, if it holds anything. */
  private publishTo(to: number): void {
    const s = this.seg[to];
    if (s === NIL) return;
    const n = this.pos[to] - this.start[to];
    if (n === 0) return;
    this.worklist.publishSegment(to, s, n);
    this.sent += n;
    this.seg[to] = NIL;
    this.pos[to] = this.end[to] = this.start[to] = 0;
    const w = this.wake;
    if (w !== null && Atomics.load(w, 0) !== 0) {
      Atomics.add(w, 1, 1);
      Atomics.notify(w, 1);
    }
  }

  /** Publishes every partly filled segment: call before going idle, and when a peer idles. */
  flush(): void {
    for (let t = 0; t < this.threads; t++) if (t !== this.threadId) this.publishTo(t);
  }

  /** Mail published to this thread and not yet received (approximate). */
  hasMail(): boolean {
    return this.worklist.hasPublished(this.threadId);
  }

  /** Mail published to anyone and not yet received (approximate, any thread). */
  undelivered(): boolean {
    return !this.worklist.isEmpty();
  }

  /**
   * Takes one published segment of this thread's mail: returns its id, whose entries are
   * `pool[first, first + count)` with `pool` from `view()`, or NIL. Give it back with `release`.
   */
  take(): number {
    return this.worklist.takeSegment(this.threadId);
  }

  view(): Int32Array {
    this.pool = this.worklist.refreshPool();
    return this.pool;
  }

  release(s: number): void {
    this.worklist.freeSegment(s);
  }

  resetStats(): void {
    this.sent = 0;
  }
}

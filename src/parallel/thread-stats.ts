/**
 * Per-thread figures of one parallel phase, in a SharedArrayBuffer table: each thread writes its
 * own row during the phase, the main thread reads every row after the phase has ended (the
 * phase's end handshake orders the writes before the reads). Any thread; no V8 counterpart
 * (V8 keeps these in GCTracer scopes per task).
 *
 * Layout (Float64, one 128-byte row per thread, so rows never share a cache line):
 *
 *   row t = words [16t, 16t + 16)
 *   +---------+-------+--------+---------+-------+-----------------+-----------------+-------------+
 *   | startMs | endMs | idleMs | objects | bytes | stealsAttempted | stealsSucceeded | preemptedMs |
 *   +---------+-------+--------+---------+-------+-----------------+-----------------+-------------+
 *   | racesLost | locksContended | mailSent | (unused)                                            |
 *   +-----------+----------------+----------+-----------------------------------------------------+
 *   startMs/endMs are `clockMs()`: one timeline across threads; 0 = did not take part.
 *   preemptedMs: the thread's run-queue wait over the phase (SchedClock); -1 = not measured.
 *   racesLost: races this thread lost. The scavenger: forwarding CASes (another thread had
 *   copied the object first, and this thread gave its copy back). The marker: mark bits it found
 *   clear whose atomic or found them set (another thread set them first and pushed the object).
 *   locksContended: times it found a lock word (the heap's page pool and free lists, a
 *   worklist's published stacks) held by another.
 *   mailSent: owner marking (option ownerMarking): mark targets this thread mailed to their owners;
 *     owner scavenging (option ownerScavenging): slots it mailed to the owners of their targets.
 */

export const START_MS = 0;
export const END_MS = 1;
export const IDLE_MS = 2;
export const OBJECTS = 3;
export const BYTES = 4;
export const STEALS_ATTEMPTED = 5;
export const STEALS_SUCCEEDED = 6;
export const PREEMPTED_MS = 7;
export const RACES_LOST = 8;
export const LOCKS_CONTENDED = 9;
export const MAIL_SENT = 10;
const ROW = 16;

/** Epoch milliseconds with sub-microsecond resolution, comparable across threads. */
export function clockMs(): number {
  return performance.timeOrigin + performance.now();
}

/** One thread's figures, for reports (allocates: not for hot paths). */
export interface ThreadStatsRow {
  thread: number;
  startMs: number;
  endMs: number;
  idleMs: number;
  objects: number;
  bytes: number;
  stealsAttempted: number;
  stealsSucceeded: number;
  /** -1 when not measured. */
  preemptedMs: number;
  racesLost: number;
  locksContended: number;
  mailSent: number;
}

export class ThreadStats {
  readonly buffer: SharedArrayBuffer;
  readonly threads: number;
  readonly cells: Float64Array;

  private constructor(buffer: SharedArrayBuffer) {
    this.buffer = buffer;
    this.cells = new Float64Array(buffer);
    this.threads = this.cells.length / ROW;
  }

  static create(threads: number): ThreadStats {
    return new ThreadStats(new SharedArrayBuffer(threads * ROW * 8));
  }

  static attach(buffer: SharedArrayBuffer): ThreadStats {
    return new ThreadStats(buffer);
  }

  /** Resets every row (`resetRow`). Main thread, before a phase, while no other thread writes. */
  reset(): void {
    for (let t = 0; t < this.threads; t++) this.resetRow(t);
  }

  /** Zeroes a row; its wait for a CPU reads -1 (not measured) until the thread measures one. */
  resetRow(thread: number): void {
    this.cells.fill(0, thread * ROW, thread * ROW + ROW);
    this.cells[thread * ROW + PREEMPTED_MS] = -1;
  }

  get(thread: number, column: number): number {
    return this.cells[thread * ROW + column];
  }

  set(thread: number, column: number, value: number): void {
    this.cells[thread * ROW + column] = value;
  }

  add(thread: number, column: number, value: number): void {
    this.cells[thread * ROW + column] += value;
  }

  markStart(thread: number): void {
    this.cells[thread * ROW + START_MS] = clockMs();
  }

  markEnd(thread: number): void {
    this.cells[thread * ROW + END_MS] = clockMs();
  }

  /** Adds a worklist view's steal counters (plain numbers, e.g. `local.stealsAttempted`). */
  addSteals(thread: number, attempted: number, succeeded: number): void {
    this.cells[thread * ROW + STEALS_ATTEMPTED] += attempted;
    this.cells[thread * ROW + STEALS_SUCCEEDED] += succeeded;
  }

  row(thread: number): ThreadStatsRow {
    const c = this.cells;
    const b = thread * ROW;
    return {
      thread,
      startMs: c[b + START_MS],
      endMs: c[b + END_MS],
      idleMs: c[b + IDLE_MS],
      objects: c[b + OBJECTS],
      bytes: c[b + BYTES],
      stealsAttempted: c[b + STEALS_ATTEMPTED],
      stealsSucceeded: c[b + STEALS_SUCCEEDED],
      preemptedMs: c[b + PREEMPTED_MS],
      racesLost: c[b + RACES_LOST],
      locksContended: c[b + LOCKS_CONTENDED],
      mailSent: c[b + MAIL_SENT],
    };
  }

  rows(): ThreadStatsRow[] {
    const out: ThreadStatsRow[] = [];
    for (let t = 0; t < this.threads; t++) out.push(this.row(t));
    return out;
  }
}

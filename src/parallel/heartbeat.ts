/**
 * Progress and abort signals of a parallel phase: per-thread heartbeat counters that bodies bump
 * cheaply (once per segment), the phase-wide abort word, and the stall watch that the main thread
 * polls while it waits. Any thread bumps and checks; only the main thread watches. V8 has no
 * direct counterpart (a hung V8 job task hangs the process); gcsim must never hang (DESIGN §2).
 *
 * Layout (Int32, one 64-byte row per thread after a 64-byte header):
 *
 *   word 0  ABORT       0 = run on; else  kind << 24 | (1 + culprit thread)   (one CAS: first wins)
 *                       kind: ABORT_THREW | ABORT_EXITED | ABORT_STALLED | ABORT_NO_PROGRESS |
 *                       ABORT_REQUESTED; culprit 0 = the main thread
 *   word 1  (reserved)
 *   word 2  THREADS
 *   row t = words [16(t+1), 16(t+2)):
 *     +0 BEAT     bumped by thread t while it works (never while it waits for others)
 *     +1 ARMED    1 from the main thread's phase start until thread t has finished the phase
 *     +2 WAITING  1 while thread t waits for others (termination): not stalled, only idle
 */

const ABORT = 0;
const THREADS = 2;
const KIND_SHIFT = 24;
const CULPRIT_MASK = (1 << KIND_SHIFT) - 1;
const ROW_WORDS = 16;
const R_BEAT = 0;
const R_ARMED = 1;
const R_WAITING = 2;

export const ABORT_NONE = 0;
/** A body threw. */
export const ABORT_THREW = 1;
/** A thread exited (process.exit in a worker, or the worker died). */
export const ABORT_EXITED = 2;
/** A working thread made no heartbeat for the stall timeout. */
export const ABORT_STALLED = 3;
/**
 * Every thread still in the phase was waiting for the others, with no progress, for the timeout
 * (the main thread alone, if no helper was in it).
 */
export const ABORT_NO_PROGRESS = 4;
/** The main thread asked the others to stop (its own body threw). */
export const ABORT_REQUESTED = 5;

/** `StallWatch.poll` result when no thread works and none makes progress. */
export const NO_PROGRESS = -2;

/**
 * Polls farther apart than this mean the main thread was busy with its own share in between:
 * the watch starts over rather than count that time against the helpers.
 */
const REBASE_GAP_MS = 100;

/**
 * This thread's heartbeat, installed by the scheduler in every thread before it runs a phase, so
 * waits inside the phase (the terminator's) notice aborts and stalls even when the body did not
 * wire a heartbeat in. Module state is per thread (each worker has its own module instances).
 */
let currentHeartbeat: Heartbeat | null = null;

export function setCurrentHeartbeat(hb: Heartbeat | null): void {
  currentHeartbeat = hb;
}

export function getCurrentHeartbeat(): Heartbeat | null {
  return currentHeartbeat;
}

/** Thrown inside a phase body when another thread aborted the phase: not itself a fault. */
export class PhaseAbortedError extends Error {
  override readonly name = 'PhaseAbortedError';
  /** The thread whose fault caused the abort (0 = the main thread), or -1. */
  readonly causeThread: number;
  constructor(causeThread: number) {
    super(`gc phase aborted (caused by thread ${causeThread})`);
    this.causeThread = causeThread;
  }
}

/** Brand check that also works across two copies of this module (CJS and ESM loaders). */
export function isPhaseAborted(e: unknown): boolean {
  return e instanceof Error && e.name === 'PhaseAbortedError';
}

/** `Heartbeat.onMainBeat` when no phase has helpers to wake. */
export const NO_MAIN_BEAT = (): void => {};

export class Heartbeat {
  readonly buffer: SharedArrayBuffer;
  readonly threads: number;
  readonly words: Int32Array;
  /** Set on the main thread's instance only (by the scheduler): polled by `checkpoint`. */
  watch: StallWatch | null;
  /**
   * Set on the main thread's instance only (by the scheduler), while a phase has helpers still to
   * wake: called from the main thread's `beat`, so the scheduler can wake them once the phase
   * proves long enough to need them; `NO_MAIN_BEAT` otherwise. Called on every beat of the main
   * thread either way: a call that only a phase with helpers to wake reached had no type feedback
   * where the warm-up met none, and deoptimised pointer updating in a measured run (gcbench).
   */
  onMainBeat: () => void;

  private constructor(buffer: SharedArrayBuffer) {
    this.buffer = buffer;
    this.words = new Int32Array(buffer);
    this.threads = this.words[THREADS];
    this.watch = null;
    this.onMainBeat = NO_MAIN_BEAT;
  }

  static create(threads: number): Heartbeat {
    const sab = new SharedArrayBuffer((threads + 1) * ROW_WORDS * 4);
    new Int32Array(sab)[THREADS] = threads;
    return new Heartbeat(sab);
  }

  static attach(buffer: SharedArrayBuffer): Heartbeat {
    return new Heartbeat(buffer);
  }

  /**
   * Records progress of thread t. Call it about once per segment or per large object (every
   * ~10-100 µs of work; far less often than that risks a false stall). Throws PhaseAbortedError
   * if the phase was aborted, so a body that beats is cancellable.
   */
  beat(t: number): void {
    const w = this.words;
    Atomics.add(w, (t + 1) * ROW_WORDS + R_BEAT, 1);
    if (Atomics.load(w, ABORT) !== 0) throw new PhaseAbortedError(this.abortedBy());
    if (t === 0) this.onMainBeat();
  }

  beats(t: number): number {
    return Atomics.load(this.words, (t + 1) * ROW_WORDS + R_BEAT);
  }

  /** For waits inside a phase: throws if aborted; on the main thread, also polls the stall watch. */
  checkpoint(): void {
    const w = this.words;
    if (Atomics.load(w, ABORT) !== 0) throw new PhaseAbortedError(this.abortedBy());
    const watch = this.watch;
    if (watch !== null) {
      const t = watch.poll(performance.now());
      if (t !== -1) {
        if (t === NO_PROGRESS) this.abort(0, ABORT_NO_PROGRESS);
        else this.abort(t, ABORT_STALLED);
        throw new PhaseAbortedError(this.abortedBy());
      }
    }
  }

  setWaiting(t: number, waiting: boolean): void {
    Atomics.store(this.words, (t + 1) * ROW_WORDS + R_WAITING, waiting ? 1 : 0);
  }

  isWaiting(t: number): boolean {
    return Atomics.load(this.words, (t + 1) * ROW_WORDS + R_WAITING) !== 0;
  }

  /** Main thread, when it wakes thread t for a phase. */
  arm(t: number): void {
    Atomics.store(this.words, (t + 1) * ROW_WORDS + R_WAITING, 0);
    Atomics.store(this.words, (t + 1) * ROW_WORDS + R_ARMED, 1);
  }

  /** Thread t, when it has finished (or left) the phase. */
  disarm(t: number): void {
    Atomics.store(this.words, (t + 1) * ROW_WORDS + R_WAITING, 0);
    Atomics.store(this.words, (t + 1) * ROW_WORDS + R_ARMED, 0);
  }

  isArmed(t: number): boolean {
    return Atomics.load(this.words, (t + 1) * ROW_WORDS + R_ARMED) !== 0;
  }

  /** Aborts the phase, naming the culprit. The first abort wins; returns whether this one did. */
  abort(culprit: number, kind: number): boolean {
    return Atomics.compareExchange(this.words, ABORT, 0, (kind << KIND_SHIFT) | (culprit + 1)) === 0;
  }

  aborted(): boolean {
    return Atomics.load(this.words, ABORT) !== 0;
  }

  /** The culprit of the abort, or -1. */
  abortedBy(): number {
    return (Atomics.load(this.words, ABORT) & CULPRIT_MASK) - 1;
  }

  /** ABORT_* constant, ABORT_NONE if the phase runs on. */
  abortKind(): number {
    return Atomics.load(this.words, ABORT) >>> KIND_SHIFT;
  }

  /** Main thread, before a phase, while no other thread is in one. */
  clearAbort(): void {
    Atomics.store(this.words, ABORT, 0);
  }
}

/**
 * Main-thread watchdog over threads 1..n-1: a thread that is armed and working (not waiting)
 * whose heartbeat has not moved for `timeoutMs` of continuous watching is stalled. Plain JS
 * state: it only runs on the main thread.
 */
export class StallWatch {
  readonly heartbeat: Heartbeat;
  timeoutMs: number;
  private readonly seen: Float64Array;
  private readonly lastChangeMs: Float64Array;
  private lastPollMs: number;
  private lastProgressMs: number;

  constructor(heartbeat: Heartbeat, timeoutMs: number) {
    this.heartbeat = heartbeat;
    this.timeoutMs = timeoutMs;
    this.seen = new Float64Array(heartbeat.threads);
    this.lastChangeMs = new Float64Array(heartbeat.threads);
    this.lastPollMs = -Infinity;
    this.lastProgressMs = 0;
  }

  /** Starts watching afresh at `nowMs` (performance.now()). */
  begin(nowMs: number): void {
    const hb = this.heartbeat;
    for (let t = 1; t < hb.threads; t++) {
      this.seen[t] = hb.beats(t);
      this.lastChangeMs[t] = nowMs;
    }
    this.lastPollMs = nowMs;
    this.lastProgressMs = nowMs;
  }

  /** -1 if all is well, the id of a stalled thread, or NO_PROGRESS. */
  poll(nowMs: number): number {
    if (nowMs - this.lastPollMs > REBASE_GAP_MS) {
      this.begin(nowMs);
      return -1;
    }
    this.lastPollMs = nowMs;
    const hb = this.heartbeat;
    const timeout = this.timeoutMs;
    let working = 0;
    for (let t = 1; t < hb.threads; t++) {
      if (!hb.isArmed(t)) continue;
      const b = hb.beats(t);
      if (b !== this.seen[t]) {
        this.seen[t] = b;
        this.lastChangeMs[t] = nowMs;
        this.lastProgressMs = nowMs;
      }
      if (hb.isWaiting(t)) continue;
      working++;
      if (nowMs - this.lastChangeMs[t] >= timeout) return t;
    }
    // A working thread is judged by its own heartbeat above; the phase as a whole is stuck only
    // when every thread still in it has been waiting for the others for the whole timeout. That
    // includes a phase with no helper in it at all: the main thread polls only while it waits
    // (in termination, or for helpers to finish), and a wait that no helper is armed to end
    // ends only by a slip in the protocol (work mailed to a helper that was never woken).
    if (working > 0) this.lastProgressMs = nowMs;
    else if (nowMs - this.lastProgressMs >= timeout) return NO_PROGRESS;
    return -1;
  }
}

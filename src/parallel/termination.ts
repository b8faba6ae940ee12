/**
 * Termination detection for a parallel phase among N participants, "last one to park" style
 * (V8's 2018 OneshotBarrier in barrier.h; MMTk's last parked worker): a participant that found no
 * work offers termination; the phase is over when all N are idle at once. Any participant thread;
 * the main thread resets it between phases.
 *
 * Layout (one SAB):
 *   Int32 word 0  IDLE          participants currently idle (offering termination)
 *   Int32 word 1  DONE          1 once all participants were idle at the same time
 *   Int32 word 2  PARTICIPANTS  N
 *   Int32 word 3  SLEEPERS  \   `wakeSignal` view: idle participants blocked in Atomics.wait, and
 *   Int32 word 4  SEQ       /   the word they wait on (bumped by publishers and by the finisher)
 *   Int32 words 5..15 reserved
 *   Float64 from byte 64: idleMs[thread], summed over the phase
 *
 * Why "all idle" means "no work": a participant goes idle only with an empty local view and an
 * empty own published stack (its pop() returned 0), and only its owner ever pushes onto a stack;
 * thieves only take. So once every participant is idle, every stack and every local is empty
 * and stays so. An idle participant that sees work (`hasVisibleWork`) leaves the idle count with a
 * CAS that fails once the count has reached N, so nobody leaves a finished phase.
 */

import { getCurrentHeartbeat, type Heartbeat } from './heartbeat.ts';
import { IDLE_MS, type ThreadStats } from './thread-stats.ts';

const IDLE = 0;
const DONE = 1;
const PARTICIPANTS = 2;
const SLEEPERS = 3;
const SEQ = 4;
const IDLE_MS_BYTE_OFFSET = 64;

/**
 * Rounds of looking for work before the first sleep: about 1-3 µs of spinning, enough to catch
 * work published by a peer that is running right now, short enough not to steal the core from
 * the thread that has the work (4 threads on 2 cores).
 */
const SPIN_ROUNDS = 32;
/** First sleep, doubled each round up to MAX_SLEEP_MS (Linux rounds short sleeps up to ~60 µs). */
const FIRST_SLEEP_MS = 0.02;
/**
 * Longest sleep: bounds how late an idle participant notices work nobody signalled, an abort,
 * or (on the main thread) a stall. V8's OneshotBarrier waited 2 ms.
 */
const MAX_SLEEP_MS = 1;

/** What an idle participant checks to know whether to go back to work. `WorklistLocal` fits. */
export interface TerminationWork {
  readonly threadId: number;
  /** Work this participant could pop now (approximate, cheap). */
  hasVisibleWork(): boolean;
}

export interface TerminatorBuffers {
  readonly sab: SharedArrayBuffer;
}

export interface TerminatorContext {
  /**
   * Aborts and (on the main thread) the stall watch are checked while waiting. Default: the
   * thread's current heartbeat, installed by the scheduler (`setCurrentHeartbeat`).
   */
  heartbeat?: Heartbeat | null;
  /** Idle time is also added to the caller's row of these stats (column IDLE_MS). */
  stats?: ThreadStats | null;
}

export class Terminator {
  readonly buffers: TerminatorBuffers;
  readonly ctl: Int32Array;
  /** [SLEEPERS, SEQ]: pass to `WorklistLocal.wakeOnPublish` so publishing wakes sleepers. */
  readonly wakeSignal: Int32Array;
  private readonly idle: Float64Array;
  private readonly heartbeat: Heartbeat | null;
  private readonly stats: ThreadStats | null;

  private constructor(buffers: TerminatorBuffers, ctx: TerminatorContext) {
    this.buffers = buffers;
    this.ctl = new Int32Array(buffers.sab, 0, IDLE_MS_BYTE_OFFSET / 4);
    this.wakeSignal = new Int32Array(buffers.sab, SLEEPERS * 4, 2);
    this.idle = new Float64Array(buffers.sab, IDLE_MS_BYTE_OFFSET);
    this.heartbeat = ctx.heartbeat ?? null;
    this.stats = ctx.stats ?? null;
  }

  /**
   * `threads`: rows for idle time (thread ids 0..threads-1); `participants` defaults to threads.
   * A bare number is `{ threads }`.
   */
  static create(
    opts: number | { threads: number; participants?: number },
    ctx: TerminatorContext = {},
  ): Terminator {
    if (typeof opts === 'number') opts = { threads: opts };
    const sab = new SharedArrayBuffer(IDLE_MS_BYTE_OFFSET + opts.threads * 8);
    const t = new Terminator({ sab }, ctx);
    t.reset(opts.participants ?? opts.threads);
    return t;
  }

  static attach(buffers: TerminatorBuffers, ctx: TerminatorContext = {}): Terminator {
    return new Terminator(buffers, ctx);
  }

  get participants(): number {
    return Atomics.load(this.ctl, PARTICIPANTS);
  }

  /** Main thread, before a phase, while no participant is in one. */
  reset(participants: number = this.participants): void {
    if (!(participants >= 1)) throw new RangeError(`Terminator: participants must be >= 1, got ${participants}`);
    const ctl = this.ctl;
    Atomics.store(ctl, IDLE, 0);
    Atomics.store(ctl, DONE, 0);
    Atomics.store(ctl, PARTICIPANTS, participants);
    this.idle.fill(0);
  }

  /**
   * Called by a participant whose pop() returned 0 (its local view empty). Returns true when all
   * participants are idle (the phase's work is done), false as soon as work has appeared: pop
   * again, and offer again when that runs dry. Throws PhaseAbortedError if the phase is aborted.
   */
  offerTermination(work: TerminationWork): boolean {
    const t0 = performance.now();
    const tid = work.threadId;
    const ctl = this.ctl;
    const n = Atomics.load(ctl, PARTICIPANTS);
    let done: boolean;
    if (Atomics.add(ctl, IDLE, 1) + 1 === n) {
      this.finish();
      done = true;
    } else {
      const hb = this.heartbeat !== null ? this.heartbeat : getCurrentHeartbeat();
      if (hb !== null) hb.setWaiting(tid, true);
      try {
        done = this.idleWait(work, n, hb);
      } finally {
        if (hb !== null) hb.setWaiting(tid, false);
      }
    }
    const ms = performance.now() - t0;
    this.idle[tid] += ms;
    if (this.stats !== null) this.stats.add(tid, IDLE_MS, ms);
    return done;
  }

  private idleWait(work: TerminationWork, n: number, hb: Heartbeat | null): boolean {
    const ctl = this.ctl;
    let rounds = 0;
    let sleepMs = FIRST_SLEEP_MS;
    for (;;) {
      if (Atomics.load(ctl, DONE) !== 0) return true;
      if (work.hasVisibleWork()) {
        const c = Atomics.load(ctl, IDLE);
        if (c === n) return true; // everyone was idle at once: the finisher sets DONE
        if (Atomics.compareExchange(ctl, IDLE, c, c - 1) === c) return false;
        continue;
      }
      if (rounds < SPIN_ROUNDS) {
        rounds++;
        continue;
      }
      if (hb !== null) hb.checkpoint();
      // Dekker with the publisher: it bumps ENTRIES then reads SLEEPERS; we bump SLEEPERS then
      // re-check for work, so one of us sees the other (Atomics are sequentially consistent).
      const seq = Atomics.load(ctl, SEQ);
      Atomics.add(ctl, SLEEPERS, 1);
      if (Atomics.load(ctl, DONE) === 0 && !work.hasVisibleWork()) Atomics.wait(ctl, SEQ, seq, sleepMs);
      Atomics.sub(ctl, SLEEPERS, 1);
      if (sleepMs < MAX_SLEEP_MS) sleepMs = Math.min(MAX_SLEEP_MS, sleepMs * 2);
    }
  }

  private finish(): void {
    const ctl = this.ctl;
    Atomics.store(ctl, DONE, 1);
    Atomics.add(ctl, SEQ, 1);
    Atomics.notify(ctl, SEQ);
  }

  /** Wakes sleeping idle participants to look for work (cheap when nobody sleeps). */
  notifyWork(): void {
    const ctl = this.ctl;
    if (Atomics.load(ctl, SLEEPERS) !== 0) {
      Atomics.add(ctl, SEQ, 1);
      Atomics.notify(ctl, SEQ);
    }
  }

  /** Some participant is idle: a busy one should publish what it holds (`WorklistLocal.publish`). */
  hasIdleParticipants(): boolean {
    return Atomics.load(this.ctl, IDLE) !== 0;
  }

  isDone(): boolean {
    return Atomics.load(this.ctl, DONE) !== 0;
  }

  /** Idle time of thread t in this phase, ms (read after the phase, or by t itself). */
  idleMs(t: number): number {
    return this.idle[t];
  }
}

/**
 * Termination detection for a parallel phase, "last one to park" style (V8's 2018
 * OneshotBarrier in barrier.h; MMTk's last parked worker): a participant that found no work
 * offers termination; the phase is over when all participants are idle at once. Any participant
 * thread; the main thread resets it between phases.
 *
 * The number of participants is fixed (`reset(n)`) or grows while the phase runs: `reset(1)` for
 * the main thread alone, and each helper that arrives calls `join()`, which fails once the phase
 * has finished (V8's job model: a worker that starts after the work is done does nothing, and
 * nobody waited for it).
 *
 * Layout (one SAB):
 *   Int32 word 0  STATE     idle | participants << P_SHIFT | FINISHED: one word, so that "all
 *                           idle" and "nobody joined meanwhile" are decided by one CAS
 *   Int32 word 1  DONE      1 once all participants were idle at the same time
 *   Int32 word 2  JOINING   1 when the phase was reset for fewer than all threads and a helper
 *                           that arrives must `join()`; 0 when every thread was counted at reset
 *   Int32 word 3  SLEEPERS  \   `wakeSignal` view: idle participants blocked in Atomics.wait, and
 *   Int32 word 4  SEQ       /   the word they wait on (bumped by publishers and by the finisher)
 *   Int32 words 5..15 reserved
 *   Float64 from byte 64: idleMs[thread], summed over the phase
 *
 * Why "all idle" means "no work": a participant goes idle only with an empty local view and an
 * empty own published stack (its pop() returned 0), and only its owner ever pushes onto a stack;
 * thieves only take. So once every participant is idle, every stack and every local is empty
 * and stays so; a participant that joins later starts with nothing. An idle participant that
 * sees work leaves the idle count with a CAS on STATE, which fails once the phase has finished.
 */

import { getCurrentHeartbeat, type Heartbeat } from './heartbeat.ts';
import { IDLE_MS, type ThreadStats } from './thread-stats.ts';

const STATE = 0;
const DONE = 1;
const JOINING = 2;
const SLEEPERS = 3;
const SEQ = 4;
const IDLE_MS_BYTE_OFFSET = 64;
/** STATE: idle count in bits 0-13, participants in bits 14-27, FINISHED in bit 28, FINISHING in bit 29. */
const P_SHIFT = 14;
const FIELD = (1 << P_SHIFT) - 1;
const ONE_PARTICIPANT = 1 << P_SHIFT;
const FINISHED = 1 << 28;
/**
 * Set by the participant about to finish a phase with mail while it checks for undelivered mail
 * a second time: nobody leaves or joins meanwhile, so the count it saw cannot change under it.
 */
const FINISHING = 1 << 29;
/** The most participants a phase can have (the STATE field's width). */
export const MAX_PARTICIPANTS = FIELD;

function idleOf(s: number): number {
  return s & FIELD;
}
function participantsOf(s: number): number {
  return (s >>> P_SHIFT) & FIELD;
}

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
  /**
   * Where participants also push work on each other's stacks (a `Mailbox`): work published and
   * not yet taken by anyone. The phase does not end while there is some, even with every
   * participant idle: its addressee sees it (`hasVisibleWork`) and goes back to work. A sender
   * publishes before it offers termination, so once all are idle nothing more is sent.
   */
  undelivered?(): boolean;
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

  /** Participants so far (those of `reset` plus those that joined). */
  get participants(): number {
    return participantsOf(Atomics.load(this.ctl, STATE));
  }

  /**
   * Main thread, before a phase, while no participant is in one. `participants`: how many take
   * part from the start; more may `join()` while the phase runs.
   */
  reset(participants: number = this.participants, joining = false): void {
    if (!(participants >= 1 && participants <= MAX_PARTICIPANTS)) {
      throw new RangeError(`Terminator: participants must be 1..${MAX_PARTICIPANTS}, got ${participants}`);
    }
    const ctl = this.ctl;
    Atomics.store(ctl, DONE, 0);
    Atomics.store(ctl, JOINING, joining ? 1 : 0);
    Atomics.store(ctl, STATE, participants << P_SHIFT);
    this.idle.fill(0);
  }

  /** The last `reset` asked arriving helpers to `join()` (they were not counted at reset). Any thread. */
  get joining(): boolean {
    return Atomics.load(this.ctl, JOINING) !== 0;
  }

  /**
   * A participant arriving after the phase began (a helper woken late) takes part: returns true,
   * and it must work and offer termination like the others. Returns false once the phase has
   * finished: it must not touch the phase's work.
   */
  join(): boolean {
    const ctl = this.ctl;
    for (;;) {
      const s = Atomics.load(ctl, STATE);
      if ((s & FINISHED) !== 0) return false;
      if ((s & FINISHING) !== 0) continue; // decided in a moment
      if (participantsOf(s) === MAX_PARTICIPANTS) throw new RangeError('Terminator: too many participants');
      if (Atomics.compareExchange(ctl, STATE, s, s + ONE_PARTICIPANT) === s) return true;
    }
  }

  /**
   * Called by a participant whose pop() returned 0 (its local view empty). Returns true when all
   * participants are idle (the phase's work is done), false as soon as work has appeared: pop
   * again, and offer again when that runs dry. Throws PhaseAbortedError if the phase is aborted.
   */
  offerTermination(work: TerminationWork): boolean {
    const t0 = performance.now();
    const tid = work.threadId;
    const s = Atomics.add(this.ctl, STATE, 1) + 1;
    let done: boolean;
    if (this.tryFinish(s, work)) {
      done = true;
    } else {
      const hb = this.heartbeat !== null ? this.heartbeat : getCurrentHeartbeat();
      if (hb !== null) hb.setWaiting(tid, true);
      try {
        done = this.idleWait(work, hb);
      } finally {
        if (hb !== null) hb.setWaiting(tid, false);
      }
    }
    const ms = performance.now() - t0;
    this.idle[tid] += ms;
    if (this.stats !== null) this.stats.add(tid, IDLE_MS, ms);
    return done;
  }

  private idleWait(work: TerminationWork, hb: Heartbeat | null): boolean {
    const ctl = this.ctl;
    let rounds = 0;
    let sleepMs = FIRST_SLEEP_MS;
    for (;;) {
      const s = Atomics.load(ctl, STATE);
      if ((s & FINISHED) !== 0) return true;
      // All idle with nobody joining in between: whoever sees it first finishes the phase (the
      // participant whose offer made the count whole may have lost its CAS to a joiner). Called
      // every round: a call that only that race reached had no type feedback on a thread whose
      // warm-up never met it, and deoptimised in a measured run.
      if (this.tryFinish(s, work)) return true;
      // All idle, yet not finished (a joiner won the race, or mail is undelivered, which its
      // addressee sees as work below): the others wait for it like any idle participant, spinning
      // a little and then sleeping. Never spin on: the addressee may be held up inside V8 by one
      // of the host's threads, and with the host lowered to SCHED_IDLE (scheduler/host-threads.ts)
      // that thread gets no core while every collector thread spins.
      if ((s & FINISHING) === 0 && work.hasVisibleWork()) {
        if (Atomics.compareExchange(ctl, STATE, s, s - 1) === s) return false;
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

  /**
   * Ends the phase if `s` has every participant idle, no work is undelivered, and STATE still
   * reads `s` (nobody joined or left since). Undelivered work read after `s` was: every send
   * happened before its sender's offer, so before `s`. With mail one more step is needed: the
   * addressee of mail may leave and come back between our read of `s` and the CAS (STATE reads
   * `s` again, ABA), having received that mail and sent new mail in between, after our check. So
   * where work can be undelivered the CAS sets FINISHING, which keeps everyone from leaving or
   * joining; the check is made again, now on a count that cannot change; and the phase finishes,
   * or STATE goes back to `s` and the mail's addressee takes it.
   */
  private tryFinish(s: number, work: TerminationWork): boolean {
    if ((s & FINISHING) !== 0 || idleOf(s) !== participantsOf(s)) return false;
    const mail = work.undelivered;
    if (mail !== undefined && mail.call(work)) return false;
    const ctl = this.ctl;
    if (mail !== undefined) {
      if (Atomics.compareExchange(ctl, STATE, s, s | FINISHING) !== s) return false;
      if (mail.call(work)) {
        Atomics.store(ctl, STATE, s);
        return false;
      }
      Atomics.store(ctl, STATE, s | FINISHED);
    } else if (Atomics.compareExchange(ctl, STATE, s, s | FINISHED) !== s) return false;
    Atomics.store(ctl, DONE, 1);
    Atomics.add(ctl, SEQ, 1);
    Atomics.notify(ctl, SEQ);
    return true;
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
    return idleOf(Atomics.load(this.ctl, STATE)) !== 0;
  }

  isDone(): boolean {
    return Atomics.load(this.ctl, DONE) !== 0;
  }

  /** Idle time of thread t in this phase, ms (read after the phase, or by t itself). */
  idleMs(t: number): number {
    return this.idle[t];
  }
}

/**
 * Warm-up only: runs the termination protocol's paths on a private two-row instance, on the
 * calling thread (`threadId`, whose heartbeat row it marks waiting and then not, as a real offer
 * does): an offer that finishes the phase, one that waits, finds work visible and leaves, and one
 * that finishes a phase with mail.
 * A thread that is never the last to go idle in the warm-up (a helper at threads = 4 on two
 * cores) otherwise first finishes a phase in a measured one, where code compiled without that
 * path's type feedback deoptimised. Returns whether the three offers answered as they should (tests).
 */
export function warmTerminationPaths(threadId: number): boolean {
  const t = Terminator.create({ threads: Math.max(2, threadId + 1), participants: 1 });
  const finished = t.offerTermination({ threadId, hasVisibleWork: () => false });
  t.reset(2);
  const left = !t.offerTermination({ threadId, hasVisibleWork: () => true });
  // With mail (owner phases): the finish through FINISHING.
  t.reset(1);
  const finishedWithMail = t.offerTermination({ threadId, hasVisibleWork: () => false, undelivered: () => false });
  return finished && left && finishedWithMail && t.participants === 1;
}

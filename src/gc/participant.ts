/**
 * One participant of the parallel GC phases: the per-thread bodies (scavenger, marker,
 * evacuator, pointer updater, sweeper) over one thread's views of the shared state. The main
 * thread builds one for itself; every helper builds one at start-up through `createParticipant`
 * (the scheduler loads this module by URL). Fills this thread's row of the phase figures.
 * Fault injection for tests lives in fault-injection.ts, loaded only when a run asks for it.
 */
import { GcShared, GcThreadContext, type GcBuffers } from './gc-shared.ts';
import { Scavenger } from './scavenger.ts';
import { Marker } from './marker.ts';
import { Evacuator } from './evacuator.ts';
import { PointerUpdater } from './pointer-updater.ts';
import { Sweeper } from './sweeper.ts';
import { BYTES, IDLE_MS, LOCKS_CONTENDED, MAIL_SENT, OBJECTS, PREEMPTED_MS, RACES_LOST } from '../parallel/thread-stats.ts';
import { SchedClock } from '../parallel/sched-clock.ts';

import { EVACUATE_MAIN_THREAD_ONLY, PHASE_CONCURRENT_MARK, PHASE_EVACUATE, PHASE_MARK, PHASE_SCAVENGE, PHASE_SWEEP, PHASE_SWEEP_BACKGROUND, PHASE_UPDATE_POINTERS } from './phases.ts';
import { C_WARMUP_CONTENDED_LOCKS, C_WARMUP_LOCK, C_WARMUP_PATHS, TEST_STALE_JOIN_MODE } from '../heap/heap.ts';
import { warmFreeListPathsOnce } from '../heap/spaces/free-list.ts';
import { warmWorklistPaths } from '../parallel/worklist.ts';
import { contendedLocks, warmContendedLock, warmLockPaths } from '../parallel/lock.ts';
import { warmTerminationPaths } from '../parallel/termination.ts';
import { warmFirstRecords } from '../heap/remembered-set.ts';

/** How long a participant takes the warm-up's shared lock word, per warm-up scavenge, at most. */
const WARM_LOCK_MS = 20;

export class Participant {
  readonly ctx: GcThreadContext;
  readonly scavenger: Scavenger;
  readonly marker: Marker;
  readonly evacuator: Evacuator;
  readonly updater: PointerUpdater;
  readonly sweeper: Sweeper;
  /** This thread's scheduler clock, read at each phase's start and end (option recordPreemption), else null. */
  private readonly clock: SchedClock | null;
  /** This thread has met a contended lock in the warm-up (`warmRarePaths`). */
  private lockContended = false;

  constructor(
    readonly shared: GcShared,
    readonly threadId: number,
  ) {
    this.ctx = new GcThreadContext(shared, threadId);
    this.scavenger = new Scavenger(this.ctx);
    this.marker = new Marker(this.ctx);
    this.evacuator = new Evacuator(this.ctx);
    this.updater = new PointerUpdater(this.ctx);
    this.sweeper = new Sweeper(this.ctx);
    this.clock = shared.buffers.config.recordPreemption === true ? SchedClock.forThisThread() : null;
  }

  /**
   * Warm-up only (C_WARMUP_PATHS, at the start of each scavenge of the warm-up program): the slow
   * paths of the worklists, locks, termination and free lists, on private instances, and a
   * page's first slot records and marking's rare paths on page 0, so that this thread has type
   * feedback for them before a measured pause or cycle (the scavenger, run with `warmUp`, adds a lost
   * forwarding race: `Scavenger.warmLostRace`).
   */
  private warmRarePaths(): void {
    warmWorklistPaths(this.shared.config.steal);
    warmLockPaths();
    warmTerminationPaths(this.threadId);
    warmFreeListPathsOnce();
    warmFirstRecords(this.shared.heap);
    this.marker.warmPaths();
    this.scavenger.warmMarkingPaths();
    // Every participant of the scavenge takes one shared lock word at once until every thread has
    // found it held once; threads arrive at different times, so it may take a few scavenges.
    const threads = this.shared.config.threads;
    const ctl = this.shared.heap.ctl;
    if (threads > 1 && Atomics.load(ctl, C_WARMUP_CONTENDED_LOCKS) < threads) {
      this.lockContended = warmContendedLock(ctl, C_WARMUP_LOCK, C_WARMUP_CONTENDED_LOCKS, threads, this.lockContended, WARM_LOCK_MS);
    }
  }

  /**
   * A helper must join this phase (it was not counted when the main thread reset the terminator):
   * the mode of the phase, in shared memory, since it may change between GCs. ForTesting
   * (TEST_STALE_JOIN_MODE): the mode this helper was built with, the negative control.
   */
  private mustJoin(): boolean {
    if (this.shared.heap.testFlag(TEST_STALE_JOIN_MODE)) return this.shared.config.helperJoin !== 'all';
    return this.shared.terminator.joining;
  }

  runPhase(phase: number, arg: number): void {
    // A helper arriving after the main thread finished the phase alone does not touch it.
    const counted = phase === PHASE_SCAVENGE || phase === PHASE_MARK;
    if (this.threadId !== 0 && counted && this.mustJoin() && !this.shared.terminator.join()) {
      // It did none of the phase, so it waited for no CPU in it (the row still shows its visit).
      if (this.clock !== null) this.shared.stats.set(this.threadId, PREEMPTED_MS, 0);
      return;
    }
    const stats = this.shared.stats;
    const t = this.threadId;
    const term = this.shared.terminator;
    const copied = this.ctx.copiedLocal;
    const marking = this.ctx.markingLocal;
    copied.resetStats();
    marking.resetStats();
    stats.resetRow(t);
    const idleBefore = term.idleMs(t);
    const locksBefore = contendedLocks();
    const clock = this.clock;
    let runQueueBefore = 0;
    stats.markStart(t);
    // The run-queue clock is read inside [start, end] of the thread's row, so that a wait it
    // records lies within the thread's time in the phase (one just after the end, before a read
    // made after it, once gave 4.9 ms of wait to a thread 2.5 ms in the phase).
    if (clock !== null) {
      clock.read();
      runQueueBefore = clock.runQueueMs;
    }
    let objects = 0;
    let bytes = 0;
    let racesLost = 0;
    switch (phase) {
      case PHASE_SCAVENGE: {
        const warmUp = this.shared.heap.ctl[C_WARMUP_PATHS] !== 0;
        if (warmUp) this.warmRarePaths();
        this.scavenger.run(warmUp);
        objects = this.scavenger.objects;
        bytes = (this.scavenger.copiedWords + this.scavenger.promotedWords) * 4;
        racesLost = this.scavenger.racesLost;
        stats.set(t, MAIL_SENT, this.scavenger.mailSent);
        break;
      }
      case PHASE_MARK:
        this.marker.run();
        objects = this.marker.objects;
        bytes = this.marker.markedWords * 4;
        racesLost = this.marker.racesLost;
        stats.set(t, MAIL_SENT, this.marker.mailSent);
        break;
      case PHASE_EVACUATE:
        if (arg === EVACUATE_MAIN_THREAD_ONLY && this.threadId !== 0) break;
        this.evacuator.run();
        objects = this.evacuator.objects;
        bytes = this.evacuator.words * 4;
        break;
      case PHASE_UPDATE_POINTERS:
        this.updater.run();
        objects = this.updater.objects;
        bytes = this.updater.slots * 4;
        break;
      case PHASE_SWEEP:
      case PHASE_SWEEP_BACKGROUND:
        this.sweeper.run(phase === PHASE_SWEEP_BACKGROUND, arg);
        objects = this.sweeper.pages;
        bytes = this.sweeper.freedWords * 4;
        break;
      case PHASE_CONCURRENT_MARK:
        this.marker.runConcurrent(arg);
        objects = this.marker.objects;
        bytes = this.marker.markedWords * 4;
        racesLost = this.marker.racesLost;
        break;
      default:
        throw new Error(`unknown GC phase ${phase}`);
    }
    stats.set(t, IDLE_MS, term.idleMs(t) - idleBefore);
    stats.set(t, OBJECTS, objects);
    stats.set(t, BYTES, bytes);
    stats.set(t, RACES_LOST, racesLost);
    stats.set(t, LOCKS_CONTENDED, contendedLocks() - locksBefore);
    stats.addSteals(t, copied.stealsAttempted + marking.stealsAttempted, copied.stealsSucceeded + marking.stealsSucceeded);
    if (clock !== null) {
      clock.read();
      stats.set(t, PREEMPTED_MS, clock.runQueueMs - runQueueBefore);
    }
    stats.markEnd(t);
  }
}

/** Entry point for helper threads (see scheduler): attach the shared buffers, build the bodies. */
export function createParticipant(data: unknown, threadId: number): { runPhase(phase: number, arg: number): void } {
  return new Participant(GcShared.attach(data as GcBuffers), threadId);
}

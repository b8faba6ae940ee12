/**
 * The incremental-marking schedule and the record of one marking cycle (V8: IncrementalMarking,
 * incremental-marking.cc and its job). Marking starts at the old-generation limit; the main
 * thread then marks in steps paid by allocation, a step every 64 KiB allocated, each marking at
 * least 64 KiB and twice what was allocated since the last one, so that marking outpaces
 * allocation, plus what the marking barrier shaded since the last one: a step counts the words
 * of the objects it visits, those the barrier shaded included, so the barrier's work is paid for
 * as well as allocation. With helpers it marks concurrently as well; when they run dry the
 * barrier may have queued more, and they go another round, up to a bound. Main thread; plain
 * numbers, no heap access.
 */
import type { IncrementalMarkingStats } from '../metrics/result.ts';
import { nowMs } from './phase-clock.ts';

/** The least a step marks, in words (64 KiB). */
const STEP_MIN_WORDS = (64 * 1024) / 4;
/** Restarts of the helpers on fresh barrier work before finalization is forced anyway. */
const MAX_CONCURRENT_ROUNDS = 64;

interface MarkingCycle {
  startMs: number;
  steps: number;
  stepsMs: number;
  biggestStepMs: number;
  /** Busy time of each helper in concurrent marking (index 0 unused: the main thread). */
  concurrentMs: number[];
  barrierRecordsAtStart: number;
  /** Helpers mark concurrently (else incremental steps on the main thread alone). */
  concurrent: boolean;
  /** Times the helpers were restarted on barrier work queued after they ran dry. */
  rounds: number;
  allocatedWordsAtLastStep: number;
  shadedWordsAtLastStep: number;
}

export class IncrementalMarking {
  private cycle: MarkingCycle | null = null;

  /** A marking cycle is under way. */
  get active(): boolean {
    return this.cycle !== null;
  }

  /** Marking is done by helpers concurrently as well as by main-thread steps. */
  get concurrent(): boolean {
    return this.cycle?.concurrent ?? false;
  }

  /** Barrier records counted by the mutator when the cycle started (0 when none). */
  get barrierRecordsAtStart(): number {
    return this.cycle?.barrierRecordsAtStart ?? 0;
  }

  /**
   * A cycle starts, its roots marked in `rootMarkingMs` (which counts as its first step).
   * `allocatedWords`, `barrierRecords` and `shadedWords` are the mutator's running totals now.
   */
  begin(concurrent: boolean, threads: number, barrierRecords: number, allocatedWords: number, shadedWords: number, rootMarkingMs: number): void {
    this.cycle = {
      startMs: nowMs(),
      steps: 1,
      stepsMs: rootMarkingMs,
      biggestStepMs: rootMarkingMs,
      concurrentMs: new Array<number>(threads).fill(0),
      barrierRecordsAtStart: barrierRecords,
      concurrent,
      rounds: 0,
      allocatedWordsAtLastStep: allocatedWords,
      shadedWordsAtLastStep: shadedWords,
    };
  }

  /** Words the next step marks, given the mutator's running totals of allocated and shaded words. */
  nextStepWords(allocatedWords: number, shadedWords: number): number {
    const m = this.cycle!;
    const since = allocatedWords - m.allocatedWordsAtLastStep;
    const shaded = shadedWords - m.shadedWordsAtLastStep;
    m.allocatedWordsAtLastStep = allocatedWords;
    m.shadedWordsAtLastStep = shadedWords;
    return Math.max(STEP_MIN_WORDS, 2 * since) + shaded;
  }

  recordStep(ms: number): void {
    const m = this.cycle!;
    m.steps++;
    m.stepsMs += ms;
    m.biggestStepMs = Math.max(m.biggestStepMs, ms);
  }

  /** Adds helper t's busy time in a round of concurrent marking. */
  addHelperTime(t: number, ms: number): void {
    this.cycle!.concurrentMs[t] += ms;
  }

  /** The helpers ran dry but work is queued: true if they may go another round (counted). */
  mayRestartHelpers(): boolean {
    const m = this.cycle!;
    if (m.rounds >= MAX_CONCURRENT_ROUNDS) return false;
    m.rounds++;
    return true;
  }

  /** The cycle ends in the finalization pause: its figures. */
  finish(barrierRecords: number, floatingGarbageBytes: number | null): IncrementalMarkingStats {
    const m = this.cycle!;
    this.cycle = null;
    return {
      stepsMs: m.stepsMs,
      steps: m.steps,
      biggestStepMs: m.biggestStepMs,
      walltimeMs: nowMs() - m.startMs,
      concurrentMsPerThread: m.concurrentMs.slice(1),
      barrierRecords: barrierRecords - m.barrierRecordsAtStart,
      floatingGarbageBytes,
    };
  }
}

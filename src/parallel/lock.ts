/**
 * A mutex in one Int32 word of shared memory, for critical sections of a few instructions to a
 * few microseconds shared by every GC thread (the heap's page pool and free lists, a worklist's
 * published stacks). Drepper's futex mutex ("Futexes Are Tricky", mutex 2): 0 free, 1 held,
 * 2 held with possible sleepers. Uncontended, lock and unlock are one atomic each; a contender
 * spins a little, since the holder is usually running and about to release, then marks the word
 * contended and sleeps in Atomics.wait; unlock notifies only when the word says someone may be
 * asleep. A lock that slept on a timeout instead, without a notify, made a contender lose up to a
 * whole timeout per acquisition: during parallel compaction at threads = 2 the threads spent up
 * to a quarter of their samples there.
 */

/** Spins on a held lock before sleeping (a few microseconds). */
export const LOCK_SPINS = 256;
/** A sleeper re-checks the word this often even without a notify (a guard, not the wake-up path). */
const LOCK_WAIT_MS = 5;

const FREE = 0;
const HELD = 1;
const CONTENDED = 2;

export function lockWord(a: Int32Array, i: number): void {
  if (Atomics.compareExchange(a, i, FREE, HELD) === FREE) return;
  lockSlow(a, i);
}

/** Times this thread took the slow path of `lockWord`: found the word held (the warm-up reads it). */
let slowLocks = 0;

/** How many times this thread has found a lock word held so far (per-phase deltas: thread-stats.ts). */
export function contendedLocks(): number {
  return slowLocks;
}

function lockSlow(a: Int32Array, i: number): void {
  slowLocks++;
  for (let n = 0; n < LOCK_SPINS; n++) {
    if (Atomics.load(a, i) === FREE && Atomics.compareExchange(a, i, FREE, HELD) === FREE) return;
  }
  // Taken as CONTENDED: the unlock then notifies, whether or not others still sleep.
  while (Atomics.exchange(a, i, CONTENDED) !== FREE) Atomics.wait(a, i, CONTENDED, LOCK_WAIT_MS);
}

export function unlockWord(a: Int32Array, i: number): void {
  if (Atomics.sub(a, i, 1) !== HELD) {
    Atomics.store(a, i, FREE);
    Atomics.notify(a, i, 1);
  }
}

/** The lock is held by some thread (a snapshot: for assertions and debugging only). */
export function isLocked(a: Int32Array, i: number): boolean {
  return Atomics.load(a, i) !== FREE;
}

/**
 * Warm-up only: takes and releases the lock word `a[i]`, which every participant of the phase
 * takes at the same time, until this thread has once found it held (`lockWord`'s call of its
 * slow path) and so have all `threads` (counted in `a[count]`), or `ms` have passed. One that
 * has met it goes on taking the word for the others. `warmLockPaths` runs the slow path on a
 * private word, but one thread cannot make `lockWord` itself find a word held: its call of the
 * slow path had no type feedback on a thread that never met a contended lock in the warm-up, and
 * deoptimised the code that inlined it (the worklist's `takeSegment` and `pushSlow`) in a
 * measured pause, where two threads contended. Returns whether this thread has met it (`met`:
 * it had before).
 */
export function warmContendedLock(a: Int32Array, i: number, count: number, threads: number, met: boolean, ms: number): boolean {
  const end = performance.now() + ms;
  do {
    const before = slowLocks;
    for (let k = 0; k < 64; k++) {
      lockWord(a, i);
      unlockWord(a, i);
    }
    if (!met && slowLocks !== before) {
      met = true;
      Atomics.add(a, count, 1);
    }
  } while ((!met || Atomics.load(a, count) < threads) && performance.now() < end);
  return met;
}

/**
 * Warm-up only: runs the contended unlock (store and notify) and the spinning part of a
 * contended lock on a private word, on the calling thread, so that optimised code inlining them
 * has type feedback for those paths (a contended unlock first met in a measured pause
 * deoptimised the worklist's `pushSlow` and the sweeper's `sweepPage`). With one thread the
 * sleeping part cannot run: nobody would wake it.
 */
export function warmLockPaths(): number {
  const a = new Int32Array(new SharedArrayBuffer(4));
  const counted = slowLocks;
  a[0] = CONTENDED;
  unlockWord(a, 0);
  lockSlow(a, 0); // the word is free: taken while spinning
  unlockWord(a, 0);
  slowLocks = counted; // no other thread held it: not contention
  return a[0]; // FREE (0) again, for tests
}

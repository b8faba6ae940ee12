/** The critical section of the lock test, shared by the main thread and the workers. */
export const LOCK = 0;
export const COUNTER = 1;
/** Sink for the delay loop, so it is not optimised away. */
const SINK = 2;
/** Threads that have arrived at the start line. */
export const READY = 3;

/**
 * `iterations` times: read the counter, wait a little, write it back plus one: a window in which
 * another thread's increment is lost unless the lock keeps the others out.
 */
export function runCriticalLoop(a: Int32Array, threads: number, iterations: number, useLock: boolean, lock: (a: Int32Array, i: number) => void, unlock: (a: Int32Array, i: number) => void): void {
  // Every thread starts together, so the loops overlap even on a loaded machine.
  Atomics.add(a, READY, 1);
  while (Atomics.load(a, READY) < threads);
  for (let n = 0; n < iterations; n++) {
    if (useLock) lock(a, LOCK);
    const c = Atomics.load(a, COUNTER);
    let x = 0;
    for (let k = 0; k < 50; k++) x += k ^ n;
    a[SINK] = x;
    Atomics.store(a, COUNTER, c + 1);
    if (useLock) unlock(a, LOCK);
  }
}

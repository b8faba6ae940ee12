/**
 * V8's fatal out-of-memory failure, raised on the main thread by the controller, the collectors
 * and the mutator's allocation paths when the heap is really full. V8: heap.cc (FatalProcessOutOfMemory).
 */
export class OutOfMemoryError extends Error {
  constructor(detail: string) {
    super(`FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory (${detail})`);
  }
}

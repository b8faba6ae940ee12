/**
 * V8's fatal out-of-memory failure, as the collectors raise it. The class lives in
 * heap/out-of-memory.ts so that the mutator's allocation paths can raise it without depending
 * on gc/. V8: heap.cc (FatalProcessOutOfMemory).
 */
export { OutOfMemoryError } from '../heap/out-of-memory.ts';

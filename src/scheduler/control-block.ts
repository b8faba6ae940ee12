/**
 * The scheduler's control block: the words the main thread and the parked helpers hand phases
 * over with, and each helper's fault record. Shared by `scheduler.ts` (main thread) and
 * `helper.ts` (helper threads). V8 counterpart: the job's `JobHandle`/`JobTask` state.
 *
 * Layout (one SAB; 64-byte rows; row 0 is global, row t belongs to helper t):
 *
 *   row 0, Int32 words:                        row t (t >= 1):
 *     0 EPOCH    main bumps it to start a phase;   Int32 word 16t+0  FAULT_KIND  (FAULT_*)
 *                helpers Atomics.wait on it         Int32 word 16t+1  EXIT_CODE
 *     1 COMMAND  CMD_PHASE | SHUTDOWN | REBIND     Int32 word 16t+2  MSG_BYTES   (UTF-8 length)
 *     2 PHASE    3 ARG                              Int32 word 16t+3  OS_THREAD   (worker threadId)
 *                                                   Int32 word 16t+4  KERNEL_TID  (Linux tid)
 *     4 DONE     helpers finished this phase        Float64 at byte 64t+32  WAKE_MS  (clockMs()
 *     5 READY    helpers parked after start-up                                when t started the phase)
 *     6 CLOSING  1 once close() began
 *     7 THREADS
 *     8 HELPER_SPIN_US  how long a parked helper spins on EPOCH before it sleeps
 *     9 JOIN     helpers that joined this phase | JOIN_CLOSED once the main thread closed it
 *    10 ACKED    helpers that answered this phase's wake-up (joined and finished, or skipped)
 *    11 TEST_FLAGS  ForTesting: TEST_JOIN_CLOSED_PHASES
 *    12 JOIN_LIMIT  the most helpers that may join this phase (the work's wanted concurrency)
 *   then, from byte 64 * threads: MSG_CAP bytes of fault message per thread
 */

export const EPOCH = 0;
export const COMMAND = 1;
export const PHASE = 2;
export const ARG = 3;
export const DONE = 4;
export const READY = 5;
export const CLOSING = 6;
export const THREADS = 7;
export const HELPER_SPIN_US = 8;
export const JOIN = 9;
export const ACKED = 10;
/** JOIN: the main thread has finished the phase; a helper arriving now skips it. */
export const JOIN_CLOSED = 1 << 30;
export const JOIN_COUNT = JOIN_CLOSED - 1;
export const TEST_FLAGS = 11;
/** Helpers beyond this many skip the phase (V8: a job's GetMaxConcurrency when it was asked). */
export const JOIN_LIMIT = 12;
/** ForTesting (negative control): helpers join a phase even after the main thread closed it. */
export const TEST_JOIN_CLOSED_PHASES = 1;

export const CMD_PHASE = 1;
export const CMD_SHUTDOWN = 2;
/** Parked helpers leave their loop so that new ones can be built on other participant data (rebind). */
export const CMD_REBIND = 3;

export const FAULT_NONE = 0;
export const FAULT_THREW = 1;
export const FAULT_EXITED = 2;

const ROW_WORDS = 16;
const R_FAULT_KIND = 0;
const R_EXIT_CODE = 1;
const R_MSG_BYTES = 2;
const R_OS_THREAD = 3;
/** The helper's kernel thread id (host-threads.ts), -1 where unknown. */
const R_KERNEL_TID = 4;
/** Float64 index of WAKE_MS within a row: byte 32. */
const R_WAKE_F64 = 4;
/** Room for a fault message and the top of its stack. */
export const MSG_CAP = 2048;

export class ControlBlock {
  readonly buffer: SharedArrayBuffer;
  readonly words: Int32Array;
  readonly threads: number;
  private readonly f64: Float64Array;
  private readonly bytes: Uint8Array;

  private constructor(buffer: SharedArrayBuffer) {
    this.buffer = buffer;
    this.words = new Int32Array(buffer);
    this.threads = this.words[THREADS];
    this.f64 = new Float64Array(buffer, 0, (this.threads * ROW_WORDS) / 2);
    this.bytes = new Uint8Array(buffer, this.threads * ROW_WORDS * 4);
  }

  static create(threads: number): ControlBlock {
    const sab = new SharedArrayBuffer(threads * ROW_WORDS * 4 + threads * MSG_CAP);
    const w = new Int32Array(sab);
    w[THREADS] = threads;
    w[ACKED] = threads - 1; // no phase in flight
    w[JOIN_LIMIT] = threads - 1;
    return new ControlBlock(sab);
  }

  static attach(buffer: SharedArrayBuffer): ControlBlock {
    return new ControlBlock(buffer);
  }

  setWakeMs(t: number, ms: number): void {
    this.f64[(t * ROW_WORDS) / 2 + R_WAKE_F64] = ms;
  }

  wakeMs(t: number): number {
    return this.f64[(t * ROW_WORDS) / 2 + R_WAKE_F64];
  }

  setOsThread(t: number, id: number): void {
    Atomics.store(this.words, t * ROW_WORDS + R_OS_THREAD, id);
  }

  setKernelTid(t: number, tid: number): void {
    Atomics.store(this.words, t * ROW_WORDS + R_KERNEL_TID, tid);
  }

  kernelTid(t: number): number {
    return Atomics.load(this.words, t * ROW_WORDS + R_KERNEL_TID);
  }

  osThread(t: number): number {
    return Atomics.load(this.words, t * ROW_WORDS + R_OS_THREAD);
  }

  /** Helper t records why it failed. Written before the abort that announces it. */
  recordFault(t: number, kind: number, exitCode: number, message: string): void {
    const w = this.words;
    const row = t * ROW_WORDS;
    const area = this.bytes.subarray(t * MSG_CAP, (t + 1) * MSG_CAP);
    const { written } = new TextEncoder().encodeInto(message, area);
    w[row + R_MSG_BYTES] = written;
    w[row + R_EXIT_CODE] = exitCode;
    Atomics.store(w, row + R_FAULT_KIND, kind);
  }

  faultKind(t: number): number {
    return Atomics.load(this.words, t * ROW_WORDS + R_FAULT_KIND);
  }

  exitCode(t: number): number {
    return this.words[t * ROW_WORDS + R_EXIT_CODE];
  }

  faultMessage(t: number): string {
    const n = this.words[t * ROW_WORDS + R_MSG_BYTES];
    // slice(): TextDecoder wants an unshared copy.
    return new TextDecoder().decode(this.bytes.slice(t * MSG_CAP, t * MSG_CAP + n));
  }

  clearFault(t: number): void {
    const row = t * ROW_WORDS;
    this.words[row + R_MSG_BYTES] = 0;
    this.words[row + R_EXIT_CODE] = 0;
    Atomics.store(this.words, row + R_FAULT_KIND, FAULT_NONE);
  }
}

/** Spins while w[i] === v, for at most `ms`; returns the last value read. */
export function spinWhileEqual(w: Int32Array, i: number, v: number, ms: number): number {
  const end = performance.now() + ms;
  for (;;) {
    for (let k = 0; k < 64; k++) {
      const x = Atomics.load(w, i);
      if (x !== v) return x;
    }
    if (performance.now() > end) return v;
  }
}

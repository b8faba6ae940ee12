/**
 * The calling thread's run-queue clock, from Linux's /proc/thread-self/schedstat: how long the
 * thread has waited, runnable, for a CPU while another thread had it. Over a phase, the
 * difference of two reads says whether a slow thread was slow on its core or lost it for a while
 * (to another thread of the process, such as V8's compiler, or to another process).
 *
 * The same file's on-CPU time is not used: the kernel brings a running thread's figure up to
 * date only at scheduler ticks (every 4 ms here), so it is too coarse for a phase of a few ms. The
 * run-queue wait is added when the thread gets a CPU back, which is always before it can read it.
 *
 * One per thread, opened by the thread that reads it (the file is that of the opening thread).
 * A read is one `pread` of a few dozen bytes, about 4 µs here, parsed without allocating: use it
 * at phase boundaries, never inside a loop. No V8 counterpart (V8's tracer times wall clock only).
 */
import { closeSync, openSync, readSync } from 'node:fs';

const PATH = '/proc/thread-self/schedstat';

/** This thread's clock (module state is per thread: each worker loads its own copy). */
let threadClock: SchedClock | null | undefined;

export class SchedClock {
  /** The run-queue wait at the last `read()`, ms since the thread started. */
  runQueueMs = 0;
  private readonly buf = new Uint8Array(96);

  private constructor(private fd: number) {}

  /** The calling thread's clock, or null where the file does not exist (not Linux, no schedstats). */
  static open(): SchedClock | null {
    let fd: number;
    try {
      fd = openSync(PATH, 'r');
    } catch {
      return null;
    }
    const c = new SchedClock(fd);
    try {
      c.read();
    } catch {
      c.close();
      return null;
    }
    return c;
  }

  /** The calling thread's clock, opened once per thread and kept (null where unavailable). */
  static forThisThread(): SchedClock | null {
    if (threadClock === undefined) threadClock = SchedClock.open();
    return threadClock;
  }

  /** Whether this machine has the file (checked on the calling thread). */
  static available(): boolean {
    return SchedClock.forThisThread() !== null;
  }

  /** Reads `runQueueMs`. The file is "<on-CPU ns> <run-queue ns> <timeslices>\n". */
  read(): void {
    const b = this.buf;
    const n = readSync(this.fd, b, 0, b.length, 0);
    let i = 0;
    while (i < n && b[i] !== 32) i++;
    i++;
    let wait = 0;
    while (i < n && b[i] !== 32) wait = wait * 10 + (b[i++] - 48);
    if (i >= n) throw new Error(`unexpected ${PATH} contents`);
    this.runQueueMs = wait / 1e6;
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}

/**
 * The host's own threads, kept out of the collector's way. A gcsim process runs more threads than
 * the collector's: V8's platform workers compile the collector's JavaScript (TurboFan) and collect
 * the process's own JavaScript heap, and libuv has a thread pool. On a machine with as many cores
 * as GC threads, a platform worker that becomes runnable takes a core from a GC helper in the
 * middle of a pause: in fragmenter's compactions at threads = 2, `perf sched` showed a helper
 * preempted by them for 4-9 ms at a time, and its phase ran that much longer. V8's own collector
 * is compiled ahead of time and has no such neighbour. So for the measured run every thread of
 * the process except the collector's (the thread that runs the mutator and its GC helpers) gets
 * a high nice value: they still run whenever a core is free, and give way to the collector when
 * none is.
 *
 * Linux: a thread is a task under /proc/self/task, and setpriority(PRIO_PROCESS, tid) (Node's
 * `os.setPriority`) sets the nice value of that one thread. Raising a nice value needs no
 * privilege; lowering it again does, so the change lasts for the life of the process. A new
 * thread inherits the nice value of the thread that creates it, so the process's main thread,
 * which starts the workers of later runs (a sweep's trials), is never lowered either. Elsewhere
 * these functions do nothing.
 */
import { readdirSync, readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';

/** The calling thread's kernel thread id (Linux), or -1 where it cannot be known. */
export function kernelThreadId(): number {
  try {
    const link = readlinkSync('/proc/thread-self'); // "<pid>/task/<tid>"
    const tid = Number(link.slice(link.lastIndexOf('/') + 1));
    return Number.isInteger(tid) && tid > 0 ? tid : -1;
  } catch {
    return -1;
  }
}

/**
 * Gives every thread of this process but `keep` and the main thread the nice value `nice` (0-19); returns how many
 * threads were changed (0 where /proc/self/task is not available, when `nice` is 0, or when
 * `keep` is empty).
 */
export function lowerHostThreads(keep: readonly number[], nice: number): number {
  if (nice <= 0 || keep.length === 0) return 0; // no collector thread known: lower nothing
  let tids: string[];
  try {
    tids = readdirSync('/proc/self/task');
  } catch {
    return 0;
  }
  let lowered = 0;
  for (const name of tids) {
    const tid = Number(name);
    if (!Number.isInteger(tid) || tid === process.pid || keep.includes(tid)) continue;
    try {
      setPriority(tid, nice);
      lowered++;
    } catch {
      // The thread exited since the directory was read.
    }
  }
  return lowered;
}

/**
 * The host's own threads, kept out of the collector's way. A gcsim process runs more threads than
 * the collector's: V8's platform workers compile the collector's JavaScript (TurboFan) and collect
 * the process's own JavaScript heap, and libuv has a thread pool. On a machine with as many cores
 * as GC threads, a platform worker that becomes runnable takes a core from a GC helper in the
 * middle of a pause: in fragmenter's compactions at threads = 2, `perf sched` showed a helper
 * preempted by them for 4-9 ms at a time, and its phase ran that much longer. V8's own collector
 * is compiled ahead of time and has no such neighbour. So for the measured run every thread of
 * the process except the collector's (the thread that runs the mutator and its GC helpers) is
 * lowered: they still run whenever a core is free, and give way to the collector when none is.
 *
 * Two ways, both Linux:
 * - A high nice value: setpriority(PRIO_PROCESS, tid) (Node's `os.setPriority`) sets that of one
 *   thread. It shrinks the thread's share of a busy core, but a collector thread that wakes does
 *   not take the core at once: the kernel's EEVDF scheduler lets the running thread finish its
 *   slice. `perf sched timehist` on the same compactions, with the platform workers at nice 19,
 *   still showed a woken helper wait 0.5-3.9 ms behind a compiler thread (TurboFan compiles the
 *   mutator's code and re-optimises all through a run), joining a phase that late.
 * - SCHED_IDLE (`hostSched` idle, the default): a thread of this policy is preempted as soon as a
 *   normal one wakes on its core (kernel/sched/fair.c: "Idle tasks are by definition preempted by
 *   non-idle tasks"). Node has no call for sched_setscheduler, so `chrt -i -p 0 TID` (util-linux)
 *   sets it, one process for all threads; where chrt is missing the nice value alone stays.
 *
 * Raising a nice value or entering SCHED_IDLE needs no privilege; undoing either does, so the
 * change lasts for the life of the process. A new thread inherits the nice value and policy of the
 * thread that creates it, so the process's main thread, which starts the workers of later runs (a
 * sweep's trials), is never lowered either. Elsewhere these functions do nothing.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';

/** How the host's threads are lowered: SCHED_IDLE and the nice value, or the nice value alone. */
export type HostSched = 'idle' | 'nice';
/** The policy number of SCHED_IDLE (linux/sched.h), as /proc/<pid>/task/<tid>/stat shows it. */
export const SCHED_IDLE = 5;

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

/** The scheduling policy of a thread of this process (field 41 of its stat), or -1. */
export function schedPolicyOf(tid: number): number {
  try {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[38]);
  } catch {
    return -1;
  }
}

/** What `lowerHostThreads` did: threads given the nice value, and of those, threads now in SCHED_IDLE. */
export interface HostLowering {
  lowered: number;
  idle: number;
}

/**
 * Gives every thread of this process but `keep` and the main thread the nice value `nice` (0-19)
 * and, with `sched` idle, the policy SCHED_IDLE. Nothing is changed when `nice` is 0, when `keep`
 * is empty (no collector thread known) or where /proc/self/task is not available.
 */
export function lowerHostThreads(keep: readonly number[], nice: number, sched: HostSched = 'nice'): HostLowering {
  const none = { lowered: 0, idle: 0 };
  if (nice <= 0 || keep.length === 0) return none;
  let names: string[];
  try {
    names = readdirSync('/proc/self/task');
  } catch {
    return none;
  }
  const tids = names.map(Number).filter((tid) => Number.isInteger(tid) && tid !== process.pid && !keep.includes(tid));
  let lowered = 0;
  for (const tid of tids) {
    try {
      setPriority(tid, nice);
      lowered++;
    } catch {
      // The thread exited since the directory was read.
    }
  }
  if (sched !== 'idle' || tids.length === 0) return { lowered, idle: 0 };
  try {
    // One shell for all threads; a thread that has exited since, or a missing chrt, is skipped.
    execFileSync('sh', ['-c', 'for t do chrt -i -p 0 "$t" 2>/dev/null || :; done', 'sh', ...tids.map(String)], { stdio: 'ignore', timeout: 5000 });
  } catch {
    // No shell: the nice value alone.
  }
  return { lowered, idle: tids.filter((tid) => schedPolicyOf(tid) === SCHED_IDLE).length };
}

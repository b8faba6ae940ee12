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
 *   sets it; where chrt is missing the nice value alone stays. Node starts a child process with
 *   fork(), after which every page the process had faults once on its next write (copy-on-write
 *   protection: rewriting 64 MB after one `execFileSync` took 16,400 faults and 13 ms here), and a
 *   measured run's first GCs paid for it (string-tick's first scavenge 0.12-0.20 ms against
 *   0.04-0.07 ms). So a measured run starts the shell that runs chrt before it makes any heap
 *   (`IdlePolicySetter`), and hands it the thread ids once the warm-up is over: the forks of the
 *   chrt processes are the shell's.
 *
 * Raising a nice value or entering SCHED_IDLE needs no privilege; undoing either does, so the
 * change lasts for the life of the process. A new thread inherits the nice value and policy of the
 * thread that creates it, so the process's main thread, which starts the workers of later runs (a
 * sweep's trials), is never lowered either. Elsewhere these functions do nothing.
 */
import { type ChildProcess, spawn } from 'node:child_process';
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

/** The shell that puts threads in SCHED_IDLE: one chrt per thread id read from its input. */
const CHRT_LOOP = 'while read t; do chrt -i -p 0 "$t" 2>/dev/null; done';
/** How long `LineShell.send` waits for the shell. */
const SEND_TIMEOUT_MS = 5000;

/**
 * A shell started now that later runs `loop` over lines written to it, once: start it before the
 * process makes its heaps (see the top of this file), `send` the lines when they are known. The
 * forks of the commands it runs are the shell's. Linux; elsewhere, or if it cannot start, `send`
 * does nothing.
 */
export class LineShell {
  private child: ChildProcess | null;

  private constructor(child: ChildProcess | null) {
    this.child = child;
  }

  static start(loop: string): LineShell {
    if (process.platform !== 'linux') return new LineShell(null);
    try {
      const child = spawn('sh', ['-c', loop], { stdio: ['pipe', 'ignore', 'ignore'] });
      const shell = new LineShell(child);
      child.on('error', () => {
        shell.child = null; // no shell: nothing is run
      });
      child.stdin?.on('error', () => undefined);
      if (child.pid === undefined) shell.child = null;
      child.unref();
      return shell;
    } catch {
      return new LineShell(null);
    }
  }

  /** Writes `lines` to the shell and waits until it has run them all (or gave up); then it exits. */
  async send(lines: readonly string[]): Promise<void> {
    const child = this.child;
    this.child = null;
    if (child === null || child.exitCode !== null || child.signalCode !== null || child.stdin === null) return;
    const exited = new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        child.kill();
        resolve();
      }, SEND_TIMEOUT_MS);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.once('error', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    child.stdin.end(lines.map((l) => `${l}\n`).join(''));
    await exited;
  }

  /** Stops the shell if `send` was not called (a run that failed before it). */
  close(): void {
    this.child?.kill();
    this.child = null;
  }
}

/**
 * A shell started now that later puts threads in SCHED_IDLE (see the top of this file): start it
 * before the process makes its heaps, `apply` once the threads to lower are known.
 */
export class IdlePolicySetter {
  private constructor(private readonly shell: LineShell) {}

  /** Starts the shell (Linux; elsewhere, or if it cannot start, `apply` does nothing). */
  static start(): IdlePolicySetter {
    return new IdlePolicySetter(LineShell.start(CHRT_LOOP));
  }

  /** Has the shell run chrt for `tids`, and waits until it has (or gave up); then it exits. */
  apply(tids: readonly number[]): Promise<void> {
    return this.shell.send(tids.map(String));
  }

  /** Stops the shell if `apply` was not called (a run that failed before it). */
  close(): void {
    this.shell.close();
  }
}

/**
 * Gives every thread of this process but `keep` and the main thread the nice value `nice` (0-19)
 * and, with `sched` idle, the policy SCHED_IDLE: through `setter` when given (a measured run
 * starts it before its heaps), else by starting chrt now. Nothing is changed when `nice` is 0,
 * when `keep` is empty (no collector thread known) or where /proc/self/task is not available.
 */
export async function lowerHostThreads(keep: readonly number[], nice: number, sched: HostSched = 'nice', setter: IdlePolicySetter | null = null): Promise<HostLowering> {
  const tids = nice > 0 && keep.length > 0 ? otherThreads(keep) : []; // no collector thread known: lower nothing
  let lowered = 0;
  for (const tid of tids) {
    try {
      setPriority(tid, nice);
      lowered++;
    } catch {
      // The thread exited since the directory was read.
    }
  }
  if (sched !== 'idle' || tids.length === 0) {
    setter?.close();
    return { lowered, idle: 0 };
  }
  await (setter ?? IdlePolicySetter.start()).apply(tids);
  return { lowered, idle: tids.filter((tid) => schedPolicyOf(tid) === SCHED_IDLE).length };
}

/** Kernel ids of this process's threads but `keep` and the main thread; none where /proc/self/task is not available. */
function otherThreads(keep: readonly number[]): number[] {
  try {
    return readdirSync('/proc/self/task')
      .map(Number)
      .filter((tid) => Number.isInteger(tid) && tid !== process.pid && !keep.includes(tid));
  } catch {
    return [];
  }
}

/**
 * Child processes that a trial's worker thread starts (the V8 engine's child `node`) must end
 * with the trial. Terminating a worker thread does not end the processes it spawned: a trial
 * that timed out or was interrupted left its child running, which took a core from the trials
 * after it (the sweep then reported a busy machine), and a child still running when the sweep
 * exited was left to init. So a worker announces each child it starts and each that ends on a
 * process-wide BroadcastChannel, and the main thread's `ChildProcessWatch` of that worker kills
 * the children still running once it has terminated a failed trial's worker. A killed child
 * stays a zombie until the process exits: the handle that would have reaped it died with the
 * worker.
 */
import { BroadcastChannel, isMainThread, threadId } from 'node:worker_threads';

/** The channel's name (exported for tests that watch the notices). */
export const CHILD_PROCESS_CHANNEL = 'gcsim:trial-child-processes';

interface ChildNotice {
  /** The worker thread that started the child. */
  thread: number;
  pid: number;
  exited: boolean;
}

let announcer: BroadcastChannel | null = null;

/** In a worker thread: tells the main thread that child `pid` started (or, with `exited`, ended). */
export function announceChildProcess(pid: number | undefined, exited: boolean): void {
  if (isMainThread || pid === undefined) return;
  if (announcer === null) {
    announcer = new BroadcastChannel(CHILD_PROCESS_CHANNEL);
    announcer.unref();
  }
  announcer.postMessage({ thread: threadId, pid, exited } satisfies ChildNotice);
}

/** Main thread: the children of one worker thread that have started and not ended. */
export class ChildProcessWatch {
  private readonly channel = new BroadcastChannel(CHILD_PROCESS_CHANNEL);
  private readonly running = new Set<number>();

  constructor(private readonly thread: number) {
    this.channel.onmessage = (ev: unknown) => {
      const n = (ev as { data: ChildNotice }).data;
      if (n.thread !== this.thread) return;
      if (n.exited) this.running.delete(n.pid);
      else this.running.add(n.pid);
    };
    this.channel.unref();
  }

  /**
   * Kills (SIGKILL) every child still running and returns their pids. Call it after the worker
   * was terminated; it first lets the notices the worker sent before its end arrive.
   */
  async killRunning(): Promise<number[]> {
    await new Promise((resolve) => setImmediate(resolve));
    const killed: number[] = [];
    for (const pid of this.running) {
      try {
        process.kill(pid, 'SIGKILL');
        killed.push(pid);
      } catch {
        // ended in the meantime
      }
    }
    this.running.clear();
    return killed;
  }

  close(): void {
    this.channel.close();
  }
}

/**
 * Starts child processes for a process that holds heaps, without forking it. Node starts a child
 * with fork(), after which every page the parent had faults once on its next write (copy-on-write
 * protection; see scheduler/host-threads.ts). A process that measures collections of a heap it
 * holds and starts children between them (bench/gc.bench.ts runs V8's anchor in a child `node`
 * between gcsim's collections) then measures those faults too: about 6,000 per scavenge of the
 * bench's 1M-object graph, 10-15 ns per object. A `ChildSpawner` started before any heap is made
 * is a small `node` that runs each child for its parent: the forks are then its own.
 */
import { type ChildProcess, spawn } from 'node:child_process';

/** What `spawnSync` would have returned: exit status (null if killed), signal, output, and a start error. */
export interface SpawnedResult {
  status: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  error: string | null;
}

export interface SpawnOptions {
  cwd?: string;
  /** Bytes of stdout or stderr kept at most (spawnSync's maxBuffer); default 64 MiB. */
  maxBuffer?: number;
  /** Kill the child after this many ms (spawnSync's timeout); default none. */
  timeoutMs?: number;
}

interface Request {
  id: number;
  file: string;
  args: string[];
  cwd: string | undefined;
  maxBuffer: number;
  timeout: number | undefined;
}

/** The spawner's program: one spawnSync per request, answered in order over the IPC channel. */
const PROGRAM = `
const { spawnSync } = require('node:child_process');
process.on('message', (m) => {
  const r = spawnSync(m.file, m.args, { cwd: m.cwd, encoding: 'utf8', maxBuffer: m.maxBuffer, timeout: m.timeout });
  process.send({ id: m.id, status: r.status, signal: r.signal, stdout: r.stdout || '', stderr: r.stderr || '', error: r.error ? String(r.error.message) : null });
});
process.on('disconnect', () => process.exit(0));
`;

export class ChildSpawner {
  private next = 1;
  private readonly pending = new Map<number, { resolve: (r: SpawnedResult) => void; reject: (e: Error) => void }>();

  private constructor(private readonly child: ChildProcess) {
    // The spawner keeps this process alive only while a request waits for its answer.
    child.unref();
    this.holdProcess(false);
    child.on('message', (m: SpawnedResult & { id: number }) => {
      const p = this.pending.get(m.id);
      if (p === undefined) return;
      this.pending.delete(m.id);
      if (this.pending.size === 0) this.holdProcess(false);
      const { id: _id, ...result } = m;
      p.resolve(result);
    });
    const fail = (why: string) => {
      for (const p of this.pending.values()) p.reject(new Error(`child spawner: ${why}`));
      this.pending.clear();
      this.holdProcess(false);
    };
    child.on('exit', (code, signal) => fail(`exited (${signal ?? code})`));
    child.on('error', (e) => fail(e.message));
  }

  /** Starts the spawner: call it before this process makes any heap (this start forks it once). */
  static start(): ChildSpawner {
    const child = spawn(process.execPath, ['-e', PROGRAM], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    return new ChildSpawner(child);
  }

  /** Runs `file args` to its end in the spawner, as `spawnSync` would here. */
  run(file: string, args: readonly string[], options: SpawnOptions = {}): Promise<SpawnedResult> {
    const id = this.next++;
    const req: Request = { id, file, args: [...args], cwd: options.cwd, maxBuffer: options.maxBuffer ?? 64 << 20, timeout: options.timeoutMs };
    return new Promise((resolve, reject) => {
      if (!this.child.connected) {
        reject(new Error('child spawner: not running'));
        return;
      }
      this.pending.set(id, { resolve, reject });
      this.holdProcess(true);
      this.child.send(req);
    });
  }

  private holdProcess(hold: boolean): void {
    if (hold) this.child.channel?.ref();
    else this.child.channel?.unref();
  }

  /** Ends the spawner (it exits once its channel closes). */
  close(): void {
    if (this.child.connected) this.child.disconnect();
  }
}

/**
 * The convention for `bench/*.bench.ts`, and optional helpers for it. A bench file:
 *
 *   import { Bench } from 'tinybench';
 *   export async function suites(): Promise<Bench[]> { … }   // required; no work at import time
 *   export async function teardown(): Promise<void> { … }    // optional: close what suites() opened
 *
 * `bench/run.ts` imports every bench file (or those named on its command line), calls suites(),
 * runs each Bench in order (`await bench.run()`, or `runSync()` after `runSync(bench)` here),
 * and writes one markdown table per file to bench/results.md and stdout: per task, time per
 * iteration (mean, p50, p99, ±rme, samples) and throughput. Name each Bench (`new Bench({ name })`);
 * its name heads its rows. Optional, through this module (a WeakMap keyed by the Bench; a file
 * that uses none of it still works):
 *
 *   perItem(bench, task, n, unit)       an iteration handles n items: also show time per item
 *   extra(bench, task, column, value)   an extra column (e.g. a figure measured inside the task)
 *   unavailable(bench, task, reason)    a row that could not run (e.g. threads = 2 without helpers)
 *   note(bench, text)                   a line under the table
 *   runSync(bench)                      run with bench.runSync() (tasks that block in Atomics.wait)
 *
 * A bench file without a `suites` export is run as a plain script in a child process and its
 * output included verbatim. `BENCH_TIME_MS` scales the time budget of suites built with
 * `benchOptions()`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { Bench } from 'tinybench';
import type { LineShell } from '../src/scheduler/host-threads.ts';
import { Rng } from '../src/workloads/rng.ts';

export interface TaskMeta {
  perItem?: { n: number; unit: string };
  extra: Record<string, string | number>;
}

export interface BenchMeta {
  tasks: Map<string, TaskMeta>;
  unavailable: { task: string; reason: string }[];
  notes: string[];
  sync: boolean;
}

const META = new WeakMap<Bench, BenchMeta>();

export function benchMeta(bench: Bench): BenchMeta {
  let m = META.get(bench);
  if (!m) META.set(bench, (m = { tasks: new Map(), unavailable: [], notes: [], sync: false }));
  return m;
}

function taskMeta(bench: Bench, task: string): TaskMeta {
  const m = benchMeta(bench);
  let t = m.tasks.get(task);
  if (!t) m.tasks.set(task, (t = { extra: {} }));
  return t;
}

export function perItem(bench: Bench, task: string, n: number, unit: string): void {
  taskMeta(bench, task).perItem = { n, unit };
}

export function extra(bench: Bench, task: string, column: string, value: string | number): void {
  taskMeta(bench, task).extra[column] = value;
}

export function unavailable(bench: Bench, task: string, reason: string): void {
  benchMeta(bench).unavailable.push({ task, reason });
}

export function note(bench: Bench, text: string): void {
  benchMeta(bench).notes.push(text);
}

export function runSync(bench: Bench): void {
  benchMeta(bench).sync = true;
}

/** tinybench options with the time budget scaled by BENCH_TIME_MS (default `timeMs`). */
export function benchOptions(name: string, timeMs = 1000, over: Record<string, unknown> = {}): { name: string; time: number; warmupTime: number } & Record<string, unknown> {
  const env = Number(process.env.BENCH_TIME_MS);
  const time = Number.isFinite(env) && env > 0 ? env : timeMs;
  return { name, time, warmupTime: Math.min(200, time / 5), ...over };
}

/** The median of a list (NaN when empty), for figures collected inside tasks. */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = xs.toSorted((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 === 1 ? s[h] : (s[h - 1] + s[h]) / 2;
}

/** `median (min-max)` of a list of ratios, for the figure scripts' summary lines. */
export function medianRange(xs: readonly number[]): string {
  return `${median(xs).toFixed(2)} (${Math.min(...xs).toFixed(2)}-${Math.max(...xs).toFixed(2)})`;
}

/** Waits (without blocking the event loop) until word `word` of `ctl` is at least `count`. */
export async function waitAtLeast(ctl: Int32Array, word: number, count: number): Promise<void> {
  for (let v = Atomics.load(ctl, word); v < count; v = Atomics.load(ctl, word)) await Atomics.waitAsync(ctl, word, v, 1000).value;
}

/**
 * One repetition of a two-worker figure (core-contention.ts, scavenge-pair.ts): worker 0 alone,
 * worker 1 alone and both at once, in an order that rotates with `rep` so that drifts of the host
 * hit all three alike. `trial(ids)` runs the work on those workers and returns one figure each.
 */
export async function aloneAndBoth(rep: number, trial: (ids: number[]) => Promise<number[]>): Promise<{ alone: [number, number]; both: [number, number] }> {
  const got: number[][] = [];
  for (let j = 0; j < 3; j++) {
    const which = (j + rep) % 3;
    got[which] = await trial(which === 2 ? [0, 1] : [which]);
  }
  return { alone: [got[0][0], got[1][0]], both: [got[2][0], got[2][1]] };
}

/**
 * Worker source (for `new Worker(source, { eval: true })`) that defines `chase`, a random cyclic
 * walk over 16M words (64 MB), one step per 16 words (a cache line each), and `CHASE_STEPS`, its
 * length; seeded by the worker's `id`, which the source around it defines. `p = chase[p]` from 0
 * is then one dependent cache miss per step.
 */
export const CHASE_WALK_SOURCE = `
const CHASE_STEPS = 1 << 20;
const chase = new Int32Array(16 << 20);
{
  const order = new Int32Array(CHASE_STEPS);
  for (let i = 0; i < CHASE_STEPS; i++) order[i] = i;
  let s = 12345 + id;
  for (let i = CHASE_STEPS - 1; i > 0; i--) {
    s = (Math.imul(s, 1103515245) + 12345) | 0;
    const j = (s >>> 1) % (i + 1);
    const t = order[i]; order[i] = order[j]; order[j] = t;
  }
  for (let i = 0; i < CHASE_STEPS; i++) chase[order[i] * 16] = order[(i + 1) % CHASE_STEPS] * 16;
}`;

/**
 * The worker side of a two-worker figure's commands (core-contention.ts, core-drift.ts), as source
 * for `new Worker(source, { eval: true })` around which `ctl` (an Int32Array) and `id` are defined:
 * worker `id` counts itself in word `done` once ready, waits on word `command + id` for a new
 * sequence number, runs `body` and counts itself in `done` again; a negative number stops it.
 * `WorkerCommands` is the main thread's side.
 */
export function commandLoopSource(command: number, done: number, body: string): string {
  return `
let seq = 0;
Atomics.add(ctl, ${done}, 1);
Atomics.notify(ctl, ${done});
for (;;) {
  Atomics.wait(ctl, ${command} + id, seq);
  seq = Atomics.load(ctl, ${command} + id);
  if (seq < 0) break;
${body}
  Atomics.add(ctl, ${done}, 1);
  Atomics.notify(ctl, ${done});
}`;
}

/** The main thread's side of `commandLoopSource`, for workers 0 and 1. */
export class WorkerCommands {
  private readonly seq = [0, 0];
  constructor(
    private readonly ctl: Int32Array,
    private readonly command: number,
    private readonly done: number,
  ) {}

  /** Gives workers `ids` their next command. */
  send(ids: number[]): void {
    for (const id of ids) {
      Atomics.store(this.ctl, this.command + id, ++this.seq[id]);
      Atomics.notify(this.ctl, this.command + id);
    }
  }

  /** Waits until `n` workers have counted themselves done since the last wait, and resets the count. */
  async waitDone(n: number): Promise<void> {
    await waitAtLeast(this.ctl, this.done, n);
    Atomics.store(this.ctl, this.done, 0);
  }

  /** Ends both workers' loops. */
  stop(): void {
    for (const id of [0, 1]) {
      Atomics.store(this.ctl, this.command + id, -1);
      Atomics.notify(this.ctl, this.command + id);
    }
  }
}

/**
 * Runs `collect` with the ForTesting switches `flags` set on `sim` (none when 0), and clears them
 * after, whatever happens: a figure's unsafe configuration (a plain store or or where threads race).
 */
export function withTestFlags<T>(sim: { setTestFlagsForTesting(flags: number): void }, flags: number, collect: () => T): T {
  if (flags === 0) return collect();
  sim.setTestFlagsForTesting(flags);
  try {
    return collect();
  } finally {
    sim.setTestFlagsForTesting(0);
  }
}

/**
 * A thread's time per object in a parallel phase while it ran: its busy time less its waits for a
 * core (`preemptedMs`, when recorded), in ns over its objects (at least one).
 */
export function busyNsPerObject(t: { busyMs: number; preemptedMs?: number; objects: number }): number {
  return ((t.busyMs - (t.preemptedMs ?? 0)) * 1e6) / Math.max(1, t.objects);
}

/** The shell that pins threads: one taskset per "tid cpu" line read from its input. */
const TASKSET_LOOP = 'while read t c; do taskset -p -c "$c" "$t" >/dev/null 2>&1; done';

/**
 * Pins threads of this process to CPUs (the island figures: a helper woken onto the CPU its waker
 * runs on can hold the waker off its core for milliseconds), through a `LineShell` of the build
 * under measure (src/scheduler/host-threads.ts), started before the process makes its heaps, as
 * `IdlePolicySetter` is. Linux with taskset; elsewhere it pins nothing.
 */
export class ThreadPinner {
  private constructor(private readonly shell: LineShell) {}

  /** `Shell`: `LineShell` of the build under measure (its dist/src/scheduler/host-threads.js). */
  static start(Shell: typeof LineShell): ThreadPinner {
    return new ThreadPinner(Shell.start(TASKSET_LOOP));
  }

  /** Pins each `[tid, cpu]` and waits until the shell has; then it exits. Returns how many took. */
  async pin(pairs: readonly (readonly [number, number])[]): Promise<number> {
    await this.shell.send(pairs.map(([t, c]) => `${t} ${c}`));
    return pairs.filter(([t, c]) => cpusAllowed(t) === String(c)).length;
  }

  close(): void {
    this.shell.close();
  }
}

/** The CPUs thread `tid` of this process may run on, as /proc lists them ("0-1"); '' if unknown. */
function cpusAllowed(tid: number): string {
  try {
    return /Cpus_allowed_list:\s*(\S+)/.exec(readFileSync(`/proc/self/task/${tid}/status`, 'utf8'))?.[1] ?? '';
  } catch {
    return '';
  }
}

/** A data or unified cache of the first CPU, as Linux's sysfs describes it. */
export interface CpuCache {
  level: number;
  bytes: number;
  /** How many CPUs share it (`shared_cpu_list`). */
  sharedBy: number;
}

/**
 * The data and unified caches of CPU 0, smallest level first, from `root`
 * (`/sys/devices/system/cpu/cpu0/cache`); none where there is no such directory (not Linux).
 * Whether a graph fits in them decides much of what a speedup shows (docs/performance.md, "A
 * host whose caches hold the graph").
 */
export function cpuCaches(root = '/sys/devices/system/cpu/cpu0/cache'): CpuCache[] {
  const out: CpuCache[] = [];
  for (let i = 0; existsSync(`${root}/index${i}`); i++) {
    const read = (f: string) => readFileSync(`${root}/index${i}/${f}`, 'utf8').trim();
    try {
      if (read('type') === 'Instruction') continue;
      const size = /^(\d+)([KMG]?)$/.exec(read('size'));
      if (size === null) continue;
      const bytes = Number(size[1]) * { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 }[size[2] as '' | 'K' | 'M' | 'G'];
      const sharedBy = read('shared_cpu_list')
        .split(',')
        .reduce((n, r) => {
          const [a, b] = r.split('-').map(Number);
          return n + (b === undefined ? 1 : b - a + 1);
        }, 0);
      out.push({ level: Number(read('level')), bytes, sharedBy });
    } catch {
      // a cache the kernel describes only in part: left out
    }
  }
  return out.sort((a, b) => a.level - b.level);
}

/** `2 MB`, `22.9 MB`, `48 KB`: a size in MB from 1 MB up, else in KB, to one decimal. */
export function describeBytes(b: number): string {
  return b >= 1024 ** 2 ? `${+(b / 1024 ** 2).toFixed(1)} MB` : `${+(b / 1024).toFixed(1)} KB`;
}

/** `L1 48 KB, L2 2 MB, L3 260 MB shared by 2`: the caches of `cpuCaches`, or '' if none. */
export function describeCaches(caches: readonly CpuCache[] = cpuCaches()): string {
  return caches.map((c) => `L${c.level} ${describeBytes(c.bytes)}${c.sharedBy > 1 ? ` shared by ${c.sharedBy}` : ''}`).join(', ');
}

/**
 * A random cycle through `lines` cache lines of 16 Int32 words: word `16 * i` holds the index of
 * the next line's first word, and following it from any line visits every line once before it
 * comes back (the lines in an order shuffled with `seed`).
 */
export function chaseCycle(lines: number, seed: number): Int32Array {
  const order = new Int32Array(lines);
  for (let i = 0; i < lines; i++) order[i] = i;
  const rng = new Rng(seed);
  for (let i = lines - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  const next = new Int32Array(lines * 16);
  for (let i = 0; i < lines; i++) next[order[i] * 16] = order[(i + 1) % lines] * 16;
  return next;
}

/**
 * Nanoseconds per dependent load of a walk around `chaseCycle` over `bytes`: the latency a
 * random layout's mark or scavenge meets at that size, the figure that says which state the
 * host's memory was in when one run's times are compared with another's (on this VM it changes
 * from hour to hour). One lap first, to fault the pages in and compile the loop; then `steps`.
 */
export function dependentLoadNs(bytes: number, steps = 1 << 21): number {
  const next = chaseCycle(Math.max(1024, Math.floor(bytes / 64)), 12345);
  let p = 0;
  for (let i = 0; i < next.length; i += 16) p = next[p];
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) p = next[p];
  const ns = ((performance.now() - t0) * 1e6) / steps;
  return p < 0 ? NaN : ns; // p read, so the walk is not optimised away
}

/** The echo thread of `coreToCoreNs`: answers each positive counter with its negation until STOP. */
const ECHO_STOP = 1 << 30;
const ECHO_READY = 16;
const ECHO_SOURCE = `
const { workerData } = require('node:worker_threads');
const a = new Int32Array(workerData);
Atomics.store(a, ${ECHO_READY}, 1);
for (;;) {
  const v = Atomics.load(a, 0);
  if (v === ${ECHO_STOP}) break;
  if (v > 0) Atomics.store(a, 0, -v);
}`;

/**
 * Nanoseconds for a cache line written by one thread to reach another, one way: half the round
 * trip of a counter passed `rounds` times between this thread and an echo thread through one
 * Int32 of shared memory (each spins on Atomics.load until the other's store arrives; the time
 * includes two Atomics builtin calls, about 15 ns each on Node 20). On a 2-vCPU machine the two
 * threads run on the two vCPUs, so this is the distance between them, which the host may change
 * as it moves them, even within a run (54-259 ns seen on this VM): every line two collector threads share costs
 * about this much each time it changes hands.
 */
export async function coreToCoreNs(rounds = 200_000): Promise<number> {
  const a = new Int32Array(new SharedArrayBuffer(128));
  const w = new Worker(ECHO_SOURCE, { eval: true, workerData: a.buffer });
  const exited = new Promise<void>((resolve, reject) => {
    w.once('exit', () => resolve());
    w.once('error', reject);
  });
  try {
    // Wait for the echo thread to spin (yielding meanwhile: a worker's start needs this thread's loop).
    while (Atomics.load(a, ECHO_READY) === 0) await new Promise((r) => setTimeout(r, 1));
    const t0 = performance.now();
    for (let i = 1; i <= rounds; i++) {
      Atomics.store(a, 0, i);
      while (Atomics.load(a, 0) !== -i) {
        // the other thread's store has not arrived yet
      }
    }
    return ((performance.now() - t0) * 1e6) / rounds / 2;
  } finally {
    Atomics.store(a, 0, ECHO_STOP);
    await exited;
  }
}

let evictBuffer: Int32Array | null = null;

/**
 * Writes one word of every 64-byte line of a buffer of `bytes` (kept for the next call of the same
 * size), so that the calling core's caches, up to that size, hold that buffer and none of what was
 * in them before: a collection that starts right after finds its heap in memory, not in the cache
 * of the core that last wrote it. Allocates only when the size changes.
 */
export function evictCaches(bytes: number): void {
  const words = Math.max(16, Math.floor(bytes / 4));
  if (evictBuffer === null || evictBuffer.length !== words) evictBuffer = new Int32Array(words);
  const b = evictBuffer;
  for (let i = 0; i < words; i += 16) b[i] = i;
}

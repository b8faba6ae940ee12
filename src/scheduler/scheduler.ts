/**
 * Where GC work runs (main thread): a Piscina pool of `threads - 1` helpers started once and parked
 * on a control word; a phase is one store + notify, the main thread's own share as participant 0,
 * and a wait for the last helper. Background phases, per-phase Piscina dispatch for comparison,
 * and the fault model (throw, exit, stall: one GCThreadError, never a hang). Knows threads, not
 * GC algorithms. V8: the platform's job API (`PostJob`, `JobHandle::Join`).
 */

import type { Worker } from 'node:worker_threads';
import { Piscina } from 'piscina';
import {
  ABORT_EXITED,
  ABORT_NO_PROGRESS,
  ABORT_REQUESTED,
  ABORT_STALLED,
  ABORT_THREW,
  Heartbeat,
  NO_MAIN_BEAT,
  NO_PROGRESS,
  StallWatch,
  isPhaseAborted,
  setCurrentHeartbeat,
} from '../parallel/heartbeat.ts';
import { ThreadStats, clockMs } from '../parallel/thread-stats.ts';
import type { ThreadContext } from '../parallel/thread-context.ts';
import {
  ACKED,
  ARG,
  CLOSING,
  CMD_PHASE,
  CMD_REBIND,
  CMD_SHUTDOWN,
  COMMAND,
  ControlBlock,
  DONE,
  EPOCH,
  FAULT_EXITED,
  FAULT_NONE,
  FAULT_THREW,
  HELPER_SPIN_US,
  JOIN,
  JOIN_LIMIT,
  JOIN_CLOSED,
  JOIN_COUNT,
  PHASE,
  READY,
  TEST_FLAGS,
  spinWhileEqual,
} from './control-block.ts';
import type { HelperTask, HelperWorkerData } from './helper.ts';
import { entryExecArgv, entryModuleUrl } from './module-url.ts';

export type { ThreadContext, Participant, CreateParticipant } from '../parallel/thread-context.ts';

export interface SchedulerOptions {
  /** Threads in a parallel phase, counting the main thread; 1 = no pool at all. */
  threads: number;
  /** File URL (href) of a module exporting `createParticipant(data, threadId, ctx)`. */
  participantModule: string;
  /** Structured-cloneable (typically SharedArrayBuffers); passed to createParticipant in every helper. */
  participantData: unknown;
  /** How a phase is started: 'parked' (default: futex handshake) or 'task' (a Piscina task per helper). */
  dispatch?: 'parked' | 'task';
  /** Who takes part in a phase: see `HelperJoin`. Default 'all' (participant bodies must not wait for a helper that may skip). */
  helperJoin?: HelperJoin;
  /** A working helper with no heartbeat for this long while the main thread waits = stall. Default 1000. */
  stallTimeoutMs?: number;
  /**
   * The heartbeat table the participant bodies bump. Default: a new one, handed to participants
   * in their ThreadContext. Pass yours if your bodies bump their own, or the stall watch is blind.
   */
  heartbeat?: Heartbeat;
  /** The per-phase stats table (reset before each phase; start/end filled in). Default: a new one. */
  stats?: ThreadStats;
  /** How long the main thread spins waiting for helpers before it sleeps, µs. Default 50. */
  mainSpinUs?: number;
  /**
   * 'dynamic' join: the helpers are woken only once a phase has run this long on the main thread
   * (checked at its heartbeats), µs; 0 = at once. Default 25.
   */
  lazyWakeUs?: number;
  /** How long a parked helper spins after a phase before it sleeps, µs. Default 0. */
  helperSpinUs?: number;
  /** Deadline for pool start-up (tsx compiles the worker's import graph in every worker). Default 60 s. */
  startTimeoutMs?: number;
}

/**
 * 'dynamic' (V8's job model, `JobHandle::Join`): the helpers are woken once a phase has run
 * `lazyWakeUs` on the main thread, and each joins it on arrival; once the main thread has finished
 * its own share and found no work left,
 * it closes the phase, waits only for the helpers that joined, and a helper arriving later skips
 * the phase. A phase with little work so costs no helper wake-up in the pause. 'all': every
 * helper takes part in every phase and the main thread waits for all of them (the handshake
 * floor of a fixed participant set; what warm-up uses so that every helper runs every phase).
 */
export type HelperJoin = 'dynamic' | 'all';

export type GCThreadFaultKind = 'threw' | 'exited' | 'stalled' | 'no-progress' | 'pool';

/** A helper thread failed: the run cannot go on. `thread` is -1 when no single thread is to blame. */
export class GCThreadError extends Error {
  override readonly name = 'GCThreadError';
  readonly thread: number;
  readonly phase: string;
  readonly kind: GCThreadFaultKind;
  /** The helper's own stack, when it threw. */
  readonly helperStack: string;

  constructor(thread: number, phase: string, kind: GCThreadFaultKind, message: string, helperStack = '') {
    super(message);
    this.thread = thread;
    this.phase = phase;
    this.kind = kind;
    this.helperStack = helperStack;
  }
}

const DEFAULT_STALL_TIMEOUT_MS = 1000;
const DEFAULT_START_TIMEOUT_MS = 60_000;
/**
 * Default spin of the main thread on DONE before it sleeps: the last helper of a short phase
 * often arrives within tens of µs, and a futex wake-up of the main thread costs as much again.
 * Nothing next to a real phase. See docs/parallel.md for the measurements behind both defaults.
 */
const DEFAULT_MAIN_SPIN_US = 50;
/**
 * Default spin of a parked helper on EPOCH after a phase: none. On a quiet machine a spinning
 * helper starts the next phase of a burst in ~1 µs, but on a shared, loaded one (this project's
 * machine class) the scheduler stops favouring it and wake-ups got 5-10x slower than a futex
 * wake, which runs a sleeping thread at once.
 */
const DEFAULT_HELPER_SPIN_US = 0;
/**
 * Default lazy wake: a phase of 'dynamic' join wakes its helpers only after 25 µs on the main
 * thread. Waking a parked helper costs the main thread 30-40 µs of futex system call on this VM,
 * and the helper arrives 20-100 µs later: a shorter phase is over before it could help.
 */
const DEFAULT_LAZY_WAKE_US = 25;
/** Longest sleep between stall-watch polls while joining. */
const JOIN_SLICE_MS = 10;
/** After an abort, how long the other helpers get to leave the phase before we give up on them. */
const SETTLE_MS = 500;
/** How long close() lets parked helpers return before terminating the workers. */
const CLOSE_GRACE_MS = 2000;

type State = 'idle' | 'phase' | 'background' | 'faulted' | 'closed';
type PiscinaOptions = NonNullable<ConstructorParameters<typeof Piscina>[0]>;
type Balancer = NonNullable<PiscinaOptions['loadBalancer']>;

/** The Piscina entry: workers/gc-worker.ts from source, dist/workers/gc-worker.js in a build. */
function workerEntryUrl(): URL {
  return entryModuleUrl('../../workers/gc-worker.ts', import.meta.url);
}

function noop(): void {}

/** What the scheduler asks before a lazy wake: see `Scheduler.sharedWork`. */
export interface SharedWork {
  /** How many of `helpers` the work of `phase` left now can use (0: none; V8's GetMaxConcurrency less the joining thread). */
  wantedHelpers(phase: number, helpers: number): number;
}

export class Scheduler {
  readonly threads: number;
  readonly dispatch: 'parked' | 'task';
  readonly heartbeat: Heartbeat;
  readonly stats: ThreadStats;
  readonly stallTimeoutMs: number;
  /** Who takes part in the next phases (may be changed between phases). */
  helperJoin: HelperJoin;
  /** Who takes part in the current foreground phase: `helperJoin`, or 'all' for a phase run with `joinAll`. */
  private phaseJoin: HelperJoin = 'all';
  /**
   * Under the lazy wake ('dynamic' join): the owner of the phases' shared work, asked how many
   * helpers the work of phase `phase` that a helper could take now (unclaimed items, published
   * worklist entries) can use. A phase that has run for `lazyWakeUs` wakes its helpers only when
   * it says some, and only that many join, as V8's job scheduler asks a job's
   * `GetMaxConcurrency` how many workers its remaining work can use. Null: the time alone
   * decides, and every helper joins. An object with a method rather than a closure: a new heap brings a
   * new owner of the same class, and the optimised wake check stays valid for it (a new closure
   * would be a new call target at a call site optimised for the old one).
   */
  sharedWork: SharedWork | null = null;
  /** Helpers that took part in the last phase (not counting the main thread). */
  lastJoined: number;
  /** µs from the store+notify (or first dispatch) until the last helper had started the last phase. */
  lastWakeUs: number;
  /** Helpers the last phase let join (`JOIN_LIMIT` when they were woken); 0 if none was woken. */
  lastHelperLimit = 0;
  /** ms from the start of the last phase until the main thread woke its helpers; -1 if it did not. */
  lastWokenAfterMs = -1;

  private readonly cb: ControlBlock;
  private readonly watch: StallWatch;
  private pool: Piscina | null;
  private state: State;
  private phaseName: string;
  private launchMs: number;
  private launchPerfMs: number;
  /**
   * When the helpers were woken for the current phase (performance.now()), or -1: a 'dynamic'
   * phase wakes them only if it runs long.
   */
  private wokenPerfMs = -1;
  private readonly lazyWakeMs: number;
  private fault: GCThreadError | null;
  private poolError: Error | null;
  private longTasks: Promise<unknown>[];
  /** Task dispatch: helper t runs on the Piscina worker whose threadId is workerOf[t]. */
  private readonly workerOf: Int32Array;
  /** The worker threadId the balancer must pick next, or -1 for "any idle worker". */
  private target: number;
  private readonly workers: Set<Worker>;
  private readonly liveWorkers: Set<Worker>;
  private readonly mainSpinMs: number;

  private constructor(opts: SchedulerOptions) {
    const threads = opts.threads;
    if (!Number.isInteger(threads) || threads < 1) throw new RangeError(`Scheduler: threads must be >= 1, got ${threads}`);
    this.threads = threads;
    this.dispatch = opts.dispatch ?? 'parked';
    this.helperJoin = opts.helperJoin ?? 'all';
    this.lastJoined = 0;
    this.stallTimeoutMs = opts.stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS;
    this.heartbeat = opts.heartbeat ?? Heartbeat.create(threads);
    this.stats = opts.stats ?? ThreadStats.create(threads);
    if (this.heartbeat.threads < threads) throw new RangeError('Scheduler: heartbeat has fewer rows than threads');
    if (this.stats.threads < threads) throw new RangeError('Scheduler: stats has fewer rows than threads');
    this.cb = ControlBlock.create(threads);
    this.watch = new StallWatch(this.heartbeat, this.stallTimeoutMs);
    this.heartbeat.watch = this.watch;
    this.lastWakeUs = 0;
    this.pool = null;
    this.state = 'idle';
    this.phaseName = '';
    this.launchMs = 0;
    this.launchPerfMs = 0;
    this.lazyWakeMs = (opts.lazyWakeUs ?? DEFAULT_LAZY_WAKE_US) / 1000;
    this.fault = null;
    this.poolError = null;
    this.longTasks = [];
    this.workerOf = new Int32Array(threads).fill(-1);
    this.target = -1;
    this.workers = new Set();
    this.liveWorkers = new Set();
    this.mainSpinMs = (opts.mainSpinUs ?? DEFAULT_MAIN_SPIN_US) / 1000;
    this.cb.words[HELPER_SPIN_US] = Math.max(0, Math.round(opts.helperSpinUs ?? DEFAULT_HELPER_SPIN_US));
  }

  /** Starts the pool (guarded ping), builds every helper's participant; resolves when all are parked. */
  static async start(opts: SchedulerOptions): Promise<Scheduler> {
    const s = new Scheduler(opts);
    if (s.threads > 1) {
      try {
        await s.startPool(opts);
      } catch (e) {
        s.state = 'closed';
        await s.destroyPool();
        throw e;
      }
    }
    return s;
  }

  private async startPool(opts: SchedulerOptions): Promise<void> {
    const helpers = this.threads - 1;
    const entry = workerEntryUrl();
    // A .ts participant module needs tsx in the helpers even when this scheduler is compiled.
    const execArgv = entryExecArgv([entry, opts.participantModule]);
    const workerData: HelperWorkerData = {
      control: this.cb.buffer,
      heartbeat: this.heartbeat.buffer,
      stats: this.stats.buffer,
      participantModule: opts.participantModule,
      participantData: opts.participantData,
    };
    const balancer: Balancer = (_task, workers) => {
      const target = this.target;
      for (const w of workers) {
        if (w.terminating || w.destroyed) continue;
        if (target >= 0 ? w.id === target : w.currentUsage === 0) return w;
      }
      return null;
    };
    const pool = new Piscina({
      filename: entry.href,
      minThreads: helpers,
      maxThreads: helpers,
      idleTimeout: Infinity,
      // Task dispatch posts a phase to a worker whose previous reply the blocked main thread has
      // not read yet; the targeted balancer ignores usage, and this keeps Piscina from queueing.
      concurrentTasksPerWorker: this.dispatch === 'task' ? 1 << 20 : 1,
      loadBalancer: balancer,
      workerData,
      ...(execArgv !== undefined ? { execArgv } : {}),
    });
    this.pool = pool;
    pool.on('error', (e: Error) => {
      this.poolError ??= e;
    });
    pool.on('workerCreate', () => this.trackWorkers());
    this.trackWorkers();

    const startTimeout = opts.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
    try {
      await pool.run({ kind: 'ping' } satisfies HelperTask, { signal: AbortSignal.timeout(startTimeout) });
    } catch (e) {
      throw new GCThreadError(-1, 'start', 'pool', `gc helper pool failed to start: ${(e as Error).message}`);
    }
    let rejectStart: (e: Error) => void = noop;
    const failed = new Promise<never>((_, reject) => {
      rejectStart = reject;
    });
    failed.catch(noop);
    for (let t = 1; t <= helpers; t++) {
      const task: HelperTask =
        this.dispatch === 'parked' ? { kind: 'loop', threadId: t } : { kind: 'init', threadId: t, helpers };
      this.longTasks.push(
        pool.run(task).then(
          (r) => {
            if (this.dispatch === 'task') this.workerOf[t] = (r as { osThreadId: number }).osThreadId;
            else if (this.state !== 'closed') rejectStart(new Error(`gc helper thread ${t} left its loop`));
          },
          (e: Error) => {
            rejectStart(new GCThreadError(t, 'start', 'threw', `gc helper thread ${t} failed to start: ${e.message}`));
          },
        ),
      );
    }
    await Promise.race([this.waitReady(helpers, startTimeout), failed]);
    if (this.dispatch === 'task') {
      await Promise.race([Promise.all(this.longTasks), failed]);
      this.longTasks = [];
      for (let t = 1; t <= helpers; t++) {
        if (this.workerOf[t] < 0) throw new GCThreadError(t, 'start', 'pool', `gc helper thread ${t} did not start`);
      }
    }
  }

  private async waitReady(helpers: number, timeoutMs: number, failed: () => Error | null = () => null): Promise<void> {
    const w = this.cb.words;
    const deadline = performance.now() + timeoutMs;
    for (let r = Atomics.load(w, READY); r < helpers; r = Atomics.load(w, READY)) {
      if (this.state === 'closed' || failed() !== null) return; // start-up failed elsewhere
      if (performance.now() > deadline) {
        throw new GCThreadError(-1, 'start', 'pool', `only ${r} of ${helpers} gc helper threads started within ${timeoutMs} ms`);
      }
      const res = Atomics.waitAsync(w, READY, r, 100);
      if (res.async) await res.value;
    }
  }

  private trackWorkers(): void {
    if (this.pool === null) return;
    for (const worker of this.pool.threads) {
      if (this.workers.has(worker)) continue;
      this.workers.add(worker);
      this.liveWorkers.add(worker);
      worker.once('exit', () => this.liveWorkers.delete(worker));
    }
  }

  /** The main thread's context, for its own participant (`createParticipant(data, 0, ctx)`). */
  context(threadId = 0): ThreadContext {
    return { threadId, threads: this.threads, heartbeat: this.heartbeat, stats: this.stats };
  }

  /** The fault that ended this scheduler, or null. */
  get failure(): GCThreadError | null {
    return this.fault;
  }

  /**
   * Synchronous (the mutator is blocked inside an allocation): wakes the helpers, runs mainBody()
   * as participant 0, then waits for every helper to finish. With `mainOnly`, mainBody() alone
   * runs, as at threads = 1; with `joinAll`, every helper takes part from the start whatever
   * `helperJoin` says (a phase whose work is dealt to every thread: owner marking). Throws
   * GCThreadError on a helper fault (and from then on refuses phases); rethrows mainBody's own
   * error once helpers stopped.
   */
  runPhase(phase: number, arg: number, phaseName: string, mainBody: () => void, mainOnly = false, joinAll = false): void {
    this.checkUsable(phaseName);
    this.phaseJoin = joinAll ? 'all' : this.helperJoin;
    setCurrentHeartbeat(this.heartbeat);
    this.awaitAnswers(phaseName);
    this.stats.reset();
    if (this.threads === 1 || mainOnly) {
      this.lastWakeUs = 0;
      this.lastJoined = 0;
      this.lastHelperLimit = 0;
      this.lastWokenAfterMs = -1;
      this.stats.markStart(0);
      try {
        mainBody();
      } finally {
        this.stats.markEnd(0);
      }
      return;
    }
    this.launch(phase, arg, phaseName, 'phase');
    let mainError: unknown = null;
    this.stats.markStart(0);
    try {
      mainBody();
    } catch (e) {
      mainError = e;
    }
    this.stats.markEnd(0);
    this.join(mainError);
  }

  /** `runPhase` under the name the collectors' PhaseRunner interface uses. */
  run(phase: number, arg: number, phaseName: string, mainBody: () => void, mainOnly = false, joinAll = false): void {
    this.runPhase(phase, arg, phaseName, mainBody, mainOnly, joinAll);
  }

  /** Concurrent phases: helpers run `phase` while the main thread returns at once (no-op if threads = 1). */
  startBackground(phase: number, arg: number, phaseName: string): void {
    this.checkUsable(phaseName);
    this.awaitAnswers(phaseName);
    this.stats.reset();
    if (this.threads === 1) return;
    this.launch(phase, arg, phaseName, 'background');
  }

  /** Non-blocking: the background phase has ended (or failed: joinBackground will throw). */
  backgroundDone(): boolean {
    if (this.state !== 'background') return true;
    return Atomics.load(this.cb.words, DONE) === this.threads - 1 || this.heartbeat.aborted();
  }

  /** Blocks until the helpers have finished the background phase, with the same fault detection. */
  joinBackground(): void {
    if (this.state !== 'background') {
      if (this.fault !== null) throw this.fault;
      return;
    }
    setCurrentHeartbeat(this.heartbeat);
    this.join(null);
  }

  private checkUsable(phaseName: string): void {
    if (this.fault !== null) throw this.fault;
    if (this.state === 'closed') throw new Error(`Scheduler is closed (phase ${phaseName})`);
    if (this.state === 'phase') throw new Error(`Scheduler: phase ${phaseName} started inside phase ${this.phaseName}`);
    if (this.state === 'background') {
      throw new Error(`Scheduler: phase ${phaseName} started while background phase ${this.phaseName} runs; joinBackground() first`);
    }
    // A helper that died between phases left its record: fail now rather than wait for a stall.
    for (let t = 1; t < this.threads; t++) {
      if (this.cb.faultKind(t) !== FAULT_NONE) this.fail(t, phaseName, this.cb.faultKind(t) === FAULT_EXITED ? ABORT_EXITED : ABORT_THREW);
    }
    if (this.poolError !== null) {
      this.fault = new GCThreadError(-1, phaseName, 'pool', `gc helper pool failed before phase ${phaseName}: ${this.poolError.message}`);
      this.state = 'faulted';
      throw this.fault;
    }
  }

  private launch(phase: number, arg: number, phaseName: string, state: 'phase' | 'background'): void {
    const w = this.cb.words;
    const hb = this.heartbeat;
    const helpers = this.threads - 1;
    this.state = state;
    this.phaseName = phaseName;
    hb.clearAbort();
    for (let t = 1; t <= helpers; t++) this.cb.setWakeMs(t, 0);
    w[PHASE] = phase;
    w[ARG] = arg;
    Atomics.store(w, JOIN, 0);
    Atomics.store(w, DONE, 0);
    Atomics.store(w, COMMAND, CMD_PHASE);
    this.watch.begin(performance.now());
    this.launchMs = clockMs();
    this.launchPerfMs = performance.now();
    this.wokenPerfMs = -1;
    if (state === 'phase' && this.phaseJoin === 'dynamic' && this.lazyWakeMs > 0) hb.onMainBeat = this.wakeIfLong;
    else this.wake();
  }

  /**
   * The main thread's heartbeat, during a 'dynamic' phase whose helpers are not awake yet: wakes
   * them once the phase has run for `lazyWakeUs` and has work for them (`sharedWork`). A phase
   * shorter than that, or one whose work only the main thread holds, never pays for the wake-up
   * (a futex wake of a halted vCPU costs the main thread tens of µs here, and the pause then waits
   * for every helper that joined).
   */
  private readonly wakeIfLong = (): void => {
    if (performance.now() - this.launchPerfMs < this.lazyWakeMs) return;
    const helpers = this.threads - 1;
    const wanted = this.sharedWork === null ? helpers : this.sharedWork.wantedHelpers(this.cb.words[PHASE], helpers);
    if (wanted > 0) this.wake(Math.min(helpers, wanted));
  };

  /**
   * Wakes the helpers for the launched phase: each answers it (joins, or skips it if closed or
   * once `limit` helpers have joined: a lazy wake lets join only as many as the work wants).
   */
  private wake(limit = this.threads - 1): void {
    const w = this.cb.words;
    const hb = this.heartbeat;
    const helpers = this.threads - 1;
    hb.onMainBeat = NO_MAIN_BEAT;
    this.wokenPerfMs = performance.now();
    for (let t = 1; t <= helpers; t++) hb.arm(t);
    Atomics.store(w, JOIN_LIMIT, limit);
    Atomics.store(w, ACKED, 0);
    if (this.dispatch === 'parked') {
      Atomics.add(w, EPOCH, 1);
      Atomics.notify(w, EPOCH);
    } else {
      // Piscina's run() posts the task and notifies the worker synchronously when the balancer
      // picks a worker at once, which the targeted balancer always does: no event loop needed.
      const pool = this.pool!;
      for (let t = 1; t <= helpers; t++) {
        this.target = this.workerOf[t];
        pool.run({ kind: 'phase', threadId: t } satisfies HelperTask).catch(noop);
      }
      this.target = -1;
    }
  }

  /**
   * Waits for the helpers that take part in the current phase to finish it; turns aborts into
   * errors. A foreground phase under 'dynamic' join is closed first: helpers not yet arrived
   * will skip it, and only those that joined are waited for. A background phase and 'all' wait
   * for every helper.
   */
  private join(mainError: unknown): void {
    const w = this.cb.words;
    const hb = this.heartbeat;
    const helpers = this.threads - 1;
    if (mainError !== null && !isPhaseAborted(mainError)) hb.abort(0, ABORT_REQUESTED);
    hb.onMainBeat = NO_MAIN_BEAT;
    let target = helpers;
    if (this.wokenPerfMs < 0) target = 0;
    else if (this.state === 'phase' && this.phaseJoin === 'dynamic') target = Atomics.or(w, JOIN, JOIN_CLOSED) & JOIN_COUNT;
    let d = Atomics.load(w, DONE);
    if (d !== target && this.mainSpinMs > 0) d = spinWhileEqual(w, DONE, d, this.mainSpinMs);
    for (;;) {
      d = Atomics.load(w, DONE);
      // More than joined can only finish when the join protocol is broken (the ForTesting
      // TEST_JOIN_CLOSED_PHASES): go on rather than wait for a count that has passed.
      if (d >= target || hb.aborted()) break;
      const stalled = this.watch.poll(performance.now());
      if (stalled !== -1) {
        if (stalled === NO_PROGRESS) hb.abort(0, ABORT_NO_PROGRESS);
        else hb.abort(stalled, ABORT_STALLED);
        break;
      }
      Atomics.wait(w, DONE, d, JOIN_SLICE_MS);
    }
    if (hb.aborted()) this.afterAbort(mainError);
    this.state = 'idle';
    let last = 0;
    for (let t = 1; t <= helpers; t++) last = Math.max(last, this.cb.wakeMs(t));
    this.lastWakeUs = Math.max(0, (last - this.launchMs) * 1000);
    this.lastJoined = target;
    const woken = this.wokenPerfMs >= 0;
    this.lastHelperLimit = woken ? Atomics.load(w, JOIN_LIMIT) : 0;
    this.lastWokenAfterMs = woken ? this.wokenPerfMs - this.launchPerfMs : -1;
    if (mainError !== null) throw mainError;
  }

  /**
   * Before the control block is reused: every helper woken for the last phase has answered
   * (joined and finished, or seen the phase closed and skipped it). Usually at once; a helper
   * that was slow to wake is still on its way. A helper that never answers is a stall.
   */
  private awaitAnswers(phaseName: string): void {
    const w = this.cb.words;
    const helpers = this.threads - 1;
    let a = Atomics.load(w, ACKED);
    if (a >= helpers) return;
    this.watch.begin(performance.now());
    for (;;) {
      a = Atomics.load(w, ACKED);
      if (a >= helpers) return;
      // A helper that died records its fault (checkUsable throws it); the abort word may still
      // hold the last phase's handled abort, so it is not consulted here.
      this.checkUsable(phaseName);
      const hb = this.heartbeat;
      if (this.watch.poll(performance.now()) !== -1) {
        for (let t = 1; t <= helpers; t++) if (hb.isArmed(t)) this.fail(t, phaseName, ABORT_STALLED);
      }
      Atomics.wait(w, ACKED, a, JOIN_SLICE_MS);
    }
  }

  private afterAbort(mainError: unknown): never | void {
    const hb = this.heartbeat;
    const culprit = hb.abortedBy();
    const kind = hb.abortKind();
    // Give the others a moment to leave the phase (they see the abort in their next wait or beat).
    const deadline = performance.now() + SETTLE_MS;
    let stuck = -1;
    for (;;) {
      stuck = -1;
      for (let t = 1; t < this.threads; t++) {
        if (t !== culprit && hb.isArmed(t) && this.cb.faultKind(t) !== FAULT_EXITED) {
          stuck = t;
          break;
        }
      }
      if (stuck === -1 || performance.now() > deadline) break;
      Atomics.wait(this.cb.words, DONE, Atomics.load(this.cb.words, DONE), 1);
    }
    if (kind === ABORT_REQUESTED && culprit === 0) {
      if (stuck === -1) return; // the main thread's own error: helpers stopped, scheduler usable
      this.fail(stuck, this.phaseName, ABORT_STALLED, mainError);
    }
    this.fail(culprit, this.phaseName, kind, mainError);
  }

  private fail(thread: number, phase: string, kind: number, cause?: unknown): never {
    const cb = this.cb;
    let err: GCThreadError;
    if (kind === ABORT_THREW && thread > 0) {
      const [message, stack = ''] = cb.faultMessage(thread).split('\u0000');
      err = new GCThreadError(thread, phase, 'threw', `gc helper thread ${thread} failed in phase ${phase}: ${message}`, stack);
    } else if (kind === ABORT_EXITED) {
      err = new GCThreadError(thread, phase, 'exited', `gc helper thread ${thread} exited with code ${cb.exitCode(thread)} in phase ${phase}`);
    } else if (kind === ABORT_STALLED) {
      err = new GCThreadError(
        thread,
        phase,
        'stalled',
        `gc helper thread ${thread} stalled in phase ${phase}: no heartbeat for ${this.stallTimeoutMs} ms`,
      );
    } else if (kind === ABORT_NO_PROGRESS) {
      err = new GCThreadError(
        -1,
        phase,
        'no-progress',
        `gc phase ${phase} made no progress for ${this.stallTimeoutMs} ms: every thread still in it was ` +
          `waiting for the others (does every participant offer termination, and is every thread it waits for in the phase?)`,
      );
    } else {
      err = new GCThreadError(thread, phase, 'threw', `gc thread ${thread} failed in phase ${phase}`);
    }
    if (cause !== undefined && cause !== null) (err as { cause?: unknown }).cause = cause;
    this.fault = err;
    this.state = 'faulted';
    throw err;
  }

  /**
   * Parked dispatch: every helper leaves its loop and builds a new participant from
   * `participantData` on the same worker thread, whose code V8 has optimised already (a warm-up
   * heap's helpers go on with a fresh heap). The control block, heartbeat and stats table stay.
   * Resolves when every helper is parked again.
   */
  async rebind(participantData: unknown): Promise<void> {
    this.checkUsable('rebind');
    if (this.threads === 1) return;
    if (this.dispatch !== 'parked' || this.pool === null) throw new Error('Scheduler.rebind needs parked dispatch');
    const w = this.cb.words;
    const helpers = this.threads - 1;
    const old = this.longTasks;
    this.longTasks = [];
    Atomics.store(w, READY, 0);
    Atomics.store(w, COMMAND, CMD_REBIND);
    Atomics.add(w, EPOCH, 1);
    Atomics.notify(w, EPOCH);
    await Promise.all(old);
    Atomics.store(w, ACKED, helpers); // every helper left its loop: no answer is pending
    const pool = this.pool;
    let failure: Error | null = null;
    for (let t = 1; t <= helpers; t++) {
      this.longTasks.push(
        pool.run({ kind: 'loop', threadId: t, participantData } satisfies HelperTask).then(
          () => undefined,
          (e: Error) => {
            failure ??= new GCThreadError(t, 'rebind', 'threw', `gc helper thread ${t} failed to rebind: ${e.message}`);
          },
        ),
      );
    }
    await this.waitReady(helpers, DEFAULT_START_TIMEOUT_MS, () => failure);
    if (failure !== null) throw failure;
  }

  /** The helpers' kernel thread ids (host-threads.ts; -1 where unknown), helper 1 first. */
  helperKernelTids(): number[] {
    const out: number[] = [];
    for (let t = 1; t < this.threads; t++) out.push(this.cb.kernelTid(t));
    return out;
  }

  /** ForTesting: TEST_* flags of control-block.ts, read by every helper. Between phases. */
  setTestFlagsForTesting(flags: number): void {
    Atomics.store(this.cb.words, TEST_FLAGS, flags);
  }

  /** Number of pool workers whose thread has not exited (for tests: 0 after close()). */
  liveWorkersForTesting(): number {
    this.trackWorkers();
    return this.liveWorkers.size;
  }

  /** Stops every helper; terminates the workers (also one stuck in an infinite loop). */
  async close(): Promise<void> {
    if (this.state === 'closed') return;
    const wasHealthy = this.fault === null && this.state !== 'background';
    this.state = 'closed';
    const w = this.cb.words;
    Atomics.store(w, CLOSING, 1);
    if (this.pool !== null && wasHealthy && this.dispatch === 'parked') {
      Atomics.store(w, COMMAND, CMD_SHUTDOWN);
      Atomics.add(w, EPOCH, 1);
      Atomics.notify(w, EPOCH);
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.all(this.longTasks),
        new Promise((r) => {
          timer = setTimeout(r, CLOSE_GRACE_MS);
        }),
      ]);
      clearTimeout(timer);
    } else {
      // Helpers may still be in a phase: make waits inside it end, then terminate.
      this.heartbeat.abort(0, ABORT_REQUESTED);
      Atomics.store(w, COMMAND, CMD_SHUTDOWN);
      Atomics.add(w, EPOCH, 1);
      Atomics.notify(w, EPOCH);
    }
    await this.destroyPool();
  }

  private async destroyPool(): Promise<void> {
    const pool = this.pool;
    if (pool === null) return;
    Atomics.store(this.cb.words, CLOSING, 1);
    this.trackWorkers();
    await pool.destroy();
    this.pool = null;
  }
}

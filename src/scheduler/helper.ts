/**
 * The helper side of the scheduler, run by each Piscina worker: builds the thread's participant
 * once, then parks on EPOCH between phases (parked dispatch) or runs one phase per task (task
 * dispatch). Every exception and an unexpected exit are reported through shared memory, since the
 * main thread is blocked in Atomics.wait during a phase. V8: a `JobTask` on a platform worker.
 */

import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { threadId as osThreadId } from 'node:worker_threads';
import {
  ABORT_EXITED,
  ABORT_THREW,
  Heartbeat,
  isPhaseAborted,
  setCurrentHeartbeat,
} from '../parallel/heartbeat.ts';
import { ThreadStats, clockMs } from '../parallel/thread-stats.ts';
import { kernelThreadId } from './host-threads.ts';
import type { CreateParticipant, Participant, ThreadContext } from '../parallel/thread-context.ts';
import {
  ACKED,
  ARG,
  CLOSING,
  CMD_REBIND,
  CMD_SHUTDOWN,
  COMMAND,
  ControlBlock,
  DONE,
  EPOCH,
  FAULT_EXITED,
  FAULT_THREW,
  HELPER_SPIN_US,
  JOIN,
  JOIN_CLOSED,
  JOIN_COUNT,
  JOIN_LIMIT,
  PHASE,
  READY,
  TEST_FLAGS,
  TEST_JOIN_CLOSED_PHASES,
  spinWhileEqual,
} from './control-block.ts';

/** What the pool's workerData holds: SABs and the participant module's URL and data. */
export interface HelperWorkerData {
  control: SharedArrayBuffer;
  heartbeat: SharedArrayBuffer;
  stats: SharedArrayBuffer;
  participantModule: string;
  participantData: unknown;
}

/** The Piscina task messages (the worker's default export receives one of these). */
export type HelperTask =
  | { kind: 'ping' }
  /**
   * Parked dispatch: build the participant (from `participantData` when given, else the pool's
   * workerData), then park and run phases until shutdown or rebind.
   */
  | { kind: 'loop'; threadId: number; participantData?: unknown }
  /** Task dispatch: build the participant and wait until every helper has (one per worker). */
  | { kind: 'init'; threadId: number; helpers: number }
  /** Task dispatch: run the phase the control block names. */
  | { kind: 'phase'; threadId: number };

/** Parked helpers re-check the control block this often even without a notify. */
const PARK_WAIT_MS = 5000;
/** How long an 'init' task waits for the other helpers to arrive (tsx start-up is slow). */
const INIT_BARRIER_MS = 60_000;

const requireHere = createRequire(import.meta.url);

let tsxEsmHooks: Promise<boolean> | null = null;

/** Installs tsx's ESM hooks in this thread, once; false if they cannot be. */
function registerTsxEsmHooks(): Promise<boolean> {
  tsxEsmHooks ??= import('tsx/esm/api')
    .then((api) => {
      api.register();
      return true;
    })
    .catch(() => false);
  return tsxEsmHooks;
}

/**
 * Loads a participant module as a real ES module, whose imported constants and functions stay
 * constants in the hot loops: a CommonJS transform of it turns each into a property getter, and
 * helpers that loaded the collector that way ran its loops 2-4 times slower than the main thread
 * (promoting 231 KB: 3 ms against 0.8 ms). Compiled JavaScript is imported as is. A .ts module
 * needs tsx's ESM hooks, which the `--import tsx` a worker inherits does not install in it on
 * Node 20: the worker registers them itself (`tsx/esm/api`) before importing, and falls back
 * to tsx's require hook only if it cannot.
 */
export async function loadParticipantModule(url: string): Promise<CreateParticipant> {
  let mod: Record<string, unknown>;
  if (!url.endsWith('.ts')) {
    mod = (await import(url)) as Record<string, unknown>;
  } else {
    const esm = await registerTsxEsmHooks();
    mod = (esm ? await import(url) : requireHere(fileURLToPath(url))) as Record<string, unknown>;
  }
  const create = (mod.createParticipant ??
    (mod.default as Record<string, unknown> | undefined)?.createParticipant) as CreateParticipant | undefined;
  if (typeof create !== 'function') throw new Error(`participant module ${url} does not export createParticipant`);
  return create;
}

export class Helper {
  readonly threadId: number;
  readonly cb: ControlBlock;
  readonly heartbeat: Heartbeat;
  readonly stats: ThreadStats;
  readonly participant: Participant;
  private readonly parkSpinMs: number;

  constructor(data: HelperWorkerData, threadId: number, create: CreateParticipant) {
    this.threadId = threadId;
    this.cb = ControlBlock.attach(data.control);
    this.heartbeat = Heartbeat.attach(data.heartbeat);
    this.stats = ThreadStats.attach(data.stats);
    setCurrentHeartbeat(this.heartbeat);
    const ctx: ThreadContext = {
      threadId,
      threads: this.cb.threads,
      heartbeat: this.heartbeat,
      stats: this.stats,
    };
    this.parkSpinMs = this.cb.words[HELPER_SPIN_US] / 1000;
    this.cb.setOsThread(threadId, osThreadId);
    this.cb.setKernelTid(threadId, kernelThreadId());
    this.participant = create(data.participantData, threadId, ctx);
    if (!exitHookInstalled) this.installExitHook();
  }

  /**
   * process.exit() in a worker runs 'exit' listeners: report it unless the pool is closing. Once
   * per worker: a rebound helper keeps its thread, control block and heartbeat.
   */
  private installExitHook(): void {
    exitHookInstalled = true;
    const t = this.threadId;
    process.on('exit', (code) => {
      const w = this.cb.words;
      if (Atomics.load(w, CLOSING) !== 0) return;
      this.cb.recordFault(t, FAULT_EXITED, code ?? 0, `exited with code ${code}`);
      this.heartbeat.abort(t, ABORT_EXITED);
      Atomics.notify(w, DONE);
    });
  }

  /**
   * Answers a wake-up: joins the phase the control block names and runs it, or skips it when the
   * main thread has already closed it (it finished the work alone before this helper arrived) or
   * when as many helpers as the work wanted have joined (`JOIN_LIMIT`).
   * Either way the answer is counted in ACKED, which the main thread waits for before it reuses
   * the control block. Never throws.
   */
  runOnePhase(): void {
    const t = this.threadId;
    const cb = this.cb;
    const w = cb.words;
    const hb = this.heartbeat;
    let joined = false;
    const limit = Atomics.load(w, JOIN_LIMIT);
    for (;;) {
      const j = Atomics.load(w, JOIN);
      if ((j & JOIN_CLOSED) !== 0 && (w[TEST_FLAGS] & TEST_JOIN_CLOSED_PHASES) === 0) break;
      if ((j & JOIN_COUNT) >= limit) break; // the phase's work wants no more helpers
      if (Atomics.compareExchange(w, JOIN, j, j + 1) === j) {
        joined = true;
        break;
      }
    }
    if (joined) {
      const stats = this.stats;
      cb.setWakeMs(t, clockMs());
      stats.markStart(t);
      try {
        this.participant.runPhase(Atomics.load(w, PHASE), Atomics.load(w, ARG));
      } catch (e) {
        if (!isPhaseAborted(e)) {
          const err = e instanceof Error ? e : new Error(String(e));
          cb.recordFault(t, FAULT_THREW, 0, `${err.message}\u0000${err.stack ?? ''}`);
          hb.abort(t, ABORT_THREW);
        }
      }
      stats.markEnd(t);
    }
    hb.disarm(t);
    if (joined) {
      Atomics.add(w, DONE, 1);
      Atomics.notify(w, DONE);
    }
    Atomics.add(w, ACKED, 1);
    Atomics.notify(w, ACKED);
  }

  /** Parked dispatch: park on EPOCH, run each phase, return on shutdown. */
  parkedLoop(): void {
    const w = this.cb.words;
    let seen = Atomics.load(w, EPOCH);
    Atomics.add(w, READY, 1);
    Atomics.notify(w, READY);
    for (;;) {
      let e = Atomics.load(w, EPOCH);
      if (e === seen) {
        if (this.parkSpinMs > 0) e = spinWhileEqual(w, EPOCH, seen, this.parkSpinMs);
        if (e === seen) {
          Atomics.wait(w, EPOCH, seen, PARK_WAIT_MS);
          continue;
        }
      }
      seen = e;
      const cmd = Atomics.load(w, COMMAND);
      if (cmd === CMD_SHUTDOWN || cmd === CMD_REBIND) return;
      this.runOnePhase();
    }
  }

  /** Task dispatch: announce readiness, then wait until all helpers are (so each has its own worker). */
  initBarrier(helpers: number): void {
    const w = this.cb.words;
    Atomics.add(w, READY, 1);
    Atomics.notify(w, READY);
    const deadline = performance.now() + INIT_BARRIER_MS;
    for (let r = Atomics.load(w, READY); r < helpers; r = Atomics.load(w, READY)) {
      if (performance.now() > deadline) throw new Error(`only ${r} of ${helpers} gc helpers started`);
      Atomics.wait(w, READY, r, 50);
    }
  }
}

let helper: Helper | null = null;
let exitHookInstalled = false;

/** The worker's task handler (workers/gc-worker.ts delegates here). */
export async function handleTask(data: HelperWorkerData, task: HelperTask): Promise<unknown> {
  switch (task.kind) {
    case 'ping':
      return { pong: true, osThreadId };
    case 'loop': {
      const own = task.participantData === undefined ? data : { ...data, participantData: task.participantData };
      helper = new Helper(own, task.threadId, await loadParticipantModule(data.participantModule));
      helper.parkedLoop();
      helper = null;
      return { osThreadId };
    }
    case 'init': {
      helper = new Helper(data, task.threadId, await loadParticipantModule(data.participantModule));
      helper.initBarrier(task.helpers);
      return { osThreadId };
    }
    case 'phase': {
      if (helper === null || helper.threadId !== task.threadId) {
        // Cannot happen with the scheduler's targeted balancer; report it rather than hang.
        const cb = ControlBlock.attach(data.control);
        cb.recordFault(task.threadId, FAULT_THREW, 0, `phase task for helper ${task.threadId} reached worker ${osThreadId}`);
        Heartbeat.attach(data.heartbeat).abort(task.threadId, ABORT_THREW);
        Atomics.notify(cb.words, DONE);
        return { osThreadId };
      }
      helper.runOnePhase();
      return { osThreadId };
    }
  }
}

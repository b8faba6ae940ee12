/**
 * One run: build a simulator from options, run a workload with a seed, and return the
 * `gcsim/result@1` record (DESIGN §5). A run that fails (out of memory, a helper fault, a
 * verifier error) still returns everything measured up to the failure, with `error` set.
 */
import os from 'node:os';
import { writeSync } from 'node:fs';
import { Simulator, checkMachineOptions } from './simulator.ts';
import { WORKLOADS } from '../workloads/index.ts';
import { Rng } from '../workloads/rng.ts';
import { HeapVerificationError } from '../gc/gc-controller.ts';
import { OutOfMemoryError } from '../heap/out-of-memory.ts';
import { heapDigest } from '../gc/digest.ts';
import { summarizeRun } from '../metrics/summary.ts';
import { attachHostGc } from '../metrics/host-gc.ts';
import { HostGcMonitor } from './host-gc-monitor.ts';
import type { GCEvent, RunError, RunResult, WarmupRecord } from '../metrics/result.ts';
import { OptionError, resolveOptions, type GcOptions } from '../options.ts';
import { WARMUP_ROUNDS, scratchHeap, warmUp } from './warmup.ts';
import { resolveWorkload, WorkloadFileError } from './workload-file.ts';
import type { Workload } from '../workloads/workload.ts';
import { C_TEST_FAULT } from '../heap/heap.ts';
import { SnapshotError } from '../snapshot/snapshot-reader.ts';
import { runOnV8, V8FlagError } from './v8-run.ts';
import { type HostLowering, IdlePolicySetter, kernelThreadId, lowerHostThreads } from '../scheduler/host-threads.ts';

export interface RunSpec {
  /** A built-in workload's name, or the path of a workload file (`./my-workload.js`). */
  workload: string;
  seed?: number;
  params?: Record<string, number>;
  options?: Partial<GcOptions>;
  /** Called after every GC, on the main thread (e.g. to print --trace-gc lines as they happen). */
  onEvent?: (ev: GCEvent) => void;
  /** ForTesting: switch off safety mechanisms (TEST_* flags of src/heap/heap.ts). */
  testFlags?: number;
  /** ForTesting: after the first GC, make a helper fail in a phase (encodeTestFault). */
  testFault?: number;
  /** Engine v8: V8 or node flags for the child, after the ones translated from the options. */
  v8Flags?: string[];
}

export class UsageError extends Error {}

/** Upper bound of a workload parameter whose table gives none: workloads count in 32 bits. */
export const PARAM_MAX = 2147483647;

/** Resolves a workload's parameters against its table; throws UsageError on unknown or bad ones. */
export function resolveParams(workload: string, given: Record<string, number> = {}): Record<string, number> {
  const w = WORKLOADS[workload];
  if (!w) throw new UsageError(`unknown workload '${workload}' (try: ${Object.keys(WORKLOADS).join(', ')})`);
  const out: Record<string, number> = {};
  for (const [k, spec] of Object.entries(w.params)) out[k] = spec.default;
  for (const [k, v] of Object.entries(given)) {
    const spec = w.params[k];
    if (!spec) throw new UsageError(`unknown parameter '${k}' for workload ${workload} (has: ${Object.keys(w.params).join(', ')})`);
    const max = (spec as { max?: number }).max ?? PARAM_MAX;
    if (!Number.isSafeInteger(v) || v < spec.min || v > max) throw new UsageError(`bad value ${v} for ${workload} parameter ${k}: an integer from ${spec.min} to ${max}`);
    out[k] = v;
  }
  return out;
}

export function environment(): RunResult['env'] {
  const cpus = os.cpus();
  return {
    node: process.version,
    v8: process.versions.v8,
    cpus: cpus.length,
    cpuModel: cpus[0]?.model ?? 'unknown',
    platform: process.platform,
    arch: process.arch,
  };
}

export async function runOne(spec: RunSpec): Promise<RunResult> {
  let w: Workload | undefined;
  try {
    w = await resolveWorkload(spec.workload);
  } catch (e) {
    if (e instanceof WorkloadFileError) throw new UsageError(e.message);
    throw e;
  }
  if (!w) throw new UsageError(`unknown workload '${spec.workload}' (try: ${Object.keys(WORKLOADS).join(', ')})`);
  try {
    await w.prepare?.(); // a heap snapshot's graph is read here, once per thread
  } catch (e) {
    if (e instanceof SnapshotError) throw new UsageError(e.message);
    throw e;
  }
  const params = resolveParams(spec.workload, spec.params);
  const seed = spec.seed ?? 1;
  let sim: Simulator;
  let options: GcOptions;
  try {
    options = resolveOptions({ ...w.suggestedOptions?.(params), ...spec.options });
    checkMachineOptions(options);
  } catch (e) {
    if (e instanceof OptionError) throw new UsageError(e.message);
    throw e;
  }
  if (options.engine === 'v8') {
    try {
      return await runOnV8({ workload: w, workloadRef: spec.workload, seed, params, options, v8Flags: spec.v8Flags, onEvent: spec.onEvent });
    } catch (e) {
      if (e instanceof V8FlagError) throw new UsageError(e.message);
      throw e;
    }
  }
  let warmup: WarmupRecord | null = null;
  // The host's threads are lowered once the warm-up is over. SCHED_IDLE is set by chrt, run by a
  // shell started now, before any heap is made: starting a child process forks this one, after
  // which every page it had faults once on its next write (scheduler/host-threads.ts).
  const idleSetter = options.hostNice > 0 && options.hostSched === 'idle' ? IdlePolicySetter.start() : null;
  let host: HostLowering;
  // ForTesting: only a run that injects a fault starts helpers that obey C_TEST_FAULT.
  const faultInjectionForTesting = (spec.testFault ?? 0) !== 0;
  try {
    if (options.jitWarmup) {
      // The warm-up's scratch simulator hands its warmed-up helpers to the measured one. Every
      // helper takes part in every phase of the warm-up program, so each runs every phase's code;
      // the workload replay after it runs in the measured run's own join mode. Only the measured
      // heap is pre-touched (--pre-touch): the scratch heap's faults fall in no measurement.
      const plan = scratchHeap(options);
      const sized = plan.options;
      const scratch = await Simulator.create({ ...sized, helperJoin: 'all', preTouch: false }, { faultInjectionForTesting, keepRoomBytes: plan.keepRoomBytes });
      const report = warmUp(scratch, (m) => w.run(m, new Rng(seed), params), WARMUP_ROUNDS, options.helperJoin);
      markForTraces('gcsim: the warm-up ends');
      // The scratch's collector threads are the measured run's: its helpers are handed over.
      host = await scratch.lowerHostThreads(idleSetter);
      try {
        sim = await Simulator.create(options, { reuseHelpersOf: scratch });
      } catch {
        sim = await Simulator.create(options, { faultInjectionForTesting }); // the scratch run broke its helpers: start fresh ones
      }
      const helpersReused = options.threads > 1 && sim.runner === scratch.runner;
      await scratch.close();
      warmup = { ...report, helpersReused, ...(sized === options ? {} : { scratchHeap: { maxOldSpaceSize: sized.maxOldSpaceSize, compactionQuotaMb: sized.compactionQuotaMb } }) };
    } else {
      // No helper exists yet: those the simulator starts are made by this thread and take its policy.
      host = await lowerHostThreads([kernelThreadId()], options.hostNice, options.hostSched, idleSetter);
      sim = await Simulator.create(options, { faultInjectionForTesting });
    }
  } catch (e) {
    idleSetter?.close();
    throw e;
  }
  // For tools that split a V8 trace of the process (--trace-deopt, --trace-opt) into warm-up and
  // measured run (bench/figures/deopts.ts): written synchronously, in order with V8's own lines.
  markForTraces('gcsim: the measured run starts');
  let error: RunError | null = null;
  if (spec.testFlags) sim.setTestFlagsForTesting(spec.testFlags);
  const gc = sim.gc;
  const testFault = spec.testFault ?? 0;
  gc.onEvent = (ev) => {
    spec.onEvent?.(ev);
    if (testFault !== 0) sim.heap.ctl[C_TEST_FAULT] = testFault;
  };
  // The host's own GCs (V8 collecting the simulator's JavaScript objects) during the measured run.
  const hostGcMonitor = HostGcMonitor.start();
  const t0 = performance.now();
  try {
    w.run(sim.mutator, new Rng(seed), params);
  } catch (e) {
    error = classifyError(e);
    // An injected hang is not the host's doing.
    if (testFault === 0) error.message += stallHint(e, host);
  }
  const wallMs = performance.now() - t0;
  const facts = w.facts?.(); // now: the workload's figures are of this run
  let digest = '';
  let reachable: RunResult['reachable'];
  try {
    if (error === null || error.kind !== 'fault') {
      sim.gc.stopHelpers(); // the digest walks a heap no helper is sweeping or marking
      sim.mutator.prepareForGc();
      const d = heapDigest(sim.heap);
      digest = d.digest;
      reachable = { objects: d.objects, bytes: d.words * 4 };
    }
  } catch (e) {
    error ??= classifyError(e);
  }
  const verifyErrors = [...gc.verifyErrors];
  if (error === null && verifyErrors.length > 0) error = { kind: 'verify', message: verifyErrors[0] };
  await sim.close().catch(() => undefined);
  const events = gc.events.slice();
  const hostGcs = await hostGcMonitor.stop();
  const hostGc = attachHostGc(events, hostGcs, sim.originMs);
  return {
    schema: 'gcsim/result@1',
    engine: 'gcsim',
    env: environment(),
    config: { ...sim.options },
    workload: { name: w.name, seed, params, ...(facts ? { facts } : {}) },
    timeOriginMs: sim.originMs,
    events,
    warmup,
    hostThreadsLowered: host.lowered,
    hostThreadsIdle: host.idle,
    timeline: gc.tracer.timeline.slice(),
    heapSamples: gc.heapSamples.slice(),
    summary: { ...summarizeRun(events, wallMs, { workUnits: sim.mutator.workUnits, allocatedBytes: sim.mutator.allocatedBytes, timeline: gc.tracer.timeline }), hostGc },
    hostGcs: hostGcs.map((g) => ({ ...g, startMs: g.startMs - sim.originMs })),
    verify: { checks: gc.verifyChecks, errors: verifyErrors },
    digest,
    reachable,
    error,
  };
}

/** With GCSIM_MARK_MEASURED=1, writes `line` to stdout at once, in order with V8's own trace lines. */
function markForTraces(line: string): void {
  if (process.env.GCSIM_MARK_MEASURED === '1') writeSync(1, `${line}\n`);
}

/**
 * What to add to a stalled phase's fault when the process's other threads were lowered: a thread
 * in SCHED_IDLE (or at nice 19) gets no core while other processes keep every core busy, and a
 * collector thread can wait inside V8 for one of them (docs/parallel.md §3). '' otherwise.
 */
export function stallHint(e: unknown, host: HostLowering): string {
  if (!isGcThreadError(e)) return '';
  const kind = e.kind;
  if ((kind !== 'stalled' && kind !== 'no-progress') || host.lowered === 0) return '';
  const how = host.idle > 0 ? 'in SCHED_IDLE' : 'at a high nice value';
  return ` (this process's other threads were ${how}: if other processes kept every core busy, they starved and can hold a collector thread up; run with --host-nice 0 beside other processes)`;
}

/** A collector thread's fault (scheduler.ts's GCThreadError, known by name: it may come from another copy of the module). */
function isGcThreadError(e: unknown): e is Error & { kind?: string } {
  return e instanceof Error && (e.name === 'GCThreadError' || e.constructor.name === 'GCThreadError');
}

export function classifyError(e: unknown): RunError {
  const message = e instanceof Error ? e.message : String(e);
  if (e instanceof OutOfMemoryError) return { kind: 'oom', message };
  if (e instanceof HeapVerificationError) return { kind: 'verify', message };
  if (isGcThreadError(e)) return { kind: 'fault', message };
  return { kind: 'error', message };
}

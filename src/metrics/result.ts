/**
 * The result record of one run (`gcsim/result@1`, DESIGN §5) and the GC events in it.
 * Plain data, written by the collectors' tracer on the main thread and read by reports.
 * Every time is in ms; `startMs` fields count from the start of the run (the heap's creation),
 * and `timeOriginMs` (epoch ms) puts the run on the wall clock shared by all threads.
 */

import type { TimelineInterval } from './gc-tracer.ts';
import type { HostGc, HostGcInPause, HostGcSummary } from './host-gc.ts';

export type GCType = 'scavenge' | 'mark-compact';

/** One participant's share of one parallel phase. Thread 0 is the main thread. */
export interface ThreadPhaseStats {
  thread: number;
  /** When this thread started and finished the phase, ms since the start of the run. */
  startMs: number;
  endMs: number;
  /** Time spent doing work (endMs - startMs - idleMs). */
  busyMs: number;
  /** Time spent looking for work or waiting for termination. */
  idleMs: number;
  objects: number;
  bytes: number;
  stealsAttempted: number;
  stealsSucceeded: number;
  /**
   * Races this thread lost. Scavenges: forwarding races (it had copied an object that another
   * thread had copied first, and gave its copy back). Marking: mark bits it found clear that
   * another thread set first, before its atomic or. 0 at threads = 1 (marking: unless option
   * atomicMarking). Absent in records written before it existed; 0 for marking in records
   * written before marking counted them.
   */
  racesLost?: number;
  /**
   * Times this thread found a lock word held by another thread (the heap's page pool and free
   * lists, a worklist's published stacks) and took the lock's slow path: spun, or slept until
   * woken. Absent in records written before it existed.
   */
  locksContended?: number;
  /**
   * Owner marking (option ownerMarking), `mc.mark`: mark targets this thread found in another
   * thread's pages and mailed to it; owner scavenging (option ownerScavenging), `scavenge.parallel`:
   * slots this thread found pointing into another thread's from-space pages and mailed to it.
   * Absent where nothing was mailed.
   */
  mailSent?: number;
  /**
   * With option recordPreemption: how long the thread waited, runnable, for a CPU during the
   * phase (its run-queue wait: another thread had the core). Absent when not measured.
   */
  preemptedMs?: number;
}

/** A phase of a GC with its per-thread figures (V8 trace scope names: `scavenge.parallel`, `mc.mark`...). */
export interface PhaseRecord {
  name: string;
  startMs: number;
  durationMs: number;
  threads: ThreadPhaseStats[];
  /**
   * Helpers the phase let join: as many as its work wanted when they were woken (V8's
   * GetMaxConcurrency less the main thread; every helper under --helper-join all), 0 when the
   * main thread finished it without waking any. Absent in records written before it existed.
   */
  helperLimit?: number;
  /**
   * ms from the phase's start until the main thread woke its helpers (at once under
   * --helper-join all; after the lazy wake's delay under dynamic). Absent when none was woken. A
   * helper's `startMs` after this is its own way to the phase: a futex wake, a core.
   */
  wokenAfterMs?: number;
  /**
   * With option recordPageFaults: minor page faults of the whole process during the phase (every
   * thread's; a first write to a page, or the first after a fork). Absent when not measured.
   */
  pageFaults?: number;
}

export interface IncrementalMarkingStats {
  /** Main-thread marking time outside the final pause. */
  stepsMs: number;
  steps: number;
  biggestStepMs: number;
  /** Wall time from the start of marking to the start of the final pause. */
  walltimeMs: number;
  /** Concurrent marking time per helper thread. */
  concurrentMsPerThread: number[];
  barrierRecords: number;
  /** Bytes marked live at finalization that nothing reachable pointed to; null when not measured (only in verify mode). */
  floatingGarbageBytes: number | null;
}

export interface GCEvent {
  index: number;
  type: GCType;
  /** Why the GC ran: `allocation failure`, `testing`, `finalize incremental marking via stack guard`... */
  reason: string;
  /** The collector reason printed after `; ` in --trace-gc (may be empty). */
  collectorReason: string;
  startMs: number;
  pauseMs: number;
  /** Time from the request of the pause until all participants were running it. */
  timeToSafepointMs: number;
  beforeBytes: number;
  afterBytes: number;
  beforeCommittedBytes: number;
  afterCommittedBytes: number;
  /** Flat per-phase main-thread ms, keyed by V8 trace scope (`scavenge.roots`, `mc.mark`...). */
  phasesMs: Record<string, number>;
  /** Parallel phases with per-thread work, steals and idle time. */
  parallel: PhaseRecord[];
  /** Objects / bytes copied within new space, promoted to old space, evacuated in old space. */
  survivedBytes: number;
  promotedBytes: number;
  evacuatedBytes: number;
  incremental: IncrementalMarkingStats | null;
  /** Pages chosen for evacuation (mark-compact only) and a page-occupancy map before/after. */
  evacuationCandidates: number;
  /** Bytes in use on those candidates when the compaction policy chose them (mark-compact only). */
  evacuationCandidateBytes: number;
  /** Candidates whose evacuation ran out of space and kept the rest of their objects in place. */
  abortedCandidates: number;
  /** Empty old-generation pages returned to the page pool after marking. */
  releasedPages: number;
  /** Work done (mark-compact): live bytes the marking cycle marked, on every thread and in every step. */
  markedBytes: number;
  /** Work done (mark-compact): old pages queued for sweeping, in the pause or concurrently. */
  sweptPages: number;
  pageMap: PageMapEntry[] | null;
  /**
   * With option recordPageFaults: minor page faults of the whole process during the pause. Absent
   * when not measured.
   */
  pageFaults?: number;
  /**
   * Host GCs (V8 collecting the simulator's own JavaScript heap on the main thread) that fell
   * inside this pause: its time includes them (metrics/host-gc.ts). Absent when none did, or in
   * records written before it existed; `summary.hostGc` says whether the run watched for them.
   */
  hostGc?: HostGcInPause;
}

export interface PageMapEntry {
  page: number;
  space: string;
  liveBytes: number;
  sizeBytes: number;
  candidate: boolean;
  /** Live bytes after the GC (0 for an evacuated page). */
  afterLiveBytes: number;
}

export interface PauseSummary {
  count: number;
  totalMs: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  max: number;
}

export interface MmuPoint {
  windowMs: number;
  util: number;
}

export interface RunSummary {
  pauses: PauseSummary;
  pausesByType: Record<string, PauseSummary>;
  mmu: MmuPoint[];
  bmu: MmuPoint[];
  wallMs: number;
  gcMs: number;
  /** gcMs / wallMs */
  gcOverhead: number;
  /** Mutator work units completed per second of wall time. */
  mutatorThroughput: number;
  allocatedBytes: number;
  /** Host GCs of the measured run and those inside pauses (absent: not watched, as with engine v8). */
  hostGc?: HostGcSummary;
}

export interface RunError {
  kind: 'oom' | 'fault' | 'verify' | 'error';
  message: string;
}

/** The warm-up before a measured run (src/experiments/warmup.ts): what ran on the scratch heap. */
export interface WarmupRecord {
  rounds: number;
  scavenges: number;
  markCompacts: number;
  /** Scavenges of the program that ran while a marking cycle was active (one per round, unless marking had finished before it). */
  scavengesWhileMarking?: number;
  /** Total pause ms of each round: falls as the collector's code gets optimised. */
  pauseMsPerRound: number[];
  /** How many times each parallel phase and each background phase ran on the helpers. */
  phasesRun: Record<string, number>;
  /** Scavenging threads that ran the code of a lost forwarding race, summed over the program's scavenges (0 at threads = 1). */
  lostRaces?: number;
  /** Threads that found the warm-up's shared lock word held once, so that the lock's slow path has type feedback on them (all of them at threads > 1; 0 at threads = 1). */
  contendedLocks?: number;
  wallMs: number;
  /** Why it stopped early (the scratch heap ran out of memory...), or null. */
  stoppedBy: string | null;
  /**
   * The measured workload run on the scratch heap after the program (GCs counted above are the
   * program's alone), until its second mark-compact or a time budget; `stoppedBy` is
   * `budget: ...`, `finished` (the whole workload ran) or the error that ended it. Null when it
   * did not run (the program stopped early).
   */
  workload?: { scavenges: number; markCompacts: number; wallMs: number; stoppedBy: string } | null;
  /** The measured run's helpers are the warmed-up ones (false: fresh helpers, threads = 1, or task dispatch). */
  helpersReused: boolean;
  /**
   * The scratch heap's sizes when they differ from the measured heap's: made smaller so that both
   * heaps fit one wasm memory and share its `cas` (`scratchHeap` in experiments/warmup.ts);
   * absent otherwise.
   */
  scratchHeap?: { maxOldSpaceSize: number; compactionQuotaMb: number };
}

/**
 * What a run on V8's own heap (`engine: "v8"`) adds: the child's flags, the size translation
 * (gcsim's sizes scaled by V8 bytes over gcsim bytes of the workload's objects), and V8's output
 * lines that were not parsed (never dropped silently).
 */
export interface V8RunRecord {
  /** Every flag the child node ran with (translated, then passed through). */
  nodeFlags: string[];
  passThroughFlags: string[];
  /** Flags translated from gcsim's options (sizes, threads, marking and sweeping switches). */
  translatedFlags: string[];
  /** gcsim options set away from their default that have no V8 counterpart. */
  untranslated: string[];
  /** Each size option: gcsim's MB, scaled exactly, and the whole MB V8 takes. */
  sizesMb: Record<string, { gcsim: number; exact: number; v8: number }>;
  /** Measured V8 bytes of the backend's objects (tagged: base + per field; raw: base + its words). */
  objectBytes: { taggedBase: number; perField: number; rawBase: number };
  /** What the workload allocates, by shape (counted on the backend before the child starts). */
  census: { taggedObjects: number; taggedFields: number; rawObjects: number; rawWords: number; rawOddObjects: number };
  bytesPerObject: { gcsim: number; v8: number };
  /** bytesPerObject.v8 / bytesPerObject.gcsim: the scale of every translated size. */
  factor: number;
  /** V8's used heap before the workload started (the child's own code and data). */
  baselineBytes: number;
  /** GC lines parsed, and how many of them were outside the run (start-up, the end's digest). */
  gcLines: number;
  outsideRun: number;
  /** GC lines of the process's other isolates (a module loader's worker thread, from source). */
  otherIsolateLines: number;
  /** Lines put back together after another isolate's line split them (src/v8/nvp-parser.ts). */
  repairedLines: number;
  /** How well the run's lines matched the GCs the child observed (ms; small is good). */
  alignmentSpreadMs: number;
  /**
   * Each event's duration as the child's PerformanceObserver saw it (V8's GC prologue to epilogue,
   * µs resolution, where an nvp line's pause has 0.1 ms), in the order of `events`; empty without
   * the child's record.
   */
  observedPauseMs: number[];
  unparsed: { line: number; text: string; reason: string }[];
  childExit: number | string | null;
}

export interface RunResult {
  schema: 'gcsim/result@1';
  /** Which heap ran the workload: gcsim's simulated one (absent or 'gcsim'), or V8's own. */
  engine?: 'gcsim' | 'v8';
  env: { node: string; v8: string; cpus: number; cpuModel: string; platform: string; arch: string };
  config: Record<string, unknown>;
  /** `facts`: what the workload reports about its input and run (a heap snapshot's nodes, edges, load time). */
  workload: { name: string; seed: number; params: Record<string, unknown>; facts?: Record<string, number | string> };
  timeOriginMs: number;
  events: GCEvent[];
  /** The warm-up that ran before the measured run, or null (--no-warmup). */
  warmup?: WarmupRecord | null;
  /** Threads of the process other than the collector's given nice `config.hostNice` for the run (scheduler/host-threads.ts). */
  hostThreadsLowered?: number;
  /** Of those, threads in SCHED_IDLE for the run (`config.hostSched` idle; 0 where chrt(1) is missing). */
  hostThreadsIdle?: number;
  /** The GC tracer's timeline: pauses, their sub-phases, main-thread steps, helpers' concurrent work. */
  timeline: TimelineInterval[];
  /**
   * The host's own GCs during the measured run (V8 collecting the simulator's JavaScript heap on
   * the main thread), `startMs` counted from the start of the run as events' are. Absent for
   * engine v8 and in records written before it existed.
   */
  hostGcs?: HostGc[];
  /** Heap size samples over time, for reports (one per GC start and end). */
  heapSamples: { tMs: number; usedBytes: number; committedBytes: number }[];
  summary: RunSummary;
  verify: { checks: number; errors: string[] };
  digest: string;
  /** The graph reachable from the roots at the end of the run (the digest's traversal); bytes of its objects. */
  reachable?: { objects: number; bytes: number };
  error: RunError | null;
  /** Engine v8 only: flags, size translation, unparsed lines. */
  v8?: V8RunRecord;
}

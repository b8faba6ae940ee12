/**
 * Warm-up before a measured run: a short program on a scratch simulator that makes every
 * participant (the main thread and each helper) run every GC phase many times, so that V8 has
 * optimised the collector's code before anything is measured: scavenges that copy and promote,
 * marking while the mutator runs (steps, concurrent markers, the barrier), mark-compacts that
 * evacuate fragmented pages and update pointers, sweeping. V8's own collector is compiled ahead
 * of time: without this, the first GC of each kind measures the JIT, not the collector.
 * Main thread; the scratch heap is discarded afterwards (see Simulator.create's `reuseHelpersOf`).
 */
import { warmFreeListPathsOnce } from '../heap/spaces/free-list.ts';
import type { Mutator } from '../mutator/mutator.ts';
import type { Simulator } from './simulator.ts';
import { Rng } from '../workloads/rng.ts';
import type { WarmupRecord } from '../metrics/result.ts';
import { C_WARMUP_CONTENDED_LOCKS, C_WARMUP_LOST_RACES, C_WARMUP_PATHS, Heap } from '../heap/heap.ts';
import { PAGE_BYTES } from '../heap/layout.ts';
import { OBJECT_ARENA_BYTES, roundToPages } from '../heap/wasm-arena.ts';
import type { GcOptions } from '../options.ts';
import { heapGeometry } from './simulator.ts';

/** Rounds of the warm-up program. Each runs every phase a few times (measured: see docs/experiments.md). */
export const WARMUP_ROUNDS = 6;
/** Live objects the program keeps at most (small enough for the smallest heaps one sweeps). */
const KEEP = 4000;
const FIELDS = 6;

/**
 * After the program, the measured workload itself runs on the scratch heap (same parameters,
 * seed and options) until its second mark-compact, or its first GC after this many ms: code
 * paths only the workload takes (a mark-compact that promotes a full new space, large copies)
 * then meet the measured run optimised. Met first in a measured pause, each such path cost a
 * deoptimisation and a stretch in unoptimised code (splay at threads 2: a first mark-compact
 * promoting 1 MB took 14-39 ms against 2-4 ms for the same bytes later in the run).
 */
export const WORKLOAD_WARMUP_MARK_COMPACTS = 2;
export const WORKLOAD_WARMUP_MS = 2000;

export type WarmupReport = Omit<WarmupRecord, 'helpersReused'>;

/** Room left in the measured heap's object arena for the warm-up's small private heaps. */
const SCRATCH_SLACK_BYTES = 64 << 20;

/** Bytes of a wasm memory that a heap made with `options` takes for its object area. */
function objectAreaBytes(options: GcOptions): number {
  return roundToPages(Heap.totalPages(heapGeometry(options)) * PAGE_BYTES);
}

/**
 * How to make the warm-up's scratch heap: its options, and the room its wasm memory must keep
 * for the measured heap made after it (`Simulator.create`'s `keepRoomBytes`). The scavenger's
 * forwarding CAS, `Heap.cas`, is a function of the wasm memory that holds a heap's object area
 * (heap/wasm-arena.ts: 4 GiB). Were the measured heap in another memory than the scratch heap,
 * it would have a second `cas`, and every call site that TurboFan had specialised to the scratch
 * heap's in the warm-up would deoptimise ("wrong call target") in the measured run's first
 * scavenges, on every scavenging thread. That happened when two heaps of the run's size did not
 * fit one memory (an old generation and compaction quota of 1 GB each, or one of 2 GB), or when
 * the process's memory had room for the scratch heap but not for both (a worker that ran trials
 * before). So the scratch heap takes its range only from a memory with room for the measured
 * heap after it, and when two heaps of the run's size would not fit one memory, its old
 * generation and quota shrink, by one factor, until they do. Its semispaces stay (the young
 * generation's phases run as in the measured run); a workload whose live set no longer fits
 * ends its warm-up replay early, with the reason in `warmup.workload.stoppedBy`. A measured heap
 * too big for a memory has a SharedArrayBuffer of its own, as has its scratch heap, and every
 * such heap the same `cas` (`casInOwnBuffer` in heap/heap.ts): nothing changes then.
 */
export function scratchHeap(options: GcOptions): { options: GcOptions; keepRoomBytes: number } {
  const measured = objectAreaBytes(options);
  if (measured > OBJECT_ARENA_BYTES) return { options, keepRoomBytes: 0 };
  const keepRoomBytes = measured + SCRATCH_SLACK_BYTES;
  const room = OBJECT_ARENA_BYTES - keepRoomBytes;
  if (measured <= room) return { options, keepRoomBytes };
  const variable = options.maxOldSpaceSize + options.compactionQuotaMb;
  const fixed = objectAreaBytes({ ...options, maxOldSpaceSize: 0, compactionQuotaMb: 0 });
  const f = (room - fixed) / (variable * 1048576);
  const shrunk = { ...options, maxOldSpaceSize: Math.floor(options.maxOldSpaceSize * f * 4) / 4, compactionQuotaMb: Math.floor(options.compactionQuotaMb * f) };
  return shrunk.maxOldSpaceSize >= 1 && objectAreaBytes(shrunk) <= room ? { options: shrunk, keepRoomBytes } : { options, keepRoomBytes: 0 };
}

/** Thrown from the GC event hook to end the workload's warm-up run. */
class WarmupBudgetReached extends Error {}

/**
 * Runs the warm-up program on `sim` (a scratch simulator with the measured run's options), then
 * `workload` (the measured run's program, if given) within the budget above.
 */
export function warmUp(sim: Simulator, workload?: (m: Mutator) => void, rounds = WARMUP_ROUNDS, workloadHelperJoin: 'dynamic' | 'all' = sim.options.helperJoin): WarmupReport {
  const t0 = performance.now();
  // Before the mutator's first allocation: the allocation path that inlines it is then not yet
  // compiled (helpers run it in their first warm-up scavenge, Participant.warmRarePaths).
  warmFreeListPathsOnce();
  const m = sim.mutator;
  const rng = new Rng(0x5eed);
  const pauseMsPerRound: number[] = [];
  let stoppedBy: string | null = null;
  const holder = m.allocate(m.arrayMap, KEEP);
  m.setGlobal('warmup', holder);
  let round = 0;
  let scavengesWhileMarking = 0;
  // Every scavenging thread also runs the code of a lost forwarding race (Scavenger.warmLostRace).
  const ctl = sim.heap.ctl;
  ctl[C_WARMUP_PATHS] = 1;
  try {
    for (; round < rounds; round++) {
      // Every helper in every phase, and every other round helpers woken as V8 does (dynamic
      // join): its lazy wake is a call in each body's heartbeat that would otherwise first run,
      // and deoptimise the body, in the measured run (or in the workload replay, for one body).
      sim.setHelperJoin(round % 2 === 0 ? 'all' : 'dynamic');
      const before = pauseTotal(sim);
      youngChurn(m, holder, rng);
      scavengesWhileMarking += oldBurst(sim, holder, rng);
      fragmentAndCompact(sim, holder, rng);
      pauseMsPerRound.push(pauseTotal(sim) - before);
    }
  } catch (e) {
    // A scratch heap too small for the program: what ran is warm-up enough.
    stoppedBy = e instanceof Error ? e.message : String(e);
  } finally {
    ctl[C_WARMUP_PATHS] = 0;
  }
  const lostRaces = ctl[C_WARMUP_LOST_RACES];
  const contendedLocks = ctl[C_WARMUP_CONTENDED_LOCKS];
  const programEvents = sim.gc.events.length;
  let replay: WarmupRecord['workload'] = null;
  // The workload in the measured run's join mode: under 'dynamic' the main thread's lazy wake
  // and the helpers' join then run before the measured run does (inside its first pause otherwise).
  sim.setHelperJoin(workloadHelperJoin);
  if (workload !== undefined && stoppedBy === null) replay = replayWorkload(sim, workload);
  const events = sim.gc.events;
  const phasesRun: Record<string, number> = {};
  for (const e of events) for (const p of e.parallel) phasesRun[p.name] = (phasesRun[p.name] ?? 0) + 1;
  for (const i of sim.gc.tracer.timeline) if (i.kind === 'concurrent') phasesRun[i.name] = (phasesRun[i.name] ?? 0) + 1;
  const programOnly = events.slice(0, programEvents);
  return {
    rounds: round,
    scavenges: programOnly.filter((e) => e.type === 'scavenge').length,
    markCompacts: programOnly.filter((e) => e.type === 'mark-compact').length,
    scavengesWhileMarking,
    pauseMsPerRound,
    phasesRun,
    lostRaces,
    contendedLocks,
    wallMs: performance.now() - t0,
    stoppedBy,
    workload: replay,
  };
}

/** The workload on the scratch heap until the budget; errors (a full scratch heap) only end it. */
function replayWorkload(sim: Simulator, workload: (m: Mutator) => void): NonNullable<WarmupRecord['workload']> {
  const t0 = performance.now();
  const gc = sim.gc;
  let scavenges = 0;
  let markCompacts = 0;
  let stoppedBy = 'finished';
  const before = gc.onEvent;
  gc.onEvent = (ev) => {
    if (ev.type === 'scavenge') scavenges++;
    else markCompacts++;
    if (markCompacts >= WORKLOAD_WARMUP_MARK_COMPACTS) throw new WarmupBudgetReached(`${WORKLOAD_WARMUP_MARK_COMPACTS} mark-compacts`);
    if (performance.now() - t0 >= WORKLOAD_WARMUP_MS) throw new WarmupBudgetReached(`${WORKLOAD_WARMUP_MS} ms`);
  };
  try {
    workload(sim.mutator);
  } catch (e) {
    stoppedBy = e instanceof WarmupBudgetReached ? `budget: ${e.message}` : e instanceof Error ? e.message : String(e);
  } finally {
    gc.onEvent = before;
  }
  return { scavenges, markCompacts, wallMs: performance.now() - t0, stoppedBy };
}

function pauseTotal(sim: Simulator): number {
  let ms = 0;
  for (const e of sim.gc.events) ms += e.pauseMs;
  return ms;
}

/**
 * Short-lived records with a few survivors in the holder: scavenges that copy and promote (the
 * first scavenge copies the survivors within new space, the second promotes them; without it the
 * program's scavenges would promote nothing, since its mark-compacts empty new space).
 */
function youngChurn(m: Mutator, holder: number, rng: Rng): void {
  for (let i = 0; i < 60_000; i++) {
    if (i === 30_000) m.collect('minor');
    const s = m.openScope();
    const o = m.allocate(m.arrayMap, FIELDS);
    m.setSmi(o, 0, i);
    if (rng.int(16) === 0) {
      const k = rng.int(KEEP);
      if (!m.isSmiField(holder, k)) {
        const older = m.get(holder, k);
        m.set(o, 1, older);
        // ...and the older one to the newer: once promoted, it records a slot into new space.
        if (i >= 30_000) m.set(older, 2, o);
      }
      m.set(holder, k, o);
    }
    m.closeScope(s);
  }
  m.collect('minor');
}

/**
 * Tenured garbage until a marking cycle starts (concurrent or incremental, as configured), then
 * stores into the holder while it runs (the marking barrier), then its finalization.
 */
function oldBurst(sim: Simulator, holder: number, rng: Rng): number {
  const m = sim.mutator;
  let scavengesWhileMarking = 0;
  for (let i = 0; i < 200_000 && !sim.gc.markingActive; i++) {
    const s = m.openScope();
    m.allocate(m.arrayMap, 30, true);
    if (i % 64 === 0) m.allocateString(4096, i, true);
    m.closeScope(s);
  }
  for (let i = 0; i < 20_000 && sim.gc.markingActive; i++) {
    // A scavenge while marking runs: copies of marked objects take their colour, and old objects
    // scanned record slots into evacuation candidates (Scavenger.forward, scanSlots). Without it
    // those branches were first met in a measured pause on some participants (gcbench at
    // threads = 4), where they deoptimised the scavenger.
    if (i === SCAVENGE_WHILE_MARKING_AT) {
      m.collect('minor');
      if (sim.gc.markingActive) scavengesWhileMarking++;
    }
    const s = m.openScope();
    const o = m.allocate(m.arrayMap, FIELDS, rng.int(4) === 0);
    const a = rng.int(KEEP);
    const b = rng.int(KEEP);
    if (!m.isSmiField(holder, a)) m.set(o, 2, m.get(holder, a));
    m.set(holder, b, o);
    m.closeScope(s);
  }
  m.collect('major');
  return scavengesWhileMarking;
}

/** The store into the holder, while marking runs, at which `oldBurst` asks for a scavenge. */
const SCAVENGE_WHILE_MARKING_AT = 5_000;

/** Mean words per `warmObject` (six of 8 words, one of 26, one string of 2 + 16). */
const WARM_OBJECT_WORDS = 12;

/**
 * The i-th object of a warm-up cohort: mostly small tagged objects, every eighth a tagged one
 * above COPY_LOOP_MAX_WORDS (copied with copyWithin) and every eighth a raw string (old data space
 * when promoted or compacted). Evacuation then takes each of those branches on every participant
 * before a measured pause does: a branch first taken there deoptimises the copy loop
 * ("insufficient type feedback"), and the thread copies unoptimised for a while.
 */
function warmObject(m: Mutator, i: number, tenured: boolean): number {
  if ((i & 7) === 6) return m.allocate(m.arrayMap, 24, tenured);
  if ((i & 7) === 7) return m.allocateString(64, i, tenured);
  const o = m.allocate(m.arrayMap, FIELDS, tenured);
  m.setSmi(o, 0, i);
  return o;
}

/**
 * Promoted cohorts that mostly die, then two full GCs: the first with live young objects on
 * several new-space pages, the second evacuates the fragmented pages.
 */
function fragmentAndCompact(sim: Simulator, holder: number, rng: Rng): void {
  const m = sim.mutator;
  const s = m.openScope();
  const cohort = m.allocate(m.arrayMap, 8000, true);
  for (let i = 0; i < 8000; i++) {
    const t = m.openScope();
    m.set(cohort, i, warmObject(m, i, true));
    m.closeScope(t);
  }
  for (let i = 0; i < 8000; i += 3) { // every third: each kind of warmObject survives
    const t = m.openScope();
    m.set(holder, rng.int(KEEP), m.get(cohort, i));
    m.closeScope(t);
  }
  m.closeScope(s);
  // Large objects (each its own chunk), live through the next three mark-compacts and dead after:
  // marked in chunks (Marker.visitChunk), which several participants share, and then freed.
  const big = m.openScope();
  for (let i = 0; i < LARGE_ARRAYS; i++) m.allocate(m.arrayMap, LARGE_ARRAY_SLOTS);
  youngAtMajorGc(sim);
  m.collect('major');
  m.closeScope(big);
}

/**
 * Live large arrays per round, and their slots: above MAX_REGULAR_OBJECT_WORDS, so each is a
 * large object marked in PROGRESS_BAR_CHUNK pieces (10 each). With one array, one participant
 * often marked every piece, and another met the large-object branch of `Marker.visit` first in a
 * measured pause (fragmenter at threads = 4), where it deoptimised the marking loop.
 */
const LARGE_ARRAYS = 4;
const LARGE_ARRAY_SLOTS = 40_000;

/**
 * A mark-compact that finds live young objects on several new-space pages: their evacuation is
 * split by page, so each participant evacuates some: to to-space in the first, and the same
 * objects, survivors now, promoted into old space in the second.
 * Without it a helper could meet that code first in a measured pause, unoptimised: one page of
 * young objects took a helper 15-38 ms against the main thread's 2-3 ms per page.
 */
function youngAtMajorGc(sim: Simulator): void {
  const m = sim.mutator;
  const bytes = Math.min(sim.options.maxSemiSpaceSize * 1048576 * 0.6, 4 * 1048576);
  const n = Math.max(1, Math.floor(bytes / (WARM_OBJECT_WORDS * 4)));
  const s = m.openScope();
  const keep = m.allocate(m.arrayMap, n, true);
  for (let i = 0; i < n; i++) {
    const t = m.openScope();
    m.set(keep, i, warmObject(m, i, false));
    m.closeScope(t);
  }
  m.collect('major');
  // Survivors of the first are promoted by the second: evacuation into old space. Half of them
  // first get a new young object, which the second copies within new space: the promoted copies
  // record those slots (OLD_TO_NEW) on every participant. Each new one points to the one before
  // (young, so moved) and to `keep` (old): pointer updating of the survivors in to-space then
  // tests both kinds of target on every participant (with Smis alone, a helper first met a
  // pointer there in a measured pause, at threads = 4, and deoptimised).
  let prev = -1; // the index in `keep` of the object that holds the last new one
  for (let i = 0; i < n; i += 2) {
    if ((i & 7) >= 6) continue; // the large arrays and the strings
    const t = m.openScope();
    const y = m.allocate(m.arrayMap, FIELDS);
    if (prev >= 0) m.set(y, 2, m.get(m.get(keep, prev), 1));
    m.set(y, 3, keep);
    m.set(m.get(keep, i), 1, y);
    prev = i;
    m.closeScope(t);
  }
  m.collect('major');
  m.closeScope(s);
}

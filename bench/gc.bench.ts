/**
 * Collector throughput against V8's own collector on the same graph (bench/graph.ts): ~1M
 * objects of four pointer fields, `neighbouring` and `random` layouts. Per round, and for each
 * layout and work (scavenge: a fresh graph in new space, one minor GC copies all of it; mark: the
 * graph promoted to old space, one full GC marks all of it), gcsim collects at each thread count
 * and V8 collects the same shape built of plain JS objects in a child `node`
 * (bench/v8-graph-child.mjs), once with `--single-threaded-gc` and once by default. The
 * configurations alternate inside each round, so load drifts hit all of them alike; the table
 * gives medians over the rounds and the medians of per-round (paired) ratios.
 *
 * Figures are the main phase of the pause: gcsim's `scavenge.parallel` and `mc.mark` against
 * V8's `scavenge.parallel` and `mark` from `--trace-gc-nvp`; the whole pause beside them. A gcsim
 * pause that V8 collected this process's own heap in (a host GC, src/metrics/host-gc.ts) is left
 * out of the medians and ratios, and the next line says which configurations had one. The last
 * line counts the measured gcsim phases in which a thread waited 1 ms or more for a core (option
 * recordPreemption, where Linux reports it); they stay in the figures, or with
 * `BENCH_GC_WAITS=drop` are left out of them as host GCs are (V8's children are not watched, so
 * that biases the gcsim/V8 ratios toward gcsim; the speedups compare gcsim with itself). Without
 * it, the speedups are printed a second time from the same rounds with those phases left out.
 *
 * gcsim runs from the compiled build (dist/, `npm run build`), as `gcsim run` does: helpers load
 * the participant module with import(), not through tsx's CommonJS transform, whose getters on
 * every imported constant slow the hot loops 2-3x. A dist/ older than src/ is reported.
 *
 *   npm run build && npm run bench -- gc
 *   BENCH_GC_OBJECTS=1000000 BENCH_GC_ROUNDS=5 BENCH_GC_THREADS=1,2 BENCH_GC_V8=1 (defaults)
 *
 * `BENCH_GC_BUILDS=DIR,DIR`: compare builds (checkouts with a dist/ each, e.g. git worktrees of
 * two commits) in the same rounds; their configurations are named after the directories.
 *
 * `BENCH_GC_BALANCE=steal,steal-oldest`: each gcsim configuration once per work-distribution
 * scheme (`--balance`, src/parallel/work-distribution.ts), in the same rounds; by default the
 * default scheme only.
 *
 * `gcsim t=1 atomic` (when thread counts include 1; `BENCH_GC_CAS=0` leaves it out): one thread
 * with the atomics the threads of a parallel phase use, and V8's collector uses at every thread
 * count: option casForwarding, the CAS on every forwarding address of a scavenge, and option
 * atomicMarking, the atomic or on every mark bit. One thread alone otherwise stores a forwarding
 * address plainly and sets a mark bit with a plain or. Speedups over it compare the same code at
 * both thread counts, as V8's speedup (`--single-threaded-gc` against the default) does; speedups
 * over `t=1` include what the atomics cost.
 *
 * `gcsim t=2 owner` (for each thread count > 1 that is a power of two; `BENCH_GC_OWNER=0` leaves it
 * out): options ownerScavenging and ownerMarking (with helperJoin all). Each scavenging thread
 * copies the objects of its own from-space pages, forwarding them with a plain store, and mails
 * the slots it finds pointing into others' pages to their owner; each marking thread sets the
 * mark bits of its own pages with a plain or and mails the targets it finds in others' pages to
 * their owner. Its mark work's graph is promoted with V8's scavenge, as `t=2`'s is, so both mark
 * the same kind of heap.
 *
 * `gcsim t=2 bitmaps` (for each thread count from 2 to 4; `BENCH_GC_BITMAPS=0` leaves it out):
 * option threadMarkBitmaps, where each helper of a mark sets bits in a bitmap of its own with a
 * plain or after testing every thread's, merged into the heap's after the phase. Marks only.
 *
 * `BENCH_GC_WORKS=scavenge` (or `mark`): that work only. `BENCH_GC_TRACE_THREADS=1`: each measured
 * gcsim phase's threads on stderr (start offset, busy, idle, wait for a core, objects, busy ns per
 * object, mail sent), to see which thread a slow round lost its time in.
 *
 * `BENCH_GC_PLAIN_MARKING=1`: gcsim's markers set mark bits with a plain or at every thread
 * count (the ForTesting switch TEST_PLAIN_MARKING). Unsafe at two threads, where a bit lost to the
 * other thread's or leaves a live object unmarked; for measuring what the atomic or costs the
 * two-thread mark, never for a result.
 *
 * Each gcsim configuration is warmed as `gcsim run` warms its measured run (option jitWarmup):
 * the warm-up program (src/experiments/warmup.ts) runs on a scratch simulator with the same
 * options, whose every thread meets the collector's rare paths there (a lost forwarding race, a
 * steal, a contended lock), and the measured simulator takes over its helpers with their optimised
 * code. Then each work and layout runs once at 200k objects. With the latter alone
 * (`BENCH_GC_JIT_WARMUP=0`, and for a build without the warm-up), collector code deoptimised
 * and was compiled again in the first measured rounds, at two threads only (a steal or a lost
 * race first met there), taking a core from the phase for the compile.
 *
 * `BENCH_GC_PROMOTE=serial`: the mark work's graph is promoted by the main thread alone at every
 * thread count (`Simulator.setParallelScavenge`), so every thread count marks the same heap.
 * By default each promotes with all its threads, as V8 does, and at two threads the two
 * interleave the graph in old space: the layout marked at t=2 is then no longer the one named
 * (docs/performance.md, "The heap the scavenges leave").
 *
 * `BENCH_GC_EVICT=MB`: before each measured collection, gcsim's and V8's alike, the thread that
 * starts it writes MB megabytes that the collector never reads (`evictCaches`, bench/bench-kit.ts;
 * 64 or more on a host whose largest cache is 32 MB), so that its caches hold none of the graph.
 * By default the main thread's caches hold what the program last wrote (the graph it just built
 * or promoted) when the collection starts, as a real mutator's do; a helper on another core finds
 * none of it there, so where the graph fits in the main core's caches the one-thread figure gains
 * from them and the two-thread one much less (docs/performance.md, "A host whose cores are far
 * apart"). 0 (the default) writes nothing.
 */
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { GCSIM_OBJECT_BYTES, LAYOUTS, WORKS as ALL_WORKS, type Layout, type Work, createWarmed, graphAgainstCaches, graphSimOptions, loadCompiledBuild, runGraphProgram, v8SemiSpaceMb, type GraphDeps } from './graph.ts';
import { coreToCoreNs, cpuCaches, dependentLoadNs, describeBytes, evictCaches, median } from './bench-kit.ts';
import { bootstrapMedianCi } from '../src/metrics/intervals.ts';
import { IdlePolicySetter, lowerHostThreads } from '../src/scheduler/host-threads.ts';
import { TEST_PLAIN_MARKING } from '../src/heap/heap.ts';
import { ChildSpawner } from '../src/experiments/child-spawner.ts';
import { HostGcMonitor } from '../src/experiments/host-gc-monitor.ts';
import type { HostGc } from '../src/metrics/host-gc.ts';
import { type Sample, dropLongWaits, finiteMedian, isKept, markHostGcs, phaseOf, waitNote, withoutLongWaits } from './gc-samples.ts';
import { SchedClock } from '../src/parallel/sched-clock.ts';
import { WORK_DISTRIBUTION_NAMES, type WorkDistributionName } from '../src/parallel/work-distribution.ts';

type Simulator = import('../src/experiments/simulator.ts').Simulator;

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** Checkouts whose dist/ is measured; the default is this one. */
const BUILDS = (process.env.BENCH_GC_BUILDS ?? ROOT).split(',').map((d) => path.resolve(d));
const CHILD = path.join(ROOT, 'bench', 'v8-graph-child.mjs');

const N = Math.max(1000, Number(process.env.BENCH_GC_OBJECTS) || 1_000_000);
const SERIAL_PROMOTION = process.env.BENCH_GC_PROMOTE === 'serial';
const PLAIN_MARKING = process.env.BENCH_GC_PLAIN_MARKING === '1';
const ROUNDS = Math.max(1, Number(process.env.BENCH_GC_ROUNDS) || 5);
const THREADS = (process.env.BENCH_GC_THREADS ?? '1,2').split(',').map(Number);
const WITH_V8 = process.env.BENCH_GC_V8 !== '0';
const WITH_ATOMIC = process.env.BENCH_GC_CAS !== '0' && THREADS.includes(1);
/** Thread counts (2 to 4) that also mark with option threadMarkBitmaps (`BENCH_GC_BITMAPS=0` leaves them out). */
const BITMAP_THREADS = process.env.BENCH_GC_BITMAPS === '0' ? [] : THREADS.filter((t) => t > 1 && t <= 4);
/** Thread counts that also run with options ownerMarking and ownerScavenging. */
const OWNER_THREADS = process.env.BENCH_GC_OWNER === '0' ? [] : THREADS.filter((t) => t > 1 && (t & (t - 1)) === 0);
/** Work-distribution schemes (`--balance`) each gcsim configuration runs with; '' = the default. */
const BALANCES = (process.env.BENCH_GC_BALANCE ?? '').split(',').filter((b) => b !== '') as (WorkDistributionName | '')[];
if (BALANCES.length === 0) BALANCES.push('');
const unknownBalance = BALANCES.find((b) => b !== '' && !(WORK_DISTRIBUTION_NAMES as readonly string[]).includes(b));
if (unknownBalance !== undefined) {
  process.stderr.write(`bench gc: unknown BENCH_GC_BALANCE scheme '${unknownBalance}' (one of ${WORK_DISTRIBUTION_NAMES.join(', ')})\n`);
  process.exit(2);
}
const V8_MODES = ['v8 single-threaded', 'v8 default'] as const;
/** Each thread's wait for a core in the measured phase, where Linux reports it (option recordPreemption). */
const WAITS = SchedClock.available() ? { recordPreemption: true } : {};
/** `BENCH_GC_WAITS=drop`: gcsim phases in which a thread waited 1 ms or more for a core are left out of medians and ratios. */
const DROP_WAITS = process.env.BENCH_GC_WAITS === 'drop';
/** `BENCH_GC_EVICT=MB`: megabytes written before each measured collection (0: none). */
const EVICT_ARG = process.env.BENCH_GC_EVICT ?? '0';
const EVICT_MB = EVICT_ARG.trim() === '' ? NaN : Number(EVICT_ARG);
if (!Number.isInteger(EVICT_MB) || EVICT_MB < 0 || EVICT_MB > 4096) {
  console.error(`bench gc: BENCH_GC_EVICT must be a whole number of megabytes from 0 to 4096, got '${EVICT_ARG}'`);
  process.exit(2);
}
/** `BENCH_GC_WORKS=scavenge` or `mark`: measure one work only (both by default). */
const WORKS = (process.env.BENCH_GC_WORKS ?? ALL_WORKS.join(',')).split(',') as Work[];
if (WORKS.length === 0 || WORKS.some((w) => !ALL_WORKS.includes(w))) {
  console.error(`bench gc: BENCH_GC_WORKS must list ${ALL_WORKS.join(' and/or ')}, comma-separated`);
  process.exit(2);
}
const V8_SEMI_MB = v8SemiSpaceMb(N);
/** `BENCH_GC_JIT_WARMUP=0`: no warm-up program before the bench's own warm-up rounds (see the header). */
const JIT_WARMUP = process.env.BENCH_GC_JIT_WARMUP !== '0';

function lastEvent(sim: Simulator, phase: string): Sample {
  const ev = sim.gc.events[sim.gc.events.length - 1];
  if (ev === undefined) return { phaseMs: NaN, pauseMs: NaN };
  const waits = ev.parallel.find((p) => p.name === phase)?.threads.map((t) => t.preemptedMs ?? NaN) ?? [];
  const waitMs = waits.length > 0 && waits.every(Number.isFinite) ? Math.max(...waits) : undefined;
  if (process.env.BENCH_GC_TRACE_THREADS === '1') {
    const p = ev.parallel.find((x) => x.name === phase);
    if (p !== undefined) console.error(`trace t=${sim.options.threads}${sim.options.ownerScavenging === true ? ' owner' : ''} ${phase} ${p.durationMs.toFixed(1)} ms woken +${(p.wokenAfterMs ?? 0).toFixed(2)} ` + p.threads.map((t) => `[t${t.thread} +${(t.startMs - p.startMs).toFixed(2)} busy ${t.busyMs.toFixed(1)} idle ${t.idleMs.toFixed(1)} pre ${(t.preemptedMs ?? 0).toFixed(2)} ${t.objects} obj ${((t.busyMs * 1e6) / Math.max(1, t.objects)).toFixed(0)} ns mail ${t.mailSent ?? 0}]`).join(' '));
  }
  return { phaseMs: ev.phasesMs[phase] ?? NaN, pauseMs: ev.pauseMs, fromMs: sim.originMs + ev.startMs, waitMs };
}

/** One gcsim measurement: builds the graph (untimed) and returns the measured GC's figures. */
function runGcsim(sim: Simulator, deps: GraphDeps, work: Work, layout: Layout, n: number): Sample {
  const m = sim.mutator;
  // (a build without setParallelScavenge, compared through BENCH_GC_BUILDS, promotes in parallel)
  const promote = SERIAL_PROMOTION ? (on: boolean) => sim.setParallelScavenge?.(on) : undefined;
  // The owner configuration promotes the mark work's graph with V8's scavenge, as `t=N` does, so
  // that owner marking marks the same kind of heap (owner scavenging lays it out otherwise).
  const ownerScavenging = work === 'mark' && sim.options.ownerScavenging === true;
  if (ownerScavenging) sim.setOwnerScavenging?.(false);
  try {
    const measured = (kind: 'minor' | 'major') => {
      if (EVICT_MB > 0) evictCaches(EVICT_MB * 1024 * 1024);
      m.collect(kind);
    };
    runGraphProgram(m, deps, work, layout, n, measured, promote);
  } finally {
    if (ownerScavenging) sim.setOwnerScavenging?.(true);
  }
  return lastEvent(sim, work === 'scavenge' ? 'scavenge.parallel' : 'mc.mark');
}

/** Parses the `key=value` fields of the first `--trace-gc-nvp` line after `@measure`. */
export function parseMeasuredNvp(stdout: string): Record<string, string> | null {
  const at = stdout.indexOf('@measure\n');
  if (at < 0) return null;
  const line = stdout.slice(at + 9).split('\n').find((l) => l.includes(' pause='));
  if (line === undefined) return null;
  const out: Record<string, string> = {};
  for (const tok of line.split(/\s+/)) {
    const eq = tok.indexOf('=');
    if (eq > 0) out[tok.slice(0, eq)] = tok.slice(eq + 1);
  }
  return out;
}

/** One V8 measurement in a child node; throws with the child's output when it failed. */
async function runV8(spawner: ChildSpawner, mode: (typeof V8_MODES)[number], work: Work, layout: Layout, n: number): Promise<Sample> {
  const args = ['--expose-gc', '--trace-gc-nvp', `--min-semi-space-size=${V8_SEMI_MB}`, `--max-semi-space-size=${V8_SEMI_MB}`];
  if (mode === 'v8 single-threaded') args.push('--single-threaded-gc');
  // Started by the spawner, not by this process: a fork of this one would make every page of
  // gcsim's heaps fault once on its next write, inside gcsim's next measured GC.
  const r = await spawner.run(process.execPath, [...args, CHILD, work, layout, String(n), '1', String(EVICT_MB)], { cwd: ROOT });
  const between = r.stdout.slice(r.stdout.indexOf('@built'), r.stdout.indexOf('@measure'));
  if (r.status !== 0 || between.includes(' pause=')) {
    throw new Error(`v8 child (${mode} ${work} ${layout}) ${r.status !== 0 ? `exited ${r.status}` : 'collected during the build'}: ${(r.stderr || r.stdout).slice(-400)}`);
  }
  if (EVICT_MB > 0 && !between.includes(`@evicted ${EVICT_MB}\n`)) throw new Error(`v8 child (${mode} ${work} ${layout}) did not evict ${EVICT_MB} MB before its measured collection`);
  const f = parseMeasuredNvp(r.stdout);
  const want = work === 'scavenge' ? 'gc=s' : 'gc=mc';
  if (f === null || `gc=${f.gc}` !== want) throw new Error(`v8 child (${mode} ${work} ${layout}): no ${want} line after @measure`);
  return { phaseMs: Number(work === 'scavenge' ? f['scavenge.parallel'] : f.mark), pauseMs: Number(f.pause) };
}

/** Passes of the core-to-core probe before each round (about 10-25 ms). */
const ROUND_REACH_PASSES = 50_000;

/** `75–259 (median 230)`: the range and median of per-round readings. */
function describeRange(xs: readonly number[]): string {
  if (xs.length === 0) return 'no readings';
  const sorted = xs.toSorted((a, b) => a - b);
  return `${sorted[0].toFixed(0)}–${sorted[sorted.length - 1].toFixed(0)} (median ${median(sorted).toFixed(0)})`;
}

function ns(ms: number): string {
  return Number.isFinite(ms) ? `${((ms * 1e6) / N).toFixed(0)}` : '—';
}

/** The median of per-round ratios, its 95% interval (percentile bootstrap, seeded) and their range. */
function ratioCell(xs: number[]): string {
  const ok = xs.filter(Number.isFinite).toSorted((a, b) => a - b);
  if (ok.length === 0) return '—';
  const ci = bootstrapMedianCi(ok);
  return `${median(ok).toFixed(2)} [${ci.lo.toFixed(2)}, ${ci.hi.toFixed(2)}] (${ok[0].toFixed(2)}–${ok[ok.length - 1].toFixed(2)})`;
}

async function main(): Promise<void> {
  // Started before any heap: they fork this process now, when that costs the measurement nothing.
  const idleSetter = IdlePolicySetter.start();
  const spawner = ChildSpawner.start();
  const builds = [];
  for (const b of BUILDS) builds.push({ name: BUILDS.length > 1 ? `${path.basename(b)} ` : '', ...(await loadCompiledBuild(b)) });
  const stale = builds.some((b) => b.stale);
  /** A scheme as it prefixes a name: '' for the default. */
  const scheme = (balance: string) => (balance === '' ? '' : `${balance} `);
  /** A gcsim configuration's name: build (when several), scheme (when given) and thread count. */
  const gcsimName = (b: { name: string }, balance: string, t: number) => `gcsim ${b.name}${scheme(balance)}t=${t}`;
  /** The one-thread configuration with the atomics of threads > 1 (options casForwarding and atomicMarking). */
  const atomicName = (b: { name: string }) => `gcsim ${b.name}t=1 atomic`;
  /** The configuration with options ownerMarking and ownerScavenging at `t` threads. */
  const ownerName = (b: { name: string }, t: number) => `gcsim ${b.name}t=${t} owner`;
  /** The configuration with option threadMarkBitmaps at `t` threads (marks only). */
  const bitmapsName = (b: { name: string }, t: number) => `gcsim ${b.name}t=${t} bitmaps`;
  const sims = new Map<string, { sim: Simulator; deps: GraphDeps }>();
  for (const b of builds) {
    for (const bal of BALANCES) {
      for (const t of THREADS) {
        const sim = await createWarmed(b, { threads: t, ...graphSimOptions(N), ...WAITS, ...(bal === '' ? {} : { balance: bal }) }, JIT_WARMUP);
        if (PLAIN_MARKING) sim.setTestFlagsForTesting(TEST_PLAIN_MARKING);
        sims.set(gcsimName(b, bal, t), { sim, deps: b.deps });
      }
    }
    // (a build from before these options rejects them, and goes without)
    const atomic = WITH_ATOMIC ? await createWarmed(b, { threads: 1, ...graphSimOptions(N), ...WAITS, casForwarding: true, atomicMarking: true }, JIT_WARMUP, true) : null;
    if (PLAIN_MARKING) atomic?.setTestFlagsForTesting(TEST_PLAIN_MARKING);
    if (atomic !== null) sims.set(atomicName(b), { sim: atomic, deps: b.deps });
    for (const t of OWNER_THREADS) {
      const owner = await createWarmed(b, { threads: t, ...graphSimOptions(N), ...WAITS, ownerMarking: true, ownerScavenging: true, helperJoin: 'all' }, JIT_WARMUP, true);
      if (PLAIN_MARKING) owner?.setTestFlagsForTesting(TEST_PLAIN_MARKING);
      if (owner !== null) sims.set(ownerName(b, t), { sim: owner, deps: b.deps });
    }
    for (const t of BITMAP_THREADS) {
      const bitmaps = await createWarmed(b, { threads: t, ...graphSimOptions(N), ...WAITS, threadMarkBitmaps: true }, JIT_WARMUP, true);
      if (bitmaps !== null) sims.set(bitmapsName(b, t), { sim: bitmaps, deps: b.deps });
    }
  }
  const marksOnly = new Set(builds.flatMap((b) => BITMAP_THREADS.map((t) => bitmapsName(b, t))));
  const configs = [...sims.keys(), ...(WITH_V8 ? V8_MODES : [])];
  const load0 = os.loadavg()[0];
  // The host's memory state at start and end: a dependent load over as many bytes as the graph.
  const probeBytes = Math.max(64 * 1024, N * GCSIM_OBJECT_BYTES);
  const probe0 = dependentLoadNs(probeBytes);
  // And the distance between the two cores: what each bitmap line or header two threads share costs.
  const reach0 = await coreToCoreNs();
  const reachPerRound: number[] = [];
  let host = { lowered: 0, idle: 0 };
  // samples[work][layout][config] = one Sample per round
  const samples = new Map<string, Sample[]>();
  const key = (w: Work, l: Layout, c: string) => `${w}|${l}|${c}`;
  // V8 collecting this process's own JavaScript heap inside a measured gcsim pause is in its time.
  const hostGcMonitor = HostGcMonitor.start();
  let hostGcs: HostGc[] = [];
  try {
    // Warm-up: every participant's GC code optimised before the first measured round.
    for (const { sim, deps } of sims.values()) for (const w of WORKS) for (const l of LAYOUTS) runGcsim(sim, deps, w, l, Math.min(N, 200_000));
    // One scavenge of the whole graph: the measured scavenges copy into the same semispace, whose
    // pages are then written once already (a first write faults, and V8's child showed none).
    for (const { sim, deps } of sims.values()) runGcsim(sim, deps, 'scavenge', 'neighbouring', N);
    // As a measured run does: the process's other threads (V8's compiler and GC workers) at nice
    // 19 and in SCHED_IDLE, keeping every simulator's collector threads. Only when every build can name them.
    const named = [...sims.values()].map(({ sim }) => (typeof sim.collectorThreadIds === 'function' ? sim.collectorThreadIds() : []));
    if (named.every((ids) => ids.length > 0)) host = await lowerHostThreads(named.flat(), 19, 'idle', idleSetter);
    else idleSetter.close();
    for (let round = 0; round < ROUNDS; round++) {
      // The host may move the vCPUs during a run: how far apart they are, round by round.
      const reach = await coreToCoreNs(ROUND_REACH_PASSES);
      reachPerRound.push(reach);
      process.stderr.write(`bench gc: round ${round + 1}/${ROUNDS}, load ${os.loadavg()[0].toFixed(2)}, a line from core to core in ${reach.toFixed(0)} ns\n`);
      for (const w of WORKS) {
        for (const l of LAYOUTS) {
          // Rotate the order each round so no configuration always runs first.
          for (let i = 0; i < configs.length; i++) {
            const c = configs[(i + round) % configs.length];
            if (w === 'scavenge' && marksOnly.has(c)) continue;
            let s: Sample;
            const g = sims.get(c);
            if (g !== undefined) s = runGcsim(g.sim, g.deps, w, l, N);
            else s = await runV8(spawner, c as (typeof V8_MODES)[number], w, l, N);
            const k = key(w, l, c);
            if (!samples.has(k)) samples.set(k, []);
            samples.get(k)!.push(s);
          }
        }
      }
    }
  } finally {
    spawner.close();
    for (const { sim } of sims.values()) await sim.close();
    hostGcs = await hostGcMonitor.stop();
  }
  const load1 = os.loadavg()[0];
  const probe1 = dependentLoadNs(probeBytes);
  const reach1 = await coreToCoreNs();
  const hostGcNote = markHostGcs(configs, samples, hostGcs);
  if (DROP_WAITS) dropLongWaits(samples);

  const lines: string[] = [];
  lines.push(`${N.toLocaleString('en')} objects, ${ROUNDS} rounds, load average ${load0.toFixed(2)} at start, ${load1.toFixed(2)} at end, ${host.lowered} host threads at nice 19 (${host.idle} in SCHED_IDLE)${stale ? '; WARNING: dist/ is older than src/, run `npm run build`' : ''}.`);
  lines.push(graphAgainstCaches(N, cpuCaches()));
  lines.push(`A dependent load over as many bytes as gcsim's graph (${describeBytes(probeBytes)}, at least 64 KB, one per 64-byte line in random order) took ${probe0.toFixed(1)} ns at start and ${probe1.toFixed(1)} ns at end: compare runs whose memory was in the same state.`);
  lines.push(`A cache line written by one thread reached another in ${reach0.toFixed(0)} ns at start and ${reach1.toFixed(0)} ns at end (one way), ${describeRange(reachPerRound)} ns at the start of each round: the cost of each line two threads share, each time it changes hands (the host may move the vCPUs, and with them every speedup).`);
  if (PLAIN_MARKING) lines.push("BENCH_GC_PLAIN_MARKING: gcsim's markers set mark bits with a plain or at every thread count (unsafe at two threads: a measure of what the atomic or costs, not a result).");
  if (EVICT_MB > 0) lines.push(`BENCH_GC_EVICT: before each measured collection, gcsim's and V8's, the thread that starts it wrote ${EVICT_MB} MB the collector never reads, so that its caches held none of the graph.`);
  lines.push(`gcsim's mark work: the graph promoted ${SERIAL_PROMOTION ? 'by the main thread alone at every thread count (BENCH_GC_PROMOTE=serial)' : 'by all the threads of each configuration'}.`);
  lines.push('Medians over the rounds, ns per object of the main phase (gcsim `scavenge.parallel` / `mc.mark`, V8 `scavenge.parallel` / `mark`) and the whole pause in ms.', '');
  lines.push(`| work | layout | ${configs.map((c) => `${c} ns/obj (pause ms)`).join(' | ')} |`);
  lines.push(`| --- | --- | ${configs.map(() => '---:').join(' | ')} |`);
  for (const w of WORKS) {
    for (const l of LAYOUTS) {
      const cells = configs.map((c) => {
        const xs = samples.get(key(w, l, c)) ?? [];
        const kept = xs.filter(isKept);
        return kept.length === 0 ? '—' : `${ns(finiteMedian(kept.map(phaseOf)))} (${median(kept.map((s) => s.pauseMs)).toFixed(1)})`;
      });
      lines.push(`| ${w} | ${l} | ${cells.join(' | ')} |`);
    }
  }
  // Paired ratios: per round, then the median (and range) over rounds.
  const pairs: [string, string, string][] = [];
  /** gcsim's speedup rows, printed again from the phases in which no thread waited for a core. */
  const speedups: [string, string, string][] = [];
  const speedup = (row: [string, string, string]) => {
    pairs.push(row);
    speedups.push(row);
  };
  for (const b of builds) {
    for (const bal of BALANCES) {
      const g = (t: number) => gcsimName(b, bal, t);
      if (WITH_V8) {
        for (const t of THREADS) pairs.push([`${g(t)} / v8 single-threaded`, g(t), 'v8 single-threaded']);
        for (const t of THREADS) if (t > 1) pairs.push([`${g(t)} / v8 default`, g(t), 'v8 default']);
      }
      for (const t of THREADS) if (t > 1 && THREADS.includes(1)) speedup([`gcsim ${b.name}${scheme(bal)}speedup (t=1 / t=${t})`, g(1), g(t)]);
      if (sims.has(atomicName(b))) for (const t of THREADS) if (t > 1) speedup([`gcsim ${b.name}${scheme(bal)}speedup over the same code (t=1 atomic / t=${t})`, atomicName(b), g(t)]);
    }
    for (const t of OWNER_THREADS) {
      if (!sims.has(ownerName(b, t))) continue;
      if (THREADS.includes(1)) speedup([`gcsim ${b.name}speedup with owner marking and scavenging (t=1 / t=${t} owner)`, gcsimName(b, BALANCES[0], 1), ownerName(b, t)]);
      pairs.push([`gcsim ${b.name}t=${t} / t=${t} owner (what owner marking and scavenging save)`, gcsimName(b, BALANCES[0], t), ownerName(b, t)]);
      if (WITH_V8) pairs.push([`${ownerName(b, t)} / v8 default`, ownerName(b, t), 'v8 default']);
    }
    for (const t of BITMAP_THREADS) {
      if (!sims.has(bitmapsName(b, t))) continue;
      if (THREADS.includes(1)) speedup([`gcsim ${b.name}speedup with thread mark bitmaps (t=1 / t=${t} bitmaps)`, gcsimName(b, BALANCES[0], 1), bitmapsName(b, t)]);
      pairs.push([`gcsim ${b.name}t=${t} / t=${t} bitmaps (what thread mark bitmaps save)`, gcsimName(b, BALANCES[0], t), bitmapsName(b, t)]);
      if (WITH_V8) pairs.push([`${bitmapsName(b, t)} / v8 default`, bitmapsName(b, t), 'v8 default']);
    }
    if (sims.has(atomicName(b))) {
      pairs.push([`${atomicName(b)} / gcsim ${b.name}t=1 (what the atomics cost one thread)`, atomicName(b), gcsimName(b, BALANCES[0], 1)]);
      if (WITH_V8) pairs.push([`${atomicName(b)} / v8 single-threaded`, atomicName(b), 'v8 single-threaded']);
    }
  }
  if (WITH_V8) pairs.push(['v8 speedup (single / default)', 'v8 single-threaded', 'v8 default']);
  for (const bal of BALANCES) for (let i = 1; i < builds.length; i++) for (const t of THREADS) pairs.push([`${builds[i].name}/ ${builds[0].name}at ${scheme(bal)}t=${t}`, gcsimName(builds[i], bal, t), gcsimName(builds[0], bal, t)]);
  /** The table of paired ratios `rows` over `from`. */
  const ratioTable = (rows: [string, string, string][], from: Map<string, Sample[]>) => {
    lines.push(`| ratio | ${WORKS.flatMap((w) => LAYOUTS.map((l) => `${w} ${l}`)).join(' | ')} |`);
    lines.push(`| --- | ${WORKS.flatMap(() => LAYOUTS.map(() => '---:')).join(' | ')} |`);
    for (const [name, a, b] of rows) {
      const cells = WORKS.flatMap((w) =>
        LAYOUTS.map((l) => {
          const xa = from.get(key(w, l, a)) ?? [];
          const xb = from.get(key(w, l, b)) ?? [];
          return ratioCell(xa.map((s, i) => phaseOf(s) / (xb[i] === undefined ? NaN : phaseOf(xb[i]))));
        }),
      );
      lines.push(`| ${name} | ${cells.join(' | ')} |`);
    }
  };
  if (pairs.length > 0) {
    lines.push('', 'Paired ratios of the main phase: median over rounds [its 95% interval, percentile bootstrap] (range).', '');
    ratioTable(pairs, samples);
  }
  // The speedups of the same rounds once more, without the phases in which the machine took a
  // core from a thread: one run shows how much of the spread that was, paired by round.
  const calm = DROP_WAITS ? null : withoutLongWaits(samples);
  if (speedups.length > 0 && calm !== null) {
    lines.push('', 'The speedups of the same rounds, leaving out every phase in which a thread waited 1 ms or more for a core (a round with such a phase in either configuration drops out of that ratio; `BENCH_GC_WAITS=drop` leaves them out of every figure):', '');
    ratioTable(speedups, calm);
  }
  lines.push('', hostGcNote, waitNote(configs, samples, DROP_WAITS));
  process.stdout.write(lines.join('\n') + '\n');
}

await main();

/**
 * Collector throughput on a large object graph: scavenge and mark-compact time per live object
 * at threads = 1, 2 and 4 (BENCH_GC_THREADS), on graphs of GC_OBJECTS (default 1M; BENCH_GC_OBJECTS) objects of four
 * pointer fields built through the mutator API: a 3-ary tree (so marking can spread over
 * threads) plus one extra edge per object. Layouts: `neighbouring` allocates the tree in
 * depth-first order and points the extra edge at the next object (most edges land nearby);
 * `random` places tree nodes at random and points the extra edge anywhere (a cache miss per
 * edge). Scavenge: a fresh graph in new space each iteration (built outside the timing), one
 * collect('minor') copies all of it. Mark: the graph promoted to old space once, then
 * collect('major') repeatedly (marks all of it, sweeps, evacuates nothing). Extra columns: the
 * main parallel phase alone (`scavenge.parallel`, `mc.mark`) per object, median.
 */
import { Bench } from 'tinybench';
import { Simulator } from '../src/experiments/simulator.ts';
import { KIND_TAGGED } from '../src/heap/layout.ts';
import type { Mutator } from '../src/mutator/mutator.ts';
import { Rng } from '../src/workloads/rng.ts';
import { extra, median, note, perItem, unavailable } from './bench-kit.ts';

const DEFAULT_OBJECTS = 1_000_000;
const N = Math.max(1000, Number(process.env.BENCH_GC_OBJECTS) || DEFAULT_OBJECTS);
const FIELDS = 4;
/** Iterations per task: each is a whole-heap GC of N objects (and, for scavenge, a rebuild). */
const ITERATIONS = Number(process.env.BENCH_GC_ITERATIONS) || 5;
const LAYOUTS = ['neighbouring', 'random'] as const;
type Layout = (typeof LAYOUTS)[number];
const GLOBAL = 'bench.graph';

/** MB of new space that holds the graph with room to spare: 4 fields + 2 header words. */
const SEMI_MB = Math.max(1, Math.ceil(((N * (2 + FIELDS) * 4) / 1048576) * 1.3));

const sims: Simulator[] = [];

/** Pre-order index of each node of the implicit 3-ary tree (children of p: 3p+1..3p+3). */
function depthFirstOrder(n: number): Int32Array {
  const order = new Int32Array(n);
  const stack = new Int32Array(n);
  let sp = 0;
  let next = 0;
  stack[sp++] = 0;
  while (sp > 0) {
    const p = stack[--sp];
    order[p] = next++;
    for (let c = 3; c >= 1; c--) if (3 * p + c < n) stack[sp++] = 3 * p + c;
  }
  return order;
}

function randomOrder(n: number, rng: Rng): Int32Array {
  const a = new Int32Array(n);
  for (let i = 0; i < n; i++) a[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
  return a;
}

/** Builds the graph in new space and roots it in a global; every object is reachable. */
export function buildGraph(m: Mutator, n: number, layout: Layout, seed = 1): void {
  const map = m.maps.define('Bench.GraphNode', KIND_TAGGED);
  const rng = new Rng(seed);
  const s = m.openScope();
  const h = new Int32Array(n);
  for (let i = 0; i < n; i++) h[i] = m.allocate(map, FIELDS);
  const at = layout === 'neighbouring' ? depthFirstOrder(n) : randomOrder(n, rng);
  for (let p = 0; p < n; p++) {
    const host = h[at[p]];
    for (let c = 1; c <= 3; c++) {
      const q = 3 * p + c;
      if (q < n) m.set(host, c - 1, h[at[q]]);
    }
    m.set(host, 3, h[layout === 'neighbouring' ? (at[p] + 1) % n : rng.int(n)]);
  }
  m.setGlobal(GLOBAL, h[at[0]]);
  m.closeScope(s);
}

function dropGraph(m: Mutator): void {
  m.setGlobal(GLOBAL, 0);
}

function lastPhaseMs(sim: Simulator, phase: string): number {
  const ev = sim.gc.events[sim.gc.events.length - 1];
  return ev?.phasesMs[phase] ?? NaN;
}

async function suiteFor(threads: number): Promise<Bench> {
  const bench = new Bench({ name: `gc threads=${threads}`, time: 0, iterations: ITERATIONS, warmup: false });
  const names = LAYOUTS.flatMap((l) => [`scavenge, ${l}`, `mark-compact, ${l}`]);
  let sim: Simulator;
  try {
    sim = await Simulator.create({
      threads,
      maxSemiSpaceSize: SEMI_MB,
      initialOldSpaceSize: 4 * SEMI_MB,
      maxOldSpaceSize: 16 * SEMI_MB,
      maxHandles: Math.min(1 << 24, 2 ** Math.ceil(Math.log2(N + 4096))),
      concurrentMarking: false, // mark inside the timed pause
    });
  } catch (e) {
    for (const t of names) unavailable(bench, t, e instanceof Error ? e.message : String(e));
    return bench;
  }
  sims.push(sim);
  const m = sim.mutator;
  for (const layout of LAYOUTS) {
    const scav: number[] = [];
    const sName = `scavenge, ${layout}`;
    bench.add(sName, () => m.collect('minor'), {
      beforeEach: () => {
        dropGraph(m);
        m.collect('minor'); // empty new space (all dead): the copy below is the whole graph
        buildGraph(m, N, layout);
      },
      afterEach: () => {
        scav.push(lastPhaseMs(sim, 'scavenge.parallel'));
      },
      afterAll: () => extra(bench, sName, 'main phase per object (p50)', `${((median(scav) * 1e6) / N).toFixed(1)} ns (scavenge.parallel)`),
    });
    perItem(bench, sName, N, 'object');

    const mark: number[] = [];
    const mName = `mark-compact, ${layout}`;
    bench.add(mName, () => m.collect('major'), {
      beforeAll: () => {
        dropGraph(m);
        m.collect('major'); // clear out earlier graphs
        buildGraph(m, N, layout);
        m.collect('minor');
        m.collect('minor'); // survived twice: promoted, the graph is all in old space
      },
      afterEach: () => {
        mark.push(lastPhaseMs(sim, 'mc.mark'));
      },
      afterAll: () => extra(bench, mName, 'main phase per object (p50)', `${((median(mark) * 1e6) / N).toFixed(1)} ns (mc.mark)`),
    });
    perItem(bench, mName, N, 'object');
  }
  return bench;
}

export async function suites(): Promise<Bench[]> {
  const threads = (process.env.BENCH_GC_THREADS ?? '1,2,4').split(',').map(Number);
  const out: Bench[] = [];
  for (const t of threads) out.push(await suiteFor(t));
  note(out[0], `${N.toLocaleString('en')} objects of ${FIELDS} pointer fields (${((N * (2 + FIELDS) * 4) / 1048576).toFixed(0)} MB), ${ITERATIONS} iterations per task`);
  return out;
}

export async function teardown(): Promise<void> {
  for (const s of sims.splice(0)) await s.close();
}

/**
 * The benchmark graph of bench/gc.bench.ts, built through the mutator API: N objects of four
 * pointer fields forming a 3-ary tree (so marking can spread over threads) plus one extra edge
 * per object. `neighbouring` allocates the tree in depth-first order and points the extra edge
 * at the next object (most edges land nearby); `random` places tree nodes at random and points
 * the extra edge anywhere (a cache miss per edge). bench/v8-graph-child.mjs builds the same
 * shape, with the same seeded shuffle, out of plain JS objects for V8.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Mutator } from '../src/mutator/mutator.ts';
import { OPTION_TABLE } from '../src/options.ts';
import { compiledBuildIsFresh } from '../src/scheduler/compiled-build.ts';
import { depthFirstOrder, randomOrder } from './graph-order.mjs';
import { type CpuCache, describeCaches } from './bench-kit.ts';

export const FIELDS = 4;
/** Bytes of one graph object in gcsim's heap: a header, a length and FIELDS slots of 4 bytes. */
export const GCSIM_OBJECT_BYTES = (2 + FIELDS) * 4;
/** Bytes of one graph object in V8's heap: Node 20 has no pointer compression, and spends 56 bytes on a four-field object. */
const V8_OBJECT_BYTES = 56;
export const LAYOUTS = ['neighbouring', 'random'] as const;
export type Layout = (typeof LAYOUTS)[number];
export const GRAPH_GLOBAL = 'bench.graph';

/** What the builder needs besides the mutator: passed in, so compiled and source builds both work. */
export interface GraphDeps {
  kindTagged: number;
  rng: (seed: number) => { int(n: number): number };
}

/** Builds the graph in new space and roots it in a global; every object is reachable. */
export function buildGraph(m: Mutator, deps: GraphDeps, n: number, layout: Layout, seed = 1): void {
  const map = m.maps.define('Bench.GraphNode', deps.kindTagged);
  const rng = deps.rng(seed);
  const s = m.openScope();
  const h = new Int32Array(n);
  for (let i = 0; i < n; i++) h[i] = m.allocate(map, FIELDS);
  const at = wireGraph(m, h, layout, rng);
  m.setGlobal(GRAPH_GLOBAL, h[at[0]]);
  m.closeScope(s);
}

/**
 * Wires the objects of handles `h` (in allocation order, FIELDS slots each) into the graph of
 * `layout` and returns where each tree node is: node p (children 3p+1..3p+3, node 0 the root) is
 * `h[at[p]]`. Draws from `rng` in the same order as bench/v8-graph-child.mjs.
 */
export function wireGraph(m: Mutator, h: ArrayLike<number>, layout: Layout, rng: { int(n: number): number }): Int32Array {
  const n = h.length;
  const at = layout === 'neighbouring' ? depthFirstOrder(n) : randomOrder(n, (k) => rng.int(k));
  for (let p = 0; p < n; p++) {
    const host = h[at[p]];
    for (let c = 1; c <= 3; c++) {
      const q = 3 * p + c;
      if (q < n) m.set(host, c - 1, h[at[q]]);
    }
    m.set(host, 3, h[layout === 'neighbouring' ? (at[p] + 1) % n : rng.int(n)]);
  }
  return at;
}

/** Did each of two threads take one of two equal islands of `n` objects in all (each at least 45%)? */
export function oneIslandEach(threads: readonly { objects: number }[], n: number): boolean {
  return threads.length === 2 && Math.min(...threads.map((t) => t.objects)) >= 0.45 * n;
}

/**
 * Roots graphs that must each be one work item of a parallel phase (the island figures). `roots[k]`
 * holds the handles of island k's roots, at most `chunk` - 1 (`chunk`: ROOT_CHUNK, the handles of
 * one root item). Each island's roots go into an array object of their own, allocated like the
 * islands (`tenured`), which outlives scope `s`; `s` is closed, the handle stack padded with null
 * handles up to a chunk boundary, and each island's array and roots pushed, one chunk each. So the
 * handle stack ends in [island 0's chunk | island 1's chunk | ...]. Returns the first handle of
 * island 0's chunk; `m.closeScope(s)` drops them all again.
 */
export function rootIslandsInChunks(m: Mutator, deps: GraphDeps, s: number, roots: ArrayLike<number>[], chunk: number, tenured: boolean): number {
  const holderMap = m.maps.define('Bench.IslandRoots', deps.kindTagged);
  for (const [k, r] of roots.entries()) {
    if (r.length > chunk - 1) throw new Error(`rootIslandsInChunks: ${r.length} roots do not fit one chunk of ${chunk} handles`);
    const holder = m.allocate(holderMap, r.length, tenured);
    for (let i = 0; i < r.length; i++) m.set(holder, i, r[i]);
    m.setGlobal(`bench.island${k}`, holder);
  }
  m.closeScope(s);
  // Root items cover the handle stack in chunks from handle 1 (addRootItems).
  while ((m.handleCount - 1) % chunk !== 0) m.getGlobal('bench.none');
  const first = m.handleCount;
  for (const [k, r] of roots.entries()) {
    const g = m.getGlobal(`bench.island${k}`);
    for (let i = 0; i < r.length; i++) m.get(g, i);
    for (let i = r.length + 1; i < chunk; i++) m.getGlobal('bench.none');
    m.setGlobal(`bench.island${k}`, 0);
  }
  return first;
}

type SimulatorModule = typeof import('../src/experiments/simulator.ts');
type Simulator = import('../src/experiments/simulator.ts').Simulator;

interface WarmupModule {
  warmUp: typeof import('../src/experiments/warmup.ts').warmUp;
  scratchHeap: typeof import('../src/experiments/warmup.ts').scratchHeap;
  resolveOptions: typeof import('../src/options.ts').resolveOptions;
}

/** What `loadCompiledBuild` returns. */
export interface CompiledBuild {
  Simulator: SimulatorModule['Simulator'];
  deps: GraphDeps;
  /** dist/ is older than a file of src/ or workers/. */
  stale: boolean;
  /** The build's JIT warm-up (src/experiments/warmup.ts), or null for a build from before it. */
  warmup: WarmupModule | null;
}

/**
 * The compiled build (dist/, `npm run build`) of the checkout at `root`: its Simulator and the
 * graph builder's dependencies. Benchmarks measure it, as `gcsim run` runs it: helpers then load
 * the participant module with import(), not through tsx's CommonJS transform, whose getters on
 * every imported constant slow the hot loops 2-3x.
 */
export async function loadCompiledBuild(root: string): Promise<CompiledBuild> {
  const DIST = path.join(root, 'dist');
  const simJs = path.join(DIST, 'src', 'experiments', 'simulator.js');
  if (!fs.existsSync(simJs)) throw new Error(`bench gc measures the compiled build: run \`npm run build\` in ${root} first`);
  const dist = (file: string) => pathToFileURL(path.join(DIST, 'src', file)).href;
  const sim = (await import(dist('experiments/simulator.js'))) as SimulatorModule;
  const layout = (await import(dist('heap/layout.js'))) as { KIND_TAGGED: number };
  const rngMod = (await import(dist('workloads/rng.js'))) as { Rng: new (seed: number) => { int(n: number): number } };
  const stale = !compiledBuildIsFresh(root);
  // A build from before the warm-up program has no warmup.js; a broken one fails here, loudly.
  let warmup: WarmupModule | null = null;
  if (fs.existsSync(path.join(DIST, 'src', 'experiments', 'warmup.js'))) {
    const w = (await import(dist('experiments/warmup.js'))) as typeof import('../src/experiments/warmup.ts');
    const o = (await import(dist('options.js'))) as typeof import('../src/options.ts');
    warmup = { warmUp: w.warmUp, scratchHeap: w.scratchHeap, resolveOptions: o.resolveOptions };
  }
  return { Simulator: sim.Simulator, deps: { kindTagged: layout.KIND_TAGGED, rng: (s) => new rngMod.Rng(s) }, stale, warmup };
}

/**
 * A simulator of `build` with `options`, warmed as `gcsim run` warms its measured one (option
 * jitWarmup, src/experiments/run.ts): the warm-up program runs on a scratch simulator with the same
 * options (sized by `scratchHeap`, every helper in every phase), where every thread meets the
 * collector's rare paths (a lost forwarding race, a steal, a contended lock), and the new simulator
 * takes over its helpers with their optimised code. A plain simulator when `warm` is false or the
 * build has no warm-up. `optional`: null for options the build rejects (a build from before
 * them); a failure of the warm-up itself is thrown either way. The steps are run.ts's, written
 * here from the build's own warmUp and scratchHeap, so that `BENCH_GC_BUILDS` warms an older
 * checkout as it warms this one.
 */
export async function createWarmed(build: CompiledBuild, options: Record<string, unknown>, warm: boolean): Promise<Simulator>;
export async function createWarmed(build: CompiledBuild, options: Record<string, unknown>, warm: boolean, optional: true): Promise<Simulator | null>;
export async function createWarmed(build: CompiledBuild, options: Record<string, unknown>, warm: boolean, optional = false): Promise<Simulator | null> {
  const warmup = warm ? build.warmup : null;
  if (warmup === null) return optional ? build.Simulator.create(options).catch(() => null) : build.Simulator.create(options);
  let resolved: ReturnType<WarmupModule['resolveOptions']>;
  try {
    resolved = warmup.resolveOptions(options);
  } catch (e) {
    if (optional) return null;
    throw e;
  }
  const plan = warmup.scratchHeap(resolved);
  const scratch = await build.Simulator.create({ ...plan.options, helperJoin: 'all', preTouch: false }, { keepRoomBytes: plan.keepRoomBytes });
  try {
    warmup.warmUp(scratch, undefined, undefined, resolved.helperJoin);
    return await build.Simulator.create(options, { reuseHelpersOf: scratch });
  } finally {
    await scratch.close();
  }
}

/**
 * What the island figures (bench/figures/bitmap-sharing.ts, island-scavenge.ts) load from the
 * compiled build at `root`: `loadCompiledBuild`'s, the host-thread shells, and ROOT_CHUNK.
 */
export async function loadIslandBuild(root: string) {
  const build = await loadCompiledBuild(root);
  const dist = (file: string) => pathToFileURL(path.join(root, 'dist', 'src', file)).href;
  const hostThreads = (await import(dist('scheduler/host-threads.js'))) as typeof import('../src/scheduler/host-threads.ts');
  const { ROOT_CHUNK } = (await import(dist('gc/work-items.js'))) as typeof import('../src/gc/work-items.ts');
  return { ...build, hostThreads, ROOT_CHUNK };
}

/**
 * Simulator sizes for the graph of `n` objects: new space holds it with room to spare (6 words of
 * 4 bytes an object), old space holds it promoted, and the handle stack its builder's handles.
 * Marking is stop-the-world, inside the timed pause.
 */
export function graphSimOptions(n: number) {
  const semiMb = Math.max(1, Math.ceil(((n * GCSIM_OBJECT_BYTES) / 1048576) * 1.3));
  // Old space at most the option's bound (4 GiB, V8's pointer-compression cage): from 10M
  // objects on, 16 semispaces would pass it, and the graph promoted needs far less.
  const oldMb = Math.min(OPTION_TABLE.maxOldSpaceSize.max, 16 * semiMb);
  return {
    maxSemiSpaceSize: semiMb,
    initialOldSpaceSize: Math.min(oldMb, 4 * semiMb),
    maxOldSpaceSize: oldMb,
    maxHandles: Math.min(1 << 26, 2 ** Math.ceil(Math.log2(n + 4096))),
    concurrentMarking: false,
  };
}

/**
 * One line for a report: what the graph of `n` objects takes in gcsim's heap and in V8's, and
 * whether gcsim's fits in the largest of `caches`. A heap the caches hold makes each object cheap and whatever
 * two threads share weigh more (docs/performance.md, "A host whose caches hold the graph").
 */
export function graphAgainstCaches(n: number, caches: readonly CpuCache[]): string {
  const mb = (bytes: number) => `${+(bytes / 1048576).toFixed(bytes < 10 * 1048576 ? 1 : 0)} MB`;
  const gcsimBytes = n * GCSIM_OBJECT_BYTES;
  const last = caches.at(-1);
  const fit = last === undefined ? '' : `; the largest cache here is ${describeCaches([last])}, which gcsim's ${gcsimBytes <= last.bytes ? 'fits in' : 'does not fit in'}`;
  return `The graph takes ${mb(gcsimBytes)} in gcsim's heap and ${mb(n * V8_OBJECT_BYTES)} in V8's${fit}.`;
}

/** V8's semi-space (MB) for the graph of `n` objects in new space. */
export function v8SemiSpaceMb(n: number): number {
  return Math.max(16, Math.ceil(((n * V8_OBJECT_BYTES) / 1048576) * 1.3));
}

/** What a measurement collects: the graph copied in new space, or marked in old space. */
export const WORKS = ['scavenge', 'mark'] as const;
export type Work = (typeof WORKS)[number];

/**
 * One measurement's program (bench/gc.bench.ts, bench/figures/instructions-child.ts): drops the
 * last graph, builds one of `n` objects where `work` finds it, and has `measured` run the GC to
 * measure: a minor GC of the graph in new space, or a major GC of it promoted to old space, after
 * a first major GC (which may compact). `promoteInParallel`, if given, is called with false
 * before the promoting scavenges and true after them (BENCH_GC_PROMOTE=serial).
 */
export function runGraphProgram(m: Mutator, deps: GraphDeps, work: Work, layout: Layout, n: number, measured: (kind: 'minor' | 'major') => void, promoteInParallel?: (on: boolean) => void): void {
  dropGraph(m);
  if (work === 'scavenge') {
    m.collect('minor'); // empty new space (all dead): the copy measured is the whole graph
    buildGraph(m, deps, n, layout);
    measured('minor');
    return;
  }
  m.collect('major'); // clear out earlier graphs
  buildGraph(m, deps, n, layout);
  promoteInParallel?.(false);
  m.collect('minor');
  m.collect('minor'); // survived twice: promoted, the graph is all in old space
  promoteInParallel?.(true);
  m.collect('major'); // the first full GC after promotion may compact; measure the next one
  measured('major');
}

export function dropGraph(m: Mutator): void {
  m.setGlobal(GRAPH_GLOBAL, 0);
}

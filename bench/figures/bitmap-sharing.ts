// Reproduces a figure of docs/performance.md ("The shared bitmap, measured in the marker"): what sharing the mark bitmap's
// cache lines between two marking threads costs, measured in the marker itself, from the compiled build:
//   npm run build && npx tsx bench/figures/bitmap-sharing.ts [repetitions=7] [objects=1000000] [blocks=8,256] [layout=random]
//
// The heap holds two islands, A and B: two random graphs of the bench graph's shape (bench/graph.ts:
// a 3-ary tree placed at random plus one random edge per node, 6-word objects) with no edge between
// them (`layout` neighbouring: each island the bench graph's neighbouring layout, depth-first in
// its own allocation order, instead). They are allocated in old space in alternating blocks of `block` objects (A, B, A, B, ...),
// so the layouts differ only in where each island's objects lie:
// - block 8 (48 words, three whole cache lines): no object line holds both islands, but each
//   64-byte line of the mark bitmap (the bits of 512 words) holds bits of both;
// - block 256 (1,536 words, three bitmap lines): neither object lines nor bitmap lines are shared.
// Each island is rooted by 4,096 handles, one ROOT_CHUNK work item each, and the two-thread
// simulators run with `--balance static` (no stealing): when each thread claims one item, each
// marks one island, so both threads do the same work in both layouts and share no object, only
// (at block 8) bitmap lines. A mark in which one thread claimed both items (the other woke too
// late) is done again, up to five times, and counted. The one-thread simulators mark the same
// heaps: the layouts' cost without a second thread. The main thread is pinned to CPU 0 and every
// helper to CPU 1 (taskset), so that a helper woken onto the main thread's CPU does not hold it
// off for milliseconds; the one-thread marks then run on CPU 0.
// Compaction is off (quota 0), so the layout stays as built; the script checks it did.
// Where no bitmap line holds both islands (blocks of 256), a fourth simulator, `plain`, marks as
// `static` does but sets its mark bits with a plain or, as one thread does (the ForTesting switch
// TEST_PLAIN_MARKING): the same code as the one-thread mark, on two threads that share nothing.
// It is safe only there; each of its marks must find as many objects as the one-thread mark, and
// its heap is verified at the end.
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { FIELDS, LAYOUTS, type Layout, graphSimOptions, loadIslandBuild, oneIslandEach, rootIslandsInChunks, wireGraph } from '../graph.ts';
import { ThreadPinner, busyNsPerObject, median, medianRange, withTestFlags } from '../bench-kit.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { Simulator, deps, hostThreads, ROOT_CHUNK } = await loadIslandBuild(ROOT);
const { TEST_PLAIN_MARKING } = (await import(pathToFileURL(path.join(ROOT, 'dist', 'src', 'heap', 'heap.js')).href)) as typeof import('../../src/heap/heap.ts');
const { IdlePolicySetter, LineShell, lowerHostThreads } = hostThreads;
const reps = Number(process.argv[2] ?? 7);
const n = Number(process.argv[3] ?? 1_000_000);
const blocks = (process.argv[4] ?? '8,256').split(',').map(Number);
const layout = (process.argv[5] ?? 'random') as Layout;
if (!LAYOUTS.includes(layout) || !(Number.isInteger(reps) && reps >= 1) || !(n >= 4 * ROOT_CHUNK) || blocks.some((b) => !(Number.isInteger(b) && b >= 1))) {
  console.error(`usage: bitmap-sharing.ts [repetitions>=1] [objects>=${4 * ROOT_CHUNK}] [blocks=8,256] [layout=${LAYOUTS.join('|')}]`);
  process.exit(2);
}
// Started before any heap exists: they fork this process, after which every page of a heap would fault once.
const idleSetter = IdlePolicySetter.start();
const pinner = ThreadPinner.start(LineShell);
/** Root handles per island: one work item, the island's holder array among them. */
const ROOTS = ROOT_CHUNK;
const BITMAP_LINE_WORDS = 512; // a 64-byte line of the mark bitmap: one bit per 4-byte word
const OBJECT_LINE_WORDS = 16;

type Sim = Awaited<ReturnType<typeof Simulator.create>>;
/**
 * one: one thread; static: two, each marking the island of the root item it claimed; plain: as
 * static, with plain mark-bit sets (only where no bitmap line is shared); steal: two, gcsim's defaults.
 */
type Kind = 'one' | 'static' | 'plain' | 'steal';
/** The two-thread configurations in which each thread marks one island. */
const isIsland = (kind: Kind) => kind === 'static' || kind === 'plain';
interface Config {
  block: number;
  kind: Kind;
  sim: Sim;
  /** The first root handle (island A's holder) and the addresses of all 2 x ROOTS roots as built. */
  firstRoot: number;
  rootAddrs: number[];
  /** Per kept round: the mark's duration, and its ns per object (the threads' mean). */
  ms: Map<number, number>;
  ns: Map<number, number>;
  /** Island marks done again because one thread took both islands; rounds left out after RETRIES. */
  redone: number;
  dropped: number;
}
/** How many times an island mark in which one thread took both islands is done again. */
const RETRIES = 5;

const base = graphSimOptions(n);
const options = { ...base, compactionQuotaMb: 0, recordPreemption: true };
const SIM_OPTIONS = {
  one: { threads: 1 },
  // Every helper woken at the start, so that each thread is there to claim a root item.
  static: { threads: 2, balance: 'static', helperJoin: 'all' },
  plain: { threads: 2, balance: 'static', helperJoin: 'all' },
  steal: { threads: 2 },
} as const;
const configs: Config[] = [];
/** Objects each block's one-thread mark found: every mark of the same block must find as many. */
const marked = new Map<number, number>();
for (const block of blocks) {
  for (const kind of ['one', 'static', 'plain', 'steal'] as const) {
    const sim = await Simulator.create({ ...options, ...SIM_OPTIONS[kind] });
    const { firstRoot, rootAddrs, shared } = buildIslands(sim, block);
    if (kind === 'one') console.log(`block ${block}: lines holding both islands: mark bitmap ${pct(shared.bitmap)}, objects ${pct(shared.object)}`);
    if (kind === 'plain' && shared.bitmap !== 0) {
      await sim.close();
      continue;
    }
    configs.push({ block, kind, sim, firstRoot, rootAddrs, ms: new Map(), ns: new Map(), redone: 0, dropped: 0 });
  }
}
try {
  for (const c of configs) for (let i = 0; i < 3; i++) mark(c); // warm-up: the code optimised
  const host = await lowerHostThreads(configs.flatMap((c) => c.sim.collectorThreadIds()), 19, 'idle', idleSetter);
  const pins = configs.flatMap((c) => c.sim.collectorThreadIds().map((tid, i) => [tid, i === 0 ? 0 : 1] as const));
  const pinned = await pinner.pin(pins);
  console.log(`host threads lowered ${host.lowered}, SCHED_IDLE ${host.idle}; collector threads pinned ${pinned} of ${pins.length}`);
  for (let r = 0; r < reps; r++) {
    const line: string[] = [];
    // Rotated each round, so no configuration always runs right after the same one.
    for (let k = 0; k < configs.length; k++) {
      const c = configs[(k + r) % configs.length];
      // A mark in which one thread claimed both root items (the other woke too late) is done
      // again, up to RETRIES times, and counted.
      let p = mark(c);
      const island = isIsland(c.kind);
      for (let retry = 0; island && !oneIslandEach(p.threads, n) && retry < RETRIES; retry++) {
        c.redone++;
        p = mark(c);
      }
      const split = p.threads.map((t) => t.objects);
      if (island && !oneIslandEach(p.threads, n)) {
        c.dropped++;
        line.push(`${name(c)}: one thread took both islands ${RETRIES + 1} times (${split.join('/')}), left out`);
        continue;
      }
      const ns = p.threads.map(busyNsPerObject);
      c.ms.set(r, p.durationMs);
      // Weighted by objects: a thread that marked few objects says little.
      c.ns.set(r, p.threads.reduce((x, t, i) => x + ns[i] * t.objects, 0) / p.threads.reduce((x, t) => x + t.objects, 0));
      line.push(`${name(c)}: ${p.durationMs.toFixed(1)} ms [${p.threads.map((t, i) => `t${t.thread} ${t.objects} obj ${ns[i].toFixed(0)} ns/obj pre ${(t.preemptedMs ?? 0).toFixed(2)}`).join('; ')}]`);
    }
    console.log(`round ${r + 1}: ${line.join(' | ')}`);
  }
  for (const c of configs) {
    const moved = c.rootAddrs.some((a, i) => a !== c.sim.mutator.addressOf(c.firstRoot + i));
    if (moved) throw new Error(`${name(c)}: an object moved; the layout is not the one built`);
    if (c.kind === 'plain') {
      const errors = c.sim.verify();
      if (errors.length > 0) throw new Error(`${name(c)}: the heap does not verify: ${errors[0]}`);
    }
  }
  console.log("\nmedian (min-max) over the rounds; ns per object: the threads' busy time less their waits for a core, over their objects");
  for (const block of blocks) {
    const one = configs.find((c) => c.block === block && c.kind === 'one')!;
    console.log(`block ${block}, threads 1: ${median([...one.ms.values()]).toFixed(1)} ms, ${median([...one.ns.values()]).toFixed(0)} ns/obj`);
    for (const two of configs.filter((c) => c.block === block && c.kind !== 'one')) {
      // Paired by round with the one-thread mark of the same round.
      const speedup = [...two.ms].map(([r, ms]) => one.ms.get(r)! / ms);
      const cost = [...two.ns].map(([r, ns]) => ns / one.ns.get(r)!);
      const left = isIsland(two.kind) ? `; ${two.redone} marks done again, ${two.dropped} rounds left out` : '';
      console.log(
        `block ${block}, threads 2 ${two.kind}: ${median([...two.ms.values()]).toFixed(1)} ms, ${median([...two.ns.values()]).toFixed(0)} ns/obj (${two.ms.size} marks${left}); ` +
          `speedup ${medianRange(speedup)}; ns per object over one thread's ${medianRange(cost)}`,
      );
    }
  }
} finally {
  idleSetter.close();
  pinner.close();
  for (const c of configs) await c.sim.close();
}


function name(c: Config): string {
  return `block ${c.block} ${c.kind}`;
}

function pct(x: number): string {
  return `${(100 * x).toFixed(1)}%`;
}

function mark(c: Config) {
  withTestFlags(c.sim, c.kind === 'plain' ? TEST_PLAIN_MARKING : 0, () => c.sim.mutator.collect('major'));
  const p = c.sim.gc.events.at(-1)!.parallel.find((x) => x.name === 'mc.mark')!;
  const objects = p.threads.reduce((x, t) => x + t.objects, 0);
  if (c.kind === 'one' && !marked.has(c.block)) marked.set(c.block, objects);
  const want = marked.get(c.block);
  if (want !== undefined && objects !== want) throw new Error(`${name(c)}: marked ${objects} objects, one thread ${want}`);
  return p;
}

/**
 * Builds the two islands in old space, leaves the handle stack as [null padding | A's ROOTS roots |
 * B's ROOTS roots], each island's roots one work item, and returns the roots' addresses and the
 * share of bitmap and object lines that hold both islands.
 */
function buildIslands(sim: Sim, block: number) {
  const m = sim.mutator;
  const map = m.maps.define('Bench.IslandNode', deps.kindTagged);
  const rng = deps.rng(1);
  const s = m.openScope();
  const h = new Int32Array(n);
  for (let pos = 0; pos < n; pos++) h[pos] = m.allocate(map, FIELDS, true);
  // Blocks of `block` objects alternate between the islands. A block is counted from the start
  // of its allocation buffer (the mutator's LAB, whose start is aligned), not from the first
  // object: a LAB's objects do not fill it exactly, and blocks counted across LABs would straddle
  // lines. Each LAB starts with the island the last one did not, so the islands come out equal.
  const islands: number[][] = [[], []];
  const blockWords = block * (2 + FIELDS);
  let labStart = -1;
  let labs = 0;
  let prev = -1;
  for (let pos = 0; pos < n; pos++) {
    const a = m.addressOf(h[pos]);
    if (a !== prev + 2 + FIELDS) {
      labStart = a;
      labs++;
    }
    islands[(labs + Math.floor((a - labStart) / blockWords)) & 1].push(pos);
    prev = a;
  }
  const roots = islands.map((at) => {
    const handles = Int32Array.from(at, (pos) => h[pos]);
    const tree = wireGraph(m, handles, layout, rng);
    return Array.from({ length: ROOTS - 1 }, (_, i) => handles[tree[i]]);
  });
  // Which island's bits (objects) each bitmap (object) line holds: -1 once it holds both.
  const bitmapLines = new Map<number, number>();
  const objectLines = new Map<number, number>();
  for (const [k, at] of islands.entries()) {
    for (const pos of at) {
      const a = m.addressOf(h[pos]);
      tally(bitmapLines, Math.floor(a / BITMAP_LINE_WORDS), k);
      tally(objectLines, Math.floor(a / OBJECT_LINE_WORDS), k);
      tally(objectLines, Math.floor((a + 1 + FIELDS) / OBJECT_LINE_WORDS), k);
    }
  }
  const first = rootIslandsInChunks(m, deps, s, roots, ROOT_CHUNK, true);
  const rootAddrs: number[] = [];
  for (let i = 0; i < 2 * ROOTS; i++) rootAddrs.push(m.addressOf(first + i));
  return { firstRoot: first, rootAddrs, shared: { bitmap: sharedShare(bitmapLines), object: sharedShare(objectLines) } };
}

function tally(lines: Map<number, number>, line: number, island: number): void {
  const seen = lines.get(line);
  lines.set(line, seen === undefined || seen === island ? island : -1);
}

function sharedShare(lines: Map<number, number>): number {
  let both = 0;
  for (const v of lines.values()) if (v === -1) both++;
  return both / lines.size;
}

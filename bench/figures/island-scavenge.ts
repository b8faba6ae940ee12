// Reproduces a figure of docs/performance.md: how much faster two threads of one gcsim scavenge
// are than one when they share nothing, beside gcsim's own two-thread scavenge of the same objects
// (bench/figures/scavenge-pair.ts runs two simulators of their own instead), from the compiled build:
//   npm run build && npx tsx bench/figures/island-scavenge.ts [repetitions=9] [objects=1000000] [layouts=neighbouring,random]
//
// New space holds two islands: two graphs of the bench graph's shape and layout (bench/graph.ts),
// N/2 objects each, with no edge between them, the first island allocated before the second. Each
// island is rooted by one work item (4,095 of its tree's first nodes and the array that holds
// them). Per round and layout, each configuration builds the islands afresh and scavenges them:
// - `one`: one thread, forwarding with a plain store (gcsim's one-thread scavenger);
// - `one cas`: one thread forwarding with the CAS the threads of a parallel scavenge need
//   (`--cas-forwarding`): the same code as two threads run;
// - `islands`: two threads with `--balance static` (no stealing), each scavenging the island of
//   the root item it claimed: no object, no worklist segment and no LAB shared. A scavenge in which one thread claimed both
//   items (the other woke too late) is done again, up to five times, and counted;
// - `islands plain`: as `islands`, forwarding with a plain store (the ForTesting switch
//   TEST_PLAIN_FORWARDING, safe here because no object is reachable from both islands): the same
//   code as `one`, on two threads that share nothing. Each of its scavenges must copy as many
//   objects as `one`'s of the same layout;
// - `steal`: two threads with gcsim's defaults, stealing across the islands.
// Speedups are paired by round. Time per object is each thread's busy time less its waits for a core.
// The main thread is pinned to CPU 0 and every helper to CPU 1 (taskset), so that a helper woken
// onto the main thread's CPU does not hold it off for milliseconds; the one-thread scavenges then
// run on CPU 0.
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { FIELDS, LAYOUTS, type Layout, graphSimOptions, loadIslandBuild, oneIslandEach, rootIslandsInChunks, wireGraph } from '../graph.ts';
import { ThreadPinner, busyNsPerObject, median, medianRange, withTestFlags } from '../bench-kit.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { Simulator, deps, hostThreads, ROOT_CHUNK } = await loadIslandBuild(ROOT);
const { IdlePolicySetter, LineShell, lowerHostThreads } = hostThreads;
const { TEST_PLAIN_FORWARDING } = (await import(pathToFileURL(path.join(ROOT, 'dist', 'src', 'heap', 'heap.js')).href)) as typeof import('../../src/heap/heap.ts');
const reps = Number(process.argv[2] ?? 9);
const n = Number(process.argv[3] ?? 1_000_000);
const layouts = (process.argv[4] ?? LAYOUTS.join(',')).split(',') as Layout[];
if (!(Number.isInteger(reps) && reps >= 1) || !(n >= 4 * ROOT_CHUNK) || layouts.some((l) => !LAYOUTS.includes(l))) {
  console.error(`usage: island-scavenge.ts [repetitions>=1] [objects>=${4 * ROOT_CHUNK}] [layouts=${LAYOUTS.join(',')}]`);
  process.exit(2);
}
// Started before any heap exists: it forks this process, after which every page of a heap would fault once.
const idleSetter = IdlePolicySetter.start();
const pinner = ThreadPinner.start(LineShell);

const KINDS = ['one', 'one cas', 'islands', 'islands plain', 'steal'] as const;
type Kind = (typeof KINDS)[number];
/** The two-thread configurations in which each thread scavenges one island. */
const isIsland = (kind: Kind) => kind === 'islands' || kind === 'islands plain';
const SIM_OPTIONS = {
  one: { threads: 1 },
  'one cas': { threads: 1, casForwarding: true },
  // Every helper woken at the start, so that each thread is there to claim a root item.
  islands: { threads: 2, balance: 'static', helperJoin: 'all' },
  'islands plain': { threads: 2, balance: 'static', helperJoin: 'all' },
  steal: { threads: 2 },
} as const;
type Sim = Awaited<ReturnType<typeof Simulator.create>>;
interface Config {
  kind: Kind;
  sim: Sim;
  /** Per layout and kept round: the scavenge's duration and its ns per object (weighted by objects). */
  ms: Map<string, number>;
  ns: Map<string, number>;
  /** Island scavenges done again because one thread took both islands; rounds left out after RETRIES. */
  redone: number;
  dropped: number;
}
/** How many times an island scavenge in which one thread took both islands is done again. */
const RETRIES = 5;
const options = { ...graphSimOptions(n), recordPreemption: true };
const configs: Config[] = [];
/** Objects each layout's one-thread scavenge copied: every scavenge of the same layout must copy as many. */
const copied = new Map<Layout, number>();
for (const kind of KINDS) configs.push({ kind, sim: await Simulator.create({ ...options, ...SIM_OPTIONS[kind] }), ms: new Map(), ns: new Map(), redone: 0, dropped: 0 });
try {
  for (const layout of layouts) for (const c of configs) for (let i = 0; i < 2; i++) scavenge(c, layout); // warm-up
  const host = await lowerHostThreads(configs.flatMap((c) => c.sim.collectorThreadIds()), 19, 'idle', idleSetter);
  // The main thread on CPU 0, every helper on CPU 1: a helper woken onto the main thread's CPU
  // held the main thread off it for 3-4 ms at the start of most two-thread scavenges.
  const pins = configs.flatMap((c) => c.sim.collectorThreadIds().map((tid, i) => [tid, i === 0 ? 0 : 1] as const));
  const pinned = await pinner.pin(pins);
  console.log(`host threads lowered ${host.lowered}, SCHED_IDLE ${host.idle}; collector threads pinned ${pinned} of ${pins.length}`);
  for (let r = 0; r < reps; r++) {
    for (const layout of layouts) {
      const line: string[] = [];
      // Rotated each round, so no configuration always runs right after the same one.
      for (let k = 0; k < configs.length; k++) {
        const c = configs[(k + r) % configs.length];
        // A scavenge in which one thread claimed both root items (the other woke too late) is
        // done again, up to RETRIES times, and counted.
        const island = isIsland(c.kind);
        let p = scavenge(c, layout);
        for (let retry = 0; island && !oneIslandEach(p.threads, n) && retry < RETRIES; retry++) {
          c.redone++;
          p = scavenge(c, layout);
        }
        const split = p.threads.map((t) => t.objects);
        if (island && !oneIslandEach(p.threads, n)) {
          c.dropped++;
          line.push(`${c.kind}: one thread took both islands ${RETRIES + 1} times, left out`);
          continue;
        }
        const ns = p.threads.map(busyNsPerObject);
        const objects = split.reduce((x, y) => x + y, 0);
        c.ms.set(`${layout} ${r}`, p.durationMs);
        c.ns.set(`${layout} ${r}`, p.threads.reduce((x, t, i) => x + ns[i] * t.objects, 0) / objects);
        line.push(`${c.kind}: ${p.durationMs.toFixed(1)} ms [${p.threads.map((t, i) => `t${t.thread} ${t.objects} obj ${ns[i].toFixed(0)} ns/obj pre ${(t.preemptedMs ?? 0).toFixed(2)}`).join('; ')}]`);
      }
      console.log(`round ${r + 1} ${layout}: ${line.join(' | ')}`);
    }
  }
  console.log("\nmedian (min-max) over the rounds; ns per object: the threads' busy time less their waits for a core, over their objects");
  for (const layout of layouts) {
    const of = (kind: Kind) => configs.find((c) => c.kind === kind)!;
    const rounds = (c: Config) => [...c.ms.keys()].filter((key) => key.startsWith(`${layout} `));
    for (const c of configs) {
      const keys = rounds(c);
      const left = isIsland(c.kind) ? `; over the layouts ${c.redone} done again, ${c.dropped} rounds left out` : '';
      console.log(`${layout}, ${c.kind}: ${median(keys.map((key) => c.ms.get(key)!)).toFixed(1)} ms, ${median(keys.map((key) => c.ns.get(key)!)).toFixed(0)} ns/obj (${keys.length} scavenges${left})`);
    }
    for (const two of [of('islands'), of('islands plain'), of('steal')]) {
      for (const one of [of('one'), of('one cas')]) {
        const keys = rounds(two).filter((key) => one.ms.has(key));
        const speedup = keys.map((key) => one.ms.get(key)! / two.ms.get(key)!);
        const cost = keys.map((key) => two.ns.get(key)! / one.ns.get(key)!);
        console.log(`${layout}: ${one.kind} / ${two.kind}: speedup ${medianRange(speedup)}; ns per object, ${two.kind} over ${one.kind}: ${medianRange(cost)}`);
      }
    }
  }
} finally {
  idleSetter.close();
  pinner.close();
  for (const c of configs) await c.sim.close();
}


/** `scavengeIslands` for configuration `c`, with its ForTesting switch; checks the objects copied. */
function scavenge(c: Config, layout: Layout) {
  const p = withTestFlags(c.sim, c.kind === 'islands plain' ? TEST_PLAIN_FORWARDING : 0, () => scavengeIslands(c.sim, layout));
  const objects = p.threads.reduce((x, t) => x + t.objects, 0);
  if (c.kind === 'one' && !copied.has(layout)) copied.set(layout, objects);
  const want = copied.get(layout);
  if (want !== undefined && objects !== want) throw new Error(`${c.kind}, ${layout}: copied ${objects} objects, one thread ${want}`);
  return p;
}

/** Builds the two islands in new space, scavenges them, drops them; the scavenge's phase record. */
function scavengeIslands(sim: Sim, layout: Layout) {
  const m = sim.mutator;
  m.collect('minor'); // new space empty: the last round's islands are garbage
  const map = m.maps.define('Bench.IslandNode', deps.kindTagged);
  const rng = deps.rng(1);
  const s = m.openScope();
  const roots: number[][] = [];
  for (let k = 0; k < 2; k++) {
    const h = new Int32Array(n >> 1);
    for (let i = 0; i < h.length; i++) h[i] = m.allocate(map, FIELDS);
    const tree = wireGraph(m, h, layout, rng);
    roots.push(Array.from({ length: ROOT_CHUNK - 1 }, (_, i) => h[tree[i]]));
  }
  rootIslandsInChunks(m, deps, s, roots, ROOT_CHUNK, false);
  m.collect('minor');
  m.closeScope(s);
  return sim.gc.events.at(-1)!.parallel.find((x) => x.name === 'scavenge.parallel')!;
}

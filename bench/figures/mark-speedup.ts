// Where a two-thread mark's time goes, on the mark work of `npm run bench -- gc` (the bench graph,
// bench/graph.ts, built, promoted by two scavenges, then marked by the second of two full GCs).
// Reproduces a figure of docs/performance.md ("Where the two-thread mark's time goes"):
//   npm run build && npx tsx bench/figures/mark-speedup.ts [threads=2] [objects=1000000] [rounds=7] [--serial-promotion] [--only=KEYS]
// Six simulators in one process, their marks alternating in every round, each on a graph built
// for it the same way and each warmed as `gcsim run` warms a measured run (`createWarmed`,
// bench/graph.ts):
//   t=1          one thread, mark bits set with a plain or
//   t=1 atomic   one thread with the atomic or of a parallel mark (option atomicMarking)
//   t=N          N threads (the atomic or)
//   t=N plain    N threads setting bits with a plain or (the ForTesting switch TEST_PLAIN_MARKING):
//                unsafe, a measure of what the atomic or costs N threads, not a result; each of its
//                marks is checked against t=1's object count in the same round
//   t=N alone    the heap of an N-thread simulator (promoted as t=N's is) marked by its main thread
//                alone (`setParallelMarking(false)`, the atomic or): whether that heap is slower
//                to mark in itself, or only for N markers at once
//   t=N owner    N threads with option ownerMarking (and helperJoin all): each sets the bits of its
//                own pages with a plain or and mails the others' targets to them; each round's line
//                gives the targets mailed per object
// --only=KEYS: a comma-separated subset of the configurations to make, by key: one (t=1, always
// made: every ratio is over it), atomic, par (t=N), plain, alone, owner; e.g. --only=par,plain. A
// summary line whose configurations were not made is not printed.
// --serial-promotion: every simulator promotes the graph with the main thread alone
// (`setParallelScavenge`), so every thread count marks a heap laid out alike; by default each
// promotes with all its threads, as `bench gc` does (BENCH_GC_PROMOTE=serial there).
// As a measured run does, the process's other threads run at nice 19 in SCHED_IDLE once the code
// is warm. Rounds in which any thread of any configuration waited 1 ms or more for a core are
// printed and left out of the summary. Per thread: busy ns per object (its wait for a core taken
// out) and its share of the objects.
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { LAYOUTS, createWarmed, graphSimOptions, loadCompiledBuild, runGraphProgram } from '../graph.ts';
import { busyNsPerObject, median, withTestFlags } from '../bench-kit.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const build = await loadCompiledBuild(ROOT);
const { deps } = build;
const { IdlePolicySetter, lowerHostThreads } = (await import(pathToFileURL(path.join(ROOT, 'dist', 'src', 'scheduler', 'host-threads.js')).href)) as typeof import('../../src/scheduler/host-threads.ts');
const { TEST_PLAIN_MARKING } = (await import(pathToFileURL(path.join(ROOT, 'dist', 'src', 'heap', 'heap.js')).href)) as typeof import('../../src/heap/heap.ts');
// Started before any heap exists: it forks this process, after which every page of a heap would fault once.
const idleSetter = IdlePolicySetter.start();
const serial = process.argv.includes('--serial-promotion');
const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const threads = Number(args[0] ?? 2);
const n = Number(args[1] ?? 1_000_000);
const rounds = Number(args[2] ?? 7);
const KEYS = ['one', 'atomic', 'par', 'plain', 'alone', 'owner'] as const;
const onlyArg = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);
const only = onlyArg === undefined ? [...KEYS] : ['one', ...onlyArg.split(',')];
const unknown = only.filter((k) => !(KEYS as readonly string[]).includes(k));
if (!(Number.isInteger(threads) && threads >= 2 && threads <= 16 && Number.isInteger(n) && n >= 1000 && Number.isInteger(rounds) && rounds >= 1) || unknown.length > 0) {
  console.error(`usage: mark-speedup.ts [threads 2..16] [objects >= 1000] [rounds >= 1] [--serial-promotion] [--only=${KEYS.join(',')}]${unknown.length > 0 ? ` (unknown configuration ${unknown.join(', ')})` : ''}`);
  process.exit(2);
}

interface Config {
  name: string;
  sim: Awaited<ReturnType<typeof build.Simulator.create>>;
  flags: number;
  alone: boolean;
}
const options = { ...graphSimOptions(n), recordPreemption: true };
const NAMES: Record<(typeof KEYS)[number], string> = { one: 't=1', atomic: 't=1 atomic', par: `t=${threads}`, plain: `t=${threads} plain`, alone: `t=${threads} alone`, owner: `t=${threads} owner` };
const made: Record<(typeof KEYS)[number], () => Promise<Config>> = {
  one: async () => ({ name: NAMES.one, sim: await createWarmed(build, { ...options, threads: 1 }, true), flags: 0, alone: false }),
  atomic: async () => ({ name: NAMES.atomic, sim: await createWarmed(build, { ...options, threads: 1, atomicMarking: true }, true), flags: 0, alone: false }),
  par: async () => ({ name: NAMES.par, sim: await createWarmed(build, { ...options, threads }, true), flags: 0, alone: false }),
  plain: async () => ({ name: NAMES.plain, sim: await createWarmed(build, { ...options, threads }, true), flags: TEST_PLAIN_MARKING, alone: false }),
  alone: async () => ({ name: NAMES.alone, sim: await createWarmed(build, { ...options, threads }, true), flags: 0, alone: true }),
  owner: async () => ({ name: NAMES.owner, sim: await createWarmed(build, { ...options, threads, ownerMarking: true, helperJoin: 'all' }, true), flags: 0, alone: false }),
};
const configs: Config[] = [];
for (const k of KEYS) if (only.includes(k)) configs.push(await made[k]());

/** One mark of the bench's program on `c`'s simulator: the `mc.mark` phase record. */
function mark(c: Config, layout: (typeof LAYOUTS)[number]) {
  const m = c.sim.mutator;
  const promote = serial ? (on: boolean) => c.sim.setParallelScavenge(on) : undefined;
  const measured = (kind: 'minor' | 'major') => {
    c.sim.setParallelMarking(!c.alone);
    try {
      withTestFlags(c.sim, c.flags, () => m.collect(kind));
    } finally {
      c.sim.setParallelMarking(true);
    }
  };
  runGraphProgram(m, deps, 'mark', layout, n, (kind) => (kind === 'major' ? measured(kind) : m.collect(kind)), promote);
  return c.sim.gc.events.at(-1)!.parallel.find((p) => p.name === 'mc.mark')!;
}

interface Row {
  ms: number;
  nsPerObject: number; // mean over the threads
  minShare: number;
}
try {
  for (const layout of LAYOUTS) for (const c of configs) mark(c, layout); // warm-up
  const host = await lowerHostThreads(configs.flatMap((c) => c.sim.collectorThreadIds()), 19, 'idle', idleSetter);
  console.log(`${n} objects, ${serial ? 'promoted by the main thread alone' : 'promoted by all the threads of each configuration'}; host threads lowered ${host.lowered}, SCHED_IDLE ${host.idle}`);
  for (const layout of LAYOUTS) {
    const kept = new Map<string, Row[]>(configs.map((c) => [c.name, []]));
    let left = 0;
    for (let r = 0; r < rounds; r++) {
      const order = configs.map((_, i) => configs[(i + r) % configs.length]);
      const got = new Map<string, Row>();
      let waited = 0;
      let oneThreadObjects = NaN;
      const line: string[] = [];
      const records = order.map((c) => ({ c, p: mark(c, layout) }));
      for (const { c, p } of records.toSorted((a, b) => configs.indexOf(a.c) - configs.indexOf(b.c))) {
        const objects = p.threads.reduce((s, t) => s + t.objects, 0);
        if (c.name === 't=1') oneThreadObjects = objects;
        const wait = Math.max(...p.threads.map((t) => t.preemptedMs ?? 0));
        waited = Math.max(waited, wait);
        const row = { ms: p.durationMs, nsPerObject: p.threads.reduce((s, t) => s + busyNsPerObject(t), 0) / p.threads.length, minShare: Math.min(...p.threads.map((t) => t.objects / objects)) };
        got.set(c.name, row);
        const lost = c.flags !== 0 && objects !== oneThreadObjects ? ` (${objects} objects against ${oneThreadObjects}: bits lost)` : '';
        const per = p.threads.map((t) => `${busyNsPerObject(t).toFixed(0)}`).join('/');
        const mailed = p.threads.reduce((s, t) => s + (t.mailSent ?? 0), 0);
        const mail = mailed > 0 ? `, mailed ${(mailed / objects).toFixed(2)} per object` : '';
        line.push(`${c.name} ${p.durationMs.toFixed(1)} ms, ns/obj ${per}${p.threads.length > 1 ? `, share ${(row.minShare * 100).toFixed(0)}%` : ''}${mail}${wait >= 0.05 ? `, wait ${wait.toFixed(1)}` : ''}${lost}`);
      }
      const keep = waited < 1;
      if (keep) for (const [k, v] of got) kept.get(k)!.push(v);
      else left++;
      console.log(`${layout} round ${r + 1}${keep ? '' : ' (left out: a thread waited for a core)'}: ${line.join(' | ')}`);
    }
    const med = (name: string, f: (x: Row) => number) => median(kept.get(name)!.map(f));
    const { one, atomic, par, plain, alone, owner } = NAMES;
    const ratio = (a: string, b: string) => {
      const xs = kept.get(a)!;
      const ys = kept.get(b)!;
      return median(xs.map((x, i) => x.ms / ys[i].ms)).toFixed(2);
    };
    /** The parts of a summary line whose configurations were made, joined. */
    const parts = (...ps: [string[], () => string][]) => ps.filter(([names]) => names.every((c) => kept.has(c))).map(([, f]) => f()).join('; ');
    const lines = [
      parts([[par], () => `speedup ${one} / ${par} ${ratio(one, par)}`], [[atomic, par], () => `over the same code ${atomic} / ${par} ${ratio(atomic, par)}`], [[plain], () => `${one} / ${plain} ${ratio(one, plain)}`]),
      parts([[atomic], () => `the atomic or: one thread ${atomic} / ${one} ${ratio(atomic, one)}`], [[par, plain], () => `${threads} threads ${par} / ${plain} ${ratio(par, plain)}`]),
      parts([[owner], () => `owner marking: speedup ${one} / ${owner} ${ratio(one, owner)}`], [[par, owner], () => `${par} / ${owner} ${ratio(par, owner)}`]),
      parts([[alone, atomic], () => `the heap: ${alone} / ${atomic} ${ratio(alone, atomic)} (one thread, the same code, on the heap of t=${threads} and on its own)`]),
    ];
    console.log(`${layout}: ${kept.get(one)!.length} rounds kept, ${left} left out. Medians of paired ratios:`);
    for (const l of lines) if (l !== '') console.log(`  ${l}`);
    const shares = [par, plain].filter((c) => kept.has(c)).map((c) => `, ${c} ${(med(c, (x) => x.minShare) * 100).toFixed(0)}%`);
    console.log(`  busy ns per object per thread: ${configs.map((c) => `${c.name} ${med(c.name, (x) => x.nsPerObject).toFixed(1)}`).join(', ')}${shares.length > 0 ? `; smallest share${shares.join('').slice(1)}` : ''}`);
  }
} finally {
  idleSetter.close();
  for (const c of configs) await c.sim.close();
}

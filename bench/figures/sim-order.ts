// Probe: does a simulator's measurement depend on which ran just before it?
//   npm run build && npm run figure -- bench/figures/sim-order.ts [threads per sim=2,1,1] [rounds=7] [objects=1000000] [rotate=0]
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { graphSimOptions, loadCompiledBuild, runGraphProgram, WORKS, LAYOUTS } from '../graph.ts';
import { median } from '../bench-kit.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { Simulator, deps } = await loadCompiledBuild(ROOT);
const tlist = (process.argv[2] ?? '2,1,1').split(',').map(Number);
const k = tlist.length;
const rounds = Number(process.argv[3] ?? 7);
const n = Number(process.argv[4] ?? 1_000_000);
const rotate = process.argv[5] === '1';
const sims: Awaited<ReturnType<typeof Simulator.create>>[] = [];
for (let i = 0; i < k; i++) sims.push(await Simulator.create({ threads: tlist[i], ...graphSimOptions(n) }));
const ns = new Map<string, number[]>();
const run = (i: number, w: (typeof WORKS)[number], l: (typeof LAYOUTS)[number], size: number) => {
  const m = sims[i].mutator;
  runGraphProgram(m, deps, w, l, size, (kind) => m.collect(kind));
  const e = sims[i].gc.events.at(-1)!;
  const p = e.parallel.find((x) => x.name === (w === 'scavenge' ? 'scavenge.parallel' : 'mc.mark'))!;
  return (p.durationMs * 1e6) / size;
};
for (let i = 0; i < k; i++) for (const w of WORKS) for (const l of LAYOUTS) run(i, w, l, Math.min(n, 200_000));
for (let i = 0; i < k; i++) run(i, 'scavenge', 'neighbouring', n);
for (let r = 0; r < rounds; r++) {
  for (const w of WORKS) for (const l of LAYOUTS) for (let j = 0; j < k; j++) {
    const i = rotate ? (j + r) % k : j;
    const key = `${w} ${l} sim${i} t=${tlist[i]}`;
    if (!ns.has(key)) ns.set(key, []);
    ns.get(key)!.push(run(i, w, l, n));
  }
}
for (const [key, xs] of ns) console.log(`${key}: ${median(xs).toFixed(1)} ns/obj (${xs.map((x) => x.toFixed(0)).join(' ')})`);
for (const s of sims) await s.close();

// Reproduces a figure of docs/performance.md: per-object mark and scavenge cost at 1M, 10M and
// 50M objects, the DRAM-latency floor, and side-table memory per GiB of heap. Compiled build:
//   npm run build && npx tsx bench/figures/scale.ts [N,N,...] [threads]
// Each N builds the bench graph (bench/graph.ts, random and neighbouring layouts) once in new
// space, scavenges it (`scavenge.parallel`, copied within new space), promotes it and marks it
// twice (`mc.mark` of the second). Needs ~90 bytes of RAM per object at 50M (semispaces, old
// space, handles, the builder's arrays).
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LAYOUTS, buildGraph, dropGraph, loadCompiledBuild } from '../graph.ts';
import { randomOrder } from '../graph-order.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { Simulator, deps } = await loadCompiledBuild(ROOT);

const SIZES = (process.argv[2] ?? '1000000,10000000,50000000').split(',').map(Number);
const THREADS = Number(process.argv[3] ?? 1);

/** Dependent random loads over `mb` MiB: the latency floor of a graph too big for the caches. */
function chaseNs(mb: number): number {
  const n = (mb * 1048576) / 4;
  const next = new Int32Array(n);
  // One random cycle through every 16th word (one load per 64-byte line).
  const lines = n >>> 4;
  const rng = deps.rng(3);
  const perm = randomOrder(lines, (k) => rng.int(k));
  for (let i = 0; i < lines; i++) next[perm[i] << 4] = perm[(i + 1) % lines] << 4;
  let p = 0;
  const steps = 4_000_000;
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) p = next[p];
  const ns = ((performance.now() - t0) * 1e6) / steps;
  return p === -1 ? -1 : ns;
}

console.log(`load ${os.loadavg()[0].toFixed(2)}, threads ${THREADS}`);
console.log(`dependent random loads: ${chaseNs(1).toFixed(1)} ns within 1 MiB, ${chaseNs(16).toFixed(1)} ns within 16 MiB, ${chaseNs(1024).toFixed(1)} ns within 1 GiB`);
for (const n of SIZES) {
  const graphMb = (n * 6 * 4) / 1048576;
  const semiMb = Math.max(1, Math.ceil(graphMb * 1.2));
  const sim = await Simulator.create({
    threads: THREADS,
    maxSemiSpaceSize: semiMb,
    maxOldSpaceSize: Math.min(4096, Math.ceil(graphMb * 2.5) + 64),
    initialOldSpaceSize: Math.min(4096, Math.ceil(graphMb * 2.5) + 64),
    maxHandles: 2 ** Math.ceil(Math.log2(n + 4096)),
    concurrentMarking: false,
    incrementalMarking: false,
  });
  try {
    const b = sim.heap.buffers;
    const side = 3 * b.bitmapBytes + b.pageMeta.byteLength;
    const heapGiB = sim.heap.mem.byteLength / 2 ** 30;
    for (const layout of LAYOUTS) {
      const m = sim.mutator;
      dropGraph(m);
      m.collect('major');
      m.collect('minor');
      const t0 = performance.now();
      buildGraph(m, deps, n, layout);
      const buildS = (performance.now() - t0) / 1000;
      m.collect('minor');
      const scav = sim.gc.events.at(-1)!;
      m.collect('minor'); // promoted
      m.collect('major');
      m.collect('major');
      const mark = sim.gc.events.at(-1)!;
      console.log(
        `${n.toLocaleString('en')} objects, ${layout}: scavenge ${((scav.phasesMs['scavenge.parallel'] * 1e6) / n).toFixed(0)} ns/object ` +
          `(pause ${scav.pauseMs.toFixed(0)} ms), mark ${((mark.phasesMs['mc.mark'] * 1e6) / n).toFixed(0)} ns/object (pause ${mark.pauseMs.toFixed(0)} ms); ` +
          `build ${buildS.toFixed(1)} s; side tables ${((side / 2 ** 20) / heapGiB).toFixed(1)} MiB per GiB of heap`,
      );
      // With threads > 1, each thread's share: where a phase falls short of the thread count, the
      // split and the idle time say whether the threads lacked work or were slower per object.
      if (THREADS > 1) {
        for (const [e, name] of [[scav, 'scavenge.parallel'], [mark, 'mc.mark']] as const) {
          const p = e.parallel.find((x) => x.name === name)!;
          const rows = p.threads.map((t) => `t${t.thread} ${t.objects} objects, busy ${t.busyMs.toFixed(0)} idle ${t.idleMs.toFixed(0)} ms, steals ${t.stealsSucceeded}`);
          console.log(`  ${name} ${p.durationMs.toFixed(0)} ms: ${rows.join(' | ')}`);
        }
      }
    }
  } finally {
    await sim.close();
  }
}

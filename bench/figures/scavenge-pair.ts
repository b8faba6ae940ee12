// What the machine allows a two-thread scavenge. Two one-thread simulators, one in each of two
// worker threads: alone, one of them scavenges a bench graph (bench/graph.ts) of N objects while
// the other idles; both at once, each scavenges a graph of N/2 of its own, started on the same
// shared flag. The same objects and bytes in all, but nothing shared between the two halves: no
// stealing, no forwarding race (each thread forwards with a plain store), perfect balance. So
// alone / both (the slower of the two) is the speedup a perfect parallel scavenge of that graph
// could reach on this machine at that moment; `scavenge-threads.ts` measures the real one.
//   npm run build && npx tsx bench/figures/scavenge-pair.ts [objects=1000000] [repetitions=7]
// Each repetition runs alone-0, alone-1 and both, in a rotating order. The times are the
// `scavenge.parallel` phase of each scavenge.
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { LAYOUTS } from '../graph.ts';
import { COMMAND, DONE, GO, LAYOUT, OBJECTS, READY, type PairData } from './scavenge-pair-worker.ts';
import { WorkerCommands, aloneAndBoth, median, waitAtLeast } from '../bench-kit.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
await main();

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const n = Number(args[0] ?? 1_000_000);
  const reps = Number(args[1] ?? 7);
  if (!(Number.isInteger(n) && n >= 1000 && Number.isInteger(reps) && reps > 0)) {
    console.error('usage: scavenge-pair.ts [objects >= 1000] [repetitions >= 1]');
    process.exit(2);
  }
  const ctl = new Int32Array(new SharedArrayBuffer(64));
  const times = new Float64Array(new SharedArrayBuffer(16));
  // Workers do not inherit tsx's hooks; its require hook, registered in the worker, loads the TS.
  const boot = `require('tsx/cjs'); require(${JSON.stringify(path.join(ROOT, 'bench/figures/scavenge-pair-worker.ts'))}).run(require('node:worker_threads').workerData);`;
  const workers = [0, 1].map((id) => new Worker(boot, { eval: true, workerData: { ctl, times, id, n, root: ROOT } satisfies PairData }));
  const commands = new WorkerCommands(ctl, COMMAND, DONE);
  /** One measured scavenge on the workers `ids`, each of a fresh graph of `objects`; ms each. */
  const trial = async (layout: number, ids: number[], objects: number): Promise<number[]> => {
    Atomics.store(ctl, READY, 0);
    Atomics.store(ctl, GO, 0);
    Atomics.store(ctl, LAYOUT, layout);
    Atomics.store(ctl, OBJECTS, objects);
    commands.send(ids);
    await waitAtLeast(ctl, READY, ids.length); // graphs built, each worker spinning on GO
    Atomics.store(ctl, GO, 1);
    await commands.waitDone(ids.length);
    return ids.map((id) => times[id]);
  };
  try {
    await commands.waitDone(2); // both warmed up
    console.log(`load ${os.loadavg()[0].toFixed(2)}; ${n} objects, alone or two halves at once; ${reps} repetitions`);
    const half = Math.floor(n / 2);
    for (const [l, layout] of LAYOUTS.entries()) {
      const alone: number[][] = [[], []];
      const both: number[][] = [[], []];
      const bounds: number[] = [];
      for (let r = 0; r < reps; r++) {
        // alone: the whole graph; both: a half each
        const got = await aloneAndBoth(r, (ids) => trial(l, ids, ids.length === 2 ? half : n));
        for (const w of [0, 1]) {
          alone[w].push(got.alone[w]);
          both[w].push(got.both[w]);
        }
        bounds.push((got.alone[0] + got.alone[1]) / 2 / Math.max(...got.both));
        const ns = (ms: number, k: number) => ((ms * 1e6) / k).toFixed(0);
        console.log(`${layout}: alone ${ns(got.alone[0], n)} / ${ns(got.alone[1], n)}, halves at once ${ns(got.both[0], half)} / ${ns(got.both[1], half)} ns per object`);
      }
      const f = (xs: number[], k: number) => ((median(xs) * 1e6) / k).toFixed(0);
      console.log(`${layout}: median ns per object alone ${f(alone[0], n)} / ${f(alone[1], n)}, halves at once ${f(both[0], half)} / ${f(both[1], half)}; two-thread bound ${median(bounds).toFixed(2)} (${Math.min(...bounds).toFixed(2)}-${Math.max(...bounds).toFixed(2)})`);
    }
  } finally {
    commands.stop();
    await Promise.all(workers.map((w) => new Promise((res) => w.once('exit', res))));
  }
}

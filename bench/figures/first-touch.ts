// Reproduces a figure of docs/performance.md: first touches of fresh shared memory (page faults),
// one thread against two at once, and a second pass over touched memory:
//   npx tsx bench/figures/first-touch.ts [megabytes=64] [repetitions=3]
import { Worker } from 'node:worker_threads';

const MB = 1 << 20;
const size = Number(process.argv[2] ?? 64) * MB;
const reps = Number(process.argv[3] ?? 3);

/** Writes one word of every 4 KB page of [from, to) (Int32 indices). */
function touch(sab: SharedArrayBuffer, from: number, to: number): void {
  const a = new Int32Array(sab);
  for (let i = from; i < to; i += 1024) a[i] = 1;
}

// The workers' body, as plain JavaScript (no loader needed): wait for the start word, touch, report.
const WORKER = `
const { workerData, parentPort } = require('node:worker_threads');
const { sab, go, from, to } = workerData;
Atomics.wait(new Int32Array(go), 0, 0);
const t0 = performance.now();
const a = new Int32Array(sab);
for (let i = from; i < to; i += 1024) a[i] = 1;
parentPort.postMessage(performance.now() - t0);
`;

const words = size / 4;
for (let rep = 0; rep < reps; rep++) {
  const one = new SharedArrayBuffer(size);
  let t0 = performance.now();
  touch(one, 0, words);
  const oneMs = performance.now() - t0;
  t0 = performance.now();
  touch(one, 0, words);
  const againMs = performance.now() - t0;

  const sab = new SharedArrayBuffer(size);
  const go = new SharedArrayBuffer(4);
  const workers = [0, 1].map((k) => new Worker(WORKER, { eval: true, workerData: { sab, go, from: (k * words) / 2, to: ((k + 1) * words) / 2 } }));
  const done = workers.map((w) => new Promise<number>((resolve) => w.once('message', resolve)));
  await new Promise((r) => setTimeout(r, 300)); // both workers started and waiting
  t0 = performance.now();
  Atomics.store(new Int32Array(go), 0, 1);
  Atomics.notify(new Int32Array(go), 0);
  const perThread = await Promise.all(done);
  const twoMs = performance.now() - t0;
  for (const w of workers) await w.terminate();
  console.log(`${size / MB} MB: one thread ${oneMs.toFixed(1)} ms (touched again: ${againMs.toFixed(1)} ms); two threads ${twoMs.toFixed(1)} ms (per thread ${perThread.map((x) => x.toFixed(1)).join(', ')}): ${(oneMs / twoMs).toFixed(2)}x`);
}

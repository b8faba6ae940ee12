// How evenly this machine's two cores run the same work at the same moment: two worker threads
// run one kernel side by side for a few seconds, and each 50 ms window compares their progress.
//   npx tsx bench/figures/core-drift.ts [seconds=4] [--json]
// A collector's two-thread phase ends when its slower thread does: if, with nothing shared and
// the same code, one core sometimes runs a third slower than the other, a parallel phase loses
// that much however well it balances (work stealing moves work to the faster thread only while
// work is left to move). Kernels (the same as core-contention.ts): `alu` (hashing in L1), `chase`
// (a random walk through 64 MB: one dependent miss per step, as marking a random layout) and
// `evac` (copying 6-word objects in order with a forwarding store, as evacuation). Each worker
// runs its kernel in chunks of about 0.3 ms and records when each chunk ended; per window, the
// rate of the faster worker over the slower one. Then each worker alone for the same time (the
// other blocked): the spread of one core's own rate from window to window, for comparison.
// Printed per kernel: the faster/slower ratio at its median, 90th percentile and maximum over
// the windows, the share of windows at 1.25 or more, and each worker's alone spread (10th-90th
// percentile of its window rates over their median). Also the pair's progress per window over
// one core's alone (the mean of the two alone medians): the two-thread bound of core-contention.ts
// window by window, at its 10th, 50th and 90th percentile, and the share of windows at 1.8 or more.
import { Worker } from 'node:worker_threads';
import { percentileNearestRank as percentile } from '../../src/metrics/pauses.ts';
import { CHASE_WALK_SOURCE, WorkerCommands, commandLoopSource } from '../bench-kit.ts';

const args = process.argv.slice(2).filter((a) => a !== '--json');
const json = process.argv.includes('--json');
const seconds = Number(args[0] ?? 4);
if (!(Number.isFinite(seconds) && seconds >= 0.5 && seconds <= 600)) {
  console.error('usage: core-drift.ts [seconds in 0.5..600] [--json]');
  process.exit(2);
}
const KERNELS = ['alu', 'chase', 'evac'] as const;
const WINDOW_MS = 50;
/** Chunk end times each worker can record in one run. */
const MAX_CHUNKS = 1 << 20;

// control words: [0] kernel, [1 + w] worker w's command (run until [3] is set), [3] stop, [4] done count
const KERNEL = 0;
const COMMAND = 1;
const STOP = 3;
const DONE = 4;

const body = `
const { workerData } = require('node:worker_threads');
const { ctl, ends, counts, id } = workerData;
const alu = new Int32Array(1024);
${CHASE_WALK_SOURCE}
const OBJECTS = 1 << 20;
const from = new Int32Array(OBJECTS * 6);
const to = new Int32Array(OBJECTS * 6);
for (let i = 0; i < from.length; i++) from[i] = i << 1;
let sink = 0, p = 0, o = 0;
// One chunk of each kernel: about 0.3 ms here.
function aluChunk() { let h = sink; for (let i = 0; i < 1 << 18; i++) { h = (Math.imul(h, 31) + alu[i & 1023] + i) | 0; alu[(h >>> 7) & 1023] = h; } sink = h; }
function chaseChunk() { let q = p; for (let i = 0; i < 2048; i++) q = chase[q]; p = q; }
function evacChunk() { for (let k = 0; k < 8192; k++) { const h = from[o]; to[o] = h; for (let i = 1; i < 6; i++) to[o + i] = from[o + i]; from[o] = h ^ 1; o += 6; if (o === from.length) o = 0; } }
const chunk = [aluChunk, chaseChunk, evacChunk];
for (let k = 0; k < chunk.length; k++) for (let r = 0; r < 2000; r++) chunk[k](); // optimised before any timing
${commandLoopSource(
  COMMAND,
  DONE,
  `  const run = chunk[Atomics.load(ctl, ${KERNEL})];
  let n = 0;
  while (Atomics.load(ctl, ${STOP}) === 0 && n < ${MAX_CHUNKS}) {
    run();
    ends[n++] = performance.timeOrigin + performance.now();
  }
  counts[id] = n;`,
)}`;

const ctl = new Int32Array(new SharedArrayBuffer(32));
const ends = [0, 1].map(() => new Float64Array(new SharedArrayBuffer(MAX_CHUNKS * 8)));
const counts = new Int32Array(new SharedArrayBuffer(8));
const workers = [0, 1].map((id) => new Worker(body, { eval: true, workerData: { ctl, ends: ends[id], counts, id } }));
const commands = new WorkerCommands(ctl, COMMAND, DONE);

/** Runs kernel k on the workers `ids` for `ms`; each one's chunk end times (ms since the epoch). */
async function runFor(k: number, ids: number[], ms: number): Promise<Float64Array[]> {
  Atomics.store(ctl, KERNEL, k);
  Atomics.store(ctl, STOP, 0);
  commands.send(ids);
  await new Promise((r) => setTimeout(r, ms));
  Atomics.store(ctl, STOP, 1);
  await commands.waitDone(ids.length);
  return ids.map((id) => ends[id].slice(0, counts[id]));
}

/** Chunks finished in each window of WINDOW_MS from `from` on, for `windows` windows. */
function perWindow(t: Float64Array, from: number, windows: number): number[] {
  const n = new Array<number>(windows).fill(0);
  for (const e of t) {
    const w = Math.floor((e - from) / WINDOW_MS);
    if (w >= 0 && w < windows) n[w]++;
  }
  return n;
}

const r2 = (x: number) => Math.round(x * 100) / 100;
const out: Record<string, { windows: number; ratioP50: number; ratioP90: number; ratioMax: number; shareAtLeast125: number; aloneSpread: [number, number][]; bound: [number, number, number]; shareBoundAtLeast18: number }> = {};
try {
  await commands.waitDone(2);
  for (let k = 0; k < KERNELS.length; k++) {
    const both = await runFor(k, [0, 1], seconds * 1000);
    // The windows both workers covered whole: from the later first chunk to the earlier last one.
    const from = Math.max(both[0][0], both[1][0]);
    const to = Math.min(both[0][both[0].length - 1], both[1][both[1].length - 1]);
    const windows = Math.max(0, Math.floor((to - from) / WINDOW_MS));
    const a = perWindow(both[0], from, windows);
    const b = perWindow(both[1], from, windows);
    const ratios = a.map((x, i) => Math.max(x, b[i]) / Math.max(1, Math.min(x, b[i]))).sort((x, y) => x - y);
    const aloneSpread: [number, number][] = [];
    let aloneSum = 0;
    for (const id of [0, 1]) {
      const [t] = await runFor(k, [id], (seconds * 1000) / 2);
      const w = Math.max(0, Math.floor((t[t.length - 1] - t[0]) / WINDOW_MS));
      const rates = perWindow(t, t[0], w).sort((x, y) => x - y);
      const med = percentile(rates, 50);
      aloneSum += med;
      aloneSpread.push([r2(percentile(rates, 10) / med), r2(percentile(rates, 90) / med)]);
    }
    const bounds = a.map((x, i) => (x + b[i]) / (aloneSum / 2)).sort((x, y) => x - y);
    out[KERNELS[k]] = {
      windows,
      ratioP50: r2(percentile(ratios, 50)),
      ratioP90: r2(percentile(ratios, 90)),
      ratioMax: r2(ratios[ratios.length - 1] ?? NaN),
      shareAtLeast125: r2(ratios.filter((x) => x >= 1.25).length / Math.max(1, ratios.length)),
      aloneSpread,
      bound: [r2(percentile(bounds, 10)), r2(percentile(bounds, 50)), r2(percentile(bounds, 90))],
      shareBoundAtLeast18: r2(bounds.filter((x) => x >= 1.8).length / Math.max(1, bounds.length)),
    };
    const o = out[KERNELS[k]];
    if (!json) {
      console.log(
        `${KERNELS[k].padEnd(5)} both busy, ${windows} windows of ${WINDOW_MS} ms: faster over slower p50 ${o.ratioP50}, p90 ${o.ratioP90}, max ${o.ratioMax}; ` +
          `${Math.round(o.shareAtLeast125 * 100)}% of windows at 1.25 or more; alone, window rate over median (p10-p90): ${o.aloneSpread.map(([lo, hi]) => `${lo}-${hi}`).join(' / ')}; ` +
          `the pair over one core alone (p10 / p50 / p90): ${o.bound.join(' / ')}, ${Math.round(o.shareBoundAtLeast18 * 100)}% of windows at 1.8 or more`,
      );
    }
  }
} finally {
  commands.stop();
  await Promise.all(workers.map((w) => w.terminate()));
}
if (json) console.log(JSON.stringify(out));

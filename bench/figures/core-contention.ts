// A fact about the machine that bounds every two-thread speedup: how fast one thread runs while
// the other core is busy too, against while it idles. Each of two worker threads runs a kernel on
// arrays of its own (but for bits-shared), alone (the other worker blocked in Atomics.wait) or
// both at once, started together; the same fixed work each time, timed inside the worker.
//   npx tsx bench/figures/core-contention.ts [repetitions=7] [--json]
// Kernels, each a kind of work a collector phase is made of:
//   alu     integer hashing within 4 KB (L1): compute-bound, as a scavenge of a neighbouring layout
//   l2      read-modify-write sweeps over 1 MB (L2)
//   stream  copying 32 MB to another 32 MB: memory bandwidth, as evacuation
//   chase   a random cyclic walk through 64 MB: one dependent cache miss per step, as a random layout
//   chase8  eight walks of that cycle at once, each step of one independent of the other seven: up
//           to eight misses in flight, as marking a random layout overlaps the misses of a batch
//   evac    1M 6-word objects (24 MB) copied in order into another 24 MB, a forwarding word
//           stored plainly in each original: the copy of a scavenge without its graph
//   evac-cas  the same with the forwarding word installed by Atomics.compareExchange: what a
//           locked instruction per object costs when the other core is busy too (no line shared)
//   bits    Atomics.or of a random bit of a 1 MB bitmap of the worker's own (the mark bitmap of a
//           32 MB heap), as marking a random layout sets mark bits
//   bits-shared  the same on one bitmap both workers set bits in: each line the other core set a
//           bit in last must come over from its cache first. The only kernel that shares data
//   bits-grouped  bits-shared's bits, each worker holding them first in 1,024 buckets of 64, one
//           per KB of the bitmap (16 cache lines), and setting a bucket's when it fills (the rest at
//           the end): about four bits per line each time a line comes over. Shares data too
// Per kernel: each worker's median time per unit of work alone and with both busy, and the bound
// 2 x alone / both: the speedup at two threads of perfectly parallel work of that kind (for
// bits-shared: of work whose threads set bits in one bitmap, as parallel marking's do; for
// bits-grouped, of the same work grouped by where in the bitmap it lands). Two cores
// that share nothing give 2.0; two hyperthreads of one core, or cores slowed by other tenants of
// the host when both are busy, less. Repetitions alternate alone-0, alone-1 and both, in a
// rotating order, so drifts of the host hit all three alike.
import { Worker } from 'node:worker_threads';
import { CHASE_WALK_SOURCE, WorkerCommands, aloneAndBoth, commandLoopSource, median } from '../bench-kit.ts';

const args = process.argv.slice(2).filter((a) => a !== '--json');
const json = process.argv.includes('--json');
const reps = Number(args[0] ?? 7);
if (!(Number.isInteger(reps) && reps > 0)) {
  console.error('usage: core-contention.ts [repetitions >= 1] [--json]');
  process.exit(2);
}

const KERNELS = ['alu', 'l2', 'stream', 'chase', 'chase8', 'evac', 'evac-cas', 'bits', 'bits-shared', 'bits-grouped'] as const;
// control words: [1] kernel, [COMMAND + w] worker w's command sequence, [8] start flag, [9] workers
// done; each worker's result (ns per unit) is in `times`
const KERNEL = 1;
const COMMAND = 4;
const START = 8;
const DONE = 9;

const body = `
const { workerData } = require('node:worker_threads');
const { ctl, times, id, shared } = workerData;
const alu = new Int32Array(1024);
const l2 = new Int32Array(1 << 18);
const src = new Int32Array(8 << 20);
const dst = new Int32Array(8 << 20);
for (let i = 0; i < src.length; i++) src[i] = i;
${CHASE_WALK_SOURCE}
// 1M objects of 6 words; the header's low bit flips each run, so every run forwards every object
const OBJECTS = 1 << 20;
const from = new Int32Array(new SharedArrayBuffer(OBJECTS * 24));
const to = new Int32Array(OBJECTS * 6);
for (let i = 0; i < from.length; i++) from[i] = i << 1;
let sink = 0;
const BITMAP_WORDS = 1 << 18;
const ownBits = new Int32Array(new SharedArrayBuffer(BITMAP_WORDS * 4));
const sharedBits = new Int32Array(shared);
// Each kernel does a fixed amount of work, its unit: one hash step, one word, one word copied, one miss, one object, one bit set.
function runAlu() { let h = sink; for (let r = 0; r < 40; r++) for (let i = 0; i < 1 << 20; i++) { h = (Math.imul(h, 31) + alu[i & 1023] + i) | 0; alu[(h >>> 7) & 1023] = h; } sink = h; return 40 << 20; }
function runL2() { let h = sink; for (let r = 0; r < 64; r++) for (let i = 0; i < l2.length; i++) { h = (h + l2[i]) | 0; l2[i] = h; } sink = h; return 64 * l2.length; }
function runStream() { for (let r = 0; r < 2; r++) dst.set(src); sink ^= dst[12345]; return 2 * src.length; }
function runChase() { let p = 0; for (let i = 0; i < CHASE_STEPS; i++) p = chase[p]; sink ^= p; return CHASE_STEPS; }
// chase8's walks start an eighth of the cycle apart, so they never meet.
const starts = new Int32Array(8);
for (let k = 1, p = 0; k < 8; k++) { for (let i = 0; i < CHASE_STEPS / 8; i++) p = chase[p]; starts[k] = p; }
function runChase8() {
  let p0 = starts[0], p1 = starts[1], p2 = starts[2], p3 = starts[3], p4 = starts[4], p5 = starts[5], p6 = starts[6], p7 = starts[7];
  for (let i = 0; i < CHASE_STEPS / 8; i++) { p0 = chase[p0]; p1 = chase[p1]; p2 = chase[p2]; p3 = chase[p3]; p4 = chase[p4]; p5 = chase[p5]; p6 = chase[p6]; p7 = chase[p7]; }
  sink ^= p0 ^ p1 ^ p2 ^ p3 ^ p4 ^ p5 ^ p6 ^ p7;
  return CHASE_STEPS;
}
function runEvac() { for (let o = 0, t = 0; o < from.length; o += 6, t += 6) { const h = from[o]; to[t] = h; for (let i = 1; i < 6; i++) to[t + i] = from[o + i]; from[o] = h ^ 1; } return OBJECTS; }
function runEvacCas() { for (let o = 0, t = 0; o < from.length; o += 6, t += 6) { const h = from[o]; to[t] = h; for (let i = 1; i < 6; i++) to[t + i] = from[o + i]; if (Atomics.compareExchange(from, o, h, h ^ 1) !== h) sink++; } return OBJECTS; }
function setBits(bits) { let x = (sink | 1) ^ Math.imul(id + 1, 0x9e3779b9); for (let i = 0; i < 1 << 21; i++) { x ^= x << 13; x ^= x >>> 17; x ^= x << 5; Atomics.or(bits, (x >>> 8) & (BITMAP_WORDS - 1), 1 << (x & 31)); } sink ^= x; return 1 << 21; }
// bits-grouped: bucket b holds words b * 256 .. b * 256 + 255 of the bitmap; an entry is a word
// index and a bit, packed as word * 32 + bit
const bucketed = new Int32Array(1024 * 64);
const fill = new Int32Array(1024);
function setBucket(bits, first, n) { for (let j = first; j < first + n; j++) { const e = bucketed[j]; Atomics.or(bits, e >>> 5, 1 << (e & 31)); } }
function setBitsGrouped(bits) {
  let x = (sink | 1) ^ Math.imul(id + 1, 0x9e3779b9);
  for (let i = 0; i < 1 << 21; i++) {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    const w = (x >>> 8) & (BITMAP_WORDS - 1);
    const b = w >>> 8;
    const c = fill[b];
    bucketed[(b << 6) + c] = (w << 5) | (x & 31);
    if (c === 63) { fill[b] = 0; setBucket(bits, b << 6, 64); } else fill[b] = c + 1;
  }
  for (let b = 0; b < 1024; b++) { setBucket(bits, b << 6, fill[b]); fill[b] = 0; }
  sink ^= x;
  return 1 << 21;
}
function runBits() { return setBits(ownBits); }
function runBitsShared() { return setBits(sharedBits); }
function runBitsGrouped() { return setBitsGrouped(sharedBits); }
const run = [runAlu, runL2, runStream, runChase, runChase8, runEvac, runEvacCas, runBits, runBitsShared, runBitsGrouped];
for (let k = 0; k < run.length; k++) for (let r = 0; r < 3; r++) run[k](); // optimised before any timing
${commandLoopSource(
  COMMAND,
  DONE,
  `  const k = Atomics.load(ctl, ${KERNEL});
  while (Atomics.load(ctl, ${START}) === 0) {}
  const t0 = performance.now();
  const units = run[k]();
  times[id] = ((performance.now() - t0) * 1e6) / units;`,
)}`;

const ctl = new Int32Array(new SharedArrayBuffer(64));
const times = new Float64Array(new SharedArrayBuffer(16));
const shared = new SharedArrayBuffer(4 << 18); // bits-shared's bitmap
const workers = [0, 1].map((id) => new Worker(body, { eval: true, workerData: { ctl, times, id, shared } }));
const commands = new WorkerCommands(ctl, COMMAND, DONE);
await commands.waitDone(2);

/** Runs kernel k on the workers `ids` at once; each one's ns per unit of work. */
async function trial(k: number, ids: number[]): Promise<number[]> {
  Atomics.store(ctl, KERNEL, k);
  Atomics.store(ctl, START, 0);
  commands.send(ids);
  await new Promise((r) => setTimeout(r, 5)); // both woken and spinning on START
  Atomics.store(ctl, START, 1);
  await commands.waitDone(ids.length);
  return ids.map((id) => times[id]);
}

const out: Record<string, { alone: number[]; both: number[]; bound: number }> = {};
try {
  for (const [k, name] of KERNELS.entries()) {
    const alone: number[][] = [[], []];
    const both: number[][] = [[], []];
    const bounds: number[] = [];
    for (let r = 0; r < reps; r++) {
      const got = await aloneAndBoth(r, (ids) => trial(k, ids));
      for (const w of [0, 1]) {
        alone[w].push(got.alone[w]);
        both[w].push(got.both[w]);
      }
      // per repetition: the work both do at once over the work each does alone, in the same time
      bounds.push(got.alone[0] / got.both[0] + got.alone[1] / got.both[1]);
    }
    const m = (xs: number[]) => median(xs);
    out[name] = { alone: alone.map(m), both: both.map(m), bound: m(bounds) };
    if (!json) {
      const f = (x: number) => x.toFixed(2);
      console.log(`${name.padEnd(6)} ns per unit, alone ${f(m(alone[0]))} / ${f(m(alone[1]))}, both busy ${f(m(both[0]))} / ${f(m(both[1]))}; two-thread bound ${f(m(bounds))} (${f(Math.min(...bounds))}-${f(Math.max(...bounds))})`);
    }
  }
} finally {
  commands.stop();
  await Promise.all(workers.map((w) => new Promise((r) => w.once('exit', r))));
}
if (json) console.log(JSON.stringify(out));

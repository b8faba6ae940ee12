// The machine's bound for evacuation at two threads: what a plain parallel loop gains on the
// same bytes as the fragmenter compaction of docs/performance.md. Reproduces its figure:
//   npx tsx bench/figures/copy-anchor.ts [repetitions=5] [objects=1000000] [--json]
// (`bench/figures/evacuation.ts N --anchor` runs it between its pairs, for ratios side by side.)
// The main thread writes `objects` 8-word objects (32 MB, as the mutator does) and a mark bitmap
// with half of them live at random; then the live ones are copied into target pages, one
// thread alone or two at once, each claiming 256 KB source pages and 32 KB target buffers from
// shared counters (as gcsim's items and LABs), leaving a forwarding word in each original. No
// marking of the copies, no slot records, no locks: only the loads and stores any copying
// collector makes. Per repetition, alternating: one thread, two threads, both into fresh target
// pages (first touches, as gcsim's growing heap has) and again into pages written before. The
// code runs a few untimed rounds first, so it is optimised on both threads.
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { Rng } from '../../src/workloads/rng.ts';
import { medianRange } from '../bench-kit.ts';

const args = process.argv.slice(2).filter((a) => a !== '--json');
const json = process.argv.includes('--json');
const reps = Number(args[0] ?? 5);
const objects = Number(args[1] ?? 1_000_000);
if (!(Number.isInteger(reps) && reps > 0 && Number.isInteger(objects) && objects >= 1000)) {
  console.error('usage: copy-anchor.ts [repetitions >= 1] [objects >= 1000] [--json]');
  process.exit(2);
}
const OBJECT_WORDS = 8;
const PAGE_WORDS = 1 << 16;
const LAB_WORDS = 8192;
const pages = Math.ceil((objects * OBJECT_WORDS) / PAGE_WORDS);
const srcWords = pages * PAGE_WORDS;
const dstWords = srcWords / 2 + 4 * PAGE_WORDS; // half live, plus room for the last buffers

/**
 * One thread's share of the copy: claims source pages (ctl[0]) until none is left, copies each
 * marked object to a bump pointer in target buffers claimed from ctl[1], and leaves the tagged
 * forwarding address in the original's first word. Returns the objects copied. Self-contained:
 * the workers run its source text.
 */
function copyShare(src: Int32Array, bits: Int32Array, dst: Int32Array, ctl: Int32Array, pageCount: number, pageWords: number, labWords: number): number {
  let top = 0;
  let limit = 0;
  let copied = 0;
  const bitWordsPerPage = pageWords >>> 5;
  for (let p = Atomics.add(ctl, 0, 1); p < pageCount; p = Atomics.add(ctl, 0, 1)) {
    for (let w = p * bitWordsPerPage, w1 = w + bitWordsPerPage; w < w1; w++) {
      let b = bits[w];
      while (b !== 0) {
        const low = b & -b;
        b ^= low;
        const a = (w << 5) + (31 - Math.clz32(low));
        const size = 2 + src[a + 1];
        if (top + size > limit) {
          top = Atomics.add(ctl, 1, labWords);
          limit = top + labWords;
        }
        for (let k = 0; k < size; k++) dst[top + k] = src[a + k];
        src[a] = (top << 1) | 1;
        top += size;
        copied++;
      }
    }
  }
  return copied;
}

/**
 * One thread's share of pointer updating: claims chunks of the table (ctl[6]) and replaces each
 * slot that points to a copied object by the forwarding address left in its first word, which
 * either thread wrote during the copy. Self-contained like `copyShare`.
 */
function updateShare(table: Int32Array, src: Int32Array, ctl: Int32Array, chunkSlots: number): number {
  let updated = 0;
  for (let c = Atomics.add(ctl, 6, 1) * chunkSlots; c < table.length; c = Atomics.add(ctl, 6, 1) * chunkSlots) {
    for (let s = c, end = Math.min(c + chunkSlots, table.length); s < end; s++) {
      const v = table[s];
      if ((v & 1) === 0) continue;
      const h = src[v >>> 1];
      if ((h & 1) !== 0) {
        table[s] = h;
        updated++;
      }
    }
  }
  return updated;
}

// The helper: waits for each round's start (ctl[2] counts rounds), copies its share, counts
// itself done in ctl[3] and wakes the main thread. ctl[5] says which phase (0 copy, 1 update);
// ctl[4] = 1 tells it to stop.
const HELPER = `
const { workerData } = require('node:worker_threads');
const copyShare = ${copyShare.toString()};
const updateShare = ${updateShare.toString()};
const ctl = new Int32Array(workerData.ctl);
const src = new Int32Array(workerData.src), bits = new Int32Array(workerData.bits), dst = new Int32Array(workerData.dst), table = new Int32Array(workerData.table);
for (let round = 1; ; round++) {
  while (Atomics.load(ctl, 2) < round) Atomics.wait(ctl, 2, round - 1);
  if (Atomics.load(ctl, 4) === 1) break;
  if (Atomics.load(ctl, 5) === 0) copyShare(src, bits, dst, ctl, ${pages}, ${PAGE_WORDS}, ${LAB_WORDS});
  else updateShare(table, src, ctl, ${PAGE_WORDS});
  Atomics.add(ctl, 3, 1);
  Atomics.notify(ctl, 3);
}`;

const WARMUP_ROUNDS = 6;
// Target regions: region 0 is reused (its pages written before), every other one is used once.
const regions = 1 + WARMUP_ROUNDS + 2 * reps;
// Shared words (plain indices: the loop functions run as source text in the worker too): 0 next
// source page, 1 next target buffer, 2 rounds started, 3 helpers done, 4 stop, 5 phase (0 copy,
// 1 update), 6 next table chunk.
const ctl = new Int32Array(new SharedArrayBuffer(64));
const src = new Int32Array(new SharedArrayBuffer(srcWords * 4));
const bits = new Int32Array(new SharedArrayBuffer(srcWords / 8));
const dst = new Int32Array(new SharedArrayBuffer(regions * dstWords * 4));
// The references to the objects, as fragmenter's table holds them: one slot per object, a
// tagged pointer for a live one and a small integer for a dead one.
const table = new Int32Array(new SharedArrayBuffer(objects * 4));
const helper = new Worker(HELPER, { eval: true, workerData: { ctl: ctl.buffer, src: src.buffer, bits: bits.buffer, dst: dst.buffer, table: table.buffer } });

const rng = new Rng(1);
const live = new Uint8Array(objects);
for (let i = 0; i < objects; i++) live[i] = rng.int(2);

/** Writes the objects and the bitmap from the main thread, as the mutator and the marker did. */
function prepare(): void {
  bits.fill(0);
  for (let i = 0; i < objects; i++) {
    const a = i * OBJECT_WORDS;
    src[a] = 0x40; // a header (even: not a forwarding address)
    src[a + 1] = OBJECT_WORDS - 2;
    for (let k = 2; k < OBJECT_WORDS; k++) src[a + k] = ((i + k) << 1) | 1;
    if (live[i] === 1) bits[a >>> 5] |= 1 << (a & 31);
    table[i] = live[i] === 1 ? (a << 1) | 1 : 0;
  }
}

let round = 0;
let nextFresh = 1;

/** Starts a phase on the helper (threads = 2) with ctl[5] = phase. */
function startHelper(threads: number, phase: number): void {
  ctl[3] = 0;
  ctl[5] = phase;
  if (threads === 2) {
    Atomics.store(ctl, 2, ++round);
    Atomics.notify(ctl, 2);
  }
}

function joinHelper(threads: number): void {
  if (threads === 2) while (Atomics.load(ctl, 3) < 1) Atomics.wait(ctl, 3, 0);
}

interface Times { copyMs: number; updateMs: number }

/** One copy, then pointer updating, at 1 or 2 threads, into target region `region`. */
function copyRound(threads: number, region: number): Times {
  prepare();
  ctl[0] = 0;
  ctl[1] = region * dstWords;
  ctl[6] = 0;
  let t0 = performance.now();
  startHelper(threads, 0);
  const copied = copyShare(src, bits, dst, ctl, pages, PAGE_WORDS, LAB_WORDS);
  joinHelper(threads);
  const copyMs = performance.now() - t0;
  t0 = performance.now();
  startHelper(threads, 1);
  updateShare(table, src, ctl, PAGE_WORDS);
  joinHelper(threads);
  const updateMs = performance.now() - t0;
  if (copied === 0 || ctl[1] > (region + 1) * dstWords) throw new Error('copy anchor: bad round');
  for (let i = 0; i < objects; i += 9973) {
    if (live[i] === 1 && table[i] !== src[i * OBJECT_WORDS]) throw new Error(`copy anchor: slot ${i} not updated`);
  }
  return { copyMs, updateMs };
}

const fresh = (threads: number) => copyRound(threads, nextFresh++);
const touched = (threads: number) => copyRound(threads, 0);


console.log(`load ${os.loadavg()[0].toFixed(2)}; ${objects} objects of ${OBJECT_WORDS} words from ${pages} pages, half live; ${reps} repetitions`);
try {
  for (let i = 0; i < WARMUP_ROUNDS / 2; i++) {
    fresh(1);
    fresh(2);
    touched(1);
    touched(2);
  }
  const ratios = { fresh: [] as number[], touched: [] as number[], update: [] as number[] };
  const ms = (t: Times) => `copy ${t.copyMs.toFixed(1)} ms, update ${t.updateMs.toFixed(1)} ms`;
  for (let r = 0; r < reps; r++) {
    const f1 = fresh(1);
    const f2 = fresh(2);
    const t1 = touched(1);
    const t2 = touched(2);
    ratios.fresh.push(f2.copyMs / f1.copyMs);
    ratios.touched.push(t2.copyMs / t1.copyMs);
    ratios.update.push((f2.updateMs + t2.updateMs) / (f1.updateMs + t1.updateMs));
    console.log(`rep ${r + 1}: fresh target pages: threads 1 ${ms(f1)}; threads 2 ${ms(f2)}; pages written before: threads 1 ${ms(t1)}; threads 2 ${ms(t2)}`);
  }
  console.log(`plain loops, t2/t1 median (range): copy into fresh pages ${medianRange(ratios.fresh)}, into pages written before ${medianRange(ratios.touched)}; pointer updating ${medianRange(ratios.update)}; load ${os.loadavg()[0].toFixed(2)}`);
  if (json) console.log(JSON.stringify({ copyFresh: ratios.fresh, copyTouched: ratios.touched, update: ratios.update }));
} finally {
  Atomics.store(ctl, 4, 1);
  Atomics.store(ctl, 2, ++round);
  Atomics.notify(ctl, 2);
  await helper.terminate();
}

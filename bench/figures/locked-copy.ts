// What the forwarding CAS costs one thread of a copying collector, and why it costs a scavenge
// more than its own instruction. Reproduces a figure of docs/performance.md ("The CAS"):
//   npx tsx bench/figures/locked-copy.ts [repetitions=7] [objects=1048576]
// One thread copies `objects` 6-word objects in address order into another area (a neighbouring
// scavenge's copies without its graph) and leaves a forwarding word in each original, in the
// shared wasm memory the heap uses, forwarding with the heap's own wasm `cas`
// (src/parallel/wasm-atomics.ts). Variants, in the same rounds, alternating:
//   plain        a plain store of the forwarding word (gcsim at threads = 1)
//   cas          a CAS after the copy (V8's order, gcsim at threads > 1)
//   claim-first  the CAS before the copy (HotSpot G1's order)
//   fence        a plain store, and a CAS on one unrelated word per object: a locked instruction
//                that orders nothing the loop needs
//   plain-miss, cas-miss   plain and cas with one independent load per object from a random
//                place in 64 MB: the cache misses a scavenge's loads of its targets make
// On x86 every locked instruction waits for the loads before it to complete, and no later load
// starts before it: in a loop with a miss per object, the misses of successive objects no longer
// overlap. The copy's stores cost it nothing that order changes (claim-first, fence).
// Per variant: median ns per object over the repetitions, and their range.
import os from 'node:os';
import { atomicsFor, createSharedMemory, WASM_PAGE_BYTES } from '../../src/parallel/wasm-atomics.ts';
import { median } from '../bench-kit.ts';

const reps = Number(process.argv[2] ?? 7);
const objects = Number(process.argv[3] ?? 1 << 20);
if (!(Number.isInteger(reps) && reps > 0 && Number.isInteger(objects) && objects >= 1024 && objects <= 1 << 24)) {
  console.error('usage: locked-copy.ts [repetitions >= 1] [objects 1024..16777216]');
  process.exit(2);
}
const W = 6;
const WORDS = objects * W;
const FROM = 16; // words 0-1 hold the memory's id; word 4 is the fence's
const TO = FROM + WORDS;
const memory = createSharedMemory(Math.ceil(((TO + WORDS) * 4) / WASM_PAGE_BYTES));
const { cas } = atomicsFor(memory);
const mem = new Int32Array(memory.buffer);
for (let i = 0; i < WORDS; i++) mem[FROM + i] = i << 1; // even words: each header flips to odd and back
mem.fill(1, TO, TO + WORDS); // the target area written once: no first touches in the rounds
const RANDOM_WORDS = 16 << 20;
const far = new Int32Array(RANDOM_WORDS);
for (let i = 0; i < RANDOM_WORDS; i++) far[i] = i;
let sink = 0; // CASes that found another header: none, one thread
let touched = 0; // the random loads' values, in module state the compiler cannot drop

// Each variant forwards every object once; the header it replaces is the one it read.
function plain(): void {
  for (let o = FROM, t = TO; o < TO; o += W, t += W) {
    const h = mem[o];
    mem[t] = h;
    for (let i = 1; i < W; i++) mem[t + i] = mem[o + i];
    mem[o] = h ^ 1;
  }
}
function casAfter(): void {
  for (let o = FROM, t = TO; o < TO; o += W, t += W) {
    const h = mem[o];
    mem[t] = h;
    for (let i = 1; i < W; i++) mem[t + i] = mem[o + i];
    if (cas(0, o, h, h ^ 1) !== h) sink++;
  }
}
function claimFirst(): void {
  for (let o = FROM, t = TO; o < TO; o += W, t += W) {
    const h = mem[o];
    if (cas(0, o, h, h ^ 1) !== h) {
      sink++;
      continue;
    }
    mem[t] = h;
    for (let i = 1; i < W; i++) mem[t + i] = mem[o + i];
  }
}
function fence(): void {
  for (let o = FROM, t = TO; o < TO; o += W, t += W) {
    const h = mem[o];
    mem[t] = h;
    for (let i = 1; i < W; i++) mem[t + i] = mem[o + i];
    mem[o] = h ^ 1;
    cas(0, 4, 0, 0);
  }
}
/** A copy loop with one independent load per object from a random place in 64 MB; forwarding plain or CASed. */
function withMiss(locked: boolean): void {
  let x = 1;
  let s = 0;
  for (let o = FROM, t = TO; o < TO; o += W, t += W) {
    x = (Math.imul(x, 1103515245) + 12345) | 0;
    s ^= far[(x >>> 8) & (RANDOM_WORDS - 1)];
    const h = mem[o];
    mem[t] = h;
    for (let i = 1; i < W; i++) mem[t + i] = mem[o + i];
    if (!locked) mem[o] = h ^ 1;
    else if (cas(0, o, h, h ^ 1) !== h) sink++;
  }
  touched ^= s;
}

const VARIANTS: [string, () => void][] = [
  ['plain', plain],
  ['cas', casAfter],
  ['claim-first', claimFirst],
  ['fence', fence],
  ['plain-miss', () => withMiss(false)],
  ['cas-miss', () => withMiss(true)],
];
for (const [, f] of VARIANTS) for (let r = 0; r < 3; r++) f(); // optimised before any timing
const times = VARIANTS.map(() => [] as number[]);
for (let r = 0; r < reps; r++) {
  // a rotating order, so a drift of the machine hits every variant alike
  for (let k = 0; k < VARIANTS.length; k++) {
    const v = (k + r) % VARIANTS.length;
    const t0 = performance.now();
    VARIANTS[v][1]();
    times[v].push(((performance.now() - t0) * 1e6) / objects);
  }
}
if (sink !== 0) console.error(`unexpected: ${sink} CASes found another header`);
const f = (x: number) => x.toFixed(1);
console.log(`${objects} objects of ${W} words, ${reps} repetitions, load ${os.loadavg()[0].toFixed(2)}`);
for (const [k, [name]] of VARIANTS.entries()) {
  const t = times[k];
  console.log(`${name.padEnd(12)} ${f(median(t)).padStart(6)} ns per object (${f(Math.min(...t))}-${f(Math.max(...t))})`);
}
const m = (name: string) => median(times[VARIANTS.findIndex(([n]) => n === name)]);
console.log(`the CAS adds ${f(m('cas') - m('plain'))} ns per object to the copy, ${f(m('cas-miss') - m('plain-miss'))} with a miss per object`);

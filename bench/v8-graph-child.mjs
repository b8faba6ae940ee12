/**
 * The V8 anchor of bench/gc.bench.ts: builds the same graph as bench/graph.ts (a 3-ary tree plus
 * one extra edge per object, `neighbouring` or `random` layout, the same seeded shuffle) out of
 * plain JS objects with four fields, then collects it with V8's own collector and lets the parent
 * read the times from `--trace-gc-nvp`. Plain JavaScript with no gcsim import, so the heap holds
 * nothing but the graph. Run by the parent as
 *
 *   node --expose-gc --trace-gc-nvp [--single-threaded-gc] --min-semi-space-size=M
 *        --max-semi-space-size=M bench/v8-graph-child.mjs WHAT LAYOUT N [SEED [EVICT_MB]]
 *
 * WHAT = `mark`: the graph promoted to old space, then one full GC (gc()); `scavenge`: a fresh
 * graph in new space, then one minor GC (gc({ type: 'minor' })). The GC to measure is the first
 * nvp line after the `@measure` line printed on stdout; `@built N` comes before it, and any GC
 * between the two (a scavenge during the build) is reported by the parent as a failed run. The
 * measured GC lies between calls of `os.loadavg()` and `os.freemem()`, where
 * bench/figures/instructions.ts has callgrind start and stop counting. EVICT_MB (0 by default):
 * megabytes written just before `@measure`, then `@evicted EVICT_MB`, as the parent writes them
 * before gcsim's measured collections (`BENCH_GC_EVICT`), so that this thread's caches hold none
 * of the graph; the buffer is allocated before the graph is built, so that no collection falls
 * between `@built` and `@measure`.
 */
import os from 'node:os';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { depthFirstOrder, randomOrder } from './graph-order.mjs';

const [what, layout, nArg, seedArg, evictArg] = process.argv.slice(2);
const n = Number(nArg);
const seed = Number(seedArg ?? 1);
const evictMb = Number(evictArg ?? 0);
if (typeof gc !== 'function') throw new Error('run with --expose-gc');
if (!(n > 0) || (what !== 'mark' && what !== 'scavenge') || (layout !== 'neighbouring' && layout !== 'random') || !(Number.isInteger(evictMb) && evictMb >= 0)) {
  throw new Error('usage: v8-graph-child.mjs mark|scavenge neighbouring|random N [SEED [EVICT_MB]]');
}
/** One word of every 64-byte line written (as `evictCaches` in bench/bench-kit.ts). */
const evictBuffer = evictMb > 0 ? new Int32Array((evictMb * 1024 * 1024) / 4) : null;
function evict() {
  if (evictBuffer === null) return;
  for (let i = 0; i < evictBuffer.length; i += 16) evictBuffer[i] = i;
  process.stdout.write(`@evicted ${evictMb}\n`);
}

function Node() {
  this.f0 = null;
  this.f1 = null;
  this.f2 = null;
  this.f3 = null;
}

/** Allocation order is index order; `at` places tree node p at index at[p] (as bench/graph.ts). */
function build() {
  const g = xoroshiro128plus(seed | 0);
  const at = layout === 'neighbouring' ? depthFirstOrder(n) : randomOrder(n, (k) => uniformInt(g, 0, k - 1));
  const h = new Array(n);
  for (let i = 0; i < n; i++) h[i] = new Node();
  for (let p = 0; p < n; p++) {
    const host = h[at[p]];
    const q = 3 * p;
    if (q + 1 < n) host.f0 = h[at[q + 1]];
    if (q + 2 < n) host.f1 = h[at[q + 2]];
    if (q + 3 < n) host.f2 = h[at[q + 3]];
    host.f3 = h[layout === 'neighbouring' ? (at[p] + 1) % n : uniformInt(g, 0, n - 1)];
  }
  return h[at[0]];
}

globalThis.graph = null;
if (what === 'mark') {
  globalThis.graph = build();
  gc({ type: 'minor' });
  gc({ type: 'minor' });
  gc(); // everything in old space, compacted
  process.stdout.write(`@built ${n}\n`);
  evict();
  process.stdout.write('@measure\n');
  os.loadavg(); // callgrind's marks around the measured GC (bench/figures/instructions.ts)
  gc();
  os.freemem();
} else {
  gc();
  globalThis.graph = build();
  process.stdout.write(`@built ${n}\n`);
  evict();
  process.stdout.write('@measure\n');
  os.loadavg();
  gc({ type: 'minor' });
  os.freemem();
}
process.stdout.write('@end\n');

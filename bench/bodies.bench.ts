/**
 * The collectors' per-thread body loops, one bench each, on one thread with no helpers:
 * - marking: `Marker` draining a promoted graph (bench/graph.ts, 200k objects, both layouts);
 *   the mark bits and live-byte row are cleared before each iteration;
 * - object copy: a plain loop against `copyWithin` by object size, which sets the scavenger's
 *   and evacuator's COPY_LOOP_MAX_WORDS;
 * - remembered-set clearing: one Atomics.and per removed slot against one per bitmap word, and
 *   the wasm atomic the scavenger uses (one per word), on a page bitmap with a slot in four set
 *   and half of them removed;
 * - the atomic mark bit: a plain `|=` (threads = 1), `Atomics.or`, and the wasm `setBit` that
 *   marking uses when threads race (src/parallel/wasm-atomics.ts);
 * - the forwarding store on a header word: a plain store (threads = 1), `Atomics.compareExchange`
 *   (an object area above 4 GiB), and the wasm `cas` that scavenging threads use (`Heap.cas`).
 * `npm run bench -- bodies`. Times are from the sources (tsx), on the main thread.
 */
import { Bench } from 'tinybench';
import { Simulator } from '../src/experiments/simulator.ts';
import { Participant } from '../src/gc/participant.ts';
import { KIND_TAGGED, PAGE_WORDS } from '../src/heap/layout.ts';
import { Rng } from '../src/workloads/rng.ts';
import { COPY_LOOP_MAX_WORDS } from '../src/gc/scavenger.ts';
import { allocateInArena, allocateObjectArea, releaseToArena } from '../src/heap/wasm-arena.ts';
import { atomicsFor } from '../src/parallel/wasm-atomics.ts';
import { LAYOUTS, GRAPH_GLOBAL, buildGraph } from './graph.ts';
import { benchOptions, note, perItem, runSync } from './bench-kit.ts';

const MARK_OBJECTS = 200_000;
const sims: Simulator[] = [];
const arenaRanges: ReturnType<typeof allocateInArena>[] = [];
let sink = 0;

async function markingBench(): Promise<Bench> {
  const bench = new Bench(benchOptions('marking body (Marker, one thread)', 1000));
  runSync(bench);
  for (const layout of LAYOUTS) {
    const sim = await Simulator.create({ threads: 1, maxSemiSpaceSize: 8, initialOldSpaceSize: 64, maxOldSpaceSize: 128, concurrentMarking: false, jitWarmup: false });
    sims.push(sim);
    const m = sim.mutator;
    buildGraph(m, { kindTagged: KIND_TAGGED, rng: (s) => new Rng(s) }, MARK_OBJECTS, layout);
    m.collect('minor');
    m.collect('minor');
    m.collect('major');
    const heap = sim.heap;
    const p = new Participant(sim.shared, 0);
    const marker = p.marker;
    const g = m.getGlobal(GRAPH_GLOBAL);
    const name = `drain ${layout}`;
    bench.add(name, () => {
      heap.clearBitsOfUsedPages(heap.markBits);
      p.ctx.liveBytes.fill(0);
      sim.shared.terminator.reset(1);
      marker.markValue(heap.roots[g]);
      marker.drain();
      sink += marker.objects;
    });
    perItem(bench, name, MARK_OBJECTS, 'object');
  }
  note(bench, `${MARK_OBJECTS.toLocaleString('en')} objects of 4 pointer fields, promoted; mark bits cleared in each iteration (included)`);
  return bench;
}

function copyBench(): Bench {
  const bench = new Bench(benchOptions('object copy (scavenger, evacuator)', 500));
  runSync(bench);
  const mem = new Int32Array(new SharedArrayBuffer(8 << 20));
  for (let i = 0; i < mem.length; i++) mem[i] = i;
  const TOTAL = 1 << 18; // words copied per iteration
  for (const size of [4, 8, 16, 32, 64, 128, 256, 1024]) {
    const loop = `${size} words: loop`;
    bench.add(loop, () => {
      const dst = 1 << 20;
      for (let a = 0; a < TOTAL; a += size) for (let i = 0; i < size; i++) mem[dst + a + i] = mem[a + i];
    });
    perItem(bench, loop, TOTAL / size, 'object');
    if (size <= COPY_LOOP_MAX_WORDS) {
      // Scavenger.copy's straight-line code: no loop, one test of the size per word after the first
      const straight = `${size} words: straight-line`;
      bench.add(straight, () => {
        const dst = 1 << 20;
        for (let a = 0; a < TOTAL; a += size) {
          const t = dst + a;
          mem[t] = mem[a];
          if (size > 1) mem[t + 1] = mem[a + 1];
          if (size > 2) mem[t + 2] = mem[a + 2];
          if (size > 3) mem[t + 3] = mem[a + 3];
          if (size > 4) mem[t + 4] = mem[a + 4];
          if (size > 5) mem[t + 5] = mem[a + 5];
          if (size > 6) mem[t + 6] = mem[a + 6];
          if (size > 7) mem[t + 7] = mem[a + 7];
        }
      });
      perItem(bench, straight, TOTAL / size, 'object');
    }
    const cw = `${size} words: copyWithin`;
    bench.add(cw, () => {
      const dst = 1 << 20;
      for (let a = 0; a < TOTAL; a += size) mem.copyWithin(dst + a, a, a + size);
    });
    perItem(bench, cw, TOTAL / size, 'object');
  }
  note(bench, `${(TOTAL * 4) >> 10} KiB per iteration, in cache-resident pages; COPY_LOOP_MAX_WORDS = ${COPY_LOOP_MAX_WORDS}`);
  return bench;
}

function rememberedSetBench(): Bench {
  const bench = new Bench(benchOptions('remembered-set clearing (scavenger)', 500));
  runSync(bench);
  const words = PAGE_WORDS >>> 5;
  const rs = new Int32Array(new SharedArrayBuffer(words * 4));
  const SET = 0x11111111; // a slot in four
  const REMOVE = 0x01010101; // half of them removed
  const perSlot = 'Atomics.and per removed slot';
  bench.add(perSlot, () => {
    rs.fill(SET);
    for (let w = 0; w < words; w++) {
      let bits = rs[w];
      while (bits !== 0) {
        const low = bits & -bits;
        bits ^= low;
        if ((low & REMOVE) !== 0) Atomics.and(rs, w, ~low);
      }
    }
  });
  perItem(bench, perSlot, words * 8, 'slot');
  const perWord = 'one Atomics.and per word';
  /** The slots of one bitmap word that the scavenger would remove (gathered, one atomic after). */
  const removals = (bits: number): number => {
    let remove = 0;
    while (bits !== 0) {
      const low = bits & -bits;
      bits ^= low;
      if ((low & REMOVE) !== 0) remove |= low;
    }
    return remove;
  };
  bench.add(perWord, () => {
    rs.fill(SET);
    for (let w = 0; w < words; w++) {
      const remove = removals(rs[w]);
      if (remove !== 0) Atomics.and(rs, w, ~remove);
    }
  });
  perItem(bench, perWord, words * 8, 'slot');
  // The scavenger's form: one wasm atomic and per word, on a bitmap in the arena.
  const range = allocateInArena(words * 4);
  arenaRanges.push(range);
  const rsw = new Int32Array(range.memory.buffer, range.offset, words);
  const { clearBits } = atomicsFor(range.memory);
  const base = range.offset;
  const wasmPerWord = 'one wasm clearBits per word';
  bench.add(wasmPerWord, () => {
    rsw.fill(SET);
    for (let w = 0; w < words; w++) {
      const remove = removals(rsw[w]);
      if (remove !== 0) clearBits(base, w, remove);
    }
  });
  perItem(bench, wasmPerWord, words * 8, 'slot');
  note(bench, 'one page (2048 bitmap words), 8 recorded slots per word, 4 removed');
  return bench;
}

function markBitBench(): Bench {
  const bench = new Bench(benchOptions('atomic mark bit (marker, write barrier)', 500));
  runSync(bench);
  const OBJECTS = 1 << 16; // one every 4 words: 8 per bitmap word, as neighbouring small objects
  const range = allocateInArena(OBJECTS / 2);
  arenaRanges.push(range);
  const bits = new Int32Array(range.memory.buffer, range.offset, OBJECTS >>> 3);
  const base = range.offset;
  const { setBit } = atomicsFor(range.memory);
  const cases: [string, () => number][] = [
    ['plain |= (threads = 1)', () => {
      let n = 0;
      for (let a = 0; a < OBJECTS * 4; a += 4) {
        const i = a >>> 5;
        const m = 1 << (a & 31);
        if ((bits[i] & m) === 0) {
          bits[i] |= m;
          n++;
        }
      }
      return n;
    }],
    ['Atomics.or', () => {
      let n = 0;
      for (let a = 0; a < OBJECTS * 4; a += 4) {
        const i = a >>> 5;
        const m = 1 << (a & 31);
        if ((bits[i] & m) === 0 && (Atomics.or(bits, i, m) & m) === 0) n++;
      }
      return n;
    }],
    ['wasm setBit', () => {
      let n = 0;
      for (let a = 0; a < OBJECTS * 4; a += 4) {
        if ((bits[a >>> 5] & (1 << (a & 31))) === 0 && setBit(base, a) !== 0) n++;
      }
      return n;
    }],
  ];
  for (const [name, body] of cases) {
    bench.add(name, () => {
      bits.fill(0);
      sink += body();
    });
    perItem(bench, name, OBJECTS, 'bit');
  }
  note(bench, `${OBJECTS.toLocaleString('en')} clear bits set, test first (test-and-test-and-set); the bitmap cleared in each iteration (included)`);
  return bench;
}

function forwardingBench(): Bench {
  const bench = new Bench(benchOptions('forwarding a header word (scavenger)', 500));
  runSync(bench);
  const OBJECTS = 1 << 16; // 6-word objects side by side, as a neighbouring graph's
  const range = allocateObjectArea(OBJECTS * 6 * 4);
  if (range === null) throw new Error('no object arena here');
  arenaRanges.push(range);
  const mem = new Int32Array(range.memory.buffer, range.offset, OBJECTS * 6);
  const base = range.offset | 0;
  const { cas } = atomicsFor(range.memory);
  const HEADER = 8; // an even word: a header, not a forwarding pointer
  const cases: [string, () => number][] = [
    ['plain store (threads = 1)', () => {
      let n = 0;
      for (let a = 0; a < OBJECTS * 6; a += 6) {
        mem[a] = ((a + 1) << 1) | 1;
        n++;
      }
      return n;
    }],
    ['Atomics.compareExchange', () => {
      let n = 0;
      for (let a = 0; a < OBJECTS * 6; a += 6) if (Atomics.compareExchange(mem, a, HEADER, ((a + 1) << 1) | 1) === HEADER) n++;
      return n;
    }],
    ['wasm cas', () => {
      let n = 0;
      for (let a = 0; a < OBJECTS * 6; a += 6) if (cas(base, a, HEADER, ((a + 1) << 1) | 1) === HEADER) n++;
      return n;
    }],
  ];
  for (const [name, body] of cases) {
    bench.add(name, () => {
      for (let a = 0; a < OBJECTS * 6; a += 6) mem[a] = HEADER;
      sink += body();
    });
    perItem(bench, name, OBJECTS, 'object');
  }
  note(bench, `${OBJECTS.toLocaleString('en')} headers forwarded, each CAS won; the headers reset in each iteration (included)`);
  return bench;
}

export async function suites(): Promise<Bench[]> {
  return [await markingBench(), copyBench(), rememberedSetBench(), markBitBench(), forwardingBench()];
}

export async function teardown(): Promise<void> {
  for (const s of sims.splice(0)) await s.close();
  for (const r of arenaRanges.splice(0)) releaseToArena(r);
  if (sink === -1) console.log(sink);
}

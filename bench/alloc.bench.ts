/**
 * The mutator's hot paths through its public API (src/mutator/mutator.ts), threads = 1:
 * allocation (bump in new space; old-space LAB for tenured objects) and the write barrier
 * (fast paths: a young host, an old host storing an old value or a slot already recorded; slow
 * path: recording a fresh old-to-new slot). An iteration does ITEMS operations, so the
 * "per item" column is the cost of one. GCs needed to keep allocating run outside the timing.
 */
import { Bench } from 'tinybench';
import { Simulator } from '../src/experiments/simulator.ts';
import { KIND_TAGGED } from '../src/heap/layout.ts';
import { clearOldToNewRange } from '../src/heap/remembered-set.ts';
import { benchOptions, perItem } from './bench-kit.ts';

/** Operations per iteration: enough to dwarf the timer, few enough to stay in one LAB refill. */
const ITEMS = 1000;
const SLOTS = 4;
/** Bytes an iteration allocates, and how many fit before a GC is needed (half of the space, to be safe). */
const ITER_BYTES = ITEMS * (2 + SLOTS) * 4;
const SEMI_MB = 16;
const YOUNG_ITERS_PER_GC = Math.floor((SEMI_MB * 1048576) / 2 / ITER_BYTES);
const OLD_MB = 64;
const OLD_ITERS_PER_GC = Math.floor((OLD_MB * 1048576) / 2 / ITER_BYTES);

const sims: Simulator[] = [];

export async function suites(): Promise<Bench[]> {
  const sim = await Simulator.create({ threads: 1, maxSemiSpaceSize: SEMI_MB, initialOldSpaceSize: OLD_MB * 2, maxOldSpaceSize: OLD_MB * 4 });
  sims.push(sim);
  const m = sim.mutator;
  const map = m.maps.define('Bench.Node', KIND_TAGGED);

  // ---- allocation ------------------------------------------------------------------------------
  const alloc = new Bench(benchOptions('allocation'));
  let youngIters = 0;
  alloc.add(
    'new space, 4 slots (bump)',
    () => {
      const s = m.openScope();
      for (let i = 0; i < ITEMS; i++) m.allocate(map, SLOTS);
      m.closeScope(s);
    },
    {
      beforeEach: () => {
        if (++youngIters % YOUNG_ITERS_PER_GC === 0) m.collect('minor'); // everything is dead: cheap
      },
    },
  );
  let old = 0;
  alloc.add(
    'old space, 4 slots (LAB)',
    () => {
      const s = m.openScope();
      for (let i = 0; i < ITEMS; i++) m.allocate(map, SLOTS, true);
      m.closeScope(s);
    },
    {
      beforeEach: () => {
        if (++old % OLD_ITERS_PER_GC === 0) m.collect('major');
      },
    },
  );
  alloc.add(
    'new space, 64-byte string (raw fill)',
    () => {
      const s = m.openScope();
      for (let i = 0; i < ITEMS; i++) m.allocateString(64, i);
      m.closeScope(s);
    },
    {
      beforeEach: () => {
        if (++youngIters % YOUNG_ITERS_PER_GC === 0) m.collect('minor');
      },
    },
  );
  for (const t of alloc.tasks) perItem(alloc, t.name, ITEMS, 'object');

  // ---- write barrier ---------------------------------------------------------------------------
  // Fixtures: an old host of ITEMS slots and an old value (tenured, in globals), and a young
  // host and value made in each task's beforeAll: the allocation suite's scavenges, which run
  // first, would otherwise have promoted them. Nothing in this suite allocates, so no GC runs.
  const barrier = new Bench(benchOptions('write barrier'));
  const oldH = m.allocate(m.arrayMap, ITEMS, true);
  const oldV = m.allocate(map, SLOTS, true);
  let youngHost = 0;
  let youngValue = 0;
  const freshYoung = (): void => {
    youngHost = m.allocate(m.arrayMap, ITEMS);
    youngValue = m.allocate(map, SLOTS);
  };
  const young = { beforeAll: freshYoung };

  barrier.add(
    'young host <- young value (fast: no recording)',
    () => {
      for (let i = 0; i < ITEMS; i++) m.set(youngHost, i, youngValue);
    },
    young,
  );
  barrier.add('old host <- smi (fast: not a pointer)', () => {
    for (let i = 0; i < ITEMS; i++) m.setSmi(oldH, i, i);
  });
  barrier.add('old host <- old value (fast: not young)', () => {
    for (let i = 0; i < ITEMS; i++) m.set(oldH, i, oldV);
  });
  barrier.add(
    'old host <- young value, slot already recorded',
    () => {
      for (let i = 0; i < ITEMS; i++) m.set(oldH, i, youngValue);
    },
    young,
  );
  barrier.add(
    'old host <- young value, fresh slot (slow: record old-to-new)',
    () => {
      for (let i = 0; i < ITEMS; i++) m.set(oldH, i, youngValue);
    },
    {
      beforeAll: freshYoung,
      beforeEach: () => {
        // Forget the slots recorded by the previous iteration (not timed).
        const a = m.addressOf(oldH);
        clearOldToNewRange(sim.heap, a + 2, a + 2 + ITEMS);
      },
    },
  );
  for (const t of barrier.tasks) perItem(barrier, t.name, ITEMS, 'store');
  return [alloc, barrier];
}

export async function teardown(): Promise<void> {
  for (const s of sims.splice(0)) await s.close();
}

/**
 * Option parallelScavenge (V8 --parallel-scavenge). Off, every scavenge runs on the main thread
 * alone whatever the thread count, as at threads = 1: the young objects it copies and promotes
 * land in the same order, so the heap later phases work on is the same at every thread count
 * (docs/experiments.md, "Four effects that are not speedup"). The other phases keep their helpers.
 */
import { describe, expect, it } from 'vitest';
import { allVerifyErrors, withSim } from '../helpers/sim.ts';
import { KIND_TAGGED } from '../../src/heap/layout.ts';
import { heapDigest } from '../../src/gc/digest.ts';
import { C_WARMUP_LOST_RACES, C_WARMUP_PATHS } from '../../src/heap/heap.ts';
import type { Simulator } from '../../src/experiments/simulator.ts';
import type { GcOptions } from '../../src/options.ts';

// The table spans three pages, so a scavenge has several items that the threads share out.
const N = 150_000;

/**
 * fragmenter's round, small: an old table of young records, each pointing to the one before, two
 * scavenges (a copy within new space, then promotion), half of the records dropped, then a
 * mark-compact. Per scavenge: the records' addresses after it (table order), its participants and
 * whether both threads copied.
 */
function promoteCohort(sim: Simulator): { addresses: number[][]; scavengeThreads: number[]; bothCopied: boolean[] } {
  const m = sim.mutator;
  const rec = m.maps.define('record', KIND_TAGGED);
  const table = m.allocate(m.arrayMap, N, true);
  m.setGlobal('table', table);
  for (let i = 0; i < N; i++) {
    const s = m.openScope();
    const o = m.allocate(rec, 6);
    m.setSmi(o, 0, i);
    if (i > 0) m.set(o, 1, m.get(table, i - 1));
    m.set(table, i, o);
    m.closeScope(s);
  }
  const r = { addresses: [] as number[][], scavengeThreads: [] as number[], bothCopied: [] as boolean[] };
  for (let k = 0; k < 2; k++) {
    m.collect('minor');
    const p = sim.gc.events.at(-1)!.parallel.find((x) => x.name === 'scavenge.parallel')!;
    r.scavengeThreads.push(p.threads.length);
    r.bothCopied.push(p.threads.length > 1 && p.threads.every((t) => t.objects > 0));
    const addresses: number[] = [];
    for (let i = 0; i < N; i++) {
      const s = m.openScope();
      addresses.push(m.addressOf(m.get(table, i)));
      m.closeScope(s);
    }
    r.addresses.push(addresses);
  }
  for (let i = 0; i < N; i += 2) m.setSmi(table, i, 0);
  m.collect('major');
  return r;
}

async function run(opts: Partial<GcOptions>) {
  return withSim({ maxSemiSpaceSize: 8, ...opts }, (sim) => {
    const r = promoteCohort(sim);
    return { ...r, digest: heapDigest(sim.heap).digest, errors: allVerifyErrors(sim) };
  });
}

describe('option parallelScavenge', () => {
  it.each([2, 4])('off at threads = %i: scavenges on the main thread alone, the same heap as at threads = 1', async (threads) => {
    const one = await run({ threads: 1 });
    const off = await run({ threads, parallelScavenge: false, helperJoin: 'all' });
    expect(one.errors).toEqual([]);
    expect(off.errors).toEqual([]);
    expect(off.scavengeThreads).toEqual([1, 1]);
    expect(off.bothCopied).toEqual([false, false]);
    expect(off.addresses).toEqual(one.addresses);
    expect(off.digest).toBe(one.digest);
  });

  // The control: the comparison above can see a different layout. With every helper in the
  // scavenges from the start, the two threads copy into buffers of their own: when both copied,
  // the order differs from threads = 1. One thread may take every item on a loaded machine, so
  // the run is repeated (up to five times) until a scavenge had both copying.
  it('on (the default) at threads = 2: objects copied by two threads lie elsewhere than at threads = 1', async () => {
    const one = await run({ threads: 1 });
    let sawBoth = false;
    for (let attempt = 0; attempt < 5 && !sawBoth; attempt++) {
      const on = await run({ threads: 2, helperJoin: 'all' });
      expect(on.errors).toEqual([]);
      expect(on.digest).toBe(one.digest);
      expect(on.scavengeThreads).toEqual([2, 2]);
      for (let k = 0; k < 2; k++) {
        if (!on.bothCopied[k]) continue;
        sawBoth = true;
        expect(on.addresses[k]).not.toEqual(one.addresses[k]);
      }
    }
    expect(sawBoth).toBe(true);
  });
});

/**
 * Scavenges 2000 young records with C_WARMUP_PATHS set: each scavenging thread that forwards with
 * the CAS runs the code of a lost race once and counts it (one that forwards plainly skips it),
 * so the count returned is the number of threads that used the CAS.
 */
function casThreads(sim: Simulator): number {
  const m = sim.mutator;
  const ctl = sim.heap.ctl;
  const rec = m.maps.define('record', KIND_TAGGED);
  for (let i = 0; i < 2000; i++) m.allocate(rec, 4);
  const before = ctl[C_WARMUP_LOST_RACES];
  ctl[C_WARMUP_PATHS] = 1;
  try {
    m.collect('minor');
  } finally {
    ctl[C_WARMUP_PATHS] = 0;
  }
  return ctl[C_WARMUP_LOST_RACES] - before;
}

describe('Simulator.setParallelScavenge', () => {
  it('switches the next scavenges between the main thread alone and every thread', async () => {
    await withSim({ threads: 2, helperJoin: 'all' }, (sim) => {
      const m = sim.mutator;
      const rec = m.maps.define('record', KIND_TAGGED);
      const participants = () => {
        for (let i = 0; i < 2000; i++) m.allocate(rec, 4);
        m.collect('minor');
        return sim.gc.events.at(-1)!.parallel.find((p) => p.name === 'scavenge.parallel')!.threads.length;
      };
      expect(participants()).toBe(2);
      sim.setParallelScavenge(false);
      expect(participants()).toBe(1);
      sim.setParallelScavenge(true);
      expect(participants()).toBe(2);
      expect(allVerifyErrors(sim)).toEqual([]);
    });
  });

  // Helpers keep the configuration they started with. Made with the option off and switched on,
  // a helper must still install forwarding addresses with the CAS: a thread that forwards with a
  // plain store while another scavenges can copy an object twice (counted by casThreads).
  it('on again after a start with it off: every scavenging thread forwards with the CAS', async () => {
    await withSim({ threads: 2, helperJoin: 'all', parallelScavenge: false }, (sim) => {
      sim.setParallelScavenge(true);
      expect(casThreads(sim)).toBe(2);
      expect(sim.gc.events.at(-1)!.parallel.find((p) => p.name === 'scavenge.parallel')!.threads.length).toBe(2);
      expect(allVerifyErrors(sim)).toEqual([]);
    });
  });
});

// Option casForwarding: the main thread scavenging alone forwards with a plain store by default
// and with the CAS when asked, as V8's scavenger always does (counted by casThreads). The heap is
// the same either way: the CAS only changes who may win a race no one runs.
describe('option casForwarding', () => {
  it.each([
    [{ threads: 1 }, 0],
    [{ threads: 1, casForwarding: true }, 1],
    [{ threads: 2, helperJoin: 'all', parallelScavenge: false }, 0],
    [{ threads: 2, helperJoin: 'all', parallelScavenge: false, casForwarding: true }, 1],
    [{ threads: 2, helperJoin: 'all' }, 2],
  ] as [Partial<GcOptions>, number][])('%j: %i scavenging threads forward with the CAS', async (opts, expected) => {
    await withSim(opts, (sim) => {
      expect(casThreads(sim)).toBe(expected);
      expect(allVerifyErrors(sim)).toEqual([]);
    });
  });

  it('at threads = 1 leaves the same heap as the plain store', async () => {
    const plain = await run({ threads: 1 });
    const cas = await run({ threads: 1, casForwarding: true });
    expect(cas.errors).toEqual([]);
    expect(cas.addresses).toEqual(plain.addresses);
    expect(cas.digest).toBe(plain.digest);
  });
});

/**
 * `npm run bench -- gc` reads its settings from the environment (bench/gc.bench.ts). A scheme
 * that `--balance` does not know, or an eviction size that is not a number of megabytes, is one
 * line on stderr and exit status 2, before any heap is made; with no scheme given it runs (on a
 * small graph, from the compiled build when there is one), and with an eviction size it says so
 * and passes it to V8's child too.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const BUILT = fs.existsSync(path.join(ROOT, 'dist/src/experiments/simulator.js'));

function benchGc(env: Record<string, string>) {
  return spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bench/gc.bench.ts')], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, ...env },
  });
}

describe('bench gc settings', () => {
  it('rejects an unknown BENCH_GC_BALANCE scheme with one line and exit status 2', () => {
    const r = benchGc({ BENCH_GC_BALANCE: 'steal,bogus' });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual(["bench gc: unknown BENCH_GC_BALANCE scheme 'bogus' (one of steal, steal-half, steal-oldest, static)"]);
    expect(r.stdout).toBe('');
  });

  it.each([['lots'], ['-1'], ['1.5'], ['']])('rejects BENCH_GC_EVICT=%j with one line and exit status 2', (v) => {
    const r = benchGc({ BENCH_GC_EVICT: v });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([`bench gc: BENCH_GC_EVICT must be a whole number of megabytes from 0 to 4096, got '${v}'`]);
    expect(r.stdout).toBe('');
  });

  it.skipIf(!BUILT)('with BENCH_GC_EVICT, evicts before gcsim\'s and V8\'s measured collections and says so (skipped without dist/)', () => {
    const r = benchGc({ BENCH_GC_OBJECTS: '2000', BENCH_GC_ROUNDS: '1', BENCH_GC_EVICT: '2', BENCH_GC_WORKS: 'scavenge', BENCH_GC_THREADS: '1', BENCH_GC_CAS: '0' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain("BENCH_GC_EVICT: before each measured collection, gcsim's and V8's, the thread that starts it wrote 2 MB the collector never reads");
    // V8's child took the size and still measured its scavenge (no collection between build and measure).
    expect(r.stdout).toMatch(/\| scavenge \| random \| \d+ \(\d+\.\d\) \| \d+ \(\d+\.\d\) \| \d+ \(\d+\.\d\) \|/);
  });

  it.skipIf(!BUILT)('runs with no scheme given (skipped without dist/: bench gc measures the compiled build)', () => {
    const r = benchGc({ BENCH_GC_OBJECTS: '2000', BENCH_GC_ROUNDS: '1', BENCH_GC_V8: '0' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('| gcsim speedup (t=1 / t=2) |');
    expect(r.stdout).toMatch(/A dependent load over as many bytes as gcsim's graph \(64 KB, at least 64 KB, one per 64-byte line in random order\) took \d+\.\d ns at start and \d+\.\d ns at end/);
    expect(r.stdout).toMatch(/A cache line written by one thread reached another in \d+ ns at start and \d+ ns at end \(one way\), \d+–\d+ \(median \d+\) ns at the start of each round/);
    expect(r.stderr).toMatch(/bench gc: round 1\/1, load \d+\.\d\d, a line from core to core in \d+ ns/);
  });
});

describe('bench gc heap sizes', () => {
  it('are valid options from 1,000 to 50M objects (the old space capped at the option bound)', async () => {
    const { GCSIM_OBJECT_BYTES, graphSimOptions } = await import('../../bench/graph.ts');
    const { resolveOptions } = await import('../../src/options.ts');
    for (const n of [1_000, 1_000_000, 10_000_000, 50_000_000]) {
      const o = graphSimOptions(n);
      expect(() => resolveOptions({ threads: 2, ...o }), `${n} objects`).not.toThrow();
      // The promoted graph fits in old space.
      expect(o.maxOldSpaceSize * 1048576, `${n} objects`).toBeGreaterThan(n * GCSIM_OBJECT_BYTES);
    }
  });
});

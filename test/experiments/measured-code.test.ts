/**
 * The collector's code that the warm-up optimised is still optimised when the measured run
 * starts: making the measured run's heap throws none of it away. V8 logs code it throws away
 * for a broken assumption as "marking dependent code ... reason: code dependencies"
 * (`--trace-deopt`); the run prints markers at the end of the warm-up and at the start of the
 * measured run (GCSIM_MARK_MEASURED=1), and nothing may be thrown away between them. Negative
 * control: with the shared buffers built by an object literal again (`GcBufferSet` in
 * src/gc/gc-shared.ts), the scavenge's root step and `sweepPage` are thrown away there.
 *
 * The scavenger's forwarding CAS (`Heap.cas`) keeps the one target it had in the warm-up: a
 * heap too big to share one wasm memory with its scratch heap would get a `cas` of its own, and
 * the call site deoptimised with "wrong call target" in the measured run's first scavenges; the
 * scratch heap is made smaller then (`scratchHeap`, src/experiments/warmup.ts). A heap
 * above 4 GiB has a SharedArrayBuffer of its own and one `cas` shared by all such heaps
 * (`casInOwnBuffer`, src/heap/heap.ts). Negative controls: with `scratchHeap` returning
 * its options unchanged, the run at 2048 MB deoptimises there (2 in each of three runs); with a
 * closure per heap for `cas` (as before), the run at 4096 MB does (2 per run). The runs also set
 * mark bits atomically at threads = 1 (option atomicMarking), so the marker's `setBit`, the
 * bitmaps' memory's, is held to its one target too.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { gcsimNodeArgs } from '../helpers/cli.ts';

/** Whether this machine gives a SharedArrayBuffer as large as a 4 GiB heap's object area. */
function bigBufferPossible(): boolean {
  try {
    new SharedArrayBuffer(4.5 * 2 ** 30);
    return true;
  } catch {
    return false;
  }
}

describe('the measured run starts with the code the warm-up optimised', () => {
  for (const threads of [1, 2]) {
    it(`string-tick at threads = ${threads}: no code thrown away between the warm-up and the measured run`, () => {
      const r = spawnSync(process.execPath, ['--trace-deopt', ...gcsimNodeArgs(), 'run', '--workload', 'string-tick', '--param', 'ticks=300', '--threads', String(threads)], {
        encoding: 'utf8',
        timeout: 60_000,
        maxBuffer: 1 << 28,
        env: { ...process.env, GCSIM_MARK_MEASURED: '1' },
      });
      expect(r.status, r.stderr).toBe(0);
      const out = r.stdout;
      const from = out.indexOf('gcsim: the warm-up ends');
      const to = out.indexOf('gcsim: the measured run starts');
      expect(from).toBeGreaterThanOrEqual(0);
      expect(to).toBeGreaterThan(from);
      // The warm-up did optimise code that could have been thrown away (the trace is on).
      expect(out.slice(0, from)).toMatch(/\[bailout|\[marking dependent code/);
      const thrown = out.slice(from, to).split('\n').filter((l) => l.includes('marking dependent code'));
      expect(thrown).toEqual([]);
    }, 120_000);
  }

  /** A run at `mb` MB prints no "wrong call target" after the measured run starts. */
  function oneTarget(mb: number): void {
    const r = spawnSync(process.execPath, ['--trace-deopt', ...gcsimNodeArgs(), 'run', '--workload', 'fragmenter', '--param', 'rounds=1', '--threads', '1', '--cas-forwarding', '--atomic-marking', '--max-old-space-size', String(mb)], {
      encoding: 'utf8',
      timeout: 60_000,
      maxBuffer: 1 << 28,
      env: { ...process.env, GCSIM_MARK_MEASURED: '1' },
    });
    expect(r.status, r.stderr).toBe(0);
    const measured = r.stdout.slice(r.stdout.indexOf('gcsim: the measured run starts'));
    expect(measured).toMatch(/^gcsim: the measured run starts/);
    expect(measured.split('\n').filter((l) => l.includes('wrong call target'))).toEqual([]);
  }
  it('a 2048 MB old generation: the forwarding CAS and the atomic mark bits keep the one target the warm-up saw', () => oneTarget(2048), 120_000);
  it.skipIf(!bigBufferPossible())('a 4096 MB old generation (a SharedArrayBuffer of its own): the forwarding CAS and the atomic mark bits keep one target', () => oneTarget(4096), 120_000);
});

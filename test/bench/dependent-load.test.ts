/**
 * The host probes of `npm run bench -- gc` (bench/bench-kit.ts): the memory-state probe, a walk
 * around one random cycle through every cache line of a buffer, and the core-to-core probe, a
 * counter passed between two threads. Their times are measurements, not checked here; what is
 * checked is that the walk is one cycle through every line (else it would measure a smaller
 * buffer than it names) and that each returns a time.
 */
import { describe, expect, it } from 'vitest';
import { chaseCycle, coreToCoreNs, dependentLoadNs } from '../../bench/bench-kit.ts';

describe('dependent-load probe', () => {
  it.each([[1], [2], [1024], [5000]])('chaseCycle(%i) visits every line once before it returns to the first', (lines) => {
    const next = chaseCycle(lines, 7);
    const seen = new Uint8Array(lines);
    let p = 0;
    for (let i = 0; i < lines; i++) {
      expect(p % 16).toBe(0);
      expect(seen[p / 16]).toBe(0);
      seen[p / 16] = 1;
      p = next[p];
    }
    expect(p).toBe(0);
    expect(seen.every((s) => s === 1)).toBe(true);
  });

  it('orders the lines by its seed', () => {
    expect(chaseCycle(1000, 1)).not.toEqual(chaseCycle(1000, 2));
    expect(chaseCycle(1000, 3)).toEqual(chaseCycle(1000, 3));
  });

  it('returns a time per load, at least one line of 64 bytes walked', () => {
    const ns = dependentLoadNs(64 * 1024, 1 << 16);
    expect(Number.isFinite(ns)).toBe(true);
    expect(ns).toBeGreaterThan(0);
  });

  it('coreToCoreNs returns a time per one-way pass and ends its echo thread', async () => {
    const ns = await coreToCoreNs(2000);
    expect(Number.isFinite(ns)).toBe(true);
    expect(ns).toBeGreaterThan(0);
  });
});

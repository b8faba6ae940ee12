import { describe, expect, it } from 'vitest';
import { runOne } from '../../src/experiments/run.ts';

describe('--new-space-pages', () => {
  it("gives string-tick V8's rhythm: a 1 MiB semispace of four 256 KB pages holds 8 strings of 100 KB, not 10; same graph, verifier clean", async () => {
    const opts = { maxSemiSpaceSize: 1, verifyHeap: true, jitWarmup: false };
    const flat = await runOne({ workload: 'string-tick', params: { ticks: 80 }, options: opts });
    const paged = await runOne({ workload: 'string-tick', params: { ticks: 80 }, options: { ...opts, newSpacePages: true } });
    expect(paged.error).toBeNull();
    expect(paged.verify.errors).toEqual([]);
    expect(paged.digest).toBe(flat.digest);
    expect(flat.events.length).toBe(7); // after ticks 11, 21, ... 71: one every 10
    expect(paged.events.length).toBe(9); // after ticks 9, 17, ... 73: one every 8
    expect(paged.events.every((e) => e.type === 'scavenge' && e.promotedBytes === 0)).toBe(true);
  });
});

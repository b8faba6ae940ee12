import { describe, it, expect } from 'vitest';
import { nearTimeout } from '../helpers/timeout-margin-reporter.ts';

describe('the timeout-margin reporter', () => {
  it('names the tests above a third of their timeout, the closest to it first', () => {
    const rows = nearTimeout([
      { name: 'a', durationMs: 19_000, timeoutMs: 60_000 },
      { name: 'b', durationMs: 21_000, timeoutMs: 60_000 },
      { name: 'c', durationMs: 50_000, timeoutMs: 60_000 },
      { name: 'd', durationMs: 100_000, timeoutMs: 370_000 },
      { name: 'e', durationMs: 5_000, timeoutMs: 0 },
    ]);
    expect(rows).toEqual(['50.0 s of a 60 s timeout: c', '21.0 s of a 60 s timeout: b']);
  });

  it('says nothing when every test is within the margin', () => {
    expect(nearTimeout([{ name: 'a', durationMs: 1_000, timeoutMs: 30_000 }])).toEqual([]);
  });
});

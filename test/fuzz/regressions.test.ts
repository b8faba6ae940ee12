/**
 * The fuzz cases that once failed (src/fuzz/regressions.ts): the three defects of the SATB
 * barrier with a dying grey young object, evacuation near the heap limit, and out-of-memory with
 * an empty heap, each shrunk by the fuzzer, must now run clean.
 */
import { describe, expect, it } from 'vitest';
import { REGRESSIONS } from '../../src/fuzz/regressions.ts';
import { runCase } from '../../src/fuzz/runner.ts';

describe('fuzz regressions', () => {
  for (const r of REGRESSIONS) {
    it(`${r.name} (was ${r.before}) now runs ok`, async () => {
      const out = await runCase(r.case);
      expect(out.verdict, `${r.defect}: ${JSON.stringify(out)}`).toBe('ok');
    }, 60_000);
  }
});

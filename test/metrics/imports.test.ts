import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as metrics from '../../src/metrics/index.ts';

const METRICS = resolve(dirname(fileURLToPath(import.meta.url)), '../../src/metrics');

describe('src/metrics', () => {
  it('imports nothing from the rest of src/ (STYLE: metrics/ uses nothing else)', () => {
    const bad: string[] = [];
    for (const f of readdirSync(METRICS).filter((n) => n.endsWith('.ts'))) {
      const text = readFileSync(join(METRICS, f), 'utf8');
      for (const m of text.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+['"]([^'"]+)['"]/gm)) {
        const spec = m[1];
        if (spec.startsWith('.') && !resolve(METRICS, spec).startsWith(METRICS + '/')) bad.push(`${f}: ${spec}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('exports its API from index.ts', () => {
    for (const name of ['pauseSummary', 'mmuCurve', 'bmuCurve', 'imbalanceStats', 'summarizeTrials', 'summarizeRun']) {
      expect(typeof (metrics as Record<string, unknown>)[name]).toBe('function');
    }
  });
});

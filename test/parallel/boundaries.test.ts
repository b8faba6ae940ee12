import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

function importsOf(dir: string): { file: string; spec: string }[] {
  const out: { file: string; spec: string }[] = [];
  for (const f of readdirSync(path.join(SRC, dir))) {
    if (!f.endsWith('.ts')) continue;
    const text = readFileSync(path.join(SRC, dir, f), 'utf8');
    for (const m of text.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+'([^']+)'/gms)) out.push({ file: `${dir}/${f}`, spec: m[1] });
  }
  return out;
}

describe('layering', () => {
  it('src/parallel imports nothing else of src/ (GC-agnostic primitives)', () => {
    const all = importsOf('parallel');
    expect(all.length).toBeGreaterThan(3); // the scan sees the imports at all
    const bad = all.filter((i) => !i.spec.startsWith('./') && !i.spec.startsWith('node:'));
    expect(bad).toEqual([]);
  });

  it('src/scheduler knows threads, not GC algorithms: only parallel/, node: and piscina', () => {
    const all = importsOf('scheduler');
    expect(all.some((i) => i.spec === 'piscina')).toBe(true);
    const bad = all.filter(
      (i) => !i.spec.startsWith('./') && !i.spec.startsWith('../parallel/') && !i.spec.startsWith('node:') && i.spec !== 'piscina',
    );
    expect(bad).toEqual([]);
  });
});

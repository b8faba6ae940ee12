/**
 * The architecture test: every import between folders of src/ (plus bench/ and workers/) is in
 * the table of test/architecture/imports.ts, and no cycle between folders appears beyond the
 * known ones. The checker is shown to fail on a synthetic forbidden import.
 */
import { describe, it, expect } from 'vitest';
import path from 'node:path';
import { ALLOWED, KNOWN_CYCLES, folderCycles, importViolations, readTree } from './imports.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

describe('architecture', () => {
  const tree = readTree(ROOT);

  it('has a row for every folder of src/, and for bench/ and workers/', () => {
    const units = new Set(tree.map((f) => f.path.split('/')).map((p) => (p[0] === 'src' ? (p.length === 2 ? p.join('/') : `src/${p[1]}`) : p[0])));
    for (const u of units) expect(Object.keys(ALLOWED), u).toContain(u);
  });

  it('every import between folders is allowed by the table', () => {
    expect(importViolations(tree)).toEqual([]);
  });

  it('no cycle between folders beyond the known ones', () => {
    const known = new Set(KNOWN_CYCLES.map((c) => [...c].sort().join(' <-> ')));
    expect(folderCycles(tree).map((c) => c.join(' <-> ')).filter((c) => !known.has(c))).toEqual([]);
  });

  it('mutator/ depends on no collector: only heap/', () => {
    expect(ALLOWED['src/mutator']).toEqual(['src/heap']);
  });

  it('fails on a synthetic forbidden import, and on a synthetic cycle', () => {
    const bad = [...tree, { path: 'src/heap/evil.ts', text: "import { Mutator } from '../mutator/mutator.ts';\n" }];
    expect(importViolations(bad)).toEqual(['src/heap/evil.ts: ../mutator/mutator.ts (src/heap may not import src/mutator)']);
    const cyclic = [
      { path: 'src/mutator/a.ts', text: "import type { X } from '../gc/b.ts';\n" },
      { path: 'src/gc/b.ts', text: "import { Y } from '../mutator/a.ts';\n" },
    ];
    expect(importViolations(cyclic)).toEqual(['src/mutator/a.ts: ../gc/b.ts (src/mutator may not import src/gc)']);
    expect(folderCycles(cyclic)).toEqual([['src/gc', 'src/mutator']]);
  });
});

/**
 * The caches a bench report names (bench-kit `cpuCaches`, read from Linux's sysfs) and bench gc's
 * line on whether its graph fits in them (graph.ts `graphAgainstCaches`), on a sysfs tree made
 * here: one CPU's caches as Linux describes them, an instruction cache left out, and an entry
 * whose size cannot be read.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cpuCaches, describeCaches } from '../../bench/bench-kit.ts';
import { graphAgainstCaches } from '../../bench/graph.ts';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'gcsim-caches-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

function cache(index: number, level: number, type: string, size: string, shared: string): void {
  const dir = path.join(root, `index${index}`);
  fs.mkdirSync(dir);
  for (const [f, v] of Object.entries({ level: String(level), type, size, shared_cpu_list: shared })) fs.writeFileSync(path.join(dir, f), `${v}\n`);
}
cache(0, 1, 'Data', '48K', '0');
cache(1, 1, 'Instruction', '32K', '0');
cache(2, 3, 'Unified', '266240K', '0-1'); // out of level order: sorted by level
cache(3, 2, 'Unified', '2048K', '0,2-3');
cache(4, 4, 'Unified', 'unknown', '0-1');

describe('cpu caches', () => {
  it('reads the data and unified caches by level, with how many CPUs share each', () => {
    expect(cpuCaches(root)).toEqual([
      { level: 1, bytes: 48 * 1024, sharedBy: 1 },
      { level: 2, bytes: 2048 * 1024, sharedBy: 3 },
      { level: 3, bytes: 266240 * 1024, sharedBy: 2 },
    ]);
    expect(describeCaches(cpuCaches(root))).toBe('L1 48 KB, L2 2 MB shared by 3, L3 260 MB shared by 2');
  });

  it('finds none where the directory does not exist', () => {
    expect(cpuCaches(path.join(root, 'nothing'))).toEqual([]);
    expect(describeCaches([])).toBe('');
  });

  it("says whether gcsim's graph fits in the largest cache", () => {
    const caches = cpuCaches(root);
    expect(graphAgainstCaches(1_000_000, caches)).toBe("The graph takes 23 MB in gcsim's heap and 53 MB in V8's; the largest cache here is L3 260 MB shared by 2, which gcsim's fits in.");
    expect(graphAgainstCaches(20_000_000, caches)).toBe("The graph takes 458 MB in gcsim's heap and 1068 MB in V8's; the largest cache here is L3 260 MB shared by 2, which gcsim's does not fit in.");
    expect(graphAgainstCaches(20_000, [])).toBe("The graph takes 0.5 MB in gcsim's heap and 1.1 MB in V8's.");
  });
});

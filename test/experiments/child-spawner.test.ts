/**
 * ChildSpawner (src/experiments/child-spawner.ts): children started through it leave this
 * process's pages alone, where a child started here (a fork of this process) makes each page
 * written before it fault once on its next write. Counted in page faults, not time.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChildSpawner } from '../../src/experiments/child-spawner.ts';

const PAGES = 4096; // 16 MiB of 4 KiB pages

/** Writes one word in every page of `a` and returns the minor page faults it took. */
function faultsToRewrite(a: Int32Array): number {
  const f0 = process.resourceUsage().minorPageFault;
  for (let i = 0; i < a.length; i += 1024) a[i]++;
  return process.resourceUsage().minorPageFault - f0;
}

describe('ChildSpawner', () => {
  let spawner: ChildSpawner;
  beforeAll(() => {
    spawner = ChildSpawner.start();
  });
  afterAll(() => spawner.close());

  it('runs a child to its end and returns its status and output', async () => {
    const r = await spawner.run(process.execPath, ['-e', 'process.stdout.write("out"); process.stderr.write("err"); process.exit(3)']);
    expect(r).toEqual({ status: 3, signal: null, stdout: 'out', stderr: 'err', error: null });
    const missing = await spawner.run('/nonexistent/gcsim-no-such-program', []);
    expect(missing.status).toBeNull();
    expect(missing.error).toMatch(/ENOENT/);
  });

  it('keeps its parent alive while a child runs, and not after', () => {
    // A parent that never closes the spawner: it gets the late child's output, then exits.
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
    const spawnerUrl = pathToFileURL(new URL('../../src/experiments/child-spawner.ts', import.meta.url).pathname).href;
    const program = `const { ChildSpawner } = await import(${JSON.stringify(spawnerUrl)});
      const r = await ChildSpawner.start().run(process.execPath, ['-e', 'setTimeout(() => process.stdout.write("late"), 300)']);
      process.stdout.write('got ' + r.stdout);`;
    const r = spawnSync(process.execPath, ['--import', tsx, '--input-type=module', '-e', program], { encoding: 'utf8', timeout: 20_000 });
    expect(r.signal, r.stderr).toBeNull(); // not killed by the timeout: it exited by itself
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe('got late');
  });

  it.skipIf(process.platform !== 'linux')('leaves the pages of this process alone, where a fork of it makes each fault once', async () => {
    const heap = new Int32Array(new SharedArrayBuffer(PAGES * 4096));
    faultsToRewrite(heap); // first writes: every page faults in
    expect(faultsToRewrite(heap)).toBeLessThan(PAGES / 8); // written already: none

    await spawner.run(process.execPath, ['-e', '0']);
    const throughSpawner = faultsToRewrite(heap);

    // Negative control: the same child started by this process.
    spawnSync(process.execPath, ['-e', '0']);
    const forkedHere = faultsToRewrite(heap);

    expect(throughSpawner).toBeLessThan(PAGES / 8);
    expect(forkedHere).toBeGreaterThan(PAGES / 2);
  });
});

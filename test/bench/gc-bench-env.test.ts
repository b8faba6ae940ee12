/**
 * `npm run bench -- gc` reads its settings from the environment (bench/gc.bench.ts). A scheme
 * that `--balance` does not know is one line on stderr and exit status 2, before any heap is made.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');

describe('bench gc settings', () => {
  it('rejects an unknown BENCH_GC_BALANCE scheme with one line and exit status 2', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bench/gc.bench.ts')], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 30_000,
      env: { ...process.env, BENCH_GC_BALANCE: 'steal,bogus' },
    });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual(["bench gc: unknown BENCH_GC_BALANCE scheme 'bogus' (one of steal, steal-half, steal-oldest, static)"]);
    expect(r.stdout).toBe('');
  });
});

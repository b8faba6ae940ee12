/**
 * User workloads from a file: `defineWorkload` checks a definition; a module whose default export
 * it made loads (.mjs and .ts), runs with the same digest at threads 1 and 2, and sweeps in
 * per-trial workers; a bad file is one line and exit status 2 on the command line.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defineWorkload, WorkloadDefinitionError } from '../../src/workloads/workload.ts';
import { loadWorkloadFile, WorkloadFileError } from '../../src/experiments/workload-file.ts';
import { runOne, UsageError } from '../../src/experiments/run.ts';
import { NO_WARMUP, SMALL_HEAP } from '../helpers/small.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const INDEX = path.join(ROOT, 'src/index.ts');

const RING = (ext: string) => `
import { defineWorkload } from ${JSON.stringify(INDEX)};
export default defineWorkload({
  name: 'ring-${ext}',
  description: 'a ring of nodes, rewired at random',
  params: { nodes: { default: 2000, min: 2, max: 100000, doc: 'nodes' }, rounds: { default: 20000, min: 1, doc: 'rewirings' } },
  run(m, rng, p) {
    const node = m.maps.define('Ring.Node', 0);
    const s = m.openScope();
    const arr = m.allocate(m.arrayMap, p.nodes, true);
    m.setGlobal('ring', arr);
    for (let i = 0; i < p.nodes; i++) { const t = m.openScope(); m.set(arr, i, m.allocate(node, 2)); m.closeScope(t); }
    for (let r = 0; r < p.rounds; r++) {
      const t = m.openScope();
      const n = m.allocate(node, 2);
      m.set(n, 0, m.get(arr, rng.int(p.nodes)));
      m.set(arr, rng.int(p.nodes), n);
      m.closeScope(t);
      m.work(1);
    }
    m.closeScope(s);
  },
});
`;

let dir = '';
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gcsim-workload-file-'));
  fs.writeFileSync(path.join(dir, 'ring.mjs'), RING('mjs'));
  fs.writeFileSync(path.join(dir, 'ring.ts'), RING('ts'));
  fs.writeFileSync(path.join(dir, 'not-object.mjs'), 'export default 42;\n');
  fs.writeFileSync(path.join(dir, 'syntax.mjs'), 'export default {\n');
  fs.writeFileSync(path.join(dir, 'no-default.mjs'), 'export const w = 1;\n');
  fs.writeFileSync(path.join(dir, 'throws.mjs'), "throw new Error('boom\\nsecond line');\n");
});

describe('defineWorkload', () => {
  const ok = { name: 'w', description: 'd', params: { n: { default: 1, min: 0, max: 5, doc: 'n' } }, run() {} };
  it('returns a frozen workload with its parameter table', () => {
    const w = defineWorkload(ok);
    expect(Object.isFrozen(w)).toBe(true);
    expect(w.params.n).toEqual({ default: 1, min: 0, max: 5, doc: 'n' });
  });
  it('rejects a bad name, a missing run, and a default outside its bounds', () => {
    expect(() => defineWorkload({ ...ok, name: 'Bad Name' })).toThrow(WorkloadDefinitionError);
    expect(() => defineWorkload({ ...ok, run: undefined as never })).toThrow(/run must be a function/);
    expect(() => defineWorkload({ ...ok, params: { n: { default: 9, min: 0, max: 5, doc: 'n' } } })).toThrow(/outside its bounds/);
    expect(() => defineWorkload({ ...ok, params: { n: { default: 1.5, min: 0, doc: 'n' } } })).toThrow(/integer bounds/);
  });
});

describe('workload files', () => {
  it('load as .mjs and .ts', async () => {
    expect((await loadWorkloadFile(path.join(dir, 'ring.mjs'))).name).toBe('ring-mjs');
    expect((await loadWorkloadFile(path.join(dir, 'ring.ts'))).name).toBe('ring-ts');
  });

  it('explain a bad file in one line', async () => {
    const cases: [string, RegExp][] = [
      ['not-object.mjs', /must be an object made by defineWorkload/],
      ['syntax.mjs', /cannot load workload file .*syntax\.mjs': \S/],
      ['no-default.mjs', /has no default export/],
      ['throws.mjs', /cannot load workload file .*boom$/],
      ['missing.mjs', /not found/],
    ];
    for (const [f, re] of cases) {
      const e = await loadWorkloadFile(path.join(dir, f)).then(() => null, (x: unknown) => x);
      expect(e, f).toBeInstanceOf(WorkloadFileError);
      expect((e as Error).message, f).toMatch(re);
      expect((e as Error).message, f).not.toContain('\n');
    }
  });

  it('run by path with the same digest at threads 1 and 2, and check parameter bounds', async () => {
    const file = path.join(dir, 'ring.mjs');
    const digests: string[] = [];
    for (const threads of [1, 2]) {
      const r = await runOne({ workload: file, params: { nodes: 3000 }, options: { ...NO_WARMUP, ...SMALL_HEAP, threads, verifyHeap: true } });
      expect(r.error).toBeNull();
      expect(r.workload.name).toBe('ring-mjs');
      expect(r.events.length).toBeGreaterThan(0);
      digests.push(r.digest);
    }
    expect(digests[1]).toBe(digests[0]);
    await expect(runOne({ workload: file, params: { nodes: 1 } })).rejects.toThrow(UsageError);
    await expect(runOne({ workload: path.join(dir, 'no-default.mjs') })).rejects.toThrow(UsageError);
  }, 60_000);

  it('gcsim run --workload-file: a bad file is one line and exit status 2; sweep -w runs a .ts file in per-trial workers', () => {
    const cli = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/cli/main.ts'), ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
    const badFile = path.join(dir, 'not-object.mjs');
    const bad = cli('run', '--workload-file', badFile);
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim().split('\n')).toEqual([`gcsim: workload file '${badFile}': a workload must be an object made by defineWorkload`]);
    const sweep = cli('sweep', '-w', path.join(dir, 'ring.ts'), '--threads', '1,2', '-t', '1', '-p', 'nodes=3000', '-o', path.join(dir, 'out'));
    expect(sweep.status, sweep.stderr).toBe(0);
    const results = JSON.parse(fs.readFileSync(path.join(dir, 'out/results.json'), 'utf8')) as { configurations: { trials: { status: string; result: { digest: string; workload: { name: string } } }[] }[] };
    const trials = results.configurations.flatMap((c) => c.trials);
    expect(trials.map((t) => t.status)).toEqual(['ok', 'ok']);
    expect(trials.map((t) => t.result.workload.name)).toEqual(['ring-ts', 'ring-ts']);
    expect(trials[1].result.digest).toBe(trials[0].result.digest);
  }, 150_000);
});

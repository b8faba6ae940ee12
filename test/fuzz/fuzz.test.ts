/**
 * The differential fuzzer: programs are deterministic per seed, a short fuzz run over threads
 * 1-4 and both barriers is clean, the checker catches damage planted behind the model's back,
 * each negative control is caught within a few fixed seeds, shrinking keeps the failure, hangs
 * in a child process are killed, and the CLI rejects bad input with one line.
 */
import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { caseForSeed } from '../../src/fuzz/program.ts';
import { drawConfig } from '../../src/fuzz/matrix.ts';
import { FuzzRng } from '../../src/fuzz/rng.ts';
import { type FuzzCase, type NegativeControl, type Op, caseToJson, parseCase } from '../../src/fuzz/ops.ts';
import { type RunCaseOptions, runCase } from '../../src/fuzz/runner.ts';
import { runCampaign } from '../../src/fuzz/campaign.ts';
import { shrinkCase } from '../../src/fuzz/shrink.ts';
import { CaseWorker } from '../../src/fuzz/case-worker.ts';
import { refTo } from '../../src/fuzz/model.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SHORT = 0.4;

function small(ops: Op[], config: FuzzCase['config'] = { threads: 1, maxSemiSpaceSize: 0.25 }): FuzzCase {
  return { seed: 0, config, negativeControl: null, ops };
}

describe('program generator', () => {
  it('gives the same configuration and program for a seed, different ones for other seeds, and survives JSON', () => {
    const opts = { threadsMax: 4, negativeControl: null };
    const a = caseForSeed(7, opts);
    expect(caseForSeed(7, opts)).toEqual(a);
    expect(JSON.stringify(caseForSeed(8, opts))).not.toBe(JSON.stringify(a));
    expect(parseCase(JSON.parse(JSON.stringify(caseToJson(a))))).toEqual(a);
    expect(a.ops.length).toBeGreaterThan(100);
    // --threads-max only clamps the thread count: the rest of the case is the same
    const one = caseForSeed(7, { threadsMax: 1, negativeControl: null });
    expect(one.config.threads).toBe(1);
    expect({ ...one.config, threads: a.config.threads }).toEqual(a.config);
  });
});

describe('fuzzing the collectors', () => {
  it('finds nothing wrong in short cases over threads 1-4 and both barriers', async () => {
    // The first seed of each (threads, barrier) pair: fixed seeds, every combination.
    const seeds = new Map<string, number>();
    for (let seed = 1; seeds.size < 8; seed++) {
      const c = drawConfig(new FuzzRng(seed), { threadsMax: 4, negativeControl: null });
      const key = `${c.threads}/${c.barrier}`;
      if (!seeds.has(key)) seeds.set(key, seed);
    }
    let gcs = 0;
    let majors = 0;
    for (const [key, seed] of seeds) {
      const c = caseForSeed(seed, { threadsMax: 4, negativeControl: null, scale: SHORT });
      const r = await runCase(c);
      expect(r.verdict === 'ok' || r.verdict === 'oom', `seed ${seed} (${key}): ${r.verdict}: ${r.message}`).toBe(true);
      expect(r.gcs, `seed ${seed}`).toBeGreaterThanOrEqual(3);
      gcs += r.gcs;
      majors += r.majorGcs;
    }
    expect(gcs).toBeGreaterThan(80);
    expect(majors).toBeGreaterThan(15);
  }, 90_000);
});

describe('checker', () => {
  // A tagged object with a SMI in field 1, a string, then GCs.
  const OPS: Op[] = [
    { op: 'open' },
    { op: 'alloc', fields: 2, tenured: false },
    { op: 'storeSmi', dst: 0, field: 0, value: 5 },
    { op: 'string', bytes: 64, tenured: false, seed: 1 },
    { op: 'alloc', fields: 1, tenured: false },
    { op: 'store', dst: 2, field: 1, src: 0 }, // object 1, field 2 -> object 3
    { op: 'collect', kind: 'minor' },
    { op: 'collect', kind: 'minor' },
  ];

  async function planted(at: number, damage: RunCaseOptions['afterOp']) {
    return runCase(small(OPS), { afterOp: (ctx) => ctx.index === at && damage!(ctx) });
  }

  it('passes the undamaged program', async () => {
    expect((await runCase(small(OPS))).verdict).toBe('ok');
  });

  it('reports a SMI written behind the model as corrupted', async () => {
    const r = await planted(5, ({ sim, model }) => sim.mutator.setSmi(model.handles[0], 1, 6));
    expect(r.verdict).toBe('corrupted');
    expect(r.message).toMatch(/expected SMI 5, found SMI 6/);
    expect(r.opIndex).toBe(6); // seen after the next GC
  });

  it('reports a raw word written behind the model as corrupted', async () => {
    const r = await planted(5, ({ sim, model }) => sim.mutator.writeRaw(model.handles[1], 3, 42));
    expect(r.verdict).toBe('corrupted');
    expect(r.message).toMatch(/word 3 is 42/);
  });

  it('reports an object freed while reachable as lost', async () => {
    // As a collector that misses a reference would: the GC (op 6) does not see #1.f2 -> #3 and
    // frees #3; the stale pointer is put back afterwards.
    let stale = 0;
    const r = await runCase(small(OPS), {
      afterOp: ({ sim, model, index }) => {
        const m = sim.mutator;
        const slot = () => m.addressOf(model.handles[0]) + 2 + 2;
        if (index === 5) {
          stale = sim.heap.mem[slot()];
          m.setSmi(model.handles[0], 2, 0);
          sim.heap.roots[model.handles[2]] = 0;
          model.locals[2] = 0; // the model's #3 is now reachable only through #1.f2
        } else if (index === 6) {
          sim.heap.mem[slot()] = stale;
        }
      },
    });
    expect(r.verdict).toBe('lost');
    expect(r.message).toMatch(/object #3 \(node of 2 words\) is gone: the pointer leads to \d+ in the empty semispace/);
    expect(r.opIndex).toBe(6);
  });

  it('reports an object replaced by another as lost', async () => {
    const r = await planted(5, ({ sim, model }) => sim.mutator.set(model.handles[0], 2, model.handles[1]));
    expect(r.verdict).toBe('lost');
    expect(r.message).toMatch(/expected object #3 \(node of 2 words\), found an object with another map/);
  });

  it('reports one object at two addresses as duplicated', async () => {
    const r = await runCase(small([...OPS, { op: 'dup', src: 2, n: 1 }, { op: 'collect', kind: 'minor' }]), {
      afterOp: ({ sim, model, index }) => {
        if (index !== 8) return;
        // a second copy of object 1 (same id, same fields), held by the duplicated handle
        const m = sim.mutator;
        const copy = m.allocate(m.maps.define('Fuzz.Node', 0), 3);
        m.setSmi(copy, 0, 1);
        m.setSmi(copy, 1, 5);
        m.set(copy, 2, model.handles[2]);
        sim.heap.roots[model.handles[model.locals.length - 1]] = sim.heap.roots[copy];
        expect(model.locals[model.locals.length - 1]).toBe(refTo(1));
      },
    });
    expect(r.verdict).toBe('duplicated');
    expect(r.message).toMatch(/object #1 \(node of 3 words\) is at \d+ here but at \d+ on another path/);
  });
});

describe('negative controls', () => {
  // Each is caught at one of the first seeds (1-3 when written); 8 misses would mean the
  // fuzzer cannot see the mechanism fail. Not 'mark-bit': a lost mark bit needs two markers
  // setting bits of one word at the same moment, which a loaded machine rarely runs (caught at
  // seed 2 alone, missed in 8 runs during the whole suite); test/integration/parallel.test.ts
  // is its negative control.
  for (const nc of ['barrier', 'remembered-set', 'forwarding-cas'] as NegativeControl[]) {
    it(`catches the ${nc} switched off within 8 runs`, async () => {
      const s = await runCampaign({
        startSeed: 1,
        runs: 8,
        minutes: null,
        threadsMax: 4,
        jobs: 1,
        negativeControl: nc,
        outDir: fs.mkdtempSync(path.join(os.tmpdir(), 'gcsim-fuzz-')),
        shrinkMs: 0,
        maxFailures: 1,
        isolation: 'inline',
      });
      expect(s.failures.length, `${s.runs} runs`).toBe(1);
      // A lost object; without the marking barrier sometimes only the verifier's dangling pointer
      // from floating garbage to a freed object.
      const expected = nc === 'forwarding-cas' ? ['duplicated'] : nc === 'barrier' ? ['lost', 'dangling'] : ['lost'];
      expect(expected).toContain(s.failures[0].result.verdict);
    }, 60_000);
  }
});

describe('shrinking', () => {
  it('makes a failing program smaller, and the smaller one fails the same way', async () => {
    const c = caseForSeed(1, { threadsMax: 4, negativeControl: 'remembered-set' });
    const first = await runCase(c);
    expect(first.verdict).toBe('lost');
    const s = await shrinkCase(c, first, (cand) => runCase(cand), { timeLimitMs: 15_000 });
    expect(s.case.ops.length).toBeLessThan(c.ops.length / 10);
    const again = await runCase(s.case);
    expect(again.verdict).toBe('lost');
  }, 60_000);
});

describe('child processes', () => {
  it('kills a child whose case never returns, reports a hang, and runs the next case in a new child', async () => {
    const w = new CaseWorker(200);
    try {
      process.env.GCSIM_FUZZ_TEST_SPIN = '1';
      const hung = await w.run(1, { threadsMax: 1, negativeControl: null }, small([{ op: 'collect', kind: 'minor' }]), 300);
      delete process.env.GCSIM_FUZZ_TEST_SPIN;
      expect(hung.verdict).toBe('hang');
      expect(hung.message).toMatch(/the child was killed/);
      const next = await w.run(2, { threadsMax: 1, negativeControl: null }, small([{ op: 'alloc', fields: 1, tenured: false }, { op: 'collect', kind: 'minor' }]), 10_000);
      expect(next.verdict).toBe('ok');
      expect(w.childrenStarted).toBe(2);
    } finally {
      delete process.env.GCSIM_FUZZ_TEST_SPIN;
      w.close();
    }
  }, 60_000);
});

describe('gcsim fuzz', () => {
  function gcsim(...args: string[]) {
    const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/cli/main.ts'), 'fuzz', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  }

  it('rejects bad input with one line on stderr and exit status 2', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gcsim-fuzz-'));
    const bad = path.join(dir, 'bad.json');
    fs.writeFileSync(bad, '{"schema": "gcsim/fuzz-case@1", "ops": 3}');
    for (const args of [['--runs', '0'], ['--threads-max', '9'], ['--negative-control', 'nope'], ['--replay', bad]]) {
      const r = gcsim(...args);
      expect(r.status, args.join(' ')).toBe(2);
      const lines = r.stderr.split('\n').filter((l) => l.trim() !== '');
      expect(lines.length, r.stderr).toBe(1);
      expect(lines[0]).toMatch(/^gcsim: bad /);
    }
  }, 60_000);
});

import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { executeSweep, type SweepInvocation } from '../../src/cli/sweep-command.ts';
import { reportCommand } from '../../src/cli/report-command.ts';
import { UsageFailure } from '../../src/cli/errors.ts';
import { checkTrace } from '../../src/report/chrome-trace.ts';
import { readSweepResults } from '../../src/experiments/sweep-results.ts';
import { runTrialInWorker } from '../../src/experiments/trial-worker-client.ts';
import type { SweepSpec } from '../../src/experiments/sweep-matrix.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'gcsim-sweep-'));
}

function tickSpec(over: Partial<SweepSpec> = {}): SweepSpec {
  return { workloads: ['string-tick'], params: { ticks: [30] }, options: { threads: [1] }, trials: 2, warmup: 0, seed: 1, varySeed: false, trialTimeoutMs: 60_000, ...over };
}

async function sweep(inv: Partial<SweepInvocation> & { spec: SweepSpec; outDir: string }) {
  const progress = new PassThrough();
  const out = new PassThrough();
  let err = '';
  let text = '';
  progress.on('data', (d) => (err += String(d)));
  out.on('data', (d) => (text += String(d)));
  const code = await executeSweep({ crashForTesting: null, strict: false, ...inv }, { progress: progress as unknown as NodeJS.WriteStream, out, command: 'test' });
  return { code, stderr: err, stdout: text };
}

/** The CLI in a child process (tsx), stderr and exit status collected. */
function gcsim(args: string[], onStderr?: (text: string, child: ReturnType<typeof spawn>) => void) {
  return new Promise<{ status: number | null; signal: string | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/cli/main.ts'), ...args], { cwd: ROOT });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += String(d)));
    child.stderr.on('data', (d) => {
      stderr += String(d);
      onStderr?.(stderr, child);
    });
    child.on('close', (status, signal) => resolve({ status, signal, stdout, stderr }));
  });
}

describe('gcsim sweep', () => {
  it('runs every trial in a worker and writes results.json, results.csv, trace.json and report.html; gcsim report re-renders them', async () => {
    const dir = tmpDir();
    const r = await sweep({ spec: tickSpec({ warmup: 1 }), outDir: dir });
    expect(r.code, r.stderr).toBe(0);
    // Plain progress lines (stderr is not a terminal), each numbered k/N: the warm-up, then each trial.
    expect(r.stderr).toMatch(/^\[1\/3\] warm-up string-tick threads=1: ok, \d+ GCs/m);
    expect(r.stderr).toMatch(/^\[3\/3\] string-tick threads=1 #1: ok, \d+ GCs, pause p50 [\d.]+ \/ max [\d.]+ ms/m);
    expect(r.stdout).toMatch(/^string-tick threads=1\s+2\/2\s+incremental\s+\d+\s/m);
    expect(r.stdout).toContain(`Report:  ${path.join(dir, 'report.html')}`);

    const s = readSweepResults(path.join(dir, 'results.json'));
    expect(s.status).toBe('complete');
    const c = s.configurations[0];
    expect(c.trials.map((t) => [t.index, t.status])).toEqual([
      [0, 'ok'],
      [1, 'ok'],
    ]); // the warm-up is not recorded
    const run = c.trials[0].result!;
    expect(run.schema).toBe('gcsim/result@1');
    expect(run.workload).toMatchObject({ name: 'string-tick', params: { ticks: 30 } });
    expect(run.events.length).toBeGreaterThan(0);
    expect(c.trials[1].result!.digest).toBe(run.digest);
    expect(c.summary.metrics['pauses.count'].n).toBe(2);

    const csv = fs.readFileSync(path.join(dir, 'results.csv'), 'utf8').trim().split('\n');
    expect(csv).toHaveLength(1 + 2 * 3);
    const trace = JSON.parse(fs.readFileSync(path.join(dir, 'trace.json'), 'utf8'));
    expect(checkTrace(trace)).toEqual([]);
    expect(trace.traceEvents.some((e: { name: string }) => e.name === 'MinorGC')).toBe(true);
    const html = fs.readFileSync(path.join(dir, 'report.html'), 'utf8');
    for (const name of ['pauses', 'mmu', 'heap', 'timeline-scavenge']) expect(html).toMatch(new RegExp(`data-chart="${name}"><svg`));

    // Re-render elsewhere from results.json alone: same report, plus its own copy of results.json.
    const again = tmpDir();
    await reportCommand().exitOverride().parseAsync([path.join(dir, 'results.json'), '--out', again], { from: 'user' });
    expect(fs.readFileSync(path.join(again, 'report.html'), 'utf8')).toBe(html);
    expect(checkTrace(JSON.parse(fs.readFileSync(path.join(again, 'trace.json'), 'utf8')))).toEqual([]);
    expect(fs.readFileSync(path.join(again, 'results.csv'), 'utf8')).toBe(fs.readFileSync(path.join(dir, 'results.csv'), 'utf8'));
    expect(readSweepResults(path.join(again, 'results.json')).configurations[0].trials).toHaveLength(2);
  });

  it('records a trial whose worker dies, names the failure, and still writes every other trial', async () => {
    const dir = tmpDir();
    const r = await sweep({ spec: tickSpec({ trials: 3 }), outDir: dir, crashForTesting: { index: 1, mode: 'exit' } });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^\[2\/3\] string-tick threads=1 #1: FAILED crash: trial worker exited with code 70 before answering/m);
    expect(r.stdout).toMatch(/Failed trials:\n {2}#1 string-tick threads=1 \(trial 1\): crash: trial worker exited with code 70/);
    const s = readSweepResults(path.join(dir, 'results.json'));
    const trials = s.configurations[0].trials;
    expect(trials.map((t) => t.status)).toEqual(['ok', 'failed', 'ok']);
    expect(trials[1]).toMatchObject({ failure: { kind: 'crash' }, result: null });
    expect(trials[0].result!.events.length).toBeGreaterThan(0);
    expect(trials[2].result!.events.length).toBeGreaterThan(0);
    expect(s.failures).toEqual([expect.objectContaining({ index: 1, kind: 'crash', label: 'string-tick threads=1' })]);
    expect(s.configurations[0].summary.ok).toBe(2);
    const csv = fs.readFileSync(path.join(dir, 'results.csv'), 'utf8');
    expect(csv.match(/,failed,crash,trial worker exited with code 70 before answering,/g)).toHaveLength(3);
    expect(fs.readFileSync(path.join(dir, 'report.html'), 'utf8')).toContain('trial worker exited with code 70 before answering');
  });

  it('reports a worker that throws, and a run that fails inside the worker, as failures', async () => {
    const base = { workload: 'string-tick', seed: 1, params: { ticks: 5 }, options: {} };
    const thrown = await runTrialInWorker({ ...base, crashForTesting: 'throw' });
    expect(thrown.failure).toEqual({ kind: 'crash', message: 'trial worker crashed: trial crashed for testing (--crash-trial-for-testing)' });
    const bad = await runTrialInWorker({ ...base, params: { ticks: 5, bytes: 40 << 20 }, options: { maxOldSpaceSize: 8 } });
    expect(bad.failure?.kind).toBe('oom');
    expect(bad.failure?.message).toMatch(/^FATAL ERROR: Reached heap limit/);
    expect(bad.result?.error?.kind).toBe('oom'); // measured up to the failure
  });

  it('rejects bad matrix specifications with one line and exit status 2', async () => {
    // Every rule is unit-tested in test/experiments/sweep-cli.test.ts; here, the path to exit 2.
    const cases = [
      [['sweep', '--workload', 'splay,nope', '--threads', '1,2'], /^gcsim: unknown workload 'nope'/],
      [['sweep', '--workload', 'splay', '--bogus', '1,2'], /^gcsim: unknown option '--bogus'/],
    ] as const;
    const results = await Promise.all(cases.map(([args]) => gcsim([...args])));
    results.forEach((r, i) => {
      const lines = r.stderr.split('\n').filter((l) => l.trim() !== '');
      expect(r.status, r.stderr).toBe(2);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(cases[i][1]);
    });
  });

  it('gcsim report rejects a missing or foreign input with a UsageFailure', async () => {
    const dir = tmpDir();
    await expect(reportCommand().exitOverride().parseAsync([path.join(dir, 'missing.json')], { from: 'user' })).rejects.toThrow(UsageFailure);
    fs.writeFileSync(path.join(dir, 'other.json'), '{"schema":"something/else"}');
    await expect(reportCommand().exitOverride().parseAsync([path.join(dir, 'other.json')], { from: 'user' })).rejects.toThrow(/expected a gcsim\/sweep@1/);
  });

  it('writes the results measured so far when interrupted with Ctrl-C', async () => {
    const dir = tmpDir();
    let sent = false;
    const r = await gcsim(['sweep', '--workload', 'string-tick', '--param', 'ticks=30', '--trials', '50', '--out', dir], (err, child) => {
      if (!sent && /#0: ok/.test(err)) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    expect(r.status, r.stderr).toBe(130);
    expect(r.stderr).toContain('interrupted: stopping the running trial');
    const s = readSweepResults(path.join(dir, 'results.json'));
    expect(s.status).toBe('interrupted');
    const n = s.configurations[0].trials.length;
    expect(n).toBeGreaterThanOrEqual(1);
    expect(n).toBeLessThan(50);
    expect(s.configurations[0].trials.every((t) => t.status === 'ok')).toBe(true);
    expect(s.warnings[0]).toBe(`interrupted: ${n} of 50 trials were run`);
    expect(fs.existsSync(path.join(dir, 'report.html'))).toBe(true);
    expect(r.stdout).toContain('Report:');
  });
});

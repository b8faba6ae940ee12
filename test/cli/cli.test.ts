import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gcsimNodeArgs } from '../helpers/cli.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

function gcsim(...args: string[]) {
  const r = spawnSync(process.execPath, [...gcsimNodeArgs(), ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const TRACE_GC = /^\[(\d+):(0x[0-9a-f]+)\]\s+(\d+) ms: (\S+(?: \(reduce\))?(?: \(interleaved\))?) ([\d.]+) \(([\d.]+)\) -> ([\d.]+) \(([\d.]+)\) MB, (?:pooled: [\d.]+ MB, )?([\d.]+) \/ ([\d.]+) ms\s+(?:\(\+ ([\d.]+) ms in (\d+) steps[^)]*\) )?\(average mu = ([\d.]+), current mu = ([\d.]+)\) ([^;]*);\s?(.*)$/;

describe('gcsim CLI', () => {
  it('run --trace-gc prints V8-format lines and --json writes a gcsim/result@1 record', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gcsim-cli-'));
    const json = path.join(dir, 'r.json');
    const r = gcsim('run', '--workload', 'string-tick', '--param', 'ticks=40', '--trace-gc', '--verify', '--json', json);
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(3);
    for (const l of lines) expect(l).toMatch(TRACE_GC);
    expect(lines[0]).toContain('Scavenge');
    const res = JSON.parse(fs.readFileSync(json, 'utf8'));
    expect(res.schema).toBe('gcsim/result@1');
    expect(res.config.threads).toBe(1);
    expect(res.workload).toMatchObject({ name: 'string-tick', seed: 1 });
    expect(res.events.length).toBe(lines.length);
    expect(res.events[0].phasesMs['scavenge.parallel']).toBeGreaterThan(0);
    expect(res.summary.pauses.count).toBe(lines.length);
    expect(res.verify).toMatchObject({ checks: lines.length, errors: [] });
    expect(res.digest).toMatch(/^[0-9a-f]{16}$/);
  });

  it('run --record-page-faults sums the pauses\' page faults on the summary line, and says nothing without it', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gcsim-cli-'));
    const json = path.join(dir, 'r.json');
    const r = gcsim('run', '--workload', 'string-tick', '--param', 'ticks=40', '--record-page-faults', '--json', json);
    expect(r.status, r.stderr).toBe(0);
    const m = /, page faults in pauses (\d+) \(at most (\d+) in one\)$/m.exec(r.stderr);
    expect(m, r.stderr).not.toBeNull();
    const events = JSON.parse(fs.readFileSync(json, 'utf8')).events as { pageFaults: number }[];
    expect(Number(m![1])).toBe(events.reduce((a, e) => a + e.pageFaults, 0));
    expect(Number(m![2])).toBe(Math.max(...events.map((e) => e.pageFaults)));
    expect(gcsim('run', '--workload', 'string-tick', '--param', 'ticks=40').stderr).not.toContain('page faults');
  });

  it('--version prints the version of package.json', () => {
    const r = gcsim('--version');
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe(JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version);
  });

  it('workloads lists every workload with a description', () => {
    const r = gcsim('workloads');
    expect(r.status).toBe(0);
    for (const n of ['string-tick', 'gcbench', 'splay', 'fragmenter']) expect(r.stdout).toMatch(new RegExp(`^${n}\\s+\\S`, 'm'));
  });

  for (const [what, args] of [
    ['an unknown workload', ['run', '--workload', 'nope']],
    ['a bad option value', ['run', '--workload', 'splay', '--threads', '0']],
    ['an unknown option', ['run', '--workload', 'splay', '--bogus']],
    ['a bad semispace size', ['run', '--workload', 'splay', '--max-semi-space-size', '0.3']],
    ['a bad parameter', ['run', '--workload', 'splay', '--param', 'nope=3']],
    ['an unwritable output', ['run', '--workload', 'string-tick', '--json', '/nonexistent-dir/r.json']],
    ['an unknown command', ['frobnicate']],
  ] as const) {
    it(`rejects ${what} with one line on stderr and exit status 2`, () => {
      const r = gcsim(...args);
      expect(r.status).toBe(2);
      const err = r.stderr.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('npm warn'));
      expect(err.length).toBe(1);
      expect(err[0]).toMatch(/^gcsim: /);
      expect(r.stderr).not.toMatch(/\bat .*\.ts:\d+/);
    });
  }

  it("fails like V8 when the heap limit is reached, with its own exit status, keeping measured results", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gcsim-cli-'));
    const json = path.join(dir, 'oom.json');
    const r = gcsim('run', '--workload', 'gcbench', '--param', 'longLivedDepth=18', '--max-old-space-size', '4', '--json', json);
    expect(r.status).toBe(134);
    expect(r.stderr).toContain('FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory');
    const res = JSON.parse(fs.readFileSync(json, 'utf8'));
    expect(res.error.kind).toBe('oom');
    expect(res.events.length).toBeGreaterThan(0);
  });

  it('run --inject-fault makes a helper fail: one line naming thread and phase, exit 1, what was measured kept', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gcsim-cli-'));
    for (const [fault, message] of [
      ['1:scavenge:throw', /^gcsim: fault: gc helper thread 1 failed in phase scavenge\.parallel: injected fault$/m],
      ['1:scavenge:exit', /^gcsim: fault: gc helper thread 1 exited with code 7 in phase scavenge\.parallel$/m],
      ['1:mark:hang', /^gcsim: fault: gc helper thread 1 stalled in phase mc\.mark: no heartbeat for 1000 ms$/m],
    ] as const) {
      const json = path.join(dir, `${fault.replace(/:/g, '-')}.json`);
      // The first with the JIT warm-up (its scratch run hands fault-injecting helpers on), the others without.
      const warmup = fault === '1:scavenge:throw' ? [] : ['--no-warmup'];
      const r = gcsim('run', '--workload', 'splay', '--threads', '2', '--no-concurrent-marking', '--helper-join', 'all', ...warmup, '--inject-fault', fault, '--json', json);
      expect(r.status, r.stderr).toBe(1);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.split('\n').filter((l) => l.startsWith('gcsim:'))).toHaveLength(1);
      const res = JSON.parse(fs.readFileSync(json, 'utf8'));
      expect(res.events.length).toBeGreaterThanOrEqual(1);
      expect(res.error.kind).toBe('fault');
    }
    // Owner marking and owner scavenging: a helper that fails while its peers wait, idle, on mail it will never take.
    for (const [fault, message, ...option] of [
      ['1:mark:throw', /^gcsim: fault: gc helper thread 1 failed in phase mc\.mark: injected fault$/m, '--owner-marking', '--helper-join', 'all'],
      ['1:mark:hang', /^gcsim: fault: gc helper thread 1 stalled in phase mc\.mark: no heartbeat for 1000 ms$/m, '--owner-marking', '--helper-join', 'all'],
      ['1:scavenge:throw', /^gcsim: fault: gc helper thread 1 failed in phase scavenge\.parallel: injected fault$/m, '--owner-scavenging', '--helper-join', 'all'],
      ['1:scavenge:hang', /^gcsim: fault: gc helper thread 1 stalled in phase scavenge\.parallel: no heartbeat for 1000 ms$/m, '--owner-scavenging', '--helper-join', 'all'],
      // Owner marking under the default dynamic join: its marks still take every helper from the start.
      ['1:mark:hang', /^gcsim: fault: gc helper thread 1 stalled in phase mc\.mark: no heartbeat for 1000 ms$/m, '--owner-marking'],
    ] as const) {
      const r = gcsim('run', '--workload', 'splay', '--threads', '2', '--no-concurrent-marking', ...option, '--no-warmup', '--inject-fault', fault);
      expect(r.status, r.stderr).toBe(1);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.split('\n').filter((l) => l.startsWith('gcsim:'))).toHaveLength(1);
    }
    for (const bad of ['2:mark:throw', '1:nowhere:throw', '1:mark:explode', 'mark']) {
      const r = gcsim('run', '--workload', 'splay', '--threads', '2', '--inject-fault', bad);
      expect(r.status).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/^gcsim: bad --inject-fault/);
    }
  }, 180_000);
});


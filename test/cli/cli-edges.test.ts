import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { runCommand } from '../../src/cli/run-command.ts';
import { formatDuration, sweepCommand, sweepInvocationFromCli, sweepSizeLine } from '../../src/cli/sweep-command.ts';
import { collectOptions, parseIntArg, rejectRepeatedFlags } from '../../src/cli/options-cli.ts';
import { UsageFailure, makeOutputDir } from '../../src/cli/errors.ts';
import { renderReportHtml } from '../../src/report/report-html.ts';
import { pageMapAbsence, pageMapGc } from '../../src/report/charts.ts';
import { fakeRun, fakeSweep } from '../experiments/sweep-fixtures.ts';
import { gcsimNodeArgs } from '../helpers/cli.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** A small valid results.json for the commands that read one. */
const RESULTS = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'gcsim-edges-')), 'results.json');
fs.writeFileSync(RESULTS, JSON.stringify(fakeSweep([[fakeRun(1, [5, 6])], [fakeRun(2, [4, 5])]])));

/** Starting the CLI takes 0.4-3 s on a loaded 2-core machine: the timeout is a hang guard, not a timing. */
const SPAWN_TIMEOUT_MS = 30_000;

function gcsim(...args: string[]) {
  const r = spawnSync(process.execPath, [...gcsimNodeArgs(), ...args], { cwd: ROOT, encoding: 'utf8', timeout: SPAWN_TIMEOUT_MS });
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** Commander's parse of a command's flags, with the action replaced: what the action would get. */
function parsed(cmd: Command, args: string[]): Record<string, unknown> {
  let raw: Record<string, unknown> = {};
  cmd.exitOverride().configureOutput({ outputError: () => undefined });
  cmd.action((r: Record<string, unknown>) => {
    raw = r;
  });
  cmd.parse(args, { from: 'user' });
  return raw;
}

function program(): Command {
  const p = new Command('gcsim');
  p.addCommand(runCommand());
  p.addCommand(sweepCommand());
  return p;
}

describe('bad input: one line on stderr, exit status 2, no hang, no stack trace', () => {
  for (const [what, args, msg] of [
    ['a repeated flag', ['run', '--workload', 'string-tick', '--threads', '2', '--threads', '4'], /--threads is given twice/],
    ['a flag and its --no- form', ['sweep', '--workload', 'splay', '--concurrent-marking', '--no-concurrent-marking'], /--concurrent-marking and --no-concurrent-marking are both given/],
    ['a parameter beyond any bound', ['run', '--workload', 'string-tick', '--param', 'ticks=99999999999999999999'], /bad --param ticks '99999999999999999999': an integer from/],
    ['a sweep parameter beyond its bound', ['sweep', '--workload', 'string-tick', '--param', 'ticks=1,2147483648'], /bad --param ticks '2147483648'/],
    ['a fractional seed', ['run', '--workload', 'string-tick', '--seed', '1.5'], /bad --seed '1.5': an integer from -2147483648 to 2147483647/],
    ['a seed beyond 32 bits', ['sweep', '--workload', 'string-tick', '--seed', '99999999999'], /bad --seed '99999999999'/],
    ['an output directory under /proc', ['sweep', '--workload', 'string-tick', '--out', '/proc/x'], /cannot create output directory '\/proc\/x'/],
    ['a report into /proc', ['report', RESULTS, '--out', '/proc/x/y'], /cannot create output directory '\/proc\/x\/y'/],
    ['a report of a missing file', ['report', 'test/does-not-exist.json'], /cannot read 'test\/does-not-exist.json'/],
    ['an unknown baseline axis', ['sweep', '--workload', 'string-tick', '--threads', '1,2', '--baseline', 'barrier=satb'], /bad --baseline 'barrier=satb': 'barrier' is not a setting of this sweep/],
    ['compare with one file and no configurations', ['compare', 'x.json'], /compare needs two results.json files/],
    ['compare with a missing file', ['compare', 'x.json', 'y.json'], /cannot read 'x.json'/],
    ['a list where run takes one value', ['run', '--workload', 'string-tick', '--threads', '1,2'], /bad value '1,2' for --threads: one value/],
  ] as const) {
    it(`rejects ${what}`, { timeout: 3 * SPAWN_TIMEOUT_MS }, () => {
      const r = gcsim(...args);
      expect(r.signal, 'the command hung').toBeNull();
      expect(r.status, r.stderr).toBe(2);
      const lines = r.stderr.split('\n').filter((l) => l.trim() !== '');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^gcsim: /);
      expect(lines[0]).toMatch(msg);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    });
  }
});

describe('one rule for integers, one spelling for booleans', { timeout: 10_000 }, () => {
  it('parses seeds and parameters with bounds', () => {
    expect(parseIntArg('42', '--seed', -5, 100)).toBe(42);
    expect(parseIntArg('+7', '--seed', -5, 100)).toBe(7);
    expect(parseIntArg('-5', '--seed', -5, 100)).toBe(-5);
    for (const bad of ['1e3', '0x10', '1.0', '', ' ', '101', '-6', '99999999999999999999']) {
      expect(() => parseIntArg(bad, '--seed', -5, 100)).toThrow(UsageFailure);
    }
  });

  it('run takes --x, --no-x and --x true|false', () => {
    const base = ['--workload', 'string-tick'];
    expect(collectOptions(parsed(runCommand(), [...base, '--no-concurrent-marking']))).toMatchObject({ concurrentMarking: false });
    expect(collectOptions(parsed(runCommand(), [...base, '--concurrent-marking', 'false']))).toMatchObject({ concurrentMarking: false });
    expect(collectOptions(parsed(runCommand(), [...base, '--concurrent-marking']))).toMatchObject({ concurrentMarking: true });
    expect(collectOptions(parsed(runCommand(), [...base, '--concurrent-marking', 'true', '--threads', '2']))).toMatchObject({ concurrentMarking: true, threads: 2 });
  });

  it('sweep takes the same spellings, and lists', () => {
    const base = ['--workload', 'splay'];
    const spec = (args: string[]) => sweepInvocationFromCli(parsed(sweepCommand(), [...base, ...args])).spec.options;
    expect(spec(['--no-concurrent-marking'])).toEqual({ concurrentMarking: [false] });
    expect(spec(['--concurrent-marking'])).toEqual({ concurrentMarking: [true] });
    expect(spec(['--concurrent-marking', 'false'])).toEqual({ concurrentMarking: [false] });
    expect(spec(['--concurrent-marking', 'true,false'])).toEqual({ concurrentMarking: [true, false] });
  });

  it('refuses a repeated flag before commander can silently keep the last', () => {
    const p = program();
    expect(() => rejectRepeatedFlags(p, ['run', '--seed', '1', '--seed', '2'])).toThrow(/--seed is given twice/);
    expect(() => rejectRepeatedFlags(p, ['run', '-s', '1', '--seed', '2'])).toThrow(/-s and --seed are both given/);
    expect(() => rejectRepeatedFlags(p, ['sweep', '--jit-warmup', 'false', '--no-jit-warmup'])).toThrow(/both given/);
    // Variadic --param repeats; a negative number is a value, not a flag.
    expect(() => rejectRepeatedFlags(p, ['run', '--param', 'a=1', '--param', 'b=2', '--seed', '-3'])).not.toThrow();
  });
});

describe('output directories', { timeout: 10_000 }, () => {
  it('are made level by level, and refused at once where the parent cannot take them', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gcsim-out-'));
    makeOutputDir(path.join(dir, 'a/b/c'));
    expect(fs.statSync(path.join(dir, 'a/b/c')).isDirectory()).toBe(true);
    makeOutputDir(path.join(dir, 'a/b/c')); // exists: fine
    fs.writeFileSync(path.join(dir, 'file'), '');
    expect(() => makeOutputDir(path.join(dir, 'file'))).toThrow(/is not a directory/);
    expect(() => makeOutputDir(path.join(dir, 'file/sub'))).toThrow(/ENOTDIR|is not a directory/);
    expect(() => makeOutputDir('/proc/x')).toThrow(/cannot create output directory '\/proc\/x'/);
  });
});

describe('sweep size and progress', { timeout: 10_000 }, () => {
  it('estimates a sweep before it starts and says so when it will run for hours', () => {
    const inv = (trials: number, threads: string) => sweepInvocationFromCli({ workload: 'splay,gcbench', threads, trials: String(trials) });
    expect(sweepSizeLine(inv(3, '1,2'))).toMatch(/^4 configurations x \(3 trials \+ 0 warm-up\) = 12 runs, roughly \d+ s/);
    expect(sweepSizeLine(inv(300, '1,2,4,8'))).toMatch(/^warning: this sweep will run for hours: 8 configurations x \(300 trials \+ 0 warm-up\) = 2400 runs, roughly 2\.0 h/);
    expect(formatDuration(30)).toBe('30 s');
    expect(formatDuration(600)).toBe('10 min');
  });

  it("the progress bar's estimate is its own token, not cli-progress's eta (which prints NULL)", () => {
    const src = fs.readFileSync(path.join(ROOT, 'src/cli/sweep-command.ts'), 'utf8');
    const format = /format: '([^']*)'/.exec(src)![1];
    expect(format).not.toMatch(/\{eta\}/);
    expect(format).toContain('{estimate}');
  });
});

describe('reports of failed trials', { timeout: 10_000 }, () => {
  it('still chart what failed trials measured before failing', async () => {
    const oom = (threads: number) => fakeRun(threads, [5, 9, 7, 12], { error: { kind: 'oom', message: 'FATAL ERROR: heap out of memory' } });
    const s = fakeSweep([
      [oom(1), oom(1)],
      [oom(2), { kind: 'crash', message: 'boom' }],
    ]);
    expect(s.configurations.every((c) => c.summary.ok === 0)).toBe(true);
    const html = await renderReportHtml(s);
    for (const name of ['pause-scatter', 'mmu', 'heap', 'timeline-scavenge', 'page-map']) {
      expect(html).toMatch(new RegExp(`data-chart="${name}">`)); // drawn, not data-empty
    }
  });

  it('the page map shows a GC with candidates, or says none had any', () => {
    const run = fakeRun(1, [5, 9]);
    for (const ev of run.events) {
      ev.evacuationCandidates = 0;
      for (const p of ev.pageMap ?? []) p.candidate = false;
    }
    const s = fakeSweep([[run], [fakeRun(2, [5, 9])]]);
    expect(pageMapGc(s)?.config.label).toBe('splay threads=2');
    const none = fakeSweep([[run], [run]]);
    expect(pageMapGc(none)).toBeNull();
    expect(pageMapAbsence(none)).toMatch(/^none of the 2 mark-compacts with a page map chose evacuation candidates/);
  });
});

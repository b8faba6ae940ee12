/**
 * Every command of the docs works: each line of a ```sh block in README.md and docs/*.md that
 * starts with `gcsim` or `npx gcsim` runs (as `gcsim`, the compiled CLI, when dist/ is up to date;
 * from the sources otherwise: test/helpers/cli.ts) in smoke mode (GCSIM_SMOKE=1: 1 trial, small workloads; docs/experiments.md) and must exit with 0.
 * Blocks after a `<!-- not run: reason -->` comment are illustrative and skipped. The commands
 * of one file run in order in one scratch directory, so a later command can read what an
 * earlier one wrote (`gcsim report results/x/results.json`).
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gcsimNodeArgs } from '../helpers/cli.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
/** Per command: the largest, the 12-configuration smoke sweep, took 110 s at a load average of 12 on 2 cores. */
const COMMAND_TIMEOUT_MS = 360_000;

export interface DocCommand {
  file: string;
  line: number;
  args: string[];
}

/** Splits a shell command line: whitespace, '…' and "…" quoting, backslash-newline already joined. */
export function shellWords(text: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quote: string | null = null;
  let any = false;
  for (const ch of text) {
    if (quote) {
      if (ch === quote) quote = null;
      else cur += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      any = true;
    } else if (/\s/.test(ch)) {
      if (cur !== '' || any) out.push(cur);
      cur = '';
      any = false;
    } else cur += ch;
  }
  if (cur !== '' || any) out.push(cur);
  return out;
}

export function docCommands(file: string, text: string): { commands: DocCommand[]; skipped: string[] } {
  const lines = text.split('\n');
  const commands: DocCommand[] = [];
  const skipped: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!/^```sh\s*$/.test(lines[i])) continue;
    let prev = i - 1;
    while (prev >= 0 && lines[prev].trim() === '') prev--;
    const notRun = prev >= 0 ? /^<!--\s*not run:\s*(.+?)\s*-->$/.exec(lines[prev].trim()) : null;
    let j = i + 1;
    for (; j < lines.length && !/^```/.test(lines[j]); j++) {
      let cmd = lines[j];
      const start = j + 1;
      while (cmd.endsWith('\\') && j + 1 < lines.length) cmd = cmd.slice(0, -1) + ' ' + lines[++j].trim();
      const m = /^\s*(?:npx\s+)?gcsim(?:\s+(.*))?$/.exec(cmd.replace(/\s+#.*$/, ''));
      if (!m) continue;
      if (notRun) skipped.push(`${file}:${start} (${notRun[1]})`);
      else commands.push({ file, line: start, args: shellWords(m[1] ?? '') });
    }
    i = j;
  }
  return { commands, skipped };
}

const FILES = ['README.md', ...fs.readdirSync(path.join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`)];

describe('the commands in the docs', () => {
  it('finds the documented commands (a parser that finds nothing proves nothing)', () => {
    const all = FILES.flatMap((f) => docCommands(f, fs.readFileSync(path.join(ROOT, f), 'utf8')).commands);
    const text = all.map((c) => c.args.join(' '));
    expect(text).toContain('--version');
    expect(text.some((t) => t.startsWith('sweep --workload splay,gcbench'))).toBe(true);
    expect(text.some((t) => t.startsWith('compare '))).toBe(true);
    expect(docCommands('x.md', '```sh\nnpx gcsim run \\\n  --workload "a b" # note\n```\n').commands[0].args).toEqual(['run', '--workload', 'a b']);
    expect(docCommands('x.md', '<!-- not run: needs a cluster -->\n```sh\ngcsim merge a\n```\n').skipped).toEqual(['x.md:3 (needs a cluster)']);
  });

  for (const file of FILES) {
    const { commands } = docCommands(file, fs.readFileSync(path.join(ROOT, file), 'utf8'));
    if (commands.length === 0) continue;
    describe(file, () => {
      const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'gcsim-docs-'));
      for (const c of commands) {
        it(`line ${c.line}: gcsim ${c.args.join(' ')}`, { timeout: COMMAND_TIMEOUT_MS + 10_000 }, () => {
          const r = spawnSync(process.execPath, [...gcsimNodeArgs(), ...c.args], {
            cwd,
            encoding: 'utf8',
            timeout: COMMAND_TIMEOUT_MS,
            env: { ...process.env, GCSIM_SMOKE: '1' },
          });
          expect(r.signal, `${file}:${c.line} did not finish`).toBeNull();
          expect(r.status, `${file}:${c.line}: ${r.stderr.slice(-2000)}`).toBe(0);
        });
      }
    });
  }
});

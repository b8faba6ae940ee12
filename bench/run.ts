/**
 * `npm run bench [-- NAME…]`: runs the tinybench suites of every `bench/*.bench.ts` (or those
 * whose file name contains a NAME) following the convention in bench-kit.ts, and writes a
 * markdown report to bench/results.md (also printed). Timings are for this machine at this
 * moment: see the header's load average, and docs/experiments.md on noise.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Bench, Task } from 'tinybench';
import { runUnderPlainNode } from './plain-node.ts';
import { benchMeta, describeCaches } from './bench-kit.ts';

const DIR = path.dirname(fileURLToPath(import.meta.url));
const OUT = path.join(DIR, 'results.md');

interface BenchModule {
  suites?: () => Promise<Bench[]> | Bench[];
  teardown?: () => Promise<void> | void;
}

/** 1234.5 ns → `1.23 µs`. */
export function fmtTime(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  const ns = ms * 1e6;
  if (ns < 1e3) return `${ns.toPrecision(3)} ns`;
  if (ns < 1e6) return `${(ns / 1e3).toPrecision(3)} µs`;
  if (ns < 1e9) return `${(ns / 1e6).toPrecision(3)} ms`;
  return `${(ns / 1e9).toPrecision(3)} s`;
}

function fmtRate(perSec: number): string {
  if (!Number.isFinite(perSec)) return '—';
  if (perSec >= 1e6) return `${(perSec / 1e6).toPrecision(3)} M/s`;
  if (perSec >= 1e3) return `${(perSec / 1e3).toPrecision(3)} k/s`;
  return `${perSec.toPrecision(3)} /s`;
}

function mdRow(cells: readonly (string | number)[]): string {
  return `| ${cells.map((c) => String(c).replace(/\|/g, '\\|')).join(' | ')} |`;
}

/** Markdown table of one file's benches (run already). */
export function benchTable(benches: readonly Bench[]): string {
  const extras: string[] = [];
  for (const b of benches) for (const t of benchMeta(b).tasks.values()) for (const k of Object.keys(t.extra)) if (!extras.includes(k)) extras.push(k);
  const header = ['suite', 'task', 'mean', 'p50', 'p99', '±rme', 'samples', 'per item (p50)', 'per second (p50)', ...extras];
  const lines = [mdRow(header), mdRow(header.map((_, i) => (i < 2 ? '---' : '---:')))];
  const notes: string[] = [];
  for (const b of benches) {
    const meta = benchMeta(b);
    const suite = b.name ?? '';
    for (const t of b.tasks as Task[]) {
      const r = t.result;
      const tm = meta.tasks.get(t.name);
      const ex = extras.map((k) => tm?.extra[k] ?? '');
      if (r.state === 'completed' || r.state === 'aborted-with-statistics') {
        const l = r.latency;
        const per = tm?.perItem;
        lines.push(
          mdRow([
            suite,
            t.name,
            fmtTime(l.mean),
            fmtTime(l.p50),
            fmtTime(l.p99),
            `${l.rme.toFixed(1)}%`,
            l.samplesCount,
            per ? `${fmtTime(l.p50 / per.n)}/${per.unit}` : '',
            per ? fmtRate((per.n * 1000) / l.p50) : fmtRate(1000 / l.p50),
            ...ex,
          ]),
        );
      } else if (r.state === 'errored') {
        lines.push(mdRow([suite, t.name, `error: ${r.error.message}`, '', '', '', '', '', '', ...ex]));
      } else {
        lines.push(mdRow([suite, t.name, r.state, '', '', '', '', '', '', ...ex]));
      }
    }
    for (const u of meta.unavailable) lines.push(mdRow([suite, u.task, `unavailable: ${u.reason}`, '', '', '', '', '', '', ...extras.map(() => '')]));
    for (const n of meta.notes) notes.push(`- ${suite ? `${suite}: ` : ''}${n}`);
  }
  return lines.join('\n') + (notes.length > 0 ? `\n\n${notes.join('\n')}` : '');
}

function gitCommit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: DIR, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'unknown';
  }
}

async function main(filters: string[]): Promise<void> {
  const files = fs
    .readdirSync(DIR)
    .filter((f) => f.endsWith('.bench.ts'))
    .filter((f) => filters.length === 0 || filters.some((n) => f.includes(n)))
    .sort();
  if (files.length === 0) {
    process.stderr.write(`bench: no bench/*.bench.ts matches ${filters.join(', ')}\n`);
    process.exitCode = 2;
    return;
  }
  const cpus = os.cpus();
  const caches = describeCaches();
  const sections: string[] = [
    '# gcsim benchmarks',
    '',
    `${new Date().toISOString()}, commit ${gitCommit()}, node ${process.version}, ${cpus.length} × ${cpus[0]?.model ?? '?'}${caches === '' ? '' : ` (${caches})`}, ${os.platform()} ${os.arch()}, load average ${os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')} at start.`,
    'Times are per iteration of a task; "per item" divides the median (p50) by the items an iteration handles, and "per second" counts items (or iterations) at the median. Noise: see docs/experiments.md.',
  ];
  for (const f of files) {
    const file = path.join(DIR, f);
    process.stderr.write(`bench: ${f}\n`);
    const text = fs.readFileSync(file, 'utf8');
    sections.push('', `## ${f}`, '');
    const t0 = performance.now();
    if (!/export\s+(?:async\s+)?(?:function|const|let)\s+suites\b/.test(text)) {
      // Not (yet) following the convention: run it as a script, under plain node from the
      // compiled build (bench/plain-node.ts says why), and keep what it printed.
      try {
        const r = await runUnderPlainNode(file, [], true);
        sections.push('Ran as a script (no `suites()` export), under plain node:', '', '```', r.output.trimEnd(), '```');
        if (r.status !== 0) sections.push('', `exit status ${r.status}`);
      } catch (e) {
        sections.push(`**failed:** ${e instanceof Error ? e.message : String(e)}`);
      }
    } else {
      const mod = (await import(pathToFileURL(file).href)) as BenchModule;
      let benches: Bench[] = [];
      try {
        benches = await mod.suites!();
        for (const b of benches) {
          process.stderr.write(`bench:   ${b.name ?? '(unnamed)'}\n`);
          if (benchMeta(b).sync) b.runSync();
          else await b.run();
        }
      } catch (e) {
        sections.push(`**failed:** ${e instanceof Error ? e.message : String(e)}`, '');
      } finally {
        await mod.teardown?.();
      }
      sections.push(benchTable(benches));
    }
    sections.push('', `(${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  }
  const md = sections.join('\n') + '\n';
  fs.writeFileSync(OUT, md);
  process.stdout.write(md);
  process.stderr.write(`bench: wrote ${path.relative(process.cwd(), OUT)}\n`);
}

await main(process.argv.slice(2));

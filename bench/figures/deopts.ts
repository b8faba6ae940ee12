// How many times V8 deoptimised the collector's code in the measured run (after the JIT warm-up):
//   npm run build && npx tsx bench/figures/deopts.ts [runs] ["workload args" ...]
// Each configuration runs `runs` times (default 3) as `node --trace-deopt-verbose bin/gcsim.mjs
// run --workload ...`; the run prints a marker where the measured run starts
// (GCSIM_MARK_MEASURED=1), and every deoptimisation after it in the collector (src/gc, src/heap,
// src/parallel, src/scheduler; not the digest, which runs after the measurement) is counted,
// with the source position it happened at. A deoptimisation in a measured pause means that the
// code ran unoptimised for a while there: the warm-up did not take that path on that thread.
// Also counted: optimised code thrown away between the end of the warm-up (a second marker) and
// the start of the measured run, as the measured heap was made ("marking dependent code ...",
// by function name: V8 prints no position for it); that code starts the run unoptimised.
// Also counted (`--trace-opt`): the TurboFan compilations that finish after the marker, in any
// isolate and of any code but the digest's, each a job for V8's platform threads: at two threads
// on two cores those take a core from a collector thread now and then, even in SCHED_IDLE
// (docs/performance.md, "V8's own threads").
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const runs = Number(process.argv[2] ?? 3);
const configs = process.argv.length > 3 ? process.argv.slice(3) : ['splay --threads 2', 'gcbench --threads 2', 'fragmenter --threads 2', 'splay --threads 4'];
const COLLECTOR = /dist\/src\/(gc|heap|parallel|scheduler)\//;
const MARKER = 'gcsim: the measured run starts';
const WARMUP_END = 'gcsim: the warm-up ends';

for (const config of configs) {
  const counts: number[] = [];
  const thrown: number[] = [];
  const compiled: number[] = [];
  const sites = new Map<string, number>();
  for (let r = 0; r < runs; r++) {
    const out = execFileSync(process.execPath, ['--trace-deopt-verbose', '--trace-opt', path.join(ROOT, 'bin/gcsim.mjs'), 'run', '--workload', ...config.split(/\s+/)], {
      env: { ...process.env, GCSIM_MARK_MEASURED: '1' },
      maxBuffer: 1 << 30,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const start = out.indexOf(MARKER);
    if (start < 0) throw new Error(`${config}: no marker in the output (is dist/ built?)`);
    const between = out.indexOf(WARMUP_END) < 0 ? [] : out.slice(out.indexOf(WARMUP_END), start).split('\n');
    let t = 0;
    for (const l of between) {
      const m = /^\[marking dependent code .*<SharedFunctionInfo ?([^>]*)>/.exec(l);
      if (m === null) continue;
      t++;
      const key = `thrown away before the run: ${m[1] || '(anonymous)'}`;
      sites.set(key, (sites.get(key) ?? 0) + 1);
    }
    thrown.push(t);
    const lines = out.slice(start).split('\n');
    compiled.push(lines.filter((l) => l.startsWith('[completed compiling') && !/<JSFunction heapDigest /.test(l)).length);
    let n = 0;
    for (let i = 0; i < lines.length; i++) {
      const m = /^\[bailout \(kind: deopt[^,]*, reason: ([^)]*)\).*<JSFunction (\S+)/.exec(lines[i]);
      if (m === null) continue;
      const at = lines.slice(i + 1, i + 4).find((l) => l.includes(';;; deoptimize at'));
      if (at === undefined || !COLLECTOR.test(at) || /gc\/digest\.js/.test(at)) continue;
      n++;
      const where = at.replace(/.*deoptimize at /, '').replaceAll(/file:\/\/\S*?dist\/src\//g, '').trim();
      const key = `${m[2]} (${m[1]}) at ${where}`;
      sites.set(key, (sites.get(key) ?? 0) + 1);
    }
    counts.push(n);
  }
  console.log(`${config}: ${counts.join(', ')} deoptimisations of collector code in the measured run, ${thrown.join(', ')} functions' code thrown away as its heap was made, ${compiled.join(', ')} TurboFan compilations in it (per run)`);
  for (const [k, v] of [...sites.entries()].sort((a, b) => b[1] - a[1]).slice(0, 6)) console.log(`  ${v} × ${k}`);
}

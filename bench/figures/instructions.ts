// Reproduces a figure of docs/performance.md ("Instructions per object"): the instructions one
// thread executes per object in a scavenge and in a full mark of the bench graph (bench/graph.ts,
// both layouts), in gcsim at threads = 1 and in V8 with --single-threaded-gc, counted by
// callgrind. A count does not depend on the machine's load or on the memory's speed, so it
// compares builds, and gcsim with V8, where times on a shared machine are too noisy to.
//   npm run build && npm run figure -- bench/figures/instructions.ts [objects=100000] [--builds DIR,DIR] [--tsx] [--jobs 2]
// --tsx adds each build run again in a process that loaded the child through tsx, as
// `npx tsx bench/...` scripts ran (bench/plain-node.ts says why that costs).
// Counted: the main thread's instructions from the call before the measured GC to the call after
// it (callgrind --zero-before=uv_loadavg --dump-before=uv_get_free_memory; see
// bench/figures/instructions-child.ts and bench/v8-graph-child.mjs), so the whole GC: gcsim's
// `collect()`, V8's gc(). Both run with their optimising compiler on the main thread
// (--no-concurrent-recompilation --no-concurrent-osr: under valgrind's one-thread-at-a-time
// scheduling a background compile may never finish), after three smaller rounds of the same
// program in gcsim's case. gcsim's collector code comes from each build's dist/ and runs in a
// process without tsx (bench/plain-node.ts). Not counted: what a cache miss or a locked
// instruction costs; this is the work, not the time.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LAYOUTS, WORKS, v8SemiSpaceMb } from '../graph.ts';
import { bundleForNode } from '../plain-node.ts';
import { selfCosts } from '../callgrind.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function fail(message: string): never {
  process.stderr.write(`instructions.ts: ${message}\n`);
  process.exit(2);
}

const argv = process.argv.slice(2);
let n = 100_000;
let builds = [ROOT];
let jobs = 2;
let tsx = false;
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (a === '--builds') builds = (argv[++i] ?? '').split(',').filter((d) => d !== '').map((d) => path.resolve(d));
  else if (a === '--jobs') jobs = Number(argv[++i]);
  else if (a === '--tsx') tsx = true;
  else if (/^\d+$/.test(a)) n = Number(a);
  else fail(`unknown argument '${a}' (usage: [objects=100000] [--builds DIR,DIR] [--tsx] [--jobs 2])`);
}
if (!(n >= 1000 && n <= 2_000_000)) fail(`objects must be 1000..2000000, not ${n}`);
if (!(Number.isInteger(jobs) && jobs >= 1)) fail('--jobs must be a positive integer');
if (builds.length === 0) fail('--builds names no directory');
if (new Set(builds.map((b) => path.basename(b))).size !== builds.length) fail('--builds: two directories of one name (columns are named by it)');
for (const b of builds) if (!fs.existsSync(path.join(b, 'dist', 'src', 'experiments', 'simulator.js'))) fail(`${b} has no compiled build: run \`npm run build\` there`);
if (spawnSync('valgrind', ['--version']).status !== 0) fail('valgrind is not installed (Debian: apt-get install valgrind)');

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gcsim-instructions-'));
const child = await bundleForNode(path.join(ROOT, 'bench', 'figures', 'instructions-child.ts'));
const NODE_FLAGS = ['--no-concurrent-recompilation', '--no-concurrent-osr'];

interface Job {
  name: string;
  work: string;
  layout: string;
  args: string[];
}
const list: Job[] = [];
for (const work of WORKS) {
  for (const layout of LAYOUTS) {
    for (const b of builds) {
      const name = `gcsim ${builds.length > 1 ? path.basename(b) : ''}`.trim();
      list.push({ name, work, layout, args: [...NODE_FLAGS, child, b, work, layout, String(n)] });
      if (tsx) list.push({ name: `${name} under tsx`, work, layout, args: [...NODE_FLAGS, '--import', 'tsx', path.join(ROOT, 'bench', 'figures', 'instructions-child.ts'), b, work, layout, String(n)] });
    }
    const semi = v8SemiSpaceMb(n);
    const v8 = ['--expose-gc', '--single-threaded-gc', `--min-semi-space-size=${semi}`, `--max-semi-space-size=${semi}`];
    list.push({ name: 'v8 single-threaded', work, layout, args: [...NODE_FLAGS, ...v8, path.join(ROOT, 'bench', 'v8-graph-child.mjs'), work, layout, String(n)] });
  }
}

/** Runs one job under callgrind; resolves to the main thread's instructions per object, the compilers' apart. */
function count(job: Job, k: number): Promise<{ run: number; compiler: number; hostGcs: number }> {
  const out = path.join(tmp, `cg.${k}`);
  const vg = ['--tool=callgrind', '--separate-threads=yes', `--callgrind-out-file=${out}`, '--zero-before=uv_loadavg', '--dump-before=uv_get_free_memory', process.execPath, ...job.args];
  return new Promise((resolve, reject) => {
    const p = spawn('valgrind', vg, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    let stdout = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-2000)));
    p.on('close', (status) => {
      // part 1 (the dump at uv_get_free_memory), thread 1 (the main thread)
      const dump = `${out}.1-01`;
      if (status !== 0 || !fs.existsSync(dump)) return reject(new Error(`${job.name} ${job.work} ${job.layout}: exit ${status}, no dump: ${err.split('\n').filter((l) => !l.startsWith('==')).join(' ').slice(-300)}`));
      const c = selfCosts(fs.readFileSync(dump, 'utf8'));
      if (c === null) return reject(new Error(`${job.name} ${job.work} ${job.layout}: no summary line in ${dump}`));
      resolve({ run: c.run / n, compiler: c.compiler / n, hostGcs: hostGcsOf(stdout) });
    });
  });
}

/** The gcsim child's count of host GCs inside its window (the last JSON line of its output); 0 for V8's child. */
function hostGcsOf(stdout: string): number {
  const line = stdout.trim().split('\n').at(-1) ?? '';
  try {
    return Number((JSON.parse(line) as { hostGcs?: number }).hostGcs ?? 0);
  } catch {
    return 0;
  }
}

const results = new Map<string, { run: number; compiler: number; hostGcs: number }>();
const key = (j: { name: string; work: string; layout: string }) => `${j.name}|${j.work}|${j.layout}`;
let next = 0;
let failed: Error | null = null;
async function worker(): Promise<void> {
  while (next < list.length && failed === null) {
    const k = next++;
    const job = list[k];
    try {
      results.set(key(job), await count(job, k));
      process.stderr.write(`instructions.ts: ${k + 1}/${list.length} ${job.name} ${job.work} ${job.layout}\n`);
    } catch (e) {
      failed = e as Error;
    }
  }
}
await Promise.all(Array.from({ length: jobs }, () => worker()));
fs.rmSync(tmp, { recursive: true, force: true });
if (failed !== null) fail((failed as Error).message);

const names = [...new Set(list.map((j) => j.name))];
const gcsims = names.filter((x) => x.startsWith('gcsim'));
console.log(`${n.toLocaleString('en')} objects; main-thread instructions per object in the measured GC (callgrind), threads = 1, V8's compilers left out (in brackets: theirs).`);
console.log('');
console.log(`| work | layout | ${names.join(' | ')} | ${gcsims.map((g) => `${g} / v8`).join(' | ')} |`);
console.log(`| --- | --- | ${names.map(() => '---:').join(' | ')} | ${gcsims.map(() => '---:').join(' | ')} |`);
for (const work of WORKS) {
  for (const layout of LAYOUTS) {
    const v8 = results.get(key({ name: 'v8 single-threaded', work, layout }))!.run;
    const cells = names.map((x) => {
      const r = results.get(key({ name: x, work, layout }))!;
      return `${r.run.toFixed(0)}${r.compiler >= 0.5 ? ` (${r.compiler.toFixed(0)})` : ''}${r.hostGcs > 0 ? ' †' : ''}`;
    });
    const ratios = gcsims.map((g) => (results.get(key({ name: g, work, layout }))!.run / v8).toFixed(2));
    console.log(`| ${work} | ${layout} | ${cells.join(' | ')} | ${ratios.join(' | ')} |`);
  }
}
if ([...results.values()].some((r) => r.hostGcs > 0)) {
  console.log('');
  console.log("†: V8 collected this process's own heap (the simulator's JavaScript objects) inside the window; its instructions are in the count.");
}

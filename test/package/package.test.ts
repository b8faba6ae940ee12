/**
 * The package as a user gets it: this tree packed with `npm pack` (with the working tree's dist/
 * when it is up to date; otherwise `prepare` builds it, in a copy so that the working tree's
 * dist/ is left alone), installed from the tarball into an empty project, and run there with
 * plain `node`, where tsx cannot even be resolved: the CLI, its helper threads, the library
 * entry, and a user's workload file (examples/) run from outside the repository.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { compiledBuildIsFresh } from '../../src/scheduler/compiled-build.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const VERSION = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
/** Top-level entries of the tree not copied for packing: installed, built or produced files. */
const NOT_COPIED = new Set(['node_modules', '.git', 'dist', 'results', 'out', 'scratch']);
/**
 * Pack (a tsc build) and install take 15-30 s on a loaded 2-core machine, each run below a few
 * seconds; the setup's bound also covers an install that times out offline, then a ping.
 */
const SETUP_TIMEOUT_MS = 300_000;
const TEST_TIMEOUT_MS = 120_000;
const SPLAY = ['--param', 'treeSize=600', '--param', 'modifications=40', '--param', 'payloadDepth=3', '--param', 'steps=20'];

/** What a user's shell gives a child: no NODE_OPTIONS (vitest's or anyone's), no loaders. */
function plainEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  for (const k of Object.keys(env)) if (k.startsWith('VITEST') || k.startsWith('TSX')) delete env[k];
  return env;
}

function run(cmd: string, args: string[], cwd: string, timeoutMs = 120_000): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, { cwd, env: plainEnv(), encoding: 'utf8', timeout: timeoutMs });
}

/** `npm ping`'s failure in a few words: the registry and npm's error code. */
function pingFailure(stderr: string): string {
  const registry = /PING (\S+)/.exec(stderr)?.[1] ?? 'the registry';
  const code = /npm error code (\S+)/.exec(stderr)?.[1] ?? stderr.trim().split('\n').pop() ?? 'no answer';
  return `${registry}: ${code}`;
}

let work = '';
let project = '';
let packedFiles: string[] = [];
/** Set when the package's dependencies could not be installed because the registry is unreachable. */
let installSkip = '';

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'gcsim-package-'));
  const tree = path.join(work, 'tree');
  fs.cpSync(ROOT, tree, { recursive: true, filter: (src) => !NOT_COPIED.has(path.relative(ROOT, src).split(path.sep)[0]) });
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(tree, 'node_modules'), 'dir');

  // An up-to-date dist/ is packed as it is (a tsc build in `prepare` costs 10-25 s here); a stale
  // or missing one is rebuilt by `prepare`, as `npm pack` does for a user.
  const fresh = compiledBuildIsFresh();
  if (fresh) fs.cpSync(path.join(ROOT, 'dist'), path.join(tree, 'dist'), { recursive: true });
  const pack = run('npm', ['pack', '--json', '--pack-destination', work, ...(fresh ? ['--ignore-scripts'] : [])], tree);
  expect(pack.status, pack.stderr).toBe(0);
  const report = JSON.parse(pack.stdout.slice(pack.stdout.indexOf('['))) as { filename: string; files: { path: string }[] }[];
  packedFiles = report[0].files.map((f) => f.path);
  const tarball = path.join(work, report[0].filename);

  project = path.join(work, 'project');
  fs.mkdirSync(project);
  fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'gcsim-consumer', private: true }));
  // Dependencies come from npm's cache where they can; a short fetch timeout bounds an offline run.
  const install = run('npm', ['install', tarball, '--prefer-offline', '--no-audit', '--no-fund', '--fetch-timeout=30000', '--fetch-retries=1'], project, 150_000);
  if (install.status !== 0) {
    const ping = run('npm', ['ping'], project, 30_000);
    if (ping.status !== 0) installSkip = `npm registry unreachable (${pingFailure(ping.stderr)}) and the dependencies are not all in npm's cache`;
    else expect.fail(`npm install of the tarball failed: ${install.stderr}`);
  }
}, SETUP_TIMEOUT_MS);

afterAll(() => {
  if (work !== '') fs.rmSync(work, { recursive: true, force: true });
});

describe('gcsim package', () => {
  it('ships the compiled code, bin/, README.md and LICENSE, and neither tests nor sources', () => {
    expect(packedFiles).toContain('LICENSE');
    expect(packedFiles).toContain('README.md');
    expect(packedFiles).toContain('bin/gcsim.mjs');
    expect(packedFiles).toContain('dist/src/index.js');
    expect(packedFiles).toContain('dist/src/index.d.ts');
    expect(packedFiles).toContain('dist/src/cli/main.js');
    expect(packedFiles).toContain('dist/src/gc/participant.js');
    expect(packedFiles).toContain('dist/src/experiments/trial-worker.js');
    expect(packedFiles).toContain('dist/workers/gc-worker.js');
    expect(packedFiles.filter((f) => f.startsWith('test/') || f.startsWith('src/') || f.startsWith('bench/'))).toEqual([]);
    expect(packedFiles.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
  }, TEST_TIMEOUT_MS);

  it('installs without tsx: nothing in the project can resolve it', (ctx) => {
    ctx.skip(installSkip !== '', installSkip);
    expect(fs.existsSync(path.join(project, 'node_modules/gcsim/dist/src/cli/main.js'))).toBe(true);
    const r = run(process.execPath, ['-e', "require.resolve('tsx')"], project);
    expect(r.status).not.toBe(0);
  }, TEST_TIMEOUT_MS);

  it('npx gcsim --version prints the package version', (ctx) => {
    ctx.skip(installSkip !== '', installSkip);
    const r = run('npx', ['gcsim', '--version'], project);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(VERSION);
  }, TEST_TIMEOUT_MS);

  it('npx gcsim run starts compiled helper threads and gets the digest of one thread', (ctx) => {
    ctx.skip(installSkip !== '', installSkip);
    const digests: string[] = [];
    for (const threads of ['1', '2']) {
      const r = run('npx', ['gcsim', 'run', '--workload', 'splay', ...SPLAY, '--threads', threads], project);
      expect(r.status, r.stderr).toBe(0);
      // The summary line is the run's only output (on stderr): no warnings, no loader messages.
      const lines = r.stderr.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('npm warn'));
      expect(lines.length, r.stderr).toBe(1);
      expect(lines[0]).toContain(`splay seed=1 threads=${threads}:`);
      const m = /digest ([0-9a-f]{16})/.exec(lines[0]);
      expect(m, lines[0]).not.toBeNull();
      digests.push(m![1]);
    }
    expect(digests[1]).toBe(digests[0]);
  }, TEST_TIMEOUT_MS);

  it('runs a workload file from outside the repository (examples/) at threads 1 and 2 with the same digest', (ctx) => {
    ctx.skip(installSkip !== '', installSkip);
    // The project lives in a temporary folder: the file sees gcsim only as an installed package.
    for (const f of ['queue-workload.mjs', 'run-from-library.mjs']) fs.copyFileSync(path.join(ROOT, 'examples', f), path.join(project, f));
    const digests: string[] = [];
    for (const threads of ['1', '2']) {
      const r = run('npx', ['gcsim', 'run', '--workload-file', './queue-workload.mjs', '--param', 'messages=30000', '--param', 'window=3000', '--threads', threads], project);
      expect(r.status, r.stderr).toBe(0);
      const m = new RegExp(`queue seed=1 threads=${threads}: .*digest ([0-9a-f]{16})`).exec(r.stderr);
      expect(m, r.stderr).not.toBeNull();
      digests.push(m![1]);
    }
    expect(digests[1]).toBe(digests[0]);
    const lib = run(process.execPath, ['run-from-library.mjs', '20000'], project);
    expect(lib.status, lib.stderr).toBe(0);
    const lines = lib.stdout.trim().split('\n');
    expect(lines.length).toBe(6);
    const libDigests = new Set(lines.map((l) => /digest ([0-9a-f]{16})/.exec(l)?.[1]));
    expect(libDigests.size, lib.stdout).toBe(1);
  }, TEST_TIMEOUT_MS);

  it('a bad workload file gets one line and exit status 2', (ctx) => {
    ctx.skip(installSkip !== '', installSkip);
    fs.writeFileSync(path.join(project, 'broken.mjs'), 'export default { name: "broken" };\n');
    const r = run('npx', ['gcsim', 'run', '--workload-file', './broken.mjs'], project);
    expect(r.status).toBe(2);
    const lines = r.stderr.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('npm warn'));
    expect(lines, r.stderr).toEqual([expect.stringMatching(/^gcsim: workload file '.\/broken.mjs': workload broken: description must be a string$/)]);
  }, TEST_TIMEOUT_MS);

  it("imports { Simulator } from 'gcsim': allocates, collects with helpers, verifies and closes", (ctx) => {
    ctx.skip(installSkip !== '', installSkip);
    const program = `
      import { Simulator, KIND_TAGGED, WORKLOADS } from 'gcsim';
      const sim = await Simulator.create({ threads: 2, verifyHeap: true });
      const m = sim.mutator;
      const node = m.maps.define('Node', KIND_TAGGED);
      m.setGlobal('list', m.allocate(node, 2));
      for (let i = 0; i < 20000; i++) {
        const s = m.openScope();
        const n = m.allocate(node, 2);
        m.setSmi(n, 1, i);
        if (i % 10 === 0) { m.set(n, 0, m.getGlobal('list')); m.setGlobal('list', n); }
        m.closeScope(s);
      }
      m.collect('minor');
      m.collect('major');
      const out = { threads: sim.options.threads, gcs: sim.gc.events.length, errors: sim.verify(), digest: sim.digest(), workloads: Object.keys(WORKLOADS) };
      await sim.close();
      console.log(JSON.stringify(out));
    `;
    const r = run(process.execPath, ['--input-type=module', '-e', program], project);
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { threads: number; gcs: number; errors: string[]; digest: string; workloads: string[] };
    expect(out.threads).toBe(2);
    expect(out.gcs).toBeGreaterThanOrEqual(2);
    expect(out.errors).toEqual([]);
    expect(out.digest).toMatch(/^[0-9a-f]{16}$/);
    expect(out.workloads).toContain('splay');
  }, TEST_TIMEOUT_MS);
});

/**
 * Runs a bench script under plain `node`, without tsx in the process: the script and what it
 * imports from bench/ are bundled into one ES module beside it (`.NAME.bundle.mjs`, so paths it
 * derives from import.meta.url hold), and its imports of src/ and workers/ are taken from the
 * compiled build (dist/), as the CLI runs them.
 *
 * Why: tsx parses each TypeScript module it loads with a WebAssembly lexer whose memory grows for
 * a large file, and growing a wasm memory detaches its old ArrayBuffer. The first detach in an
 * isolate invalidates V8's ArrayBufferDetaching protector, and from then on optimised code checks
 * every typed array access for a detached buffer. gcsim's collector loops, run from dist/ but in
 * a process tsx had loaded bench/*.ts into, executed 11-20% more instructions per object (the
 * protector stays intact under `gcsim` and in worker threads that load dist/ only); docs/performance.md,
 * "Instructions per object".
 *
 *   npm run figure -- bench/figures/NAME.ts [ARGS...]     (bench/run.ts runs script benches so)
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Bundles `entry` (a .ts file under bench/) for plain node; returns the bundle's path. */
export async function bundleForNode(entry: string): Promise<string> {
  const abs = path.resolve(entry);
  const out = path.join(path.dirname(abs), `.${path.basename(abs, '.ts')}.bundle.mjs`);
  const dist = path.join(ROOT, 'dist');
  await esbuild.build({
    entryPoints: [abs],
    outfile: out,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'error',
    plugins: [
      {
        name: 'gcsim-dist',
        setup(build) {
          // src/ and workers/ come from dist/, compiled by tsc as the CLI and the helpers load them.
          build.onResolve({ filter: /\.ts$/ }, (args) => {
            const file = path.resolve(args.resolveDir, args.path);
            const rel = path.relative(ROOT, file);
            if (!/^(src|workers)[\\/]/.test(rel)) return undefined;
            return { path: path.join(dist, rel.replace(/\.ts$/, '.js')), external: true };
          });
        },
      },
    ],
  });
  return out;
}

/** Bundles `entry` and runs it under plain node with `args`; returns its exit status and output. */
export async function runUnderPlainNode(entry: string, args: string[], capture: boolean): Promise<{ status: number; output: string }> {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'src', 'experiments', 'simulator.js'))) {
    throw new Error('bench: a script runs from the compiled build: run `npm run build` first');
  }
  const bundle = await bundleForNode(entry);
  const r = spawnSync(process.execPath, [bundle, ...args], capture ? { encoding: 'utf8', maxBuffer: 64 << 20 } : { stdio: 'inherit' });
  return { status: r.status ?? 1, output: capture ? `${r.stdout}${r.stderr}` : '' };
}

// Run as a command (not when a bundled figure imports this module: its import.meta.url is the bundle's).
const self = fileURLToPath(import.meta.url);
if (self.endsWith(`${path.sep}plain-node.ts`) && process.argv[1] !== undefined && path.resolve(process.argv[1]) === self) {
  const [entry, ...args] = process.argv.slice(2);
  if (entry === undefined || !entry.endsWith('.ts') || !fs.existsSync(entry)) {
    process.stderr.write('usage: npm run figure -- bench/figures/NAME.ts [ARGS...]\n');
    process.exit(2);
  }
  try {
    const r = await runUnderPlainNode(entry, args, false);
    process.exitCode = r.status;
  } catch (e) {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 2;
  }
}

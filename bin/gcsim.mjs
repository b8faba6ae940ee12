#!/usr/bin/env node
// `npx gcsim ...`: the compiled CLI in dist/ (`npm run build`; `npm ci` and `npm pack` build it
// through the `prepare` script). From source, without a build: `npx tsx src/cli/main.ts ...`.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const main = new URL('../dist/src/cli/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write('gcsim: no build in dist/: run `npm run build` first\n');
  process.exit(1);
}

/** Newest modification time of the .ts files under `dir` (0 when it does not exist: an installed package). */
function newestSource(dir) {
  let newest = 0;
  if (!existsSync(dir)) return 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile() && e.name.endsWith('.ts')) newest = Math.max(newest, statSync(`${e.parentPath ?? e.path}/${e.name}`).mtimeMs);
  }
  return newest;
}

// In a checkout, a build older than the sources runs old code: say so (a build takes ~15 s).
const built = statSync(main).mtimeMs;
const src = Math.max(newestSource(fileURLToPath(new URL('../src', import.meta.url))), newestSource(fileURLToPath(new URL('../workers', import.meta.url))));
if (src > built) process.stderr.write('gcsim: warning: src/ is newer than the build in dist/: run `npm run build` to run the current code\n');
await import(main.href);

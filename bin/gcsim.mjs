#!/usr/bin/env node
// `npx gcsim ...`: the compiled CLI in dist/ (`npm run build`; `npm ci` and `npm pack` build it
// through the `prepare` script). From source, without a build: `npx tsx src/cli/main.ts ...`.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const main = new URL('../dist/src/cli/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write('gcsim: no build in dist/: run `npm run build` first\n');
  process.exit(1);
}

// In a checkout, a build older than the sources runs old code: say so (a build takes ~15 s).
// An installed package has no src/: its build counts as fresh (src/scheduler/compiled-build.ts).
const { compiledBuildIsFresh } = await import(new URL('../dist/src/scheduler/compiled-build.js', import.meta.url).href);
if (!compiledBuildIsFresh(fileURLToPath(new URL('..', import.meta.url)))) process.stderr.write('gcsim: warning: src/ is newer than the build in dist/: run `npm run build` to run the current code\n');
await import(main.href);

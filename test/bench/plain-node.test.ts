/**
 * bench/plain-node.ts runs bench scripts under plain node: bundled, with src/ taken from dist/.
 * The point is V8's ArrayBufferDetaching protector: under tsx it is invalidated (tsx's lexer grows
 * a wasm memory), and optimised code then checks every typed array access for a detached buffer.
 * The probe imports a module of src/ and one of bench/, as a figure does.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundleForNode } from '../../bench/plain-node.ts';
import { KIND_TAGGED } from '../../src/heap/layout.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const BUILT = fs.existsSync(path.join(ROOT, 'dist/src/experiments/simulator.js'));
const PROBE = path.join(ROOT, 'test/fixtures/plain-node-probe.ts');
const INVALIDATED = 'Invalidating protector cell ArrayBufferDetaching';

describe.skipIf(!BUILT)('bench scripts under plain node (skipped without dist/)', () => {
  it('bundles bench/ modules and takes src/ from dist/', async () => {
    const bundle = await bundleForNode(PROBE);
    expect(path.dirname(bundle)).toBe(path.dirname(PROBE)); // import.meta.url-relative paths hold
    const text = fs.readFileSync(bundle, 'utf8');
    expect(text).toContain(JSON.stringify(path.join(ROOT, 'dist/src/heap/layout.js')));
    expect(text).toContain('function v8SemiSpaceMb');
    expect(text).not.toContain('export function headerKind'); // layout.ts is not bundled
  });

  it('runs with the protector intact, where tsx invalidates it', async () => {
    const bundle = await bundleForNode(PROBE);
    const plain = spawnSync(process.execPath, ['--trace-protector-invalidation', bundle], { encoding: 'utf8', timeout: 30_000 });
    expect(plain.status, plain.stderr).toBe(0);
    expect(JSON.parse(plain.stdout.trim().split('\n').at(-1)!)).toMatchObject({ kind: KIND_TAGGED, semi: 16 });
    expect(plain.stdout + plain.stderr).not.toContain(INVALIDATED);
    // the control: the same probe loaded through tsx
    const tsx = spawnSync(process.execPath, ['--trace-protector-invalidation', '--import', 'tsx', PROBE], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
    expect(tsx.status, tsx.stderr).toBe(0);
    expect(tsx.stdout + tsx.stderr).toContain(INVALIDATED);
  });

  it('npm run figure: a file that is not a .ts script is one line and exit status 2', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bench/plain-node.ts'), 'no-such-figure.ts'], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual(['usage: npm run figure -- bench/figures/NAME.ts [ARGS...]']);
  });
});

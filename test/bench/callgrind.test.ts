/** bench/callgrind.ts: a dump's instructions, with V8's compilers apart (bench/figures/instructions.ts). */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { selfCosts } from '../../bench/callgrind.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

// A dump in callgrind's format: names compressed to ids on second use, a call's inclusive cost on
// the line after `calls=` (counted again in the callee's own lines, so left out).
const DUMP = `version: 1
positions: line
events: Ir
summary: 1000

ob=(1) /usr/bin/node
fl=(1) ???
fn=(1) Builtins_InterpreterEntryTrampoline
0 300
cfn=(2) v8::internal::compiler::PipelineImpl::OptimizeGraph(v8::internal::compiler::Linkage*)
calls=1 0
0 650
fn=(2)
0 400
+2 200
fn=(3) v8::internal::Compiler::Compile(v8::internal::Isolate*)
0 50
fn=(4) v8::internal::Heap::CollectGarbage()
0 50
`;

describe('selfCosts', () => {
  it('sums the compilers own costs, not the calls into them', () => {
    expect(selfCosts(DUMP)).toEqual({ run: 350, compiler: 650 });
  });

  it('is null for a file without a summary', () => {
    expect(selfCosts('events: Ir\n')).toBeNull();
  });
});

describe('bench/figures/instructions.ts arguments', () => {
  it('rejects a bad argument with one line and exit status 2, before any run', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bench/figures/instructions.ts'), '--frobnicate'], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual(["instructions.ts: unknown argument '--frobnicate' (usage: [objects=100000] [--builds DIR,DIR] [--tsx] [--jobs 2])"]);
  });
});

import { describe, it, expect } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { entryExecArgv, entryModuleUrl, withoutTsx } from '../../src/scheduler/module-url.ts';
import { SOURCE_ROOT, compiledBuildIsFresh, compiledCounterpart } from '../../src/scheduler/compiled-build.ts';

describe('entryModuleUrl', () => {
  it('keeps .ts for a caller running from source', () => {
    expect(entryModuleUrl('../gc/participant.ts', 'file:///p/src/experiments/scheduler-runner.ts').href).toBe('file:///p/src/gc/participant.ts');
  });

  it('names the compiled .js beside a compiled caller', () => {
    expect(entryModuleUrl('../gc/participant.ts', 'file:///p/dist/src/experiments/scheduler-runner.js').href).toBe('file:///p/dist/src/gc/participant.js');
    expect(entryModuleUrl('../../workers/gc-worker.ts', 'file:///p/dist/src/scheduler/scheduler.js').href).toBe('file:///p/dist/workers/gc-worker.js');
  });
});

describe('entryExecArgv', () => {
  const underTsx = ['--conditions', 'x', '--import', 'tsx', '--require=/n/tsx/dist/preflight.cjs'];

  it('inherits for compiled JavaScript started from a process without tsx', () => {
    expect(entryExecArgv([new URL('file:///p/dist/workers/gc-worker.js')], ['--conditions', 'x'])).toBeUndefined();
    expect(entryExecArgv(['/p/dist/src/experiments/trial-worker.js'], [])).toBeUndefined();
  });

  it("drops tsx's loader for compiled JavaScript started from a process under tsx", () => {
    expect(entryExecArgv([new URL('file:///p/dist/workers/gc-worker.js'), 'file:///p/dist/src/gc/participant.js'], underTsx)).toEqual(['--conditions', 'x']);
    expect(withoutTsx(['--import', 'file:///n/tsx/dist/loader.mjs', '--import', 'other', '--import=tsx', '-r', 'tsx/cjs'])).toEqual(['--import', 'other']);
  });

  it('keeps tsx when any of the modules is .ts, and adds it when this process has not loaded it', () => {
    expect(entryExecArgv(['file:///p/dist/workers/gc-worker.js', 'file:///p/test/helpers/participant.ts'], underTsx)).toBeUndefined();
    expect(entryExecArgv(['file:///p/src/gc/participant.ts'], ['--conditions', 'x'])).toEqual(['--conditions', 'x', '--import', 'tsx']);
  });
});

describe('compiled workers for tests (compiled-build.ts)', () => {
  function tree(files: Record<string, number>): string {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'gcsim-build-'));
    for (const [rel, mtimeS] of Object.entries(files)) {
      const f = path.join(root, rel);
      fs.mkdirSync(path.dirname(f), { recursive: true });
      fs.writeFileSync(f, '');
      fs.utimesSync(f, mtimeS, mtimeS);
    }
    return root;
  }

  it('counts dist/ fresh only when it is newer than every file of src/ and workers/', () => {
    const fresh = tree({ 'src/a.ts': 100, 'workers/w.ts': 100, 'dist/src/cli/main.js': 200 });
    const staleSrc = tree({ 'src/a.ts': 300, 'workers/w.ts': 100, 'dist/src/cli/main.js': 200 });
    const staleWorker = tree({ 'src/a.ts': 100, 'workers/w.ts': 300, 'dist/src/cli/main.js': 200 });
    const none = tree({ 'src/a.ts': 100 });
    try {
      expect(compiledBuildIsFresh(fresh)).toBe(true);
      expect(compiledBuildIsFresh(staleSrc)).toBe(false);
      expect(compiledBuildIsFresh(staleWorker)).toBe(false);
      expect(compiledBuildIsFresh(none)).toBe(false);
    } finally {
      for (const r of [fresh, staleSrc, staleWorker, none]) fs.rmSync(r, { recursive: true, force: true });
    }
  });

  it('maps a source entry to its compiled counterpart only when asked, and only for src/ and workers/', () => {
    const participant = path.join(SOURCE_ROOT, 'src/gc/participant.ts');
    const saved = process.env.GCSIM_COMPILED_WORKERS;
    try {
      delete process.env.GCSIM_COMPILED_WORKERS;
      expect(compiledCounterpart(participant)).toBeNull();
      process.env.GCSIM_COMPILED_WORKERS = '1';
      expect(compiledCounterpart(path.join(SOURCE_ROOT, 'test/helpers/cli.ts'))).toBeNull();
      expect(compiledCounterpart('/elsewhere/src/gc/participant.ts')).toBeNull();
      // This checkout's own dist/ decides the rest: fresh, the .js beside it; stale, the sources.
      const built = compiledCounterpart(participant);
      if (compiledBuildIsFresh()) expect(built).toBe(path.join(SOURCE_ROOT, 'dist/src/gc/participant.js'));
      else expect(built).toBeNull();
    } finally {
      if (saved === undefined) delete process.env.GCSIM_COMPILED_WORKERS;
      else process.env.GCSIM_COMPILED_WORKERS = saved;
    }
  });
});

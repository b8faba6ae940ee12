import { describe, it, expect } from 'vitest';
import { entryExecArgv, entryModuleUrl } from '../../src/scheduler/module-url.ts';

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
  it('inherits the execArgv for compiled JavaScript', () => {
    expect(entryExecArgv(new URL('file:///p/dist/workers/gc-worker.js'))).toBeUndefined();
    expect(entryExecArgv('/p/dist/src/experiments/trial-worker.js')).toBeUndefined();
  });

  it('adds tsx for a .ts entry only when this process has not loaded it', () => {
    const loaded = process.execArgv.some((a) => a.includes('tsx'));
    const argv = entryExecArgv('file:///p/src/gc/participant.ts');
    if (loaded) expect(argv).toBeUndefined();
    else expect(argv?.slice(-2)).toEqual(['--import', 'tsx']);
  });
});

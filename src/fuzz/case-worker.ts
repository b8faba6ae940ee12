/**
 * The parent's side of a fuzz child process: sends it one case at a time and turns every way a
 * case can fail to answer into a result. The deadline starts when the child reports the case
 * started; past it the child is killed (a GC that never returns cannot be stopped otherwise),
 * the case is a hang, and the next case gets a fresh child.
 *
 * The child's entry is child.js beside this file in a compiled build (plain ESM), child.ts when
 * running from source: then `fork` passes this process's execArgv on, which carries tsx's loader
 * under `tsx`; when it does not (vitest's test processes), the child gets `--import` of tsx's loader added.
 */
import { type ChildProcess, fork } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChildMessage, ChildRequest } from './child-api.ts';
import type { FuzzCase } from './ops.ts';
import type { CaseOptions } from './program.ts';
import type { CaseResult, Verdict } from './runner.ts';

/** child.ts or child.js: the extension this module was loaded with. */
const CHILD_ENTRY = fileURLToPath(new URL(`./child${path.extname(fileURLToPath(import.meta.url))}`, import.meta.url));
/** tsx compiles the simulator's import graph when a child starts: allow for a loaded machine. */
const BOOT_TIMEOUT_MS = 120_000;
/** Beyond the case's own deadline (which the child checks between ops), before the kill. */
const KILL_GRACE_MS = 15_000;
const STDERR_LINES = 30;

export function childExecArgv(): string[] {
  if (!CHILD_ENTRY.endsWith('.ts') || process.execArgv.some((a) => a.includes('tsx'))) return process.execArgv;
  return [...process.execArgv, '--import', import.meta.resolve('tsx')];
}

/** True when running from the TypeScript sources (under tsx or vitest), false from a build. */
export const FROM_SOURCE = CHILD_ENTRY.endsWith('.ts');

/** The case could not be run at all (e.g. a case file with a configuration the options reject). */
export class CaseSetupError extends Error {}

export function failedResult(verdict: Verdict, message: string, ms = 0): CaseResult {
  return { verdict, message, opIndex: -1, gcs: 0, majorGcs: 0, reachableBytes: 0, ms };
}

export class CaseWorker {
  private child: ChildProcess | null = null;
  /** Beyond the case's own deadline before the kill (tests shorten it). */
  constructor(private readonly killGraceMs = KILL_GRACE_MS) {}

  private nextId = 1;
  private stderrTail: string[] = [];
  /** Child processes started so far (one more after each kill). */
  childrenStarted = 0;
  private closed = false;

  /** Runs the case of `seed` (generated in the child), or `c` when given. Never rejects for a failing case. */
  run(seed: number, caseOptions: CaseOptions, c: FuzzCase | null, deadlineMs: number): Promise<CaseResult> {
    if (this.closed) return Promise.reject(new Error('the case worker is closed'));
    const child = this.ensureChild();
    const id = this.nextId++;
    const t0 = performance.now();
    return new Promise<CaseResult>((resolve, reject) => {
      let timer = setTimeout(() => stop('boot'), BOOT_TIMEOUT_MS);
      const cleanup = () => {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
      };
      const onMessage = (msg: ChildMessage) => {
        if (msg.id !== id) return;
        if (msg.type === 'start') {
          clearTimeout(timer);
          timer = setTimeout(() => stop('case'), deadlineMs + this.killGraceMs);
          return;
        }
        cleanup();
        if (msg.type === 'end') resolve(msg.result);
        else reject(new CaseSetupError(msg.message));
      };
      const onExit = (code: number | null, signal: string | null) => {
        cleanup();
        this.child = null;
        const how = signal !== null ? `signal ${signal}` : `code ${code}`;
        resolve(failedResult('crash', `the fuzz child process died (${how}) during the case${this.tail()}`, performance.now() - t0));
      };
      const stop = (what: 'boot' | 'case') => {
        cleanup();
        this.kill();
        if (what === 'boot') resolve(failedResult('crash', `the fuzz child did not start the case within ${BOOT_TIMEOUT_MS / 1000} s${this.tail()}`));
        else resolve(failedResult('hang', `no result ${((deadlineMs + this.killGraceMs) / 1000).toFixed(1)} s after the case started: the child was killed (a GC that never returns?)`, performance.now() - t0));
      };
      child.on('message', onMessage);
      child.once('exit', onExit);
      const req: ChildRequest = { type: 'run', id, seed, caseOptions, case: c, deadlineMs };
      child.send(req);
    });
  }

  private ensureChild(): ChildProcess {
    if (this.child !== null) return this.child;
    this.stderrTail = [];
    const child = fork(CHILD_ENTRY, [], { execArgv: childExecArgv(), stdio: ['ignore', 'ignore', 'pipe', 'ipc'], serialization: 'advanced' });
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (s: string) => {
      for (const line of s.split('\n')) if (line.trim() !== '') this.stderrTail.push(line.trim());
      if (this.stderrTail.length > STDERR_LINES) this.stderrTail.splice(0, this.stderrTail.length - STDERR_LINES);
    });
    child.on('error', () => undefined);
    this.child = child;
    this.childrenStarted++;
    return child;
  }

  /** The child's last error line on stderr (an uncaught exception's message), if any. */
  private tail(): string {
    const lines = this.stderrTail;
    const error = lines.find((l) => /^\w*Error\b|^Error:|ERR_/.test(l));
    const line = error ?? lines.filter((l) => !/^Node\.js v/.test(l)).pop();
    return line !== undefined ? `: ${line}` : '';
  }

  kill(): void {
    const child = this.child;
    this.child = null;
    if (child !== null) {
      child.removeAllListeners('message');
      child.kill('SIGKILL');
    }
  }

  /** Lets the child finish (it exits when the channel closes); no case runs after this. */
  close(): void {
    this.closed = true;
    const child = this.child;
    this.child = null;
    if (child !== null && child.connected) child.disconnect();
  }
}

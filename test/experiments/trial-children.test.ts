/**
 * A failed trial's child processes end with it: a trial on `--engine v8` runs its workload in a
 * child `node` started from the trial's worker thread, and terminating that worker does not end
 * the child. The workload here spins forever in the V8 child only (its census in the worker
 * returns at once); the trial is interrupted as soon as the child has started, so nothing depends
 * on timing. Linux only: a killed child that nobody reaps stays a zombie, so "ended" is read from
 * /proc/PID/stat (gone, or state Z).
 */
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BroadcastChannel } from 'node:worker_threads';
import { runTrialInWorker, type TrialOutcome } from '../../src/experiments/trial-worker-client.ts';
import { CHILD_PROCESS_CHANNEL } from '../../src/experiments/child-processes.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const INDEX = path.join(ROOT, 'src/index.ts');
const HAS_PROC = fs.existsSync('/proc/self/stat');

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gcsim-children-'));
const STUCK = path.join(dir, 'stuck-in-v8.mjs');
fs.writeFileSync(
  STUCK,
  `import { defineWorkload } from ${JSON.stringify(INDEX)};
export default defineWorkload({
  name: 'stuck-in-v8',
  description: 'allocates one object, then spins forever when it runs in the V8 child',
  params: {},
  run(m) {
    m.allocate(m.maps.define('Stuck', 0), 1);
    if (process.execArgv.includes('--trace-gc-nvp')) for (;;);
  },
});
`,
);

/** The process has ended: no /proc entry, or a zombie nobody reaped yet. */
function ended(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}

async function waitUntil(cond: () => boolean, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}

/** Runs the stuck workload on V8 in a trial worker and interrupts it once its child has started. */
async function interruptedV8Trial(keepChildProcessesForTesting: boolean): Promise<{ outcome: TrialOutcome; pids: number[] }> {
  const pids: number[] = [];
  const ac = new AbortController();
  const watch = new BroadcastChannel(CHILD_PROCESS_CHANNEL);
  watch.onmessage = (ev: unknown) => {
    const n = (ev as { data: { pid: number; exited: boolean } }).data;
    if (n.exited) return;
    pids.push(n.pid);
    setTimeout(() => ac.abort(), 200); // the child is running its workload by then, or about to
  };
  try {
    // The timeout only guards against a hang: the abort ends the trial.
    const outcome = await runTrialInWorker({ workload: STUCK, seed: 1, params: {}, options: { engine: 'v8' } }, { signal: ac.signal, timeoutMs: 60_000, keepChildProcessesForTesting });
    return { outcome, pids };
  } finally {
    watch.close();
  }
}

describe.skipIf(!HAS_PROC)("a failed trial's child processes", { timeout: 90_000 }, () => {
  it('are killed when the trial is interrupted, and the failure says so', async () => {
    const { outcome, pids } = await interruptedV8Trial(false);
    expect(outcome.failure?.kind).toBe('interrupted');
    expect(pids).toHaveLength(1);
    expect(outcome.failure?.message).toContain(`killed its child process ${pids[0]}`);
    expect(await waitUntil(() => ended(pids[0]), 5_000)).toBe(true);
  });

  it('negative control: left alone, the child outlives the terminated worker', async () => {
    const { outcome, pids } = await interruptedV8Trial(true);
    expect(outcome.failure?.kind).toBe('interrupted');
    expect(pids).toHaveLength(1);
    try {
      await new Promise((r) => setTimeout(r, 500));
      expect(ended(pids[0])).toBe(false);
    } finally {
      try {
        process.kill(pids[0], 'SIGKILL');
      } catch {
        // already gone (the assertion above says why)
      }
    }
  });
});

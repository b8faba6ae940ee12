/**
 * The machine's conditions around one trial: load average, core count, and how much CPU other
 * processes used meanwhile (Linux /proc/stat, less this process's own CPU time, workers
 * included). Main thread; a sweep samples before and after every trial.
 */
import fs from 'node:fs';
import os from 'node:os';
import type { TrialLoad } from './sweep-results.ts';

/** Other processes using at least this many cores make a trial `busy`. */
export const BUSY_OTHER_CORES = 0.5;

export interface LoadSample {
  atMs: number;
  load1: number;
  /** Busy CPU seconds of the whole machine (all cores) from /proc/stat, or null. */
  machineBusyS: number | null;
  /** This process's CPU seconds (user + system, every thread). */
  ownS: number;
}

function machineBusySeconds(): number | null {
  try {
    const line = fs.readFileSync('/proc/stat', 'utf8').split('\n', 1)[0];
    const f = line.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal …: busy = all but idle and iowait.
    const busy = f[0] + f[1] + f[2] + f[5] + f[6] + (f[7] ?? 0);
    return Number.isFinite(busy) ? busy / 100 : null; // USER_HZ is 100 on Linux
  } catch {
    return null;
  }
}

export function sampleLoad(): LoadSample {
  const u = process.cpuUsage();
  return { atMs: performance.now(), load1: os.loadavg()[0], machineBusyS: machineBusySeconds(), ownS: (u.user + u.system) / 1e6 };
}

export function trialLoad(before: LoadSample, after: LoadSample): TrialLoad {
  const cpus = os.availableParallelism?.() ?? os.cpus().length;
  const wallS = (after.atMs - before.atMs) / 1000;
  let otherBusyCores: number | null = null;
  if (before.machineBusyS !== null && after.machineBusyS !== null && wallS > 0) {
    const other = after.machineBusyS - before.machineBusyS - (after.ownS - before.ownS);
    otherBusyCores = Math.max(0, other / wallS);
  }
  const busy = Math.max(before.load1, after.load1) > cpus || (otherBusyCores !== null && otherBusyCores >= BUSY_OTHER_CORES);
  return { loadStart: before.load1, loadEnd: after.load1, cpus, otherBusyCores, busy };
}

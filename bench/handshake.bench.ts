/**
 * Round trip of an empty stop-the-world phase: the parked handshake (store + notify, helpers wake
 * from Atomics.wait, the main thread waits for the last) against a Piscina task per helper per
 * phase, threads = 2 and 4 (4 is oversubscribed on 2 cores), with three spin settings. "hot":
 * phases back to back; "cold": 1 ms of main-thread work before each, so helpers sleep. Extra
 * column: `lastWakeUs` (store+notify until the last helper started). Also: npx tsx bench/handshake.bench.ts
 */

import { fileURLToPath } from 'node:url';
import { Bench } from 'tinybench';
import { Scheduler } from '../src/scheduler/scheduler.ts';
import { NOOP_PHASE } from './participants/noop-participant.ts';
import { benchMeta, benchOptions, extra, median } from './bench-kit.ts';

const NOOP_MODULE = new URL('./participants/noop-participant.ts', import.meta.url).href;
const noop = (): void => {};
/** Main-thread work between cold phases: far longer than any helper spins before it sleeps. */
const COLD_GAP_MS = 1;

function busyWait(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // the mutator at work
  }
}

interface Config {
  label: string;
  dispatch: 'parked' | 'task';
  mainSpinUs?: number;
  helperSpinUs?: number;
}
const CONFIGS: Config[] = [
  { label: 'parked (default: main spins 50 µs)', dispatch: 'parked' },
  { label: 'parked, no spinning', dispatch: 'parked', mainSpinUs: 0, helperSpinUs: 0 },
  { label: 'parked, helpers also spin 50 µs', dispatch: 'parked', helperSpinUs: 50 },
  { label: 'task (Piscina run() per helper)', dispatch: 'task' },
];

const open = new Set<Scheduler>();

/**
 * One Bench per thread count. Each config's scheduler is started in the beforeAll of its 'hot'
 * task and closed after its 'cold' task has run, so only one pool is alive at a time. Runs with
 * bench.run() (async hooks); the tasks themselves are synchronous.
 */
export function suites(): Bench[] {
  const benches: Bench[] = [];
  for (const threads of [2, 4]) {
    const bench = new Bench(benchOptions(`handshake threads=${threads}`, 1000));
    for (const cfg of CONFIGS) {
      let sched: Scheduler | null = null;
      for (const temp of ['hot', 'cold'] as const) {
        const name = `${temp} ${cfg.label}`;
        const wakes: number[] = [];
        bench.add(
          name,
          () => {
            sched!.runPhase(NOOP_PHASE, 0, 'bench.noop', noop);
            wakes.push(sched!.lastWakeUs);
          },
          {
            beforeAll: async () => {
              wakes.length = 0;
              if (sched === null) {
                sched = await Scheduler.start({
                  threads,
                  dispatch: cfg.dispatch,
                  mainSpinUs: cfg.mainSpinUs,
                  helperSpinUs: cfg.helperSpinUs,
                  participantModule: NOOP_MODULE,
                  participantData: null,
                });
                open.add(sched);
              }
            },
            beforeEach: temp === 'cold' ? () => busyWait(COLD_GAP_MS) : undefined,
            afterAll: async (mode) => {
              if (mode !== 'run') return;
              extra(bench, name, 'last helper wake p50', `${median(wakes).toFixed(1)} µs`);
              if (temp === 'cold' && sched !== null) {
                open.delete(sched);
                await sched.close();
                sched = null;
              }
            },
          },
        );
      }
    }
    benches.push(bench);
  }
  return benches;
}

export async function teardown(): Promise<void> {
  for (const s of open) await s.close();
  open.clear();
}

/** Standalone: run and print round trips in µs. */
async function main(): Promise<void> {
  const rows: Record<string, string | number>[] = [];
  try {
    for (const bench of suites()) {
      await bench.run();
      for (const t of bench.tasks) {
        const r = t.result;
        if (r.state !== 'completed') throw new Error(`${t.name}: ${r.state}`);
        rows.push({
          task: `${bench.name} ${t.name}`,
          'round trip p50 (µs)': +(r.latency.p50 * 1000).toFixed(1),
          'mean (µs)': +(r.latency.mean * 1000).toFixed(1),
          'p99 (µs)': +(r.latency.p99 * 1000).toFixed(1),
          'last helper wake p50': benchMeta(bench).tasks.get(t.name)?.extra['last helper wake p50'] ?? '',
          samples: r.latency.samplesCount,
        });
      }
    }
  } finally {
    await teardown();
  }
  console.table(rows);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) void main();

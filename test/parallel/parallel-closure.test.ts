/**
 * Stress test across real threads: 4 participants (main + 3 helpers) on this 2-core machine run
 * a CAS-claimed parallel closure over random graphs; every reachable node must be processed
 * exactly once, for both balance modes, many seeds, and with a one-segment pool that the threads
 * must grow while they race. A hang would surface as a GCThreadError (stall watch), not a timeout.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Scheduler } from '../../src/scheduler/scheduler.ts';
import { STEALS_ATTEMPTED, STEALS_SUCCEEDED, OBJECTS } from '../../src/parallel/thread-stats.ts';
import { Worklist } from '../../src/parallel/worklist.ts';
import {
  PHASE_CLOSURE,
  createClosureData,
  createParticipant,
  prepareGraph,
  rng,
  type ClosureData,
} from '../helpers/participants/closure-participant.ts';

const THREADS = 4;
const MAX_NODES = 40_000;
const SEEDS = 16;

describe('parallel closure over WorklistLocal + Terminator (real threads)', () => {
  let sched: Scheduler;
  let data: ClosureData;
  let main: ReturnType<typeof createParticipant>;

  beforeAll(async () => {
    data = createClosureData(THREADS, MAX_NODES, 64);
    sched = await Scheduler.start({
      threads: THREADS,
      participantModule: new URL('../helpers/participants/closure-participant.ts', import.meta.url).href,
      participantData: data,
    });
    main = createParticipant(data, 0, sched.context(0));
  });

  afterAll(async () => {
    await sched?.close();
  });

  function runOne(seed: number, stealing: boolean, tinySegments: boolean): { steals: number; attempts: number } {
    const r = rng(seed);
    const spec = {
      seed,
      nodes: 2000 + Math.floor(r() * (MAX_NODES - 2000)),
      roots: 1 + Math.floor(r() * 63),
      stealing,
      tinySegments,
    };
    const reachable = prepareGraph(data, spec);
    sched.runPhase(PHASE_CLOSURE, 0, 'test.closure', () => main.runPhase(PHASE_CLOSURE, 0));
    const visits = new Int32Array(data.visits);
    let wrong = -1;
    let expected = 0;
    for (let v = 1; v <= spec.nodes; v++) {
      expected += reachable[v];
      if (visits[v] !== reachable[v]) {
        wrong = v;
        break;
      }
    }
    expect(wrong, `seed ${seed} (${JSON.stringify(spec)}): node ${wrong} visited ${visits[wrong]} times`).toBe(-1);
    let processed = 0;
    let steals = 0;
    let attempts = 0;
    for (let t = 0; t < THREADS; t++) {
      processed += sched.stats.get(t, OBJECTS);
      steals += sched.stats.get(t, STEALS_SUCCEEDED);
      attempts += sched.stats.get(t, STEALS_ATTEMPTED);
    }
    expect(processed, `seed ${seed}`).toBe(expected);
    for (const b of data.worklists) expect(Worklist.attach(b).isEmpty(), `seed ${seed}`).toBe(true);
    return { steals, attempts };
  }

  it('processes every reachable node exactly once with stealing', () => {
    let steals = 0;
    for (let seed = 1; seed <= SEEDS; seed++) steals += runOne(seed, true, false).steals;
    expect(steals).toBeGreaterThan(0);
  });

  it('processes every reachable node exactly once with static balance, and never steals', () => {
    for (let seed = 101; seed <= 100 + SEEDS; seed++) {
      const { attempts, steals } = runOne(seed, false, false);
      expect(attempts).toBe(0);
      expect(steals).toBe(0);
    }
  });

  it('stays exact while threads grow a one-segment pool of 3-entry segments', () => {
    let steals = 0;
    for (let seed = 201; seed <= 200 + SEEDS / 2; seed++) steals += runOne(seed, true, true).steals;
    for (let seed = 301; seed <= 300 + SEEDS / 2; seed++) runOne(seed, false, true);
    expect(steals).toBeGreaterThan(0);
    const pool = Worklist.attach(data.worklists[1]).poolStats();
    expect(pool.capacity).toBeGreaterThan(1);
  });
});

// The worker of scavenge-pair.ts (loaded with tsx's require hook: no top-level await here).
import { LAYOUTS, buildGraph, dropGraph, graphSimOptions, loadCompiledBuild } from '../graph.ts';

// ctl words: per worker w, COMMAND + w (its command sequence), and the words all share
export const COMMAND = 0;
export const LAYOUT = 2;
export const READY = 3;
export const GO = 4;
export const DONE = 5;
/** Objects in the next graph. */
export const OBJECTS = 6;

export interface PairData {
  ctl: Int32Array;
  times: Float64Array;
  id: number;
  /** The largest graph (the simulator is sized for it). */
  n: number;
  /** The checkout whose dist/ is measured. */
  root: string;
}

/**
 * Makes a one-thread simulator, warms it up, then on each command builds a fresh graph of the
 * given layout and size, waits at the GO flag and scavenges it, leaving the phase's ms in times[id].
 */
export async function run({ ctl, times, id, n, root }: PairData): Promise<void> {
  const { Simulator, deps } = await loadCompiledBuild(root);
  const sim = await Simulator.create({ ...graphSimOptions(n), threads: 1 });
  const scavenge = (layout: (typeof LAYOUTS)[number], objects: number, before: () => void) => {
    const m = sim.mutator;
    dropGraph(m);
    m.collect('minor');
    buildGraph(m, deps, objects, layout);
    before();
    m.collect('minor');
    return sim.gc.events.at(-1)!.phasesMs['scavenge.parallel'];
  };
  try {
    // Warm-up: the code optimised and both semispaces written once.
    for (const layout of LAYOUTS) for (let i = 0; i < 3; i++) scavenge(layout, n, () => {});
    Atomics.add(ctl, DONE, 1);
    Atomics.notify(ctl, DONE);
    let seq = 0;
    for (;;) {
      Atomics.wait(ctl, COMMAND + id, seq);
      seq = Atomics.load(ctl, COMMAND + id);
      if (seq < 0) break; // WorkerCommands.stop
      times[id] = scavenge(LAYOUTS[Atomics.load(ctl, LAYOUT)], Atomics.load(ctl, OBJECTS), () => {
        Atomics.add(ctl, READY, 1);
        Atomics.notify(ctl, READY);
        while (Atomics.load(ctl, GO) === 0) {
          // the other worker is still building its graph
        }
      });
      Atomics.add(ctl, DONE, 1);
      Atomics.notify(ctl, DONE);
    }
  } finally {
    await sim.close();
  }
}

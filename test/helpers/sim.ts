/** Builds simulators for tests, always with the verifier on, and closes them. */
import { Simulator } from '../../src/experiments/simulator.ts';
import type { GcOptions } from '../../src/options.ts';

export async function withSim<T>(opts: Partial<GcOptions>, fn: (sim: Simulator) => T | Promise<T>): Promise<T> {
  const sim = await Simulator.create({ verifyHeap: true, ...opts });
  try {
    return await fn(sim);
  } finally {
    await sim.close();
  }
}

/** Verifier errors so far plus a fresh verification now. */
export function allVerifyErrors(sim: Simulator): string[] {
  return [...sim.gc.verifyErrors, ...sim.verify()];
}

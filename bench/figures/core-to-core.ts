// A fact about the machine that bounds every parallel figure: how long a cache line written by
// one thread takes to reach another. `npx tsx bench/figures/core-to-core.ts [repetitions]`.
// Two threads pass a counter back and forth through one Int32 of shared memory (each spins on
// Atomics.load until the other's store arrives); half the round trip is the one-way latency,
// including two Atomics builtin calls (~15 ns each on Node 20): `coreToCoreNs` in
// bench/bench-kit.ts, which `npm run bench -- gc` also prints at its start and end. A GC phase
// whose input was written by the other thread (forwarding pointers read in pointer updating,
// objects the mutator wrote, mark-bitmap lines the other marker set bits in) pays this per cache
// line, where one thread alone finds the line in its own cache.
import { coreToCoreNs } from '../bench-kit.ts';

const ROUNDS = 200_000;
const reps = Number(process.argv[2] ?? 3);
if (!Number.isInteger(reps) || reps < 1 || process.argv.length > 3) {
  console.error('usage: core-to-core.ts [repetitions >= 1]');
  process.exit(2);
}

for (let r = 0; r < reps; r++) {
  const oneWay = await coreToCoreNs(ROUNDS);
  console.log(`round trip ${(2 * oneWay).toFixed(0)} ns, one way ${oneWay.toFixed(0)} ns`);
}

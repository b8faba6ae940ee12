// A fact about the machine that bounds every parallel figure: how long a cache line written by
// one thread takes to reach another. `npx tsx bench/figures/core-to-core.ts [repetitions]`.
// Two threads pass a counter back and forth through one Int32 of shared memory (each spins on
// Atomics.load until the other's store arrives); half the round trip is the one-way latency,
// including two Atomics builtin calls (~15 ns each on Node 20). A GC phase whose input was
// written by the other thread (forwarding pointers read in pointer updating, objects the mutator
// wrote) pays this per cache line, where one thread alone finds the line in its own cache.
import { Worker } from 'node:worker_threads';

const ROUNDS = 200_000;
const reps = Number(process.argv[2] ?? 3);
const STOP = 1 << 30;
const READY = 16;

const echo = `
const { workerData } = require('node:worker_threads');
const a = new Int32Array(workerData);
Atomics.store(a, ${READY}, 1);
for (;;) {
  const v = Atomics.load(a, 0);
  if (v === ${STOP}) break;
  if (v > 0) Atomics.store(a, 0, -v);
}`;

for (let r = 0; r < reps; r++) {
  const a = new Int32Array(new SharedArrayBuffer(128));
  const w = new Worker(echo, { eval: true, workerData: a.buffer });
  while (Atomics.load(a, READY) === 0) {
    // wait for the echo thread to start spinning
  }
  const t0 = performance.now();
  for (let i = 1; i <= ROUNDS; i++) {
    Atomics.store(a, 0, i);
    while (Atomics.load(a, 0) !== -i) {
      // the other thread's store has not arrived yet
    }
  }
  const roundTripNs = ((performance.now() - t0) * 1e6) / ROUNDS;
  Atomics.store(a, 0, STOP);
  await new Promise((res) => w.once('exit', res));
  console.log(`round trip ${roundTripNs.toFixed(0)} ns, one way ${(roundTripNs / 2).toFixed(0)} ns`);
}

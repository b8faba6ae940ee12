// Worker body for test/parallel/wasm-atomics.test.ts: races the other threads to set the same
// bits of a shared wasm memory. workerData: { memory, sync, threads, bits, plain }.
import { workerData, parentPort } from 'node:worker_threads';

(await import('tsx/esm/api')).register();
const { setBitsLoop } = await import('../parallel/set-bit-loop.ts');

const { memory, sync, threads, bits, plain } = workerData;
parentPort.postMessage(setBitsLoop(memory, new Int32Array(sync), threads, bits, plain));

/**
 * Writes a sample heap snapshot to try `--heap-snapshot` on: a child `node` builds a seeded graph
 * of plain JavaScript objects (a list of records with random cross links, strings, arrays, a
 * WeakMap and WeakRefs, so the snapshot has weak edges) and calls `v8.writeHeapSnapshot()`.
 * A fresh process, so the snapshot holds that graph plus node's own start-up heap (~40,000 nodes).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';

/** The child's program: argv = objects, seed, file. */
const CHILD_PROGRAM = String.raw`
const v8 = require('node:v8');
const [objects, seed, file] = [Number(process.argv[1]), Number(process.argv[2]), process.argv[3]];
let s = seed >>> 0 || 1;
const rnd = (n) => { s = (Math.imul(s, 1103515245) + 12345) >>> 0; return Math.floor((s / 4294967296) * n); };
class Item { constructor(id, prev) { this.id = id; this.next = prev; this.peer = null; this.label = null; this.tags = null; } }
const items = new Array(objects);
let prev = null;
for (let i = 0; i < objects; i++) {
  const it = new Item(i, prev);
  if (i % 8 === 0) it.label = 'item-' + i;
  if (i % 16 === 0) it.tags = [i, 'tag-' + (i % 97), { weight: i % 13 }];
  items[i] = prev = it;
}
for (let i = 0; i < objects; i++) if (rnd(2) === 0) items[i].peer = items[rnd(objects)];
const notes = new WeakMap();
const refs = [];
for (let i = 0; i < objects; i += 100) { notes.set(items[i], { note: i }); refs.push(new WeakRef(items[rnd(objects)])); }
globalThis.sample = { head: prev, items, notes, refs };
v8.writeHeapSnapshot(file);
`;

export interface SampleSnapshot {
  file: string;
  bytes: number;
  writeMs: number;
}

/** Writes the sample snapshot of `objects` records to `file`; rejects with the child's error. */
export function writeSampleSnapshot(file: string, objects: number, seed = 1): Promise<SampleSnapshot> {
  const t0 = performance.now();
  // The child's heap: about 200 bytes per record, the snapshot writer's own tables on top.
  const heapMb = Math.max(512, Math.ceil((objects * 2000) / 1048576));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [`--max-old-space-size=${heapMb}`, '-e', CHILD_PROGRAM, String(objects), String(seed), file], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`the snapshot writer exited with ${String(code)}: ${err.trim().split('\n').pop() ?? ''}`));
      else resolve({ file, bytes: fs.statSync(file).size, writeMs: performance.now() - t0 });
    });
  });
}

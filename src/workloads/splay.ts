/**
 * Octane's Splay: a splay tree of records, each carrying a payload tree of arrays and strings;
 * every step inserts fresh records and removes old ones, so the old generation churns while a
 * large tree stays live: the classic GC-latency benchmark. Port of splay.js (Octane 2.0).
 */
import type { Handle, MutatorApi as Mutator } from '../mutator/mutator-api.ts';
import type { Rng } from './rng.ts';
import { defineWorkload } from './workload.ts';

const KEY = 0;
const VALUE = 1;
const LEFT = 2;
const RIGHT = 3;

export default defineWorkload({
  name: 'splay',
  description: "Octane's Splay: a splay tree of records with payload trees, insert/remove churn (GC latency)",
  params: {
    treeSize: { default: 8000, min: 1, doc: 'records kept in the tree (kSplayTreeSize)' },
    modifications: { default: 80, min: 1, doc: 'inserts and removes per step (kSplayTreeModifications)' },
    payloadDepth: { default: 5, min: 0, doc: 'depth of each record payload tree (kSplayTreePayloadDepth)' },
    steps: { default: 150, min: 1, doc: 'steps after the tree is built' },
  },
  run(m, rng, p) {
    const t = new SplayTree(m);
    for (let i = 0; i < p.treeSize; i++) insertNewNode(t, rng, p.payloadDepth);
    for (let step = 0; step < p.steps; step++) {
      for (let i = 0; i < p.modifications; i++) {
        const key = insertNewNode(t, rng, p.payloadDepth);
        const s = m.openScope();
        const greatest = t.findGreatestLessThan(key);
        const removeKey = m.isNull(greatest) ? key : m.getSmi(greatest, KEY);
        m.closeScope(s);
        t.remove(removeKey);
      }
      m.work(1);
    }
  },
});

function insertNewNode(t: SplayTree, rng: Rng, depth: number): number {
  let key: number;
  do {
    key = rng.int(1 << 29);
  } while (t.has(key));
  const m = t.m;
  const s = m.openScope();
  const payload = generatePayloadTree(m, depth, key);
  t.insert(key, payload);
  m.closeScope(s);
  return key;
}

/** `{ array: [0..9], string: 'String for key <tag> in leaf node' }` at depth 0, else `{ left, right }`. */
function generatePayloadTree(m: Mutator, depth: number, tag: number): Handle {
  const s = m.openScope();
  let obj: Handle;
  if (depth === 0) {
    const array = m.allocate(m.arrayMap, 10);
    for (let i = 0; i < 10; i++) m.setSmi(array, i, i);
    const str = m.allocateString(24 + String(tag).length, tag);
    obj = m.allocate(m.maps.define('Splay.Leaf', 0), 2);
    m.set(obj, 0, array);
    m.set(obj, 1, str);
  } else {
    obj = m.allocate(m.maps.define('Splay.Payload', 0), 2);
    m.set(obj, 0, generatePayloadTree(m, depth - 1, tag));
    m.set(obj, 1, generatePayloadTree(m, depth - 1, tag));
  }
  return m.escape(s, obj);
}

/** The tree lives in the global `splayRoot`; every operation works in its own handle scope. */
class SplayTree {
  private readonly nodeMap: number;
  private readonly keys = new Set<number>();
  constructor(readonly m: Mutator) {
    this.nodeMap = m.maps.define('Splay.Node', 0);
    m.setGlobal('splayRoot', 0);
  }

  has(key: number): boolean {
    return this.keys.has(key);
  }

  private root(): Handle {
    return this.m.getGlobal('splayRoot');
  }

  insert(key: number, value: Handle): void {
    const m = this.m;
    const s = m.openScope();
    let root = this.root();
    if (m.isNull(root)) {
      const n = this.newNode(key, value);
      m.setGlobal('splayRoot', n);
    } else {
      root = this.splay(key);
      const rk = m.getSmi(root, KEY);
      if (rk !== key) {
        const n = this.newNode(key, value);
        if (key > rk) {
          m.set(n, LEFT, root);
          m.set(n, RIGHT, m.get(root, RIGHT));
          m.set(root, RIGHT, 0);
        } else {
          m.set(n, RIGHT, root);
          m.set(n, LEFT, m.get(root, LEFT));
          m.set(root, LEFT, 0);
        }
        m.setGlobal('splayRoot', n);
      }
    }
    this.keys.add(key);
    m.closeScope(s);
  }

  remove(key: number): void {
    const m = this.m;
    const s = m.openScope();
    if (!this.keys.has(key)) throw new Error(`key ${key} not found`);
    const root = this.splay(key);
    if (m.isSmiField(root, LEFT)) {
      m.setGlobal('splayRoot', m.get(root, RIGHT));
    } else {
      const right = m.get(root, RIGHT);
      m.setGlobal('splayRoot', m.get(root, LEFT));
      const newRoot = this.splay(key);
      m.set(newRoot, RIGHT, right);
    }
    this.keys.delete(key);
    m.closeScope(s);
  }

  /** The node with the greatest key below `key`, as a handle in the caller's scope (or null). */
  findGreatestLessThan(key: number): Handle {
    const m = this.m;
    if (m.isNull(this.root())) return 0;
    const root = this.splay(key);
    if (m.getSmi(root, KEY) < key) return root;
    if (!m.isSmiField(root, LEFT)) {
      let cur = m.get(root, LEFT);
      while (!m.isSmiField(cur, RIGHT)) cur = m.get(cur, RIGHT);
      return cur;
    }
    return 0;
  }

  private newNode(key: number, value: Handle): Handle {
    const n = this.m.allocate(this.nodeMap, 4);
    this.m.setSmi(n, KEY, key);
    this.m.set(n, VALUE, value);
    return n;
  }

  /** Top-down splay (Sleator-Tarjan), as in splay.js; returns the new root's handle. */
  private splay(key: number): Handle {
    const m = this.m;
    const s = m.openScope();
    const dummy = this.newNode(0, 0);
    let left = dummy;
    let right = dummy;
    let current = this.root();
    for (;;) {
      const ck = m.getSmi(current, KEY);
      if (key < ck) {
        if (m.isSmiField(current, LEFT)) break;
        if (key < m.getSmi(m.get(current, LEFT), KEY)) {
          const tmp = m.get(current, LEFT);
          m.set(current, LEFT, m.get(tmp, RIGHT));
          m.set(tmp, RIGHT, current);
          current = tmp;
          if (m.isSmiField(current, LEFT)) break;
        }
        m.set(right, LEFT, current);
        right = current;
        current = m.get(current, LEFT);
      } else if (key > ck) {
        if (m.isSmiField(current, RIGHT)) break;
        if (key > m.getSmi(m.get(current, RIGHT), KEY)) {
          const tmp = m.get(current, RIGHT);
          m.set(current, RIGHT, m.get(tmp, LEFT));
          m.set(tmp, LEFT, current);
          current = tmp;
          if (m.isSmiField(current, RIGHT)) break;
        }
        m.set(left, RIGHT, current);
        left = current;
        current = m.get(current, RIGHT);
      } else {
        break;
      }
    }
    m.set(left, RIGHT, m.get(current, LEFT));
    m.set(right, LEFT, m.get(current, RIGHT));
    m.set(current, LEFT, m.get(dummy, RIGHT));
    m.set(current, RIGHT, m.get(dummy, LEFT));
    m.setGlobal('splayRoot', current);
    return m.escape(s, current);
  }
}

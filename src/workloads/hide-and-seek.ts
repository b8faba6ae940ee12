/**
 * An adversary for the marking barrier: treasures live in old holder objects, each referenced
 * from exactly one slot. Over and over, while marking runs, the only reference to a treasure is
 * moved from one holder to another (likely already scanned) and the original slot is cleared.
 * Without a marking barrier a treasure whose new holder was scanned before the move and whose old
 * holder is scanned after it is never marked, and the collector frees a reachable object.
 * Young and tenured garbage keep scavenges and marking cycles coming while it plays.
 */
import { defineWorkload } from './workload.ts';

export default defineWorkload({
  name: 'hide-and-seek',
  description: 'moves the only reference to an object from unscanned to scanned holders while marking runs (barrier adversary)',
  params: {
    holders: { default: 50_000, min: 2, doc: 'old holder objects' },
    slots: { default: 4, min: 1, doc: 'slots per holder' },
    treasures: { default: 100_000, min: 1, doc: 'objects that are moved around' },
    moves: { default: 100_000, min: 1, doc: 'reference moves' },
    garbageWords: { default: 24, min: 0, doc: 'words of tenured garbage per move (drives marking cycles)' },
  },
  run(m, rng, p) {
    const holderMap = m.maps.define('HideAndSeek.Holder', 0);
    const treasureMap = m.maps.define('HideAndSeek.Treasure', 0);
    const junk = m.maps.define('HideAndSeek.Junk', 1);
    const positions = p.holders * p.slots;
    const treasures = Math.min(p.treasures, positions - 1);
    const holders = m.allocate(m.arrayMap, p.holders, true);
    m.setGlobal('holders', holders);
    for (let i = 0; i < p.holders; i++) {
      const s = m.openScope();
      m.set(holders, i, m.allocate(holderMap, p.slots, true));
      m.closeScope(s);
    }
    // where[k] = position of treasure k; free = positions without a treasure (swap-remove set)
    const where = new Int32Array(treasures);
    const free = new Int32Array(positions);
    const freeIndex = new Int32Array(positions);
    for (let q = 0; q < positions; q++) {
      free[q] = q;
      freeIndex[q] = q;
    }
    let freeCount = positions;
    const takeFree = (q: number) => {
      const i = freeIndex[q];
      const last = free[--freeCount];
      free[i] = last;
      freeIndex[last] = i;
      freeIndex[q] = -1;
    };
    const putFree = (q: number) => {
      free[freeCount] = q;
      freeIndex[q] = freeCount++;
    };
    for (let k = 0; k < treasures; k++) {
      const s = m.openScope();
      const q = free[rng.int(freeCount)];
      takeFree(q);
      where[k] = q;
      const t = m.allocate(treasureMap, 1, true);
      m.setSmi(t, 0, k);
      m.set(m.get(holders, Math.floor(q / p.slots)), q % p.slots, t);
      m.closeScope(s);
    }
    for (let move = 0; move < p.moves; move++) {
      const s = m.openScope();
      const k = rng.int(treasures);
      const from = where[k];
      const to = free[rng.int(freeCount)];
      const src = m.get(holders, Math.floor(from / p.slots));
      const dst = m.get(holders, Math.floor(to / p.slots));
      const t = m.get(src, from % p.slots);
      m.set(dst, to % p.slots, t); // the insertion barrier shades t here
      m.setSmi(src, from % p.slots, 0); // the SATB barrier shades t here
      takeFree(to);
      putFree(from);
      where[k] = to;
      m.allocate(junk, 4); // young garbage: scavenges during marking
      if (p.garbageWords > 0) m.allocateRaw(junk, p.garbageWords, move, true); // old garbage: marking cycles
      m.closeScope(s);
      if ((move & 1023) === 0) m.work(1);
    }
  },
});

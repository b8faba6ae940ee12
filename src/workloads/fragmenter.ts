/**
 * Interleaved lifetimes that leave old pages fragmented: each round allocates a cohort of records
 * that survive long enough to be promoted side by side, then drops most of them at random while
 * a few stay, so old pages end mostly empty but not empty; two full GCs per round then sweep
 * them and compact them. The few that stay live to the end of the run, so the heap grows by
 * them every round, unless `dropAfter` drops them that many rounds later: with `dropAfter=1` the
 * heap keeps its size from the second round on, and each compaction copies into pages earlier
 * rounds used (a heap at its size, not one that grows).
 */
import { defineWorkload } from './workload.ts';

export default defineWorkload({
  name: 'fragmenter',
  description: 'interleaved lifetimes: promoted cohorts mostly die at random, leaving fragmented old pages to compact',
  params: {
    rounds: { default: 8, min: 1, doc: 'cohorts allocated' },
    cohort: { default: 40_000, min: 1, doc: 'records per cohort' },
    slots: { default: 6, min: 1, doc: 'fields per record' },
    keepPercent: { default: 10, min: 0, doc: 'percent of each cohort that stays live' },
    dropAfter: { default: 0, min: 0, doc: "rounds after which a cohort's kept records are dropped (0: never, the heap grows every round)" },
  },
  run(m, rng, p) {
    const record = m.maps.define('Fragmenter.Record', 0);
    const table = m.allocate(m.arrayMap, p.rounds * p.cohort);
    m.setGlobal('table', table);
    for (let r = 0; r < p.rounds; r++) {
      const base = r * p.cohort;
      if (p.dropAfter > 0 && r >= p.dropAfter) {
        // The cohort of dropAfter rounds ago dies in this round's full GCs.
        const old = (r - p.dropAfter) * p.cohort;
        for (let i = 0; i < p.cohort; i++) m.setSmi(table, old + i, 0);
      }
      for (let i = 0; i < p.cohort; i++) {
        const s = m.openScope();
        const o = m.allocate(record, p.slots);
        m.setSmi(o, 0, base + i);
        if (i > 0) m.set(o, 1, m.get(table, base + i - 1));
        m.set(table, base + i, o);
        m.closeScope(s);
      }
      // Survive two scavenges so the cohort is promoted together, then drop most of it.
      m.collect('minor');
      m.collect('minor');
      for (let i = 0; i < p.cohort; i++) {
        if (rng.int(100) >= p.keepPercent) m.setSmi(table, base + i, 0);
      }
      // Cut the chains so the dropped records are really unreachable.
      for (let i = 0; i < p.cohort; i++) {
        if (!m.isSmiField(table, base + i)) {
          const s = m.openScope();
          m.setSmi(m.get(table, base + i), 1, 0);
          m.closeScope(s);
        }
      }
      // The first full GC sweeps the dead records; the second finds the pages mostly free when
      // its marking starts (candidates are chosen then, as in V8) and compacts them.
      m.collect('major');
      m.collect('major');
      m.work(1);
    }
  },
});

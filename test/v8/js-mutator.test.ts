import { describe, expect, it } from 'vitest';
import { runOne, resolveParams } from '../../src/experiments/run.ts';
import { JsMutator } from '../../src/v8/js-mutator.ts';
import { jsHeapDigest } from '../../src/v8/js-digest.ts';
import { BUILTIN_WORKLOADS, defineWorkload } from '../../src/workloads/index.ts';
import { Rng } from '../../src/workloads/rng.ts';
import { MutatorError } from '../../src/mutator/mutator-api.ts';
import { KIND_RAW, KIND_TAGGED } from '../../src/heap/layout.ts';
import { NO_WARMUP, SCALED_VARIANTS, SMALL, SMALL_HEAP } from '../helpers/small.ts';

describe('JsMutator (the V8 backend of the mutator API)', () => {
  for (const w of BUILTIN_WORKLOADS.filter((x) => !(x.name in SCALED_VARIANTS))) {
    it(`gives ${w.name} the digest it has on gcsim's heap`, async () => {
      const params = SMALL[w.name] ?? {};
      const r = await runOne({ workload: w.name, params, options: { ...SMALL_HEAP, ...NO_WARMUP, verifyHeap: true } });
      expect(r.error).toBeNull();
      const m = new JsMutator();
      w.run(m, new Rng(1), resolveParams(w.name, params));
      expect(jsHeapDigest(m).digest).toBe(r.digest);
      expect(m.allocatedBytes).toBe(r.summary.allocatedBytes);
    });
  }

  it('digests differ when the graph differs (a check that cannot fail proves nothing)', () => {
    const build = (n: number) => {
      const m = new JsMutator();
      const node = m.maps.define('N', KIND_TAGGED);
      const a = m.allocate(node, 2);
      const b = m.allocate(node, 2);
      m.set(a, 0, b);
      m.setSmi(b, 1, n);
      m.setGlobal('a', a);
      return jsHeapDigest(m).digest;
    };
    expect(build(1)).toBe(build(1));
    expect(build(1)).not.toBe(build(2));
  });

  it('keeps the API contract: raw words round-trip, scopes drop handles, misuse throws MutatorError', () => {
    const m = new JsMutator();
    const s = m.openScope();
    const r = m.allocateRaw(m.maps.define('Bytes', KIND_RAW), 3, 7);
    m.writeRaw(r, 1, -123456789);
    expect(m.readRaw(r, 1)).toBe(-123456789);
    expect(m.readRaw(r, 0)).toBe(7);
    expect(m.length(r)).toBe(3);
    const o = m.allocate(m.arrayMap, 3);
    expect(m.isSmiField(o, 2)).toBe(true);
    expect(() => m.getSmi(o, 3)).toThrow(MutatorError);
    expect(() => m.setSmi(o, 0, 2 ** 31)).toThrow(MutatorError);
    m.set(o, 0, r);
    expect(() => m.getSmi(o, 0)).toThrow(MutatorError);
    m.closeScope(s);
    expect(m.handleCount).toBe(1);
    expect(m.stack.slice(1).every((v) => v === 0)).toBe(true); // nothing above the stack pointer is kept alive
  });

  it('runs a user workload written with defineWorkload unchanged', async () => {
    const w = defineWorkload({
      name: 'pairs',
      description: 'linked pairs',
      params: { n: { default: 500, min: 1, doc: 'pairs' } },
      run(m, rng, p) {
        const pair = m.maps.define('Pair', KIND_TAGGED);
        let prev = m.allocate(pair, 2);
        m.setGlobal('head', prev);
        for (let i = 0; i < p.n; i++) {
          const s = m.openScope();
          const q = m.allocate(pair, 2);
          m.setSmi(q, 1, rng.int(1000));
          m.set(prev, 0, q);
          prev = m.escape(s, q);
        }
      },
    });
    const m = new JsMutator();
    w.run(m, new Rng(3), { n: 500 });
    expect(jsHeapDigest(m).objects).toBe(501);
  });
});

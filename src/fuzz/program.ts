/**
 * The program generator: from a seed, a case's configuration (matrix.ts) and a list of ops made
 * of motifs (structures, stores, scopes and globals, garbage that drives scavenges and marking
 * cycles, and adversaries of the barriers, the remembered set and the forwarding CAS). It runs
 * every op it emits on a model of its own, so it knows which locals hold what and how much is live.
 */
import { MAX_REGULAR_OBJECT_WORDS } from '../heap/layout.ts';
import { FuzzRng } from './rng.ts';
import { Model } from './model.ts';
import { Executor } from './executor.ts';
import { drawConfig, type MatrixOptions } from './matrix.ts';
import { type FuzzCase, type FuzzConfig, type NegativeControl, type Op, type Space, GLOBALS, MAX_FIELDS } from './ops.ts';

type Motif =
  | 'build'
  | 'chain'
  | 'cycle'
  | 'fan'
  | 'large'
  | 'mutate'
  | 'globals'
  | 'churn'
  | 'refill'
  | 'hideSeek'
  | 'satbShadow'
  | 'oldToYoung'
  | 'share'
  | 'collect'
  | 'scopes'
  | 'bursts';

const WEIGHTS: Record<Motif, number> = {
  build: 12,
  chain: 3,
  cycle: 2,
  fan: 3,
  large: 1.5,
  mutate: 10,
  globals: 4,
  churn: 8,
  refill: 6,
  hideSeek: 5,
  satbShadow: 3,
  oldToYoung: 5,
  share: 1,
  collect: 4,
  scopes: 3,
  bursts: 2,
};

/** Each negative control makes its adversary the most common motif. */
const BOOST: Record<NegativeControl, Partial<Record<Motif, number>>> = {
  barrier: { hideSeek: 40, satbShadow: 6 },
  'remembered-set': { oldToYoung: 40 },
  'forwarding-cas': { share: 30 },
  'mark-bit': { share: 30 },
};

/** Globals 0 and 1 hold the program's long-lived structures; motifs play with the others. */
const G_HOLDERS = 0;
const G_CHAIN = 1;
const FREE_GLOBAL_FIRST = 2;

/** Live data the generator keeps under, as a share of the heap limit (out of memory is no goal). */
const LIVE_SHARE = 0.2;
/** Locals beyond this in the base scope are dropped (after keeping one in a global). */
const MAX_BASE_LOCALS = 40;
/** A bound on a case's length whatever its sizes (a case file stays a few hundred KB). */
const MAX_OPS = 4000;

export interface CaseOptions extends MatrixOptions {
  /** Program length as a share of the usual (tests run shorter cases); default 1. */
  scale?: number;
}

/** The case of a seed: its configuration, then its program, both drawn from the seed. */
export function caseForSeed(seed: number, opts: CaseOptions): FuzzCase {
  const rng = new FuzzRng(seed);
  const config = drawConfig(rng, opts);
  return { seed, config, negativeControl: opts.negativeControl, ops: generateProgram(rng, config, opts.negativeControl, opts.scale ?? 1) };
}

export function generateProgram(rng: FuzzRng, config: FuzzConfig, negativeControl: NegativeControl | null, scale = 1): Op[] {
  const g = new ProgramBuilder(rng, config, negativeControl, scale);
  g.prologue();
  g.body();
  return g.ops;
}

class ProgramBuilder {
  readonly ops: Op[] = [];
  private readonly model = new Model();
  private readonly exec = new Executor(this.model, null);
  private readonly semiBytes: number;
  private readonly maxOldBytes: number;
  private readonly weights: Record<Motif, number>;
  /** Young allocation so far (an estimate: what drives scavenges). */
  private youngBytes = 0;
  private liveBytes = 0;

  constructor(
    private readonly rng: FuzzRng,
    config: FuzzConfig,
    negativeControl: NegativeControl | null,
    private readonly scale: number,
  ) {
    this.semiBytes = (config.maxSemiSpaceSize ?? 1) * 1048576;
    this.maxOldBytes = (config.maxOldSpaceSize ?? 128) * 1048576;
    this.weights = { ...WEIGHTS, ...(negativeControl !== null ? BOOST[negativeControl] : {}) };
  }

  private emit(op: Op): void {
    this.ops.push(op);
    this.exec.run(op);
    this.youngBytes += youngEstimate(op);
  }

  private get locals(): number {
    return this.model.locals.length;
  }

  /** A local (distance from the top) among the top `span`, from `from` on; 0 when there are none. */
  private anyLocal(span = 16, from = 0): number {
    return from + this.rng.int(Math.max(1, Math.min(span, this.locals - from)));
  }

  /** A local holding a tagged object with user fields, among `span` from `from` on; -1 if none. */
  private findHolder(from = 0, span = 24): number {
    const found: number[] = [];
    for (let k = from; k < Math.min(this.locals, from + span); k++) if (this.model.holderAt(k) !== null) found.push(k);
    return found.length === 0 ? -1 : this.rng.pick(found);
  }

  /** A field operand: taken modulo the object's user fields, so any holder of the array can come up. */
  private field(): number {
    return this.rng.int(1024);
  }

  private smi(): number {
    return this.rng.range(1, 1 << 20);
  }

  private freeGlobal(): number {
    return this.rng.range(FREE_GLOBAL_FIRST, GLOBALS - 1);
  }

  private burstKb(): number {
    return Math.round((this.maxOldBytes / 1024) * this.rng.pick([0.25, 0.5, 1]));
  }

  /** Young garbage of up to one and a half semispaces. */
  private churnKb(): number {
    return this.rng.logRange(8, Math.max(8, (this.semiBytes * 3) / 2048));
  }

  // ---- program structure ------------------------------------------------------------------------
  prologue(): void {
    const rng = this.rng;
    this.emit({ op: 'open' }); // the base scope, dropped and reopened to bound the handle stack
    // Holders for hide-and-seek: an array of small objects, some holding a treasure.
    this.emit({ op: 'fan', n: rng.range(16, 200), tenured: rng.chance(0.6), childTenured: rng.chance(0.5) });
    this.emit({ op: 'setGlobal', g: G_HOLDERS, src: 0 });
    for (let t = rng.range(8, 48); t > 0; t--) {
      this.emit({ op: 'open' });
      this.emit({ op: 'getGlobal', g: G_HOLDERS });
      this.emit({ op: 'load', src: 0, field: this.field() });
      this.emit({ op: 'refill', dst: 0, n: rng.range(1, 2), start: rng.int(2), fields: rng.range(0, 2), tenured: rng.chance(0.5) });
      this.emit({ op: 'close' });
    }
    this.emit({ op: 'chain', n: rng.logRange(20, 400), tenured: rng.chance(0.3) });
    this.emit({ op: 'setGlobal', g: G_CHAIN, src: 0 });
    this.resetBase();
  }

  body(): void {
    const rng = this.rng;
    // Tens of scavenges: enough GCs to amortise the simulator's start-up, few enough for ~1 s.
    const youngTarget = this.semiBytes * rng.range(10, 22) * this.scale;
    const maxOps = MAX_OPS * this.scale;
    for (let motifs = 0; this.youngBytes < youngTarget && this.ops.length < maxOps; motifs++) {
      const motif = rng.weighted(this.weights);
      this[motif]();
      if (motifs % 6 === 5) {
        this.liveBytes = this.model.prune();
        if (this.liveBytes > this.maxOldBytes * LIVE_SHARE) this.release();
      }
      if (this.locals > MAX_BASE_LOCALS) this.resetBase();
    }
  }

  /** Drops the base scope's locals, keeping one of them in a global. */
  private resetBase(): void {
    if (this.locals > 0 && this.rng.chance(0.5)) this.emit({ op: 'setGlobal', g: this.freeGlobal(), src: this.anyLocal() });
    this.emit({ op: 'close' });
    this.emit({ op: 'open' });
  }

  /** Lets go of data until the live estimate is back under budget. */
  private release(): void {
    for (let g = FREE_GLOBAL_FIRST; g < GLOBALS; g++) if (this.rng.chance(0.6)) this.emit({ op: 'clearGlobal', g });
    this.emit({ op: 'close' });
    this.emit({ op: 'open' });
    this.liveBytes = this.model.prune();
    if (this.liveBytes > this.maxOldBytes * LIVE_SHARE) {
      for (let g = FREE_GLOBAL_FIRST; g < GLOBALS; g++) this.emit({ op: 'clearGlobal', g });
      this.liveBytes = this.model.prune();
    }
  }

  /** Ends a motif that opened a scope holding `r` locals of interest on top. */
  private finish(r: number): void {
    const rng = this.rng;
    switch (rng.weighted({ escape: 3, global: 2, outer: 3, drop: 2 })) {
      case 'escape':
        this.emit({ op: 'escape', src: rng.int(r) });
        return;
      case 'global':
        this.emit({ op: 'setGlobal', g: this.freeGlobal(), src: rng.int(r) });
        break;
      case 'outer': {
        const d = this.findHolder(this.scopeLocals());
        if (d >= 0) this.emit({ op: 'store', dst: d, field: this.field(), src: rng.int(r) });
        break;
      }
      case 'drop':
        break;
    }
    this.emit({ op: 'close' });
  }

  /** Locals of the innermost scope. */
  private scopeLocals(): number {
    const s = this.model.scopes;
    return s.length === 0 ? this.locals : this.locals - s[s.length - 1].localsLength;
  }

  private allocRandom(): void {
    const rng = this.rng;
    const tenured = rng.chance(0.25);
    switch (rng.weighted({ alloc: 60, string: 12, raw: 10, code: 5, empty: 5 })) {
      case 'alloc':
        this.emit({ op: 'alloc', fields: rng.range(0, MAX_FIELDS), tenured });
        return;
      case 'string':
        this.emit({ op: 'string', bytes: rng.logRange(1, 2048), tenured, seed: rng.int(512) });
        return;
      case 'raw':
        this.emit({ op: 'raw', words: rng.logRange(1, 512), tenured, seed: rng.int(512) });
        return;
      case 'code':
        this.emit({ op: 'code', bytes: rng.logRange(4, 1024), seed: rng.int(512) });
        return;
      case 'empty':
        this.emit({ op: 'empty', tenured });
        return;
    }
  }

  /** One random field operation among the top locals (load pushes a local). */
  private fieldOp(span = 24): void {
    const rng = this.rng;
    const d = this.findHolder(0, span);
    if (d < 0) return;
    switch (rng.weighted({ store: 8, storeSmi: 3, storeNull: 2, copy: 3, load: 3, move: 2 })) {
      case 'store':
        this.emit({ op: 'store', dst: d, field: this.field(), src: this.anyLocal(span) });
        return;
      case 'storeSmi':
        this.emit({ op: 'storeSmi', dst: d, field: this.field(), value: this.smi() });
        return;
      case 'storeNull':
        this.emit({ op: 'storeNull', dst: d, field: this.field() });
        return;
      case 'copy': {
        const s = this.findHolder(0, span);
        this.emit({ op: 'copy', dst: d, field: this.field(), src: s, from: this.field() });
        return;
      }
      case 'load':
        this.emit({ op: 'load', src: d, field: this.field() });
        return;
      case 'move': {
        const s = this.findHolder(0, span);
        this.emit({ op: 'move', src: s, field: this.field(), dst: d, to: this.field() });
        return;
      }
    }
  }

  // ---- motifs -----------------------------------------------------------------------------------
  build(): void {
    const rng = this.rng;
    this.emit({ op: 'open' });
    const r = rng.range(2, 8);
    for (let i = 0; i < r; i++) this.allocRandom();
    for (let i = rng.range(1, 10); i > 0; i--) {
      const d = this.findHolder(0, r);
      if (d < 0) break;
      if (rng.chance(0.7)) this.emit({ op: 'store', dst: d, field: this.field(), src: rng.int(r) });
      else this.emit({ op: 'storeSmi', dst: d, field: this.field(), value: this.smi() });
    }
    this.finish(r);
  }

  chain(): void {
    this.emit({ op: 'open' });
    this.emit({ op: 'chain', n: this.rng.logRange(20, 600), tenured: this.rng.chance(0.3) });
    this.finish(1);
  }

  cycle(): void {
    this.emit({ op: 'open' });
    this.emit({ op: 'cycle', n: this.rng.logRange(2, 200), tenured: this.rng.chance(0.3) });
    this.finish(1);
  }

  fan(): void {
    this.emit({ op: 'open' });
    this.emit({ op: 'fan', n: this.rng.logRange(8, 600), tenured: this.rng.chance(0.4), childTenured: this.rng.chance(0.3) });
    this.finish(1);
  }

  large(): void {
    const rng = this.rng;
    const words = MAX_REGULAR_OBJECT_WORDS + rng.int(MAX_REGULAR_OBJECT_WORDS);
    if (this.liveBytes + 2 * words * 4 > this.maxOldBytes * LIVE_SHARE) return;
    this.emit({ op: 'open' });
    this.emit({ op: 'large', words, raw: rng.chance(0.5), seed: rng.int(512) });
    if (rng.chance(0.5)) this.emit({ op: 'close' });
    else this.finish(1);
  }

  mutate(): void {
    this.emit({ op: 'open' });
    if (this.rng.chance(0.5)) this.emit({ op: 'getGlobal', g: this.rng.int(GLOBALS) });
    for (let i = this.rng.range(3, 12); i > 0; i--) this.fieldOp();
    this.emit({ op: 'close' });
  }

  globals(): void {
    const rng = this.rng;
    this.emit({ op: 'open' });
    this.emit({ op: 'getGlobal', g: rng.int(GLOBALS) });
    if (rng.chance(0.5)) this.emit({ op: 'setGlobal', g: this.freeGlobal(), src: 0 });
    if (rng.chance(0.3)) this.emit({ op: 'clearGlobal', g: this.freeGlobal() });
    if (rng.chance(0.5)) this.emit({ op: 'load', src: 0, field: this.field() });
    if (rng.chance(0.3)) this.emit({ op: 'setGlobal', g: this.freeGlobal(), src: this.anyLocal(4) });
    this.emit({ op: 'close' });
  }

  churn(): void {
    this.emit({ op: 'churn', kb: this.churnKb(), fields: this.rng.range(1, 12), keep: this.rng.pick([0, 8, 64, 256]) });
  }

  refill(): void {
    const rng = this.rng;
    this.emit({ op: 'open' });
    this.emit({ op: 'getGlobal', g: rng.chance(0.8) ? G_HOLDERS : this.rng.int(GLOBALS) });
    if (rng.chance(0.3)) {
      // replace whole holders: their treasures die, survivors get promoted, old pages fragment
      this.emit({ op: 'refill', dst: 0, n: rng.range(1, 32), start: rng.int(256), fields: rng.range(0, 4), tenured: rng.chance(0.5) });
    } else {
      this.emit({ op: 'load', src: 0, field: this.field() });
      this.emit({ op: 'refill', dst: 0, n: rng.range(1, 3), start: rng.int(4), fields: rng.range(0, 4), tenured: rng.chance(0.5) });
    }
    this.emit({ op: 'close' });
  }

  /** Moves the only reference to a treasure between holders, likely while marking runs. */
  hideSeek(): void {
    const rng = this.rng;
    if (rng.chance(0.7)) this.emit({ op: 'burst', space: rng.pick(['pointer', 'data'] as const), kb: this.burstKb() });
    this.emit({ op: 'open' });
    this.emit({ op: 'getGlobal', g: G_HOLDERS });
    for (let moves = rng.range(4, 40); moves > 0; moves--) {
      this.emit({ op: 'open' });
      this.emit({ op: 'load', src: 0, field: this.field() }); // holder A; the array is now 1
      this.emit({ op: 'load', src: 1, field: this.field() }); // holder B; A is now 1
      this.emit({ op: 'move', src: 1, field: this.field(), dst: 0, to: this.field() });
      if (rng.chance(0.3)) this.emit({ op: 'churn', kb: rng.range(4, 32), fields: rng.range(1, 6), keep: rng.pick([0, 8]) });
      if (rng.chance(0.05)) this.emit({ op: 'collect', kind: 'minor' });
      this.emit({ op: 'close' });
    }
    this.emit({ op: 'close' });
  }

  /**
   * Old R -> young Y -> old T; marking starts; a new old N takes Y's reference to T and replaces
   * Y in R: under a deletion barrier Y is grey and young when a scavenge comes, and T is
   * reachable only through N, which was allocated black.
   */
  satbShadow(): void {
    const rng = this.rng;
    this.emit({ op: 'open' });
    this.emit({ op: 'alloc', fields: rng.range(1, 3), tenured: true }); // R
    this.emit({ op: 'open' });
    this.emit({ op: 'alloc', fields: rng.range(1, 2), tenured: false }); // Y
    this.emit({ op: 'alloc', fields: rng.range(0, 2), tenured: rng.chance(0.8) }); // T
    this.emit({ op: 'store', dst: 1, field: 0, src: 0 }); // Y.1 = T
    this.emit({ op: 'store', dst: 2, field: 0, src: 1 }); // R.1 = Y
    this.emit({ op: 'close' });
    this.emit({ op: 'burst', space: rng.pick(['pointer', 'data', 'alternate'] as const), kb: this.burstKb() });
    this.emit({ op: 'open' });
    this.emit({ op: 'alloc', fields: rng.range(1, 2), tenured: rng.chance(0.8) }); // N
    this.emit({ op: 'load', src: 1, field: 0 }); // Y again
    this.emit({ op: 'copy', dst: 1, field: 0, src: 0, from: 0 }); // N.1 = Y.1
    this.emit({ op: 'store', dst: 2, field: 0, src: 1 }); // R.1 = N
    this.emit({ op: 'close' });
    if (rng.chance(0.7)) this.emit({ op: 'collect', kind: 'minor' });
    else this.churn();
    if (rng.chance(0.7)) this.emit({ op: 'collect', kind: 'major' });
    else this.emit({ op: 'burst', space: 'pointer', kb: this.burstKb() });
    this.finish(1);
  }

  /** Young objects reachable only from old ones, then scavenges. */
  oldToYoung(): void {
    const rng = this.rng;
    this.emit({ op: 'open' });
    if (rng.chance(0.5)) {
      this.emit({ op: 'getGlobal', g: G_HOLDERS });
      this.emit({ op: 'load', src: 0, field: this.field() });
    } else {
      this.emit({ op: 'alloc', fields: rng.range(2, MAX_FIELDS), tenured: true });
    }
    this.emit({ op: 'open' });
    const n = rng.range(1, 6);
    for (let i = 0; i < n; i++) {
      if (rng.chance(0.2)) this.emit({ op: 'chain', n: rng.range(2, 30), tenured: false });
      else this.emit({ op: 'alloc', fields: rng.range(0, 3), tenured: false });
      this.emit({ op: 'store', dst: i + 1, field: this.field(), src: 0 });
    }
    this.emit({ op: 'close' });
    for (let i = rng.range(1, 3); i > 0; i--) {
      if (rng.chance(0.6)) this.emit({ op: 'collect', kind: 'minor' });
      else this.emit({ op: 'churn', kb: Math.round((this.semiBytes * 1.2) / 1024), fields: 4, keep: 0 });
    }
    if (rng.chance(0.5)) this.emit({ op: 'load', src: 0, field: this.field() });
    this.emit({ op: 'close' });
  }

  /** Young objects held by many handles spread over several root work items: threads race to copy them. */
  share(): void {
    const rng = this.rng;
    const big = this.weights.share > WEIGHTS.share || rng.chance(0.3);
    this.emit({ op: 'open' });
    this.emit({ op: 'share', n: big ? rng.range(1500, 3000) : rng.range(100, 1500), copies: rng.range(3, 12) });
    for (let i = rng.range(1, 3); i > 0; i--) this.emit({ op: 'collect', kind: 'minor' });
    if (rng.chance(0.3)) this.emit({ op: 'collect', kind: 'major' });
    this.emit({ op: 'close' });
  }

  collect(): void {
    this.emit({ op: 'collect', kind: this.rng.chance(0.7) ? 'minor' : 'major' });
  }

  /** Nested scopes, escapes and duplicated handles. */
  scopes(): void {
    const rng = this.rng;
    const depth = rng.range(1, 4);
    for (let d = 0; d < depth; d++) {
      this.emit({ op: 'open' });
      for (let i = rng.range(1, 3); i > 0; i--) this.allocRandom();
      if (rng.chance(0.3)) this.emit({ op: 'dup', src: rng.int(2), n: rng.range(1, 4) });
      if (rng.chance(0.5)) this.fieldOp(8);
    }
    for (let d = 0; d < depth; d++) {
      if (rng.chance(0.6)) this.emit({ op: 'escape', src: this.anyLocal(4) });
      else this.emit({ op: 'close' });
    }
  }

  /** Old-generation garbage that alternates between the pointer and the data space. */
  bursts(): void {
    const rng = this.rng;
    let data = rng.chance(0.5);
    for (let i = rng.range(2, 6); i > 0; i--) {
      const space: Space = rng.chance(0.2) ? 'alternate' : data ? 'data' : 'pointer';
      this.emit({ op: 'burst', space, kb: this.burstKb() });
      data = !data;
      if (rng.chance(0.3)) this.churn();
    }
  }
}

/**
 * Young bytes an op allocates, roughly (what makes scavenges come). Bursts are left out: they
 * stop when marking starts, so how much they allocate is the collector's to say.
 */
function youngEstimate(op: Op): number {
  switch (op.op) {
    case 'alloc':
      return op.tenured ? 0 : (op.fields + 3) * 4;
    case 'empty':
      return op.tenured ? 0 : 8;
    case 'string':
      return op.tenured ? 0 : op.bytes + 8;
    case 'raw':
      return op.tenured ? 0 : op.words * 4 + 8;
    case 'chain':
    case 'cycle':
      return op.tenured ? 0 : op.n * 20;
    case 'fan':
      return (op.tenured ? 0 : op.n * 4) + (op.childTenured ? 0 : op.n * 20);
    case 'share':
      return op.n * 20;
    case 'refill':
      return op.tenured ? 0 : op.n * (op.fields + 3) * 4;
    case 'churn':
      return op.kb * 1024;
    default:
      return 0;
  }
}

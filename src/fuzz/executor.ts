/**
 * Runs fuzz ops on the shadow model and, when a simulator is attached, on the real heap through
 * the public mutator API, step by step in lockstep: every handle the mutator holds is a local of
 * the model, so a GC in the middle of an op sees the roots the model expects. Main thread only.
 * Without a simulator it is the generator's model of what a program does.
 */
import { KIND_TAGGED, KIND_RAW, MAX_REGULAR_OBJECT_WORDS } from '../heap/layout.ts';
import { NULL_HANDLE, type Handle, type Mutator } from '../mutator/mutator.ts';
import type { GcController } from '../gc/gc-controller.ts';
import { type Op, type Space, MAX_FIELDS } from './ops.ts';
import { MAP_ARRAY, MAP_CODE, MAP_EMPTY, MAP_NODE, MAP_RAW, MAP_STRING, type Model, type ModelObject, rawFill, refTo } from './model.ts';

/** The real heap of a case. */
export interface RealHeap {
  readonly m: Mutator;
  readonly gc: GcController;
}

/** A case ran past its deadline (checked between allocations of long ops, and between ops). */
export class DeadlineExceeded extends Error {}

export function globalName(g: number): string {
  return `fuzz.g${g}`;
}

/** Words of a large object: above the regular object limit, whatever the op says. */
export function largeWords(words: number): number {
  return Math.max(words, MAX_REGULAR_OBJECT_WORDS - 1);
}

/** How many handles a churn or burst holds before it drops them. */
const GARBAGE_BATCH = 256;
/** A burst alternates between the old spaces every this many bytes. */
const ALTERNATE_BYTES = 64 * 1024;

export class Executor {
  /** Real map per model map code (empty without a simulator). */
  readonly mapAddrs: number[] = [];
  private readonly garbageMap: number = 0;

  constructor(
    readonly model: Model,
    readonly real: RealHeap | null,
    private readonly deadlineMs = Infinity,
  ) {
    if (real !== null) {
      const maps = real.m.maps;
      this.mapAddrs[MAP_NODE] = maps.define('Fuzz.Node', KIND_TAGGED);
      this.mapAddrs[MAP_EMPTY] = maps.define('Fuzz.Empty', KIND_TAGGED);
      this.mapAddrs[MAP_ARRAY] = real.m.arrayMap;
      this.mapAddrs[MAP_STRING] = real.m.stringMap;
      this.mapAddrs[MAP_RAW] = maps.define('Fuzz.Raw', KIND_RAW);
      this.mapAddrs[MAP_CODE] = real.m.codeMap;
      this.garbageMap = maps.define('Fuzz.Garbage', KIND_TAGGED);
    }
  }

  checkDeadline(): void {
    if (performance.now() > this.deadlineMs) throw new DeadlineExceeded('the case ran past its deadline');
  }

  run(op: Op): void {
    const model = this.model;
    switch (op.op) {
      case 'alloc':
        this.allocTagged(MAP_NODE, Math.min(op.fields, MAX_FIELDS) + 1, op.tenured);
        return;
      case 'empty':
        this.allocTagged(MAP_EMPTY, 0, op.tenured);
        return;
      case 'string':
        this.allocRaw(MAP_STRING, Math.max(1, Math.ceil(op.bytes / 4)), op.tenured, op.seed);
        return;
      case 'raw':
        this.allocRaw(MAP_RAW, Math.max(1, op.words), op.tenured, op.seed);
        return;
      case 'code':
        this.allocRaw(MAP_CODE, Math.max(1, Math.ceil(op.bytes / 4)), true, op.seed);
        return;
      case 'large':
        if (op.raw) this.allocRaw(MAP_RAW, largeWords(op.words), true, op.seed);
        else this.allocTagged(MAP_ARRAY, largeWords(op.words), true);
        return;
      case 'chain':
      case 'cycle': {
        if (op.n < 1) return;
        this.open();
        const head = model.locals.length;
        this.allocTagged(MAP_NODE, 3, op.tenured);
        for (let i = 1; i < op.n; i++) {
          this.allocTagged(MAP_NODE, 3, op.tenured);
          this.store(head + i - 1, 1, head + i);
          if ((i & 255) === 0) this.checkDeadline();
        }
        if (op.op === 'cycle') this.store(head + op.n - 1, 1, head);
        this.escape(head);
        return;
      }
      case 'fan': {
        this.open();
        const holder = model.locals.length;
        this.allocTagged(MAP_ARRAY, op.n + 1, op.tenured);
        for (let i = 0; i < op.n; i++) {
          this.open();
          this.allocTagged(MAP_NODE, 3, op.childTenured);
          this.store(holder, 1 + i, model.locals.length - 1);
          this.close();
        }
        this.escape(holder);
        return;
      }
      case 'share': {
        const first = model.locals.length;
        for (let i = 0; i < op.n; i++) this.allocTagged(MAP_NODE, 3, false);
        for (let r = 0; r < op.copies; r++) {
          for (let i = 0; i < op.n; i++) this.dup(first + i);
          this.checkDeadline();
        }
        return;
      }
      case 'refill': {
        const d = model.localIndex(op.dst);
        const o = model.holderAt(op.dst);
        if (o === null) return;
        for (let i = 0; i < op.n; i++) {
          this.open();
          this.allocTagged(MAP_NODE, Math.min(op.fields, MAX_FIELDS) + 1, op.tenured);
          this.store(d, 1 + ((op.start + i) % (o.length - 1)), model.locals.length - 1);
          this.close();
        }
        return;
      }
      case 'store': {
        const o = model.holderAt(op.dst);
        const s = model.localIndex(op.src);
        if (o !== null) this.store(model.localIndex(op.dst), fieldOf(o, op.field), s);
        return;
      }
      case 'storeSmi': {
        const o = model.holderAt(op.dst);
        if (o === null) return;
        const f = fieldOf(o, op.field);
        o.fields![f] = op.value;
        this.real?.m.setSmi(model.handles[model.localIndex(op.dst)], f, op.value);
        return;
      }
      case 'storeNull': {
        const o = model.holderAt(op.dst);
        if (o === null) return;
        const f = fieldOf(o, op.field);
        o.fields![f] = 0;
        this.real?.m.set(model.handles[model.localIndex(op.dst)], f, NULL_HANDLE);
        return;
      }
      case 'copy': {
        const d = model.holderAt(op.dst);
        const s = model.holderAt(op.src);
        if (d === null || s === null) return;
        const df = fieldOf(d, op.field);
        const sf = fieldOf(s, op.from);
        const hd = model.handles[model.localIndex(op.dst)];
        const hs = model.handles[model.localIndex(op.src)];
        d.fields![df] = s.fields![sf];
        if (this.real !== null) {
          const m = this.real.m;
          const mark = m.openScope();
          m.set(hd, df, m.get(hs, sf));
          m.closeScope(mark);
        }
        return;
      }
      case 'move': {
        const d = model.holderAt(op.dst);
        const s = model.holderAt(op.src);
        if (d === null || s === null) return;
        const df = fieldOf(d, op.to);
        const sf = fieldOf(s, op.field);
        const hd = model.handles[model.localIndex(op.dst)];
        const hs = model.handles[model.localIndex(op.src)];
        d.fields![df] = s.fields![sf];
        s.fields![sf] = 0;
        if (this.real !== null) {
          const m = this.real.m;
          const mark = m.openScope();
          m.set(hd, df, m.get(hs, sf)); // the insertion barrier shades the object here
          m.set(hs, sf, NULL_HANDLE); // the SATB barrier shades it here
          m.closeScope(mark);
        }
        return;
      }
      case 'load': {
        const o = model.holderAt(op.src);
        if (o === null) return;
        const f = fieldOf(o, op.field);
        const h = this.real?.m.get(model.handles[model.localIndex(op.src)], f) ?? 0;
        model.push(o.fields![f], h);
        return;
      }
      case 'dup': {
        const s = model.localIndex(op.src);
        if (s < 0) return;
        for (let i = 0; i < op.n; i++) this.dup(s);
        return;
      }
      case 'open':
        this.open();
        return;
      case 'close':
        this.close();
        return;
      case 'escape': {
        if (model.scopes.length === 0) return;
        const s = model.localIndex(op.src);
        if (s < 0) this.close();
        else this.escape(s);
        return;
      }
      case 'setGlobal': {
        const s = model.localIndex(op.src);
        if (s < 0) return;
        model.globals[op.g] = model.locals[s];
        this.real?.m.setGlobal(globalName(op.g), model.handles[s]);
        return;
      }
      case 'clearGlobal':
        model.globals[op.g] = 0;
        this.real?.m.setGlobal(globalName(op.g), NULL_HANDLE);
        return;
      case 'getGlobal': {
        const h = this.real?.m.getGlobal(globalName(op.g)) ?? 0;
        model.push(model.globals[op.g], h);
        return;
      }
      case 'collect':
        this.real?.m.collect(op.kind);
        return;
      case 'churn':
        if (this.real !== null) this.churn(op.kb, op.fields, op.keep);
        return;
      case 'burst':
        if (this.real !== null) this.burst(op.space, op.kb);
        return;
    }
  }

  // ---- steps that keep the model and the handle stack in lockstep ---------------------------------
  private allocTagged(map: number, length: number, tenured: boolean): ModelObject {
    const o = this.model.newObject(map, true, length, 0);
    let h: Handle = 0;
    if (this.real !== null) {
      const m = this.real.m;
      h = m.allocate(this.mapAddrs[map], length, tenured);
      if (length > 0) m.setSmi(h, 0, o.id);
    }
    this.model.push(refTo(o.id), h);
    return o;
  }

  private allocRaw(map: number, words: number, tenured: boolean, seed: number): ModelObject {
    const id = this.model.nextId;
    const fill = rawFill(id, seed);
    const o = this.model.newObject(map, false, words, fill);
    let h: Handle = 0;
    if (this.real !== null) {
      const m = this.real.m;
      if (map === MAP_STRING) h = m.allocateString(words * 4, fill, tenured);
      else if (map === MAP_CODE) h = m.allocateCode(words * 4, fill);
      else h = m.allocateRaw(this.mapAddrs[MAP_RAW], words, fill, tenured);
    }
    this.model.push(refTo(o.id), h);
    return o;
  }

  /** Field `f` of the object in local index `d` = the value of local index `s`. */
  private store(d: number, f: number, s: number): void {
    const model = this.model;
    const o = model.objectAt(d)!;
    o.fields![f] = s < 0 ? 0 : model.locals[s];
    this.real?.m.set(model.handles[d], f, s < 0 ? NULL_HANDLE : model.handles[s]);
  }

  private dup(s: number): void {
    const model = this.model;
    let h = 0;
    if (this.real !== null) {
      const m = this.real.m;
      h = m.escape(m.openScope(), model.handles[s]);
    }
    model.push(model.locals[s], h);
  }

  private open(): void {
    this.model.openScope(this.real?.m.openScope() ?? 0);
  }

  private close(): void {
    const mark = this.model.closeScope();
    if (mark >= 0) this.real?.m.closeScope(mark);
  }

  /** Closes the innermost scope carrying local index `s` out of it. */
  private escape(s: number): void {
    const model = this.model;
    const v = model.locals[s];
    const h = model.handles[s];
    const mark = model.closeScope();
    const nh = this.real !== null ? this.real.m.escape(mark, h) : 0;
    model.push(v, nh);
  }

  // ---- garbage (real heap only; the model never sees it) ----------------------------------------
  private churn(kb: number, maxFields: number, keep: number): void {
    const m = this.real!.m;
    const batch = Math.max(1, keep);
    let mark = m.openScope();
    let x = (kb * 31 + maxFields * 7 + keep) | 0;
    let prev: Handle = NULL_HANDLE;
    try {
      for (let bytes = 0, n = 0; bytes < kb * 1024; n++) {
        x = (Math.imul(x, 1103515245) + 12345) | 0;
        let h: Handle;
        if ((x & 0x700) === 0) {
          const len = 8 + ((x >>> 12) & 255);
          h = m.allocateString(len, x);
          bytes += 8 + len;
        } else {
          const fields = 1 + ((x >>> 16) % Math.max(1, maxFields));
          h = m.allocate(this.garbageMap, fields, false);
          if (prev !== NULL_HANDLE) m.set(h, 0, prev);
          prev = h;
          bytes += 8 + 4 * fields;
        }
        if (n % batch === batch - 1 || keep === 0) {
          m.closeScope(mark);
          mark = m.openScope();
          prev = NULL_HANDLE;
        }
        if ((n & 1023) === 1023) this.checkDeadline();
      }
    } finally {
      m.closeScope(mark);
    }
  }

  /**
   * Tenured garbage until the marking state flips (marking starts, or a running cycle ends) or a
   * mark-compact happens (stop-the-world configurations), at most `kb` KB.
   */
  private burst(space: Space, kb: number): void {
    const { m, gc } = this.real!;
    const marking = gc.markingActive;
    const majors = countMajor(gc);
    let events = gc.events.length;
    let mark = m.openScope();
    let data = space === 'data';
    let x = (kb * 17 + 3) | 0;
    try {
      for (let bytes = 0, n = 0, sinceSwitch = 0; bytes < kb * 1024; n++) {
        x = (Math.imul(x, 1103515245) + 12345) | 0;
        let size: number;
        // Young garbage as well (half as much): marking may start at a scavenge, which checks
        // the old-generation limit.
        const young = (n & 1) === 1;
        if (data) {
          const len = 32 + ((x >>> 8) & 511);
          m.allocateString(len, x, true);
          if (young) m.allocateString(len, x, false);
          size = 8 + len;
        } else {
          const fields = 4 + ((x >>> 8) % 24);
          m.allocate(this.garbageMap, fields, true);
          if (young) m.allocate(this.garbageMap, fields, false);
          size = 8 + 4 * fields;
        }
        bytes += size;
        sinceSwitch += size;
        if (space === 'alternate' && sinceSwitch >= ALTERNATE_BYTES) {
          data = !data;
          sinceSwitch = 0;
        }
        if (gc.markingActive !== marking) break;
        if (gc.events.length !== events) {
          events = gc.events.length;
          if (countMajor(gc) !== majors) break;
        }
        if (n % GARBAGE_BATCH === GARBAGE_BATCH - 1) {
          m.closeScope(mark);
          mark = m.openScope();
          this.checkDeadline();
        }
      }
    } finally {
      m.closeScope(mark);
    }
  }
}

/** The index + 1 of the last mark-compact event (0 if none): it changes when one happens. */
function countMajor(gc: GcController): number {
  for (let i = gc.events.length - 1; i >= 0; i--) if (gc.events[i].type === 'mark-compact') return i + 1;
  return 0;
}

/** User field `f` of a tagged object with at least one user field (field 0 is the id). */
export function fieldOf(o: ModelObject, f: number): number {
  return 1 + (f % (o.length - 1));
}

/**
 * The second backend of the mutator API: objects live in V8's own heap as plain JS values, so a
 * workload written against `MutatorApi` runs unchanged on the real collector (`gcsim run
 * --engine v8` runs it in a child node). Main thread only.
 *
 *   tagged object   a JS array [mapId, field0, ..., fieldN-1]; a field is a number (a SMI) or
 *                   an object (fresh backing store per object: no copy-on-write literal)
 *   raw object      a RawObject { m: mapId, s: string } whose latin1 string holds the words,
 *                   4 chars each, little-endian: the same byte size as gcsim's body
 *   handle stack    a JS array of values, slot 0 the null handle (SMI 0); closing a scope clears
 *                   the slots it drops, so nothing above the stack pointer keeps objects alive
 *   globals         a Map from name to value, in the order names were first set
 *
 * Map ids are dense, in definition order, and start with gcsim's own ('map', 'string', 'array',
 * 'code'), so the digest of js-digest.ts equals gcsim's for the same workload and seed.
 * `tenured` cannot be honoured (JavaScript cannot ask for old space); V8 decides by itself.
 */
import { KIND_RAW, KIND_TAGGED, SMI_MAX, SMI_MIN } from '../heap/layout.ts';
import { type Handle, type MapDefiner, type MutatorApi, MutatorError } from '../mutator/mutator-api.ts';

/** A raw-data object: map id and words as a latin1 string (4 chars a word). */
export class RawObject {
  constructor(
    readonly m: number,
    public s: string,
  ) {}
}

/** A value in a field, a handle or a global: a SMI (a JS integer) or an object. */
export type JsValue = number | JsObject;
export type JsObject = JsValue[] | RawObject;

/** Globals, as gcsim's root table has room for (mutator.ts MAX_GLOBALS). */
const MAX_GLOBALS = 1024;
/** gcsim's default handle stack (--max-handles) less the globals: the same overflow point. */
const MAX_HANDLES = (1 << 20) - MAX_GLOBALS;
/**
 * Strings up to this many chars are made by Buffer#toString('latin1') as one sequential string
 * on V8's heap; node makes longer ones external (off-heap), so those are built from parts and
 * flattened onto the heap.
 */
const STRING_PART_CHARS = 512 * 1024;

/** Map ids in definition order, gcsim's first four included. */
export class JsMapRegistry implements MapDefiner {
  private readonly byName = new Map<string, number>();
  readonly names: string[] = [];
  readonly kinds: number[] = [];
  constructor() {
    this.define('map', KIND_RAW);
  }
  define(name: string, kind: number): number {
    const known = this.byName.get(name);
    if (known !== undefined) return known;
    const id = this.names.length;
    this.byName.set(name, id);
    this.names.push(name);
    this.kinds.push(kind);
    return id;
  }
}

/** What was allocated, by shape: the census from which the size translation is computed. */
export interface AllocationCensus {
  taggedObjects: number;
  taggedFields: number;
  rawObjects: number;
  rawWords: number;
  /** Raw objects with an odd number of words (V8 rounds a string's body up to 8 bytes). */
  rawOddObjects: number;
}

export class JsMutator implements MutatorApi {
  readonly maps = new JsMapRegistry();
  readonly stringMap: number;
  readonly arrayMap: number;
  readonly codeMap: number;
  workUnits = 0;
  allocatedBytes = 0;
  readonly census: AllocationCensus = { taggedObjects: 0, taggedFields: 0, rawObjects: 0, rawWords: 0, rawOddObjects: 0 };
  /** Explicit collections asked for by the workload (`collect`), and whether they ran. */
  explicitGcs = 0;
  /** The handle stack; [0] is the null handle. */
  readonly stack: JsValue[] = [0];
  private sp = 1;
  readonly globals = new Map<string, JsValue>();
  /** Scratch for raw words, viewed as words and as bytes (kept: a fresh view per object would be garbage on V8's heap). */
  private scratchWords = new Int32Array(1 << 14);
  private scratchBytes = Buffer.from(this.scratchWords.buffer);

  constructor() {
    this.stringMap = this.maps.define('string', KIND_RAW);
    this.arrayMap = this.maps.define('array', KIND_TAGGED);
    this.codeMap = this.maps.define('code', KIND_RAW);
  }

  // ---- handle scopes -------------------------------------------------------------------------------
  openScope(): number {
    return this.sp;
  }
  closeScope(mark: number): void {
    const st = this.stack;
    for (let i = mark, end = this.sp; i < end; i++) st[i] = 0;
    this.sp = mark;
  }
  escape(mark: number, h: Handle): Handle {
    const v = this.stack[h];
    this.closeScope(mark);
    return this.push(v);
  }
  get handleCount(): number {
    return this.sp;
  }
  private push(v: JsValue): Handle {
    const sp = this.sp;
    if (sp >= MAX_HANDLES) throw new MutatorError(`handle stack overflow (${sp} handles): close scopes or raise --max-handles`);
    this.stack[sp] = v;
    this.sp = sp + 1;
    return sp;
  }

  // ---- globals -------------------------------------------------------------------------------------
  setGlobal(name: string, h: Handle): void {
    if (!this.globals.has(name) && this.globals.size >= MAX_GLOBALS) throw new MutatorError('too many globals');
    this.globals.set(name, this.stack[h]);
  }
  getGlobal(name: string): Handle {
    return this.push(this.globals.get(name) ?? 0);
  }
  globalNames(): string[] {
    return [...this.globals.keys()];
  }

  // ---- allocation ----------------------------------------------------------------------------------
  allocate(map: number, slots: number, _tenured = false): Handle {
    this.allocatedBytes += (2 + slots) * 4;
    this.census.taggedObjects++;
    this.census.taggedFields += slots;
    // `map` is not a constant, so each literal gets a backing store of its own (no copy-on-write).
    let o: JsValue[];
    switch (slots) {
      case 1:
        o = [map, 0];
        break;
      case 2:
        o = [map, 0, 0];
        break;
      case 3:
        o = [map, 0, 0, 0];
        break;
      case 4:
        o = [map, 0, 0, 0, 0];
        break;
      default:
        o = new Array<JsValue>(slots + 1).fill(0);
        o[0] = map;
    }
    return this.push(o);
  }

  allocateString(bytes: number, fill = 0, _tenured = false): Handle {
    return this.allocateRaw(this.stringMap, Math.ceil(bytes / 4), fill);
  }

  allocateRaw(map: number, words: number, fill = 0, _tenured = false): Handle {
    this.allocatedBytes += (2 + words) * 4;
    this.census.rawObjects++;
    this.census.rawWords += words;
    if ((words & 1) !== 0) this.census.rawOddObjects++;
    return this.push(new RawObject(map, this.rawString(words, fill)));
  }

  allocateCode(bytes: number, fill = 0): Handle {
    return this.allocateRaw(this.codeMap, Math.ceil(bytes / 4), fill);
  }

  /** `words` words from gcsim's fill sequence (mutator.ts allocateRawObject) as a latin1 string. */
  private rawString(words: number, fill: number): string {
    const bytes = words * 4;
    if (this.scratchWords.length < words) {
      this.scratchWords = new Int32Array(words);
      this.scratchBytes = Buffer.from(this.scratchWords.buffer);
    }
    const w = this.scratchWords;
    const buf = this.scratchBytes;
    let x = fill | 0;
    for (let i = 0; i < words; i++) {
      w[i] = x;
      x = (Math.imul(x, 1103515245) + 12345) | 0;
    }
    if (bytes <= STRING_PART_CHARS) return buf.toString('latin1', 0, bytes);
    let s = '';
    for (let i = 0; i < bytes; i += STRING_PART_CHARS) s += buf.toString('latin1', i, Math.min(bytes, i + STRING_PART_CHARS));
    s.charCodeAt(0); // flattens the cons string into one sequential string on V8's heap
    return s;
  }

  // ---- field access --------------------------------------------------------------------------------
  private obj(h: Handle): JsObject {
    const v = this.stack[h];
    if (typeof v === 'number' || v === undefined) throw new MutatorError(`handle ${h} does not hold an object`);
    return v;
  }
  private tagged(h: Handle, i: number): JsValue[] {
    const o = this.obj(h);
    if (!Array.isArray(o) || i >>> 0 >= o.length - 1) throw new MutatorError(`field ${i} out of range`);
    return o;
  }
  private raw(h: Handle, i: number): RawObject {
    const o = this.obj(h);
    if (!(o instanceof RawObject) || i >>> 0 >= o.s.length >>> 2) throw new MutatorError(`word ${i} out of range`);
    return o;
  }

  length(h: Handle): number {
    const o = this.obj(h);
    return Array.isArray(o) ? o.length - 1 : o.s.length >>> 2;
  }
  isNull(h: Handle): boolean {
    return typeof this.stack[h] === 'number';
  }
  same(a: Handle, b: Handle): boolean {
    return this.stack[a] === this.stack[b];
  }
  get(h: Handle, i: number): Handle {
    return this.push(this.tagged(h, i)[i + 1]);
  }
  isSmiField(h: Handle, i: number): boolean {
    const o = this.obj(h);
    return Array.isArray(o) && typeof o[i + 1] === 'number';
  }
  getSmi(h: Handle, i: number): number {
    const v = this.tagged(h, i)[i + 1];
    if (typeof v !== 'number') throw new MutatorError(`field ${i} holds an object, not a SMI`);
    return v;
  }
  setSmi(h: Handle, i: number, n: number): void {
    const o = this.tagged(h, i);
    if (n > SMI_MAX || n < SMI_MIN || n !== Math.floor(n)) throw new MutatorError(`${n} is not a 31-bit SMI`);
    o[i + 1] = n;
  }
  set(h: Handle, i: number, v: Handle): void {
    this.tagged(h, i)[i + 1] = this.stack[v];
  }
  readRaw(h: Handle, i: number): number {
    const s = this.raw(h, i).s;
    const c = i * 4;
    return s.charCodeAt(c) | (s.charCodeAt(c + 1) << 8) | (s.charCodeAt(c + 2) << 16) | (s.charCodeAt(c + 3) << 24);
  }
  writeRaw(h: Handle, i: number, word: number): void {
    const o = this.raw(h, i);
    const c = i * 4;
    const w = word | 0;
    o.s = o.s.slice(0, c) + String.fromCharCode(w & 255, (w >>> 8) & 255, (w >>> 16) & 255, w >>> 24) + o.s.slice(c + 4);
  }

  work(units = 1): void {
    this.workUnits += units;
  }

  /** `global.gc()` when node runs with --expose-gc (the child does); otherwise nothing. */
  collect(kind: 'minor' | 'major'): void {
    this.explicitGcs++;
    const gc = (globalThis as { gc?: (o?: { type: string }) => void }).gc;
    if (gc) gc({ type: kind });
  }

  /** Handles on the stack as values, for the digest: [1, sp). */
  rootValues(): JsValue[] {
    return this.stack.slice(1, this.sp);
  }
}

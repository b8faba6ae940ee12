/**
 * The shadow model of a fuzz program's heap: every object the program can still reach, with its
 * expected shape and contents, and the roots that reach it (the handle stack in scopes, and the
 * globals). Plain JS objects, no simulator: the generator runs programs on it alone, the checker
 * compares the real heap against it. Only what is reachable from the roots is expected to exist.
 */
import { GLOBALS } from './ops.ts';

/**
 * A model value: a SMI (>= 0; 0 is also null, as in the heap) or a reference to object `-v`.
 * Programs store only non-negative SMIs, so the sign tells the two apart.
 */
export type Value = number;

export function refTo(id: number): Value {
  return -id;
}
export function isRef(v: Value): boolean {
  return v < 0;
}

/** Which map an object was allocated with (the executor turns these into real maps). */
export const MAP_NODE = 0;
export const MAP_EMPTY = 1;
export const MAP_ARRAY = 2;
export const MAP_STRING = 3;
export const MAP_RAW = 4;
export const MAP_CODE = 5;
export const MAP_NAMES = ['node', 'empty', 'array', 'string', 'raw', 'code'] as const;

export interface ModelObject {
  readonly id: number;
  readonly map: number;
  readonly tagged: boolean;
  /** Body words (the heap's length word). */
  readonly length: number;
  /** Tagged objects: one value per field; field 0 is the id as a SMI (empty objects have none). */
  readonly fields: Value[] | null;
  /** Raw objects: the fill word, from which the mutator derives every word. */
  readonly fill: number;
  readonly bytes: number;
}

/** Ids fit in the low bits of a raw object's first word, which is its fill. */
export const RAW_ID_BITS = 22;
const RAW_ID_MASK = (1 << RAW_ID_BITS) - 1;

export function rawFill(id: number, seed: number): number {
  return (id & RAW_ID_MASK) | ((seed & 0x1ff) << RAW_ID_BITS);
}
export function rawIdentity(word0: number): number {
  return word0 & RAW_ID_MASK;
}
export function sameRawIdentity(word0: number, id: number): boolean {
  return (word0 & RAW_ID_MASK) === (id & RAW_ID_MASK);
}
/** Word `i + 1` from word `i`: the mutator's fill sequence (Mutator.allocateRawObject). */
export function nextRawWord(x: number): number {
  return (Math.imul(x, 1103515245) + 12345) | 0;
}

interface Scope {
  localsLength: number;
  /** The real handle-scope mark (0 when the model runs alone). */
  mark: number;
}

export class Model {
  readonly objects = new Map<number, ModelObject>();
  nextId = 1;
  /** The handle stack: a value per local and, when a heap runs in lockstep, its real handle. */
  readonly locals: Value[] = [];
  readonly handles: number[] = [];
  readonly scopes: Scope[] = [];
  readonly globals: Value[] = new Array<Value>(GLOBALS).fill(0);

  newObject(map: number, tagged: boolean, length: number, fill: number): ModelObject {
    const id = this.nextId++;
    let fields: Value[] | null = null;
    if (tagged) {
      fields = new Array<Value>(length).fill(0);
      if (length > 0) fields[0] = id;
    }
    const o: ModelObject = { id, map, tagged, length, fields, fill, bytes: (2 + length) * 4 };
    this.objects.set(id, o);
    return o;
  }

  /** Local index for operand `k` (counted from the top), or -1 when there are no locals. */
  localIndex(k: number): number {
    const n = this.locals.length;
    return n === 0 ? -1 : n - 1 - (k % n);
  }

  /** The object held by local index `i`, or null (a SMI, null, or no such local). */
  objectAt(i: number): ModelObject | null {
    if (i < 0) return null;
    const v = this.locals[i];
    return v < 0 ? this.objects.get(-v)! : null;
  }

  /** A tagged object with at least one user field, in local `k`; else null. */
  holderAt(k: number): ModelObject | null {
    const o = this.objectAt(this.localIndex(k));
    return o !== null && o.tagged && o.length >= 2 ? o : null;
  }

  push(v: Value, handle: number): void {
    this.locals.push(v);
    this.handles.push(handle);
  }

  openScope(mark: number): void {
    this.scopes.push({ localsLength: this.locals.length, mark });
  }

  /** Pops the innermost scope; returns its real mark, or -1 when no scope is open. */
  closeScope(): number {
    const s = this.scopes.pop();
    if (s === undefined) return -1;
    this.locals.length = s.localsLength;
    this.handles.length = s.localsLength;
    return s.mark;
  }

  /** Ids reachable from the roots. */
  reachable(): Set<number> {
    const seen = new Set<number>();
    const stack: number[] = [];
    const visit = (v: Value) => {
      if (v < 0 && !seen.has(-v)) {
        seen.add(-v);
        stack.push(-v);
      }
    };
    for (const v of this.locals) visit(v);
    for (const v of this.globals) visit(v);
    while (stack.length > 0) {
      const o = this.objects.get(stack.pop()!)!;
      if (o.fields !== null) for (let i = 1; i < o.fields.length; i++) visit(o.fields[i]);
    }
    return seen;
  }

  reachableBytes(set: Set<number> = this.reachable()): number {
    let bytes = 0;
    for (const id of set) bytes += this.objects.get(id)!.bytes;
    return bytes;
  }

  /** Forgets unreachable objects: nothing can reach them again. Returns reachable bytes. */
  prune(): number {
    const live = this.reachable();
    for (const id of this.objects.keys()) if (!live.has(id)) this.objects.delete(id);
    return this.reachableBytes(live);
  }
}

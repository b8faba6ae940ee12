/**
 * The fuzzer's oracle, main thread: walks the shadow model from its roots and the real heap in
 * step through the mutator API, and reports each difference: a reachable object lost, its
 * contents corrupted, or one object at two addresses (duplicated). The walk allocates nothing,
 * so no GC moves objects under it; its handles live in scopes it closes as it goes.
 */
import {
  type Addr,
  KIND_FILLER,
  KIND_FILLER1,
  PAGE_BITS,
  SPACE_CODE,
  SPACE_LO,
  SPACE_NAMES,
  SPACE_OLD_DATA,
  SPACE_OLD_POINTER,
  headerKind,
  headerMap,
  isForwarded,
} from '../heap/layout.ts';
import { type Heap, PAGE_NEEDS_SWEEP } from '../heap/heap.ts';
import { isValidMap } from '../heap/maps.ts';
import type { Handle, Mutator } from '../mutator/mutator.ts';
import { GLOBALS } from './ops.ts';
import { globalName } from './executor.ts';
import { MAP_NAMES, type Model, type ModelObject, nextRawWord, rawIdentity, sameRawIdentity } from './model.ts';

export type FindingKind = 'lost' | 'corrupted' | 'dangling' | 'duplicated';

export interface Finding {
  kind: FindingKind;
  message: string;
}

/** Which finding names a case's failure when several are found at once. */
export const FINDING_PRIORITY: readonly FindingKind[] = ['lost', 'duplicated', 'corrupted', 'dangling'];

const MAX_FINDINGS = 8;

/** One object being walked: its fields are compared one by one. */
interface Frame {
  id: number;
  obj: ModelObject;
  handle: Handle;
  /** Next field to compare. */
  next: number;
  /** The scope holding `handle`, closed when the frame is done (-1: the root's own scope). */
  mark: number;
}

export class HeapChecker {
  private findings: Finding[] = [];
  private addrOf = new Map<number, Addr>();
  private frames: Frame[] = [];
  private root = '';

  constructor(
    private readonly m: Mutator,
    private readonly heap: Heap,
    /** The real map of each model map code. */
    private readonly mapAddrs: readonly number[],
  ) {}

  /** Compares the heap with the model now. Returns up to MAX_FINDINGS findings, in walk order. */
  check(model: Model): Finding[] {
    const m = this.m;
    this.findings = [];
    this.addrOf = new Map();
    const outer = m.openScope();
    try {
      for (let i = 0; i < model.locals.length && this.findings.length < MAX_FINDINGS; i++) {
        this.checkRoot(model, `local ${i} (handle ${model.handles[i]})`, model.locals[i], model.handles[i]);
      }
      for (let g = 0; g < GLOBALS && this.findings.length < MAX_FINDINGS; g++) {
        const mark = m.openScope();
        this.checkRoot(model, `global ${globalName(g)}`, model.globals[g], m.getGlobal(globalName(g)));
        m.closeScope(mark);
      }
    } finally {
      m.closeScope(outer);
      this.frames = [];
    }
    return this.findings;
  }

  private add(kind: FindingKind, message: string): void {
    if (this.findings.length < MAX_FINDINGS) this.findings.push({ kind, message });
  }

  /** Where the walk is: the root and the fields followed from it. */
  private path(): string {
    let s = this.root;
    for (const f of this.frames) s += ` -> #${f.id}.${f.next}`;
    return s;
  }

  private checkRoot(model: Model, label: string, v: number, h: Handle): void {
    this.root = label;
    if (v >= 0) {
      const w = this.heap.roots[h];
      if ((w & 1) !== 0) this.add('corrupted', `${label}: expected ${describeSmi(v)}, found a pointer to ${w >>> 1}`);
      else if (w >> 1 !== v) this.add('corrupted', `${label}: expected ${describeSmi(v)}, found SMI ${w >> 1}`);
      return;
    }
    try {
      this.walk(model, -v, h);
    } catch (e) {
      this.add('dangling', `${this.path()}: reading the heap failed: ${(e as Error).message}`);
    }
  }

  /** Depth-first over the object graph from one root; each frame's handle sits in its own scope. */
  private walk(model: Model, rootId: number, rootHandle: Handle): void {
    const m = this.m;
    const frames = this.frames;
    frames.length = 0;
    const first = this.enter(model, rootId, rootHandle);
    if (first === null) return;
    frames.push({ id: rootId, obj: first, handle: rootHandle, next: 1, mark: -1 });
    while (frames.length > 0 && this.findings.length < MAX_FINDINGS) {
      const f = frames[frames.length - 1];
      const fields = f.obj.fields!;
      if (f.next >= fields.length) {
        frames.pop();
        if (f.mark >= 0) m.closeScope(f.mark);
        if (frames.length > 0) frames[frames.length - 1].next++;
        continue;
      }
      const i = f.next;
      const e = fields[i];
      const h = f.handle;
      if (e >= 0) {
        if (!m.isSmiField(h, i)) this.add('corrupted', `${this.path()}: expected ${describeSmi(e)}, found a pointer`);
        else if (m.getSmi(h, i) !== e) this.add('corrupted', `${this.path()}: expected ${describeSmi(e)}, found SMI ${m.getSmi(h, i)}`);
        f.next++;
        continue;
      }
      if (m.isSmiField(h, i)) {
        const smi = m.getSmi(h, i);
        this.add('lost', `${this.path()}: expected object #${-e}, found ${smi === 0 ? 'null' : `SMI ${smi}`}`);
        f.next++;
        continue;
      }
      // The child's handle lives in a scope of its own, closed when the child is done.
      const mark = m.openScope();
      const ch = m.get(h, i);
      const child = this.enter(model, -e, ch);
      if (child === null) {
        m.closeScope(mark);
        f.next++;
      } else {
        frames.push({ id: -e, obj: child, handle: ch, next: 1, mark });
      }
    }
    // A walk cut short by MAX_FINDINGS leaves frames: their scopes close with the outer one.
  }

  /**
   * Checks the object that handle `h` should hold (model object `id`): a live object of the
   * expected kind and identity at one address only, of the right length and raw contents.
   * Returns the model object when its fields are to be walked.
   */
  private enter(model: Model, id: number, h: Handle): ModelObject | null {
    const m = this.m;
    const o = model.objects.get(id)!;
    const w = this.heap.roots[h];
    const at = this.frames.length === 0 ? this.root : this.path();
    if ((w & 1) === 0) {
      this.add('lost', `${at}: expected object #${id} (${describe(o)}), found ${w === 0 ? 'null' : `SMI ${w >> 1}`}`);
      return null;
    }
    const addr = m.addressOf(h);
    const seen = this.addrOf.get(id);
    if (seen !== undefined) {
      if (seen !== addr) this.add('duplicated', `${at}: object #${id} (${describe(o)}) is at ${addr} here but at ${seen} on another path`);
      return null;
    }
    const problem = this.objectProblem(addr);
    if (problem !== null) {
      this.add('lost', `${at}: object #${id} (${describe(o)}) is gone: the pointer leads to ${problem}`);
      return null;
    }
    const mem = this.heap.mem;
    const map = headerMap(mem[addr]);
    if (map !== this.mapAddrs[o.map]) {
      this.add('lost', `${at}: expected object #${id} (${describe(o)}), found an object with another map at ${addr}`);
      return null;
    }
    const length = m.length(h);
    if (o.length > 0 && length <= 0) {
      this.add('lost', `${at}: expected object #${id} (${describe(o)}), found an object of length ${length} at ${addr}`);
      return null;
    }
    if (o.tagged && o.length > 0) {
      const other = m.isSmiField(h, 0) ? m.getSmi(h, 0) : -1;
      if (other !== id) {
        this.add('lost', `${at}: expected object #${id} (${describe(o)}), found ${other >= 0 ? `object #${other}` : 'an object without an id'} at ${addr}`);
        return null;
      }
    } else if (!o.tagged) {
      const w0 = m.readRaw(h, 0);
      if (!sameRawIdentity(w0, id)) {
        this.add('lost', `${at}: expected object #${id} (${describe(o)}), found raw object #${rawIdentity(w0)} at ${addr}`);
        return null;
      }
    }
    this.addrOf.set(id, addr);
    if (length !== o.length) {
      this.add('corrupted', `${at}: object #${id} (${describe(o)}) has length ${length}`);
      return null;
    }
    if (!o.tagged) {
      let x = o.fill;
      for (let i = 0; i < length; i++) {
        const got = m.readRaw(h, i);
        if (got !== x) {
          this.add('corrupted', `${at}: object #${id} (${describe(o)}) word ${i} is ${got}, expected ${x}`);
          return null;
        }
        x = nextRawWord(x);
      }
      return null;
    }
    return o.length > 1 ? o : null;
  }

  /** Why `addr` does not hold a live object, or null if it does. */
  private objectProblem(addr: Addr): string | null {
    const heap = this.heap;
    const mem = heap.mem;
    if (addr <= 0 || addr >= mem.length) return `address ${addr}, outside the heap`;
    if (heap.inNewSpace(addr)) {
      if (!heap.inFromSpace(addr)) return `${addr} in the empty semispace`;
    } else {
      const s = heap.spaceOf(addr);
      if (s !== SPACE_OLD_POINTER && s !== SPACE_OLD_DATA && s !== SPACE_CODE && s !== SPACE_LO) return `${addr} on a page of ${SPACE_NAMES[s] ?? '?'} space`;
      if ((heap.pageFlags(addr >>> PAGE_BITS) & PAGE_NEEDS_SWEEP) !== 0 && !heap.isMarked(addr)) return `a dead object at ${addr} on a page not swept yet`;
    }
    const h = mem[addr];
    if (isForwarded(h)) return `a forwarding header at ${addr}`;
    const kind = headerKind(h);
    if (kind === KIND_FILLER || kind === KIND_FILLER1) return `free memory at ${addr}`;
    if (!isValidMap(heap, headerMap(h))) return `a bad header at ${addr}`;
    return null;
  }
}

function describe(o: ModelObject): string {
  return `${MAP_NAMES[o.map]} of ${o.length} words`;
}

function describeSmi(v: number): string {
  return v === 0 ? 'null' : `SMI ${v}`;
}

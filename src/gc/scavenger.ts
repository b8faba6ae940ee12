/**
 * The per-thread body of the parallel scavenge: claims root and remembered-set items, copies
 * live young objects into its own to-space or old-space LABs, installs forwarding addresses with
 * a CAS on the header word (the loser undoes its copy), and drains the copied-object worklist with
 * stealing. Runs the same on the main thread and in helpers. V8: scavenger.cc (Scavenger).
 *
 * Owner scavenging (option ownerScavenging): from-space's pages are dealt to the threads round
 * robin, and only a page's owner copies its objects, forwarding them with a plain store. A thread
 * that finds a slot pointing to an unforwarded object of another thread's page mails the slot
 * (a root as -(index + 1)) to the owner, which copies the object and updates the slot
 * (`scanSlotsOwned`, `receiveMail`; src/parallel/mailbox.ts). Copied objects are still stolen,
 * but only after a wait without work or mail (src/parallel/delayed-steal.ts).
 */
import {
  type Addr,
  KIND_RAW as KIND_RAW_IMPORT,
  KIND_TAGGED as KIND_TAGGED_IMPORT,
  PAGE_BITS as PAGE_BITS_IMPORT,
  PAGE_WORDS as PAGE_WORDS_IMPORT,
  SPACE_OLD_DATA,
  SPACE_OLD_POINTER,
  headerKind as headerKindImport,
  makeHeader,
  tagPtr as tagPtrImport,
} from '../heap/layout.ts';
import { type Heap, C_AGE_MARK, C_GC_OUT_OF_MEMORY, C_GLOBALS_BASE, C_GLOBALS_COUNT, C_MARKING, C_NEW_FROM, C_ROOT_SP, C_SCAVENGE_OWNED, C_WARMUP_LOST_RACES, TEST_IGNORE_UNDELIVERED_MAIL, META_WORDS as META_WORDS_IMPORT, M_FLAGS as M_FLAGS_IMPORT, PAGE_EVACUATION_CANDIDATE as PAGE_EVACUATION_CANDIDATE_IMPORT, TEST_PLAIN_FORWARDING } from '../heap/heap.ts';
import { isMarked as isMarkedImport, markBlack as markBlackImport } from '../heap/marking-bitmap.ts';
import { Lab, labAllocate as labAllocateImport, labFreeLast as labFreeLastImport, retireLab } from '../heap/spaces/paged-space.ts';
import { newToSpaceLab, retireToSpaceLab, toSpaceAllocate as toSpaceAllocateImport } from '../heap/spaces/semi-space.ts';
import { PAGE_ZERO_SCAVENGER_WORDS, onPageZero, recordOldToNew as recordOldToNewImport, recordOldToOld as recordOldToOldImport } from '../heap/remembered-set.ts';
import { ITEM_GLOBALS, ITEM_PAGE, ITEM_ROOTS, ROOT_CHUNK, type WorkItems } from './work-items.ts';
import { HEARTBEAT_MASK as HEARTBEAT_MASK_IMPORT, type GcThreadContext } from './gc-shared.ts';
import type { Mailbox } from '../parallel/mailbox.ts';
import type { TerminationWork } from '../parallel/termination.ts';
import { DelayedSteal } from '../parallel/delayed-steal.ts';

// Optimised code reads an imported binding (and an exported one) through a cell, with a check
// for the uninitialised hole, at every use: five to eight instructions for a constant or a call.
// A module-local const is a constant to it. So what the per-object paths use is aliased here
// (`npm run figure -- bench/figures/instructions.ts` counts the instructions per object).
const KIND_RAW = KIND_RAW_IMPORT;
const KIND_TAGGED = KIND_TAGGED_IMPORT;
const PAGE_BITS = PAGE_BITS_IMPORT;
const PAGE_WORDS = PAGE_WORDS_IMPORT;
const META_WORDS = META_WORDS_IMPORT;
const M_FLAGS = M_FLAGS_IMPORT;
const PAGE_EVACUATION_CANDIDATE = PAGE_EVACUATION_CANDIDATE_IMPORT;
const HEARTBEAT_MASK = HEARTBEAT_MASK_IMPORT;
const headerKind = headerKindImport;
const tagPtr = tagPtrImport;
const isMarked = isMarkedImport;
const markBlack = markBlackImport;
const labAllocate = labAllocateImport;
const labFreeLast = labFreeLastImport;
const toSpaceAllocate = toSpaceAllocateImport;
const recordOldToNew = recordOldToNewImport;
const recordOldToOld = recordOldToOldImport;

/**
 * Objects up to this many words are copied word by word, larger ones by copyWithin: plain code
 * wins at 4-8 words (15-20 against 23-37 ns), copyWithin from 16 (29 against 45 ns) and by 3-15x
 * from 64 (`npm run bench -- bodies`, "object copy"). The scavenger copies up to 8 words in
 * straight-line code, which fits `evacuate`'s inlining budget where 12 words did not (the
 * evacuator, with a loop, uses the same bound).
 */
const COPY_LOOP_MAX = 8;
export const COPY_LOOP_MAX_WORDS = COPY_LOOP_MAX;
/**
 * Copied objects with at most this many slots are *far* when their first two targets lie more than
 * BATCH_NEAR_WORDS apart (four cache lines). Up to SCAVENGE_BATCH far objects are popped together
 * and the headers of all their targets loaded before any of them is scanned: independent loads,
 * so their cache misses overlap (JavaScript has no prefetch), and the copies then find the lines
 * in cache. Near objects (siblings allocated together, a depth-first layout) are scanned at once:
 * their loads hit anyway, and the batch would only cost its loop. Four objects, not eight: eight
 * gained less on the random graph (`npm run bench -- gc`, docs/performance.md).
 */
const BATCH_SLOTS = 8;
const NEAR_WORDS = 64;
const BATCH = 4;
export const BATCH_MAX_SLOTS = BATCH_SLOTS;
export const BATCH_NEAR_WORDS = NEAR_WORDS;
export const SCAVENGE_BATCH = BATCH;
/** A header bit above the kind bits: a header with it flipped is never the object's own (warm-up). */
export const LOST_RACE_HEADER_BIT = 1 << 30;

export class Scavenger {
  private readonly heap: Heap;
  private readonly mem: Int32Array;
  private readonly toLab = newToSpaceLab();
  private readonly oldPointerLab = new Lab(SPACE_OLD_POINTER);
  private readonly oldDataLab = new Lab(SPACE_OLD_DATA);
  // per-GC constants, hoisted into fields at the start of the phase
  private fromStart = 0;
  private fromEnd = 0;
  private ageMark = 0;
  private newStart = 0;
  private newEnd = 0;
  /** 1: install forwarding addresses with a plain store (a number, not a boolean: see `marking`). */
  private plainForwarding = 0;
  /**
   * 1 while a major GC's marking is under way: copies keep the colour of their original. A number:
   * optimised code tests a boolean field's truthiness in up to eleven instructions, a number in two.
   */
  private marking = 0;
  private readonly labWords: number;
  /**
   * 1 while this thread scavenges in an owner-scavenging phase (C_SCAVENGE_OWNED): it copies only
   * the objects of its own from-space pages and mails the slots that point into others'.
   */
  private owned = 0;
  /** Threads - 1 (a power of two less one when `owned`): a page's owner is its index & this. */
  private readonly ownerMask: number;
  private readonly threadId: number;
  private readonly mail: Mailbox;
  /** The copied-object worklist and this thread's mail, for the terminator of an owned phase. */
  private readonly ownedWork: TerminationWork;
  /** Owned phase: steals only after a while without work or mail (src/parallel/delayed-steal.ts). */
  private readonly steal: DelayedSteal;
  /** The batched header loads' result, stored so the compiler keeps the loads. */
  touched = 0;
  private readonly batch = new Int32Array(BATCH);
  // figures
  copiedWords = 0;
  promotedWords = 0;
  objects = 0;
  /** Forwarding races lost: copies given back because another thread had forwarded the object. */
  racesLost = 0;

  constructor(private readonly ctx: GcThreadContext) {
    const heap = ctx.heap;
    this.heap = heap;
    this.mem = heap.mem;
    this.labWords = ctx.labWords;
    this.ownerMask = ctx.shared.config.threads - 1;
    this.threadId = ctx.threadId;
    const mail = ctx.mailbox;
    const local = ctx.copiedLocal;
    this.mail = mail;
    const steal = new DelayedSteal(local, ctx.shared.copied);
    this.steal = steal;
    this.ownedWork = {
      threadId: ctx.threadId,
      hasVisibleWork: () => local.hasVisibleWork() || mail.hasMail() || steal.due(),
      undelivered: () => mail.undelivered() && !heap.testFlag(TEST_IGNORE_UNDELIVERED_MAIL),
    };
  }

  /** Owner scavenging: slots this thread mailed to the owners of their targets in the current phase. */
  get mailSent(): number {
    return this.mail.sent;
  }

  /** The whole phase for this participant; `warmUp` in the warm-up program (see `warmLostRace`). */
  run(warmUp = false): void {
    this.prepare();
    if (warmUp) this.warmLostRace();
    this.owned = this.heap.ctl[C_SCAVENGE_OWNED] !== 0 ? 1 : 0;
    // Only the owner forwards an object of its pages: nothing races for the header.
    if (this.owned !== 0) {
      this.plainForwarding = 1;
      this.steal.begin();
    }
    try {
      const items = this.ctx.items;
      for (let i = items.claim(); i >= 0; i = items.claim()) {
        this.processItem(items, i);
        this.ctx.heartbeat();
      }
      this.drain();
    } finally {
      this.owned = 0;
      this.steal.end();
    }
    this.finish();
  }

  /** Hoists this GC's constants into fields and zeroes the figures (the start of `run`). */
  prepare(): void {
    const heap = this.heap;
    const ctl = heap.ctl;
    this.fromStart = ctl[C_NEW_FROM];
    this.fromEnd = this.fromStart + heap.semiWords;
    this.ageMark = ctl[C_AGE_MARK];
    this.newStart = heap.newStart;
    this.newEnd = heap.newEnd;
    // With one participant nothing races for the header (`GcShared.mainForwardsPlainly`). Only the
    // main thread knows (a helper's configuration is the one it started with, and
    // `setParallelScavenge` changes the main thread's); a helper scavenging means others do too.
    this.plainForwarding = heap.testFlag(TEST_PLAIN_FORWARDING) || (this.ctx.threadId === 0 && this.ctx.shared.mainForwardsPlainly) ? 1 : 0;
    this.marking = ctl[C_MARKING] !== 0 ? 1 : 0;
    this.copiedWords = 0;
    this.promotedWords = 0;
    this.objects = 0;
    this.racesLost = 0;
    this.mail.resetStats();
  }

  /** Gives back what is left of this thread's LABs (the end of `run`). */
  finish(): void {
    const heap = this.heap;
    retireToSpaceLab(heap, this.toLab);
    retireLab(heap, this.oldPointerLab);
    retireLab(heap, this.oldDataLab);
  }

  private processItem(items: WorkItems, i: number): void {
    const kind = items.kind(i);
    const roots = this.heap.roots;
    if (kind === ITEM_ROOTS) {
      const from = items.arg(i);
      const to = Math.min(from + ROOT_CHUNK, this.heap.ctl[C_ROOT_SP]);
      for (let r = from; r < to; r++) this.scavengeRoot(roots, r);
    } else if (kind === ITEM_GLOBALS) {
      const base = this.heap.ctl[C_GLOBALS_BASE];
      const end = base + this.heap.ctl[C_GLOBALS_COUNT];
      for (let r = base; r < end; r++) this.scavengeRoot(roots, r);
    } else if (kind === ITEM_PAGE) {
      this.processRememberedSetPage(items.arg(i));
    }
  }

  /** Root `r`: evacuates its target, or in an owned phase mails it as -(r + 1) to the target's owner. */
  private scavengeRoot(roots: Int32Array, r: number): void {
    const v = roots[r];
    if ((v & 1) === 0 || !this.isFrom(v >>> 1)) return;
    if (this.owned === 0) {
      roots[r] = this.evacuate(v);
      return;
    }
    const a = v >>> 1;
    const h = this.mem[a];
    const owner = (a >>> PAGE_BITS) & this.ownerMask;
    if ((h & 1) !== 0) roots[r] = h;
    else if (owner === this.threadId) roots[r] = this.evacuate(v);
    else this.mail.send(owner, -(r + 1));
  }

  /**
   * Visits every OLD_TO_NEW slot of a page: KEEP if it still points into new space, else REMOVE.
   * The removals of a bitmap word are gathered and cleared with one atomic and (another thread
   * may be recording a promoted object's slot into the same word). In an owned phase a slot into
   * another thread's unforwarded object is mailed to it and keeps its bit.
   */
  private processRememberedSetPage(page: number): void {
    const heap = this.heap;
    const rs = heap.rsBits;
    const rsBase = heap.rsBase;
    const clearBits = heap.clearBits;
    const mem = this.mem;
    const fromStart = this.fromStart;
    const fromEnd = this.fromEnd;
    const newStart = this.newStart;
    const newEnd = this.newEnd;
    const owned = this.owned;
    const w0 = (page << PAGE_BITS) >>> 5;
    const w1 = w0 + (PAGE_WORDS >>> 5);
    for (let w = w0; w < w1; w++) {
      let bits = rs[w];
      if (bits === 0) continue;
      let remove = 0;
      while (bits !== 0) {
        const low = bits & -bits;
        bits ^= low;
        const slot = (w << 5) + (31 - Math.clz32(low));
        let v = mem[slot];
        let a = v >>> 1;
        if ((v & 1) !== 0 && a >= fromStart && a < fromEnd) {
          if (owned !== 0) {
            // An unforwarded object of another thread's page: its owner updates the slot, and
            // keeps or clears its bit.
            const owner = (a >>> PAGE_BITS) & this.ownerMask;
            if (owner !== this.threadId && (mem[a] & 1) === 0) {
              this.mail.send(owner, slot);
              continue;
            }
          }
          v = this.evacuate(v) | 0;
          mem[slot] = v;
          a = v >>> 1;
        }
        if ((v & 1) === 0 || a < newStart || a >= newEnd) remove |= low;
      }
      if (remove !== 0) clearBits(rsBase, w, remove);
    }
  }

  /**
   * Scans copied objects until termination. In an owned phase this thread also updates the
   * slots others mailed it, every HEARTBEAT_MASK objects and before it goes idle, and publishes
   * its own mail before it goes idle and whenever another thread is idle; it steals only once a
   * steal is due (`DelayedSteal`). The phase then ends when every thread is idle and no mail is
   * undelivered (`ownedWork`).
   */
  private drain(): void {
    const local = this.ctx.copiedLocal;
    const term = this.ctx.terminator;
    const owned = this.owned;
    const mail = this.mail;
    const steal = this.steal;
    const work = owned !== 0 ? this.ownedWork : local;
    const batch = this.batch;
    const mem = this.mem;
    for (;;) {
      let n = 0;
      let obj = local.pop();
      if (obj === 0 && owned !== 0) {
        if (this.receiveMail() !== 0) obj = local.pop();
        else if (steal.due()) obj = steal.pop();
      }
      while (obj !== 0) {
        if (this.isFar(obj)) {
          // Pop more far objects (up to SCAVENGE_BATCH; a near one ends the batch and is scanned
          // after it) and load the headers of all their targets before scanning any.
          let touch = this.touched;
          let k = 0;
          let near = 0;
          for (;;) {
            batch[k++] = obj;
            for (let slot = obj + 2, end = obj + 2 + mem[obj + 1]; slot < end; slot++) {
              const v = mem[slot];
              if ((v & 1) !== 0) touch ^= mem[v >>> 1];
            }
            if (k === BATCH) break;
            obj = local.pop();
            if (obj === 0) break;
            if (!this.isFar(obj)) {
              near = obj;
              break;
            }
          }
          this.touched = touch;
          if (owned !== 0) {
            for (let j = 0; j < k; j++) this.scanSlotsOwned(batch[j]);
            if (near !== 0) this.scanSlotsOwned(near);
          } else {
            for (let j = 0; j < k; j++) this.scanSlots(batch[j]);
            if (near !== 0) this.scanSlots(near);
          }
          n += near !== 0 ? k + 1 : k;
        } else {
          if (owned !== 0) this.scanSlotsOwned(obj);
          else this.scanSlots(obj);
          n++;
        }
        if (n > HEARTBEAT_MASK) {
          n = 0;
          this.ctx.heartbeat(); // the lazy wake; alive for the stall watch
          if (owned !== 0) {
            this.receiveMail();
            if (term.hasIdleParticipants()) mail.flush();
          }
        }
        obj = local.pop();
      }
      if (owned !== 0) {
        if (this.receiveMail() !== 0) continue;
        mail.flush();
        steal.idle();
      }
      this.ctx.heartbeat();
      if (term.offerTermination(work)) return;
    }
  }

  /** Updates the slots (and roots, as -(index + 1)) mailed to this thread; returns how many it took. */
  private receiveMail(): number {
    const mail = this.mail;
    const wl = mail.worklist;
    let taken = 0;
    for (let s = mail.take(); s !== -1; s = mail.take()) {
      const pool = mail.view();
      const first = wl.entriesOf(s);
      const end = first + wl.segmentCount(s);
      for (let k = first; k < end; k++) this.updateMailed(pool[k]);
      taken += end - first;
      mail.release(s);
    }
    return taken;
  }

  /**
   * A slot (or root) mailed to this thread: its target lies in one of this thread's pages. Copies
   * it if no one has yet and updates the slot; a slot of an old object then keeps or loses its
   * OLD_TO_NEW bit (or is recorded), as `scanSlots` and `processRememberedSetPage` would have.
   */
  private updateMailed(e: number): void {
    if (e < 0) {
      const roots = this.heap.roots;
      const r = -e - 1;
      roots[r] = this.evacuate(roots[r]);
      return;
    }
    const mem = this.mem;
    const v = this.evacuate(mem[e]) | 0;
    mem[e] = v;
    if (e >= this.newStart && e < this.newEnd) return;
    const heap = this.heap;
    const a = v >>> 1;
    if (a >= this.newStart && a < this.newEnd) recordOldToNew(heap, e);
    else {
      // A remembered slot whose target was promoted leaves the set (its bit is 0 if the slot is a promoted copy's).
      heap.clearBits(heap.rsBase, e >>> 5, 1 << (e & 31));
      if (this.marking !== 0 && (heap.pageMeta[(a >>> PAGE_BITS) * META_WORDS + M_FLAGS] & PAGE_EVACUATION_CANDIDATE) !== 0) recordOldToOld(heap, e);
    }
  }

  /** A copied object of at most BATCH_MAX_SLOTS slots whose first two targets lie apart. */
  private isFar(obj: Addr): boolean {
    const mem = this.mem;
    if (mem[obj + 1] > BATCH_SLOTS) return false;
    const d = (mem[obj + 3] >>> 1) - (mem[obj + 2] >>> 1);
    return d > NEAR_WORDS || d < -NEAR_WORDS;
  }

  /**
   * Updates the slots of a copied object; a promoted one re-records its slots into new space.
   * The GC's constants are read into locals once per object, and a slot whose target was
   * copied already takes the forwarding address from the header without a call.
   */
  private scanSlots(obj: Addr): void {
    const mem = this.mem;
    const fromStart = this.fromStart;
    const fromEnd = this.fromEnd;
    const newStart = this.newStart;
    const newEnd = this.newEnd;
    const end = obj + 2 + mem[obj + 1];
    if (obj >= newStart && obj < newEnd) {
      for (let slot = obj + 2; slot < end; slot++) {
        const v = mem[slot];
        const a = v >>> 1;
        if ((v & 1) === 0 || a < fromStart || a >= fromEnd) continue;
        const h = mem[a];
        // `| 0`: a call's result is any number to optimised code; without it the store to the
        // Int32Array goes through a double.
        mem[slot] = ((h & 1) !== 0 ? h : this.evacuate(v)) | 0;
      }
      return;
    }
    const heap = this.heap;
    const pm = heap.pageMeta;
    const marking = this.marking;
    for (let slot = obj + 2; slot < end; slot++) {
      let v = mem[slot];
      if ((v & 1) === 0) continue;
      let a = v >>> 1;
      if (a >= fromStart && a < fromEnd) {
        const h = mem[a];
        v = ((h & 1) !== 0 ? h : this.evacuate(v)) | 0;
        mem[slot] = v;
        a = v >>> 1;
      }
      if (a >= newStart && a < newEnd) recordOldToNew(heap, slot);
      // A promoted copy may be black already (colour transfer) and never rescanned by marking.
      else if (marking !== 0 && (pm[(a >>> PAGE_BITS) * META_WORDS + M_FLAGS] & PAGE_EVACUATION_CANDIDATE) !== 0) recordOldToOld(heap, slot);
    }
  }

  /**
   * `scanSlots` in an owned phase: a slot pointing to an unforwarded object of another thread's
   * page is mailed to that thread, which updates (and records) it; the rest as `scanSlots`.
   */
  private scanSlotsOwned(obj: Addr): void {
    const mem = this.mem;
    const fromStart = this.fromStart;
    const fromEnd = this.fromEnd;
    const newStart = this.newStart;
    const newEnd = this.newEnd;
    const mask = this.ownerMask;
    const self = this.threadId;
    const end = obj + 2 + mem[obj + 1];
    const young = obj >= newStart && obj < newEnd ? 1 : 0;
    const heap = this.heap;
    const pm = heap.pageMeta;
    const marking = this.marking;
    for (let slot = obj + 2; slot < end; slot++) {
      let v = mem[slot];
      if ((v & 1) === 0) continue;
      let a = v >>> 1;
      if (a >= fromStart && a < fromEnd) {
        const h = mem[a];
        if ((h & 1) !== 0) v = h;
        else {
          const owner = (a >>> PAGE_BITS) & mask;
          if (owner !== self) {
            this.mail.send(owner, slot);
            continue;
          }
          v = this.evacuate(v) | 0;
        }
        mem[slot] = v;
        a = v >>> 1;
      }
      if (young !== 0) continue;
      if (a >= newStart && a < newEnd) recordOldToNew(heap, slot);
      else if (marking !== 0 && (pm[(a >>> PAGE_BITS) * META_WORDS + M_FLAGS] & PAGE_EVACUATION_CANDIDATE) !== 0) recordOldToOld(heap, slot);
    }
  }

  private isFrom(a: Addr): boolean {
    return a >= this.fromStart && a < this.fromEnd;
  }

  /**
   * Returns the new tagged pointer for the from-space object `v` points to, copying it if no
   * thread has yet. Promotes on the second survival (below the age mark), else copies within
   * new space; each falls back to the other when its space is full (V8: EvacuateObjectDefault).
   */
  evacuate(v: number): number {
    const a = v >>> 1;
    const h = this.mem[a];
    if ((h & 1) !== 0) return h;
    const target = this.copy(a, h);
    if (target === 0) return v;
    return this.forward(a, h, target);
  }

  /**
   * First half of `evacuate`: copies the object at `a` (header `h`, read once) into this thread's
   * LAB and returns the copy's address, still private (no other thread knows it); 0 when neither
   * to-space nor old space has room. Exposed so tests can interleave two threads between halves.
   */
  copy(a: Addr, h: number): Addr {
    const mem = this.mem;
    const size = 2 + mem[a + 1];
    const kind = headerKind(h);
    // One call site each for to-space and old space in the common order (a call first met in a
    // measured pause deoptimises: to-space overflowing into old space used to be a call of its own).
    const promote = a < this.ageMark;
    let target = promote ? 0 : toSpaceAllocate(this.heap, this.toLab, size, this.labWords);
    if (target === 0) target = this.allocateOld(kind, size);
    if (target === 0) {
      target = this.allocateLast(promote, size);
      if (target === 0) return 0;
    }
    mem[target] = h;
    if (size <= COPY_LOOP_MAX) {
      // Straight-line code: a loop's interrupt check ends what optimised code knows of the
      // Int32Array, so each round of a loop checked its map, length and base again.
      mem[target + 1] = mem[a + 1];
      if (size > 2) mem[target + 2] = mem[a + 2];
      if (size > 3) mem[target + 3] = mem[a + 3];
      if (size > 4) mem[target + 4] = mem[a + 4];
      if (size > 5) mem[target + 5] = mem[a + 5];
      if (size > 6) mem[target + 6] = mem[a + 6];
      if (size > 7) mem[target + 7] = mem[a + 7];
    } else mem.copyWithin(target + 1, a + 1, a + size);
    return target;
  }

  /**
   * Second half of `evacuate`: installs the forwarding pointer to `target` with a CAS on the
   * header word; the thread that loses gives its copy back (`undo`) and returns the winner's.
   */
  forward(a: Addr, h: number, target: Addr): number {
    const mem = this.mem;
    const size = 2 + mem[target + 1];
    const kind = headerKind(h);
    const promoted = target < this.newStart || target >= this.newEnd;
    const fwd = tagPtr(target);
    if (this.plainForwarding !== 0) {
      // One thread; or ForTesting: the race is left open, so two threads may both copy one object.
      mem[a] = fwd;
    } else {
      const old = this.heap.cas(this.heap.memBase, a, h, fwd);
      if (old !== h) return this.lostRace(old, target, size, promoted, kind);
    }
    this.objects++;
    if (this.marking !== 0) this.transferColour(a, target, size, promoted);
    if (promoted) this.promotedWords += size;
    else this.copiedWords += size;
    if (kind === KIND_TAGGED) this.ctx.copiedLocal.push(target);
    return fwd;
  }

  // The rare paths of `copy` and `forward` are methods of their own: optimised code inlines
  // callees only up to a total bytecode size, counting paths that never run, and the whole of
  // `evacuate` (copy, forward, the LAB allocation, the worklist push) fits only without them.

  /**
   * Where to copy when the first choice and old space had no room: to-space for an object that
   * was to be promoted, else nothing. With nothing, the heap is really full: the object stays
   * unmoved, and the main thread reports V8's out-of-memory failure after the phase.
   */
  private allocateLast(promote: boolean, size: number): Addr {
    const target = promote ? toSpaceAllocate(this.heap, this.toLab, size, this.labWords) : 0;
    if (target === 0) Atomics.store(this.heap.ctl, C_GC_OUT_OF_MEMORY, 1);
    return target;
  }

  /** Another thread forwarded the object first: gives the copy back, returns the winner's address. */
  private lostRace(winner: number, target: Addr, size: number, promoted: boolean, kind: number): number {
    this.racesLost++;
    this.undo(target, size, promoted, kind);
    return winner;
  }

  /** While marking, a copy keeps its original's colour (V8: MarkingState::TransferColor), so a scavenge keeps marking's progress. */
  private transferColour(a: Addr, target: Addr, size: number, promoted: boolean): void {
    if (!isMarked(this.heap.markBits, a)) return;
    markBlack(this.heap, target);
    if (promoted) this.ctx.liveBytes[target >>> PAGE_BITS] += size << 2;
  }

  /**
   * Warm-up only (`run(true)`, at the start of each scavenge of the warm-up program): runs on
   * this thread the code of a forwarding race it lost, and a promotion. Real races are too rare for
   * every thread to meet one in the warm-up (and the program's scavenges promote nothing), and
   * optimised code that meets a call or property access without type feedback deoptimises: in
   * measured runs at threads 2-4, `evacuate` (and `scanSlots`, into which it is inlined)
   * deoptimised at the call to `undo` in most runs. Running this before the thread's first copies
   * gives the feedback before the code is first optimised.
   *
   * The object copied is this thread's own: a 4-word tagged object in its to-space LAB. It is
   * copied twice, once promoting and once within new space, and each pair of copies loses its
   * race (the CAS expects a header the object does not have), which runs both of `undo`'s ways of
   * giving a copy back (a filler, then a bump back); then `undo` runs for the LABs the copies did
   * not use, on the first copy (a filler already). Nothing of it is reachable: the object and the
   * copies end as fillers or free LAB space. Needs a CAS: not at threads = 1 (plain forwarding).
   */
  private warmLostRace(): void {
    if (this.plainForwarding !== 0) return;
    const heap = this.heap;
    const mem = this.mem;
    const size = 4;
    const a = toSpaceAllocate(heap, this.toLab, size, this.labWords);
    if (a === 0) return;
    const h = makeHeader(0, KIND_TAGGED);
    mem[a] = h;
    mem[a + 1] = size - 2;
    mem[a + 2] = 0; // Smis: nothing to scan
    mem[a + 3] = 0;
    const notH = h ^ LOST_RACE_HEADER_BIT; // the same kind; never the object's header
    const ageMark = this.ageMark;
    for (const mark of [a + 1, a]) {
      this.ageMark = mark; // above `a`: promote; at `a`: copy within new space
      const first = this.copy(a, h);
      if (first === 0) continue;
      const second = this.copy(a, h);
      this.forward(a, notH, first); // the LAB moved on: `first` becomes a filler
      if (second !== 0) this.forward(a, notH, second); // the last allocation: a bump back
      this.undo(first, size, true, KIND_TAGGED);
      this.undo(first, size, true, KIND_RAW);
      this.undo(first, size, false, KIND_TAGGED);
    }
    this.ageMark = ageMark;
    // A raw object promoted (the data LAB), given back at once.
    const raw = this.allocateOld(KIND_RAW, 2);
    if (raw !== 0) this.undo(raw, 2, true, KIND_RAW);
    this.undo(a, size, false, KIND_TAGGED); // the source: a bump back or a filler
    Atomics.add(heap.ctl, C_WARMUP_LOST_RACES, 1);
  }

  /**
   * Warm-up only (`Participant.warmRarePaths`): scans, as a scavenge during marking does, a
   * promoted object whose slot points into an evacuation candidate, so that this thread records
   * such a slot (OLD_TO_OLD) once before a measured scavenge does: a thread whose warm-up never
   * scavenged during a cycle with candidates deoptimised there (splay at threads = 4). The object
   * and its target are words of page 0, as in `Marker.warmPaths`; page 0 is a candidate only
   * meanwhile, and the record is undone (`onPageZero`).
   */
  warmMarkingPaths(): void {
    const heap = this.heap;
    const mem = this.mem;
    const host = PAGE_ZERO_SCAVENGER_WORDS;
    const slot = host + 2;
    const marking = this.marking;
    onPageZero(heap, PAGE_EVACUATION_CANDIDATE, () => {
      mem[host] = makeHeader(0, KIND_TAGGED);
      mem[host + 1] = 1;
      mem[slot] = tagPtr(host + 8);
      this.marking = 1;
      this.scanSlots(host);
      this.marking = marking;
      mem[host] = mem[host + 1] = mem[slot] = 0;
    });
  }

  private allocateOld(kind: number, size: number): Addr {
    // Both LABs are read for every kind: a load only raw objects reached had no type feedback on
    // a thread that promoted none in the warm-up, and deoptimised in a measured pause.
    const pointerLab = this.oldPointerLab;
    const dataLab = this.oldDataLab;
    return labAllocate(this.heap, kind === KIND_TAGGED ? pointerLab : dataLab, size, this.labWords);
  }

  /** The losing thread gives back its copy: a bump back when it was the last allocation, else a filler. */
  private undo(target: Addr, size: number, promoted: boolean, kind: number): void {
    const lab = promoted ? (kind === KIND_TAGGED ? this.oldPointerLab : this.oldDataLab) : this.toLab;
    if (!labFreeLast(lab, target, size)) this.heap.formatFiller(target, size);
  }
}

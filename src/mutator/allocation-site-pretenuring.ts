/**
 * Allocation-site pretenuring (V8 --allocation-site-pretenuring): a site whose young objects
 * mostly survive their first collection gets its later objects allocated straight in old space,
 * so they are never copied by a scavenge nor promoted. Main thread, in the mutator's GC hooks.
 * V8: pretenuring-handler.cc (DigestPretenuringFeedback), allocation-site.h.
 *
 * gcsim's allocation site is a tagged object's map (V8's is a literal or an allocation call in
 * the code: a JavaScript program allocates one kind of object at one site). Strings and other
 * raw data have no site, as in V8. V8 counts a memento behind every young object (created) and
 * the mementos the scavenger finds behind the objects it copies out of the nursery (found);
 * here, before a GC the nursery [age mark, top) is walked for `created`, and after it the
 * first-time survivors, which gcsim copies to [from-space start, new age mark), for `found`.
 * At every GC with at least 100 created (kPretenureMinimumCreated), a site still undecided is
 * decided: tenure when found / created >= 0.85 (kPretenureRatio; new space is at its maximum
 * size, which V8 also requires), else don't tenure, for good. Counts restart every GC.
 */
import { type Addr, KIND_TAGGED, headerKind, headerMap, sizeFromHeader } from '../heap/layout.ts';
import { type Heap, C_AGE_MARK, C_NEW_FROM } from '../heap/heap.ts';
import { MAP_NAME_ID } from '../heap/maps.ts';

export const PRETENURE_UNDECIDED = 0;
export const PRETENURE_TENURE = 1;
export const PRETENURE_DONT_TENURE = 2;
/** V8's AllocationSite::kPretenureMinimumCreated. */
export const PRETENURE_MINIMUM_CREATED = 100;
/** V8's AllocationSite::kPretenureRatio. */
export const PRETENURE_RATIO = 0.85;
/** Map name ids have room for this many sites (MapRegistry ids are dense and small). */
const MAX_SITES = 1 << 16;

export class AllocationSitePretenuring {
  /** Decision per map name id (PRETENURE_*), read by the mutator on every allocation. */
  readonly decision = new Uint8Array(MAX_SITES);
  private readonly created = new Int32Array(MAX_SITES);
  private readonly found = new Int32Array(MAX_SITES);
  private readonly pendingCreated = new Int32Array(MAX_SITES);
  /** From-space start when the nursery was counted (-1: not counted since the last GC). */
  private countedFrom: Addr = -1;
  /** Sites decided so far, for the record. */
  tenured = 0;
  dontTenure = 0;

  constructor(private readonly heap: Heap) {}

  /** Should an object of `map` be allocated in old space? (Fast: one load from the map, one from the table.) */
  tenures(map: Addr): boolean {
    return this.decision[this.heap.mem[map + MAP_NAME_ID] & (MAX_SITES - 1)] === PRETENURE_TENURE;
  }

  /** Before a GC: count the nursery's objects per site (they are the mementos created since the last GC). */
  beforeGc(top: Addr): void {
    const ctl = this.heap.ctl;
    this.pendingCreated.fill(0);
    this.walk(ctl[C_AGE_MARK], top, this.pendingCreated);
    this.countedFrom = ctl[C_NEW_FROM];
  }

  /** After a GC: if new space was evacuated (the semispaces flipped), count the first-time survivors and decide. */
  afterGc(): void {
    const ctl = this.heap.ctl;
    if (this.countedFrom < 0 || ctl[C_NEW_FROM] === this.countedFrom) return; // no flip: nothing was evacuated
    this.countedFrom = -1;
    this.found.fill(0);
    this.walk(ctl[C_NEW_FROM], ctl[C_AGE_MARK], this.found);
    const created = this.created;
    const found = this.found;
    const decision = this.decision;
    for (let id = 0; id < MAX_SITES; id++) {
      const c = this.pendingCreated[id];
      if (c === 0) continue;
      created[id] = c;
      if (c < PRETENURE_MINIMUM_CREATED || decision[id] !== PRETENURE_UNDECIDED) continue;
      if (found[id] / c >= PRETENURE_RATIO) {
        decision[id] = PRETENURE_TENURE;
        this.tenured++;
      } else {
        decision[id] = PRETENURE_DONT_TENURE;
        this.dontTenure++;
      }
    }
  }

  /** Adds the tagged objects of [start, end) to `into`, per map name id (fillers between copy buffers skipped). */
  private walk(start: Addr, end: Addr, into: Int32Array): void {
    const mem = this.heap.mem;
    for (let a = start; a < end; ) {
      const h = mem[a];
      if ((h & 1) !== 0) return; // not an object header: stop rather than misread
      if (headerKind(h) === KIND_TAGGED) into[mem[headerMap(h) + MAP_NAME_ID] & (MAX_SITES - 1)]++;
      const size = sizeFromHeader(mem, a, h);
      if (size <= 0) return;
      a += size;
    }
  }
}

/**
 * Maps (shapes) in the non-moving map space: every object's header names its map. Maps are
 * created by the mutator on the main thread, are never collected or moved, and are roots of
 * every collection. V8: map.h, map space.
 *
 *   map object: [header: meta map, KIND_RAW][length = 3][instance kind][name id][fields]
 */
import { type Addr, KIND_RAW, makeHeader, PAGE_BITS, PAGE_WORDS } from './layout.ts';
import { type Heap, C_MAP_TOP, MAP_SPACE_PAGE, META_WORDS, M_USED_WORDS } from './heap.ts';

export const MAP_WORDS = 5;
export const MAP_INSTANCE_KIND = 2;
export const MAP_NAME_ID = 3;
export const MAP_FIELDS = 4;

/** Main-thread registry of maps by name. Map name ids are dense and deterministic (creation order). */
export class MapRegistry {
  private readonly byName = new Map<string, Addr>();
  readonly names: string[] = [];
  readonly metaMap: Addr;

  constructor(private readonly heap: Heap) {
    const first = MAP_SPACE_PAGE << PAGE_BITS;
    if (heap.ctl[C_MAP_TOP] === 0) heap.ctl[C_MAP_TOP] = first;
    this.metaMap = this.define('map', KIND_RAW, 0);
  }

  /** Defines (or returns) the map `name` for objects of `kind` (KIND_TAGGED or KIND_RAW). */
  define(name: string, kind: number, fields = 0): Addr {
    const known = this.byName.get(name);
    if (known !== undefined) return known;
    const h = this.heap;
    const a = h.ctl[C_MAP_TOP];
    if (a + MAP_WORDS > ((MAP_SPACE_PAGE + 1) << PAGE_BITS)) throw new Error('map space is full');
    h.ctl[C_MAP_TOP] = a + MAP_WORDS;
    const meta = this.names.length === 0 ? a : this.metaMap;
    h.mem[a] = makeHeader(meta, KIND_RAW);
    h.mem[a + 1] = MAP_WORDS - 2;
    h.mem[a + MAP_INSTANCE_KIND] = kind;
    h.mem[a + MAP_NAME_ID] = this.names.length;
    h.mem[a + MAP_FIELDS] = fields;
    h.formatFiller(a + MAP_WORDS, ((MAP_SPACE_PAGE + 1) << PAGE_BITS) - a - MAP_WORDS);
    h.pageMeta[MAP_SPACE_PAGE * META_WORDS + M_USED_WORDS] += MAP_WORDS;
    this.byName.set(name, a);
    this.names.push(name);
    return a;
  }

  get(name: string): Addr | undefined {
    return this.byName.get(name);
  }

  nameOf(map: Addr): string {
    return this.names[this.heap.mem[map + MAP_NAME_ID]] ?? `?${map}`;
  }
}

/** True if `map` is an address inside the used part of map space with a map's header. */
export function isValidMap(heap: Heap, map: Addr): boolean {
  const first = MAP_SPACE_PAGE << PAGE_BITS;
  return map >= first && map < heap.ctl[C_MAP_TOP] && (map - first) % MAP_WORDS === 0 && map < first + PAGE_WORDS;
}

/**
 * A journaled map for the engine's memories whose keys are mostly entity ids: working memory's
 * attribute -> entity index (wm.ts) and the beta memories keyed by join key (a join on `?o` keys
 * its tokens by the order's eid). Small non-negative integer keys live in fixed-size pages of
 * {@link PAGE} cells, found through two page directories that grow away from the page of the first
 * integer key seen (`hi` upwards, `lo` downwards); other keys (strings, keywords, tuples, integers
 * far from the pages, or keys whose page was not worth allocating yet) go to a Map. A key lives in
 * one of the two.
 *
 * Why: a Map entry cost ~40 bytes and a hash probe per access; a page cell is 8 bytes read by index,
 * and on 100k entities the probes were the cache misses that made an update's cost grow with the
 * data (bench: the join workload, issue 7). Why pages rather than one array from the first key:
 * (1) keys arriving in random order (a join keyed by `?c`, customers met through their orders)
 * mostly landed below the first key or past the array's slack, hence in the Map; a page is
 * allocated wherever the keys are, as long as the pages stay dense enough; (2) a page never grows,
 * so a bulk load copies no array (the copies of growing arrays were ~15 MB of a 500k-datom load's
 * allocation, garbage in large-object space until the next major GC).
 *
 * Every mutation is journaled: a page cell like an object field (undo writes the old value back;
 * `undefined` is "absent"), the Map as a Map. Allocating a page or a directory slot is not journaled:
 * an undo leaves an empty page behind, which changes memory use, never what the map holds.
 */
import { ABSENT, jdelete, jset, type Journal } from "./journal.js";
import { objectArray } from "./arrays.js";

/** log2 of the page size. */
const PAGE_BITS = 8;
/** Cells per page (2 KB of pointers). */
export const PAGE = 1 << PAGE_BITS;
const LOW = PAGE - 1;
/** Cells that may be allocated whatever the fill: the first few pages are always worth it. */
const SLACK_CELLS = 4 * PAGE;
/**
 * Pages are allocated only while there is at least 1 entry per DENSITY allocated cells (plus the
 * slack), so pages cost at most DENSITY cells (128 bytes) per entry: keys spread thinly over a
 * large id range (an attribute few entities have, in a big store) stay in the Map instead of
 * costing a page each. Why 16, not 4: a derived attribute on one entity in twelve (the join
 * workload's `order/discount`, and the memories of joins on it) stayed in the Map at 4, two cache
 * misses per probe (its hash bucket and its entry) where a page cell is one; at 16 they are in
 * pages (join 100k cold update: LL read misses 14.3 -> 13.8 per change, JS 4,501-4,593 -> 4,393
 * Ir per change; retained memory 176 -> 177 B per datom for the engine, 221 -> 222 for the session).
 */
const DENSITY = 16;
/** How far past either end of a directory a new page may be (in pages): farther keys go to the Map. */
const DIR_SLACK = 64;

type Page<V> = Array<V | undefined>;

/** A journaled map from keys to values (never `undefined`). */
export class KeyMap<V> {
  /** The page number of the first integer key seen, or -1 before it. */
  private basePage = -1;
  /** Pages `basePage`, `basePage + 1`, ... (undefined: not allocated). */
  private readonly hi: Array<Page<V> | undefined> = objectArray();
  /** Pages `basePage - 1`, `basePage - 2`, ... */
  private readonly lo: Array<Page<V> | undefined> = objectArray();
  private sparse: Map<unknown, V> | null = null;
  /**
   * Whether a key that a page could hold (a small non-negative integer) was ever put in the Map.
   * Until then a key absent from its page is absent, and neither `get` nor `put` probes the Map.
   * Never reset (an undo may leave it true with no such key left, which only costs a probe).
   */
  private intsInSparse = false;
  /** Cells in allocated pages. */
  private cells = 0;
  /**
   * Page cells holding a value, as counted by `put` and `drop` (an undo writes cells back without
   * counting, so after one this is an estimate: it only steers where new keys go).
   */
  private filled = 0;

  /** The value under `k`, or undefined. Reads only. */
  get(k: unknown): V | undefined {
    if (typeof k === "number" && (k | 0) === k && k >= 0 && this.basePage >= 0) {
      const p = (k >> PAGE_BITS) - this.basePage;
      const page = p >= 0 ? this.hi[p] : this.lo[-p - 1];
      if (page !== undefined) {
        const v = page[k & LOW];
        if (v !== undefined || !this.intsInSparse) return v;
      }
    }
    return this.sparse === null ? undefined : this.sparse.get(k);
  }

  /** Sets `k` to `v`. Mutates (journaled). */
  put(j: Journal, k: unknown, v: V): void {
    const page = this.pageOf(k);
    if (page !== undefined) {
      const i = (k as number) & LOW;
      if (overwrite(j, page, i, v)) return;
      // a key absent from its page may be in the Map (it arrived before its page was allocated)
      const m = this.sparse;
      if (this.intsInSparse && m !== null && m.has(k)) {
        jset(j, m, k, v);
        return;
      }
      j.push(page, i, undefined);
      page[i] = v;
      this.filled++;
      return;
    }
    const m = this.sparse;
    if (m !== null && m.has(k)) {
      jset(j, m, k, v);
      return;
    }
    const fresh = this.newPage(k);
    if (fresh !== undefined) {
      const i = (k as number) & LOW;
      j.push(fresh, i, undefined);
      fresh[i] = v;
      this.filled++;
    } else {
      // jset without its lookup: the key is known to be absent
      const s = (this.sparse ??= new Map());
      if (typeof k === "number" && (k | 0) === k && k >= 0) this.intsInSparse = true;
      j.push(s, k, ABSENT);
      s.set(k, v);
    }
  }

  /**
   * {@link KeyMap.put} of a key known to be absent (`get(k)` was undefined, nothing changed since).
   * Mutates (journaled). Why: working memory's index adds most entries under an entity it holds
   * nothing for (an update's retraction emptied the cell), and `put` first read the cell and the
   * Map to find out (wm.ts, AttrIndex.addTo; join 100k update, callgrind, issue 7).
   */
  putAbsent(j: Journal, k: unknown, v: V): void {
    const page = this.pageOf(k);
    if (page === undefined) {
      this.put(j, k, v);
      return;
    }
    const i = (k as number) & LOW;
    j.push(page, i, undefined);
    page[i] = v;
    this.filled++;
  }

  /** Removes `k` if present. Mutates (journaled). */
  drop(j: Journal, k: unknown): void {
    const page = this.pageOf(k);
    if (page !== undefined && overwrite(j, page, (k as number) & LOW, undefined)) {
      this.filled--;
      return;
    }
    if (this.sparse !== null) jdelete(j, this.sparse, k);
  }

  /** Every value, in no particular order. Reads only. */
  *values(): IterableIterator<V> {
    for (const dir of [this.hi, this.lo]) {
      for (const page of dir) {
        if (page === undefined) continue;
        for (const v of page) if (v !== undefined) yield v;
      }
    }
    if (this.sparse !== null) yield* this.sparse.values();
  }

  /**
   * How the entries are held: allocated pages, page cells holding a value (as counted), and
   * entries in the Map. Reads only; for tests and diagnostics.
   * @example new KeyMap().layout() // { pages: 0, filled: 0, sparse: 0 }
   */
  layout(): { pages: number; filled: number; sparse: number } {
    return { pages: this.cells / PAGE, filled: this.filled, sparse: this.sparse === null ? 0 : this.sparse.size };
  }

  /** The allocated page that would hold integer key `k`, or undefined. */
  private pageOf(k: unknown): Page<V> | undefined {
    if (typeof k !== "number" || (k | 0) !== k || k < 0 || this.basePage < 0) return undefined;
    const p = (k >> PAGE_BITS) - this.basePage;
    return p >= 0 ? this.hi[p] : this.lo[-p - 1];
  }

  /**
   * A new page for integer key `k` when one is worth allocating (the pages stay dense enough and
   * the directory does not jump far), else undefined (the key goes to the Map). Sets `basePage` on
   * the first integer key. Only called when `k` has no page.
   */
  private newPage(k: unknown): Page<V> | undefined {
    if (typeof k !== "number" || (k | 0) !== k || k < 0) return undefined;
    // entries in the Map count too: keys that arrived before their page was worth allocating
    const entries = this.filled + (this.sparse === null ? 0 : this.sparse.size);
    if (this.cells + PAGE > (entries + 1) * DENSITY + SLACK_CELLS) return undefined;
    if (this.basePage < 0) this.basePage = k >> PAGE_BITS; // set once; an undone fire leaves it, which is harmless
    const p = (k >> PAGE_BITS) - this.basePage;
    const dir = p >= 0 ? this.hi : this.lo;
    const at = p >= 0 ? p : -p - 1;
    if (at >= dir.length + DIR_SLACK) return undefined;
    while (dir.length < at) dir.push(undefined);
    const page: Page<V> = new Array<V | undefined>(PAGE);
    dir[at] = page;
    this.cells += PAGE;
    return page;
  }
}

/** Writes `v` over the value in cell `i` of `page` (journaled); false, writing nothing, when the cell is empty. */
function overwrite<V>(j: Journal, page: Array<V | undefined>, i: number, v: V | undefined): boolean {
  const old = page[i];
  if (old === undefined) return false;
  j.push(page, i, old);
  page[i] = v;
  return true;
}

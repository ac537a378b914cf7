/**
 * A journaled map for the engine's memories whose keys are mostly entity ids: working memory's
 * attribute -> entity index (wm.ts) and the beta memories keyed by join key (a join on `?o` keys
 * its tokens by the order's eid). Non-negative integer keys index an array from the first one seen
 * (entity ids are mostly dense: a store allocates them in order); other keys (strings, keywords,
 * tuples, integers far from the array) go to a Map. A key lives in one of the two.
 *
 * Why: a Map entry cost ~40 bytes and a hash probe per access; an array cell is 8 bytes read by
 * index, and on 100k entities the probes were the cache misses that made an update's cost grow with
 * the data (bench: the join workload, issue 7). Every mutation is journaled: an array cell like an
 * object field (undo writes the old value back; `undefined` is "absent"), the Map as a Map.
 */
import { ABSENT, jdelete, jset, type Journal } from "./journal.js";

/** How far past the end of the array a new integer key may land and still go into it. */
const SLACK = 1024;
/**
 * The array grows only while at least 1 cell in DENSITY holds a value: keys spread thinly over a
 * large id range (an attribute few entities have, in a big store) stay in the Map instead of
 * costing 8 bytes per id of the range.
 */
const DENSITY = 4;

/** A journaled map from keys to values (never `undefined`). */
export class KeyMap<V> {
  /** The key of `dense[0]`, or -1 before the first integer key. */
  private base = -1;
  private readonly dense: Array<V | undefined> = [];
  private sparse: Map<unknown, V> | null = null;
  /**
   * Cells of `dense` holding a value, as counted by `put` and `drop` (an undo writes cells back
   * without counting, so after one this is an estimate: it only steers where new keys go).
   */
  private filled = 0;

  /** The value under `k`, or undefined. Reads only. */
  get(k: unknown): V | undefined {
    if (typeof k === "number" && this.base >= 0) {
      const i = k - this.base;
      if (i >= 0 && i < this.dense.length && (i | 0) === i) {
        const v = this.dense[i];
        if (v !== undefined) return v;
      }
    }
    return this.sparse === null ? undefined : this.sparse.get(k);
  }

  /** Sets `k` to `v`. Mutates (journaled). */
  put(j: Journal, k: unknown, v: V): void {
    const held = this.heldAt(k);
    if (held >= 0) {
      j.push(this.dense, held, this.dense[held]);
      this.dense[held] = v;
      return;
    }
    const m = this.sparse;
    if (m !== null && m.has(k)) {
      jset(j, m, k, v);
      return;
    }
    const i = this.denseIndex(k);
    if (i >= 0) {
      j.push(this.dense, i, undefined);
      this.dense[i] = v;
      this.filled++;
    } else {
      // jset without its lookup: the key is known to be absent
      const s = (this.sparse ??= new Map());
      j.push(s, k, ABSENT);
      s.set(k, v);
    }
  }

  /** Removes `k` if present. Mutates (journaled). */
  drop(j: Journal, k: unknown): void {
    const held = this.heldAt(k);
    if (held >= 0) {
      j.push(this.dense, held, this.dense[held]);
      this.dense[held] = undefined;
      this.filled--;
    } else if (this.sparse !== null) jdelete(j, this.sparse, k);
  }

  /** Every value, in no particular order. Reads only. */
  *values(): IterableIterator<V> {
    for (const v of this.dense) if (v !== undefined) yield v;
    if (this.sparse !== null) yield* this.sparse.values();
  }

  /** The array index a new key goes to, or -1 for the Map. Sets `base` on the first integer key. */
  private denseIndex(k: unknown): number {
    if (typeof k !== "number" || !Number.isInteger(k) || k < 0) return -1;
    if (this.base < 0) this.base = k; // set once; an undone fire leaves it, which is harmless
    const i = k - this.base;
    if (i < 0) return -1;
    if (i < this.dense.length) return i;
    return i < this.dense.length + SLACK && (this.filled + 1) * DENSITY >= i + 1 ? i : -1;
  }

  /** The array index holding key `k`, or -1 (in the Map, or absent). */
  private heldAt(k: unknown): number {
    if (typeof k !== "number" || this.base < 0) return -1;
    const i = k - this.base;
    return i >= 0 && i < this.dense.length && (i | 0) === i && this.dense[i] !== undefined ? i : -1;
  }
}

/**
 * An immutable map keyed by entity id, for the EAV and VAE indexes. Numeric eids are mostly dense
 * (the store allocates them in order), so they live in an immutable.js List indexed by eid; other
 * eids (keywords, far-away explicit numbers) live in an immutable.js Map.
 *
 * Why: an immutable.js Map spends a leaf node and an entry pair per key and hashes on every
 * access; a List slot is one array cell reached by index. Measured on bench/store.ts (100k
 * entities), the EAV and VAE indexes were the largest share of retained objects.
 */
import { List as IList, Map as IMap } from "immutable";
import type { Eid } from "../eav/index.js";

/** How far past the dense part a new numeric eid may land and still be stored densely. */
const SLACK = 4096;

/**
 * Immutable eid-keyed map. Every method leaves it unchanged; {@link EidMap.withChanges} returns a
 * new one sharing structure.
 * @example EidMap.empty<string>().withChanges([[1, "a"]]).get(1) // "a"
 */
export class EidMap<V> {
  private constructor(
    private readonly dense: IList<V | undefined>,
    private readonly sparse: IMap<Eid, V>,
    /** Number of keys. */
    readonly size: number,
  ) {}

  /** The empty map. */
  static empty<V>(): EidMap<V> {
    return new EidMap<V>(IList<V | undefined>(), IMap<Eid, V>(), 0);
  }

  /** The value of `e`, or `undefined`. */
  get(e: Eid): V | undefined {
    if (typeof e === "number" && e < this.dense.size) {
      const v = this.dense.get(e);
      if (v !== undefined) return v;
    }
    return this.sparse.size === 0 ? undefined : this.sparse.get(e);
  }

  /**
   * A new map with `changes` applied in order (`undefined` deletes). A key stays in the part that
   * holds it, so that {@link get} finds it whatever the dense part's size has become.
   */
  withChanges(changes: Iterable<readonly [Eid, V | undefined]>): EidMap<V> {
    let size = this.size;
    const dense = this.dense.asMutable();
    // the sparse part is rarely touched (keyword eids): made mutable only when it is
    let sparse: IMap<Eid, V> | undefined;
    const base = this.sparse;
    for (const [e, v] of changes) {
      const inSparse = (sparse ?? base).size > 0 && (sparse ?? base).has(e);
      if (typeof e === "number" && !inSparse && e < dense.size + SLACK) {
        const old = e < dense.size ? dense.get(e) : undefined;
        if (v === undefined) {
          if (old !== undefined) {
            dense.set(e, undefined);
            size--;
          }
        } else {
          if (old === undefined) size++;
          dense.set(e, v);
        }
      } else if (v === undefined) {
        if (inSparse) {
          (sparse ??= base.asMutable()).delete(e);
          size--;
        }
      } else {
        if (!inSparse) size++;
        (sparse ??= base.asMutable()).set(e, v);
      }
    }
    return new EidMap(dense.asImmutable(), sparse === undefined ? base : sparse.asImmutable(), size);
  }

  /** `[eid, value]` pairs: the dense numeric eids in ascending order, then the others. */
  *entries(): IterableIterator<[Eid, V]> {
    let i = 0;
    for (const v of this.dense) {
      if (v !== undefined) yield [i, v];
      i++;
    }
    yield* this.sparse.entries();
  }
}

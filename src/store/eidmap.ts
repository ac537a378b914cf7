/**
 * An immutable map keyed by entity id, for the EAV and VAE indexes: a frozen base (a JS array
 * indexed by eid for the dense numeric eids, a JS Map for the others) plus an immutable.js overlay
 * of the changes since the base was built; when the overlay outgrows an eighth of the map, a new
 * base is built (copied) and the overlay starts empty.
 *
 * Why: numeric eids are mostly dense (the store allocates them in order), so the base is one array
 * cell per entity, read by index. Updates are small and frequent (every rule action that upserts
 * is one transaction): an overlay entry costs a few small immutable.js nodes, where an immutable
 * List of 100k entities copied a path of four 32-slot nodes per change. Measured on the session
 * join benchmark (issue 7). The same design as AV indexes (avmap.ts).
 */
import { Map as IMap } from "immutable";
import type { Eid } from "../eav/index.js";
import { overlayWith, shouldRebuild } from "./overlay.js";

/** How far past the end of the dense base a numeric eid may be and still be stored densely. */
const SLACK = 4096;

/**
 * Immutable eid-keyed map. Every method leaves it unchanged; {@link EidMap.withChanges} returns a
 * new one sharing structure.
 * @example EidMap.empty<string>().withChanges([[1, "a"]]).get(1) // "a"
 */
export class EidMap<V> {
  private constructor(
    /** Values of dense numeric eids by eid; never mutated once built. */
    private readonly dense: ReadonlyArray<V | undefined>,
    /** Values of the other eids (keywords, far-away numbers); never mutated once built. */
    private readonly sparse: ReadonlyMap<Eid, V>,
    /** Changes since the base: a value, or `null` for a removed key. */
    private readonly overlay: IMap<Eid, V | null>,
    /** Number of keys. */
    readonly size: number,
  ) {}

  private static readonly EMPTY = new EidMap<never>([], new Map<Eid, never>(), IMap<Eid, never>(), 0);

  /** The empty map. */
  static empty<V>(): EidMap<V> {
    return EidMap.EMPTY as EidMap<V>;
  }

  /** The value of `e`, or `undefined`. */
  get(e: Eid): V | undefined {
    if (this.overlay.size > 0) {
      const o = this.overlay.get(e);
      if (o !== undefined) return o ?? undefined;
    }
    return this.baseGet(e);
  }

  private baseGet(e: Eid): V | undefined {
    if (typeof e === "number" && e < this.dense.length) {
      const v = this.dense[e];
      if (v !== undefined) return v;
    }
    return this.sparse.size === 0 ? undefined : this.sparse.get(e);
  }

  /** A new map with `changes` applied in order (`undefined` deletes). */
  withChanges(changes: Iterable<readonly [Eid, V | undefined]>): EidMap<V> {
    const list = Array.isArray(changes) ? (changes as ReadonlyArray<readonly [Eid, V | undefined]>) : [...changes];
    if (shouldRebuild(this.overlay.size, list.length, this.size)) return this.rebuiltWith(list);
    const { overlay, size } = overlayWith(this.overlay, (e) => this.baseGet(e), this.size, list);
    return new EidMap(this.dense, this.sparse, overlay, size);
  }

  /** A new base: this map's entries with `changes` applied. */
  private rebuiltWith(changes: ReadonlyArray<readonly [Eid, V | undefined]>): EidMap<V> {
    const dense: Array<V | undefined> = this.dense.slice();
    const sparse = new Map(this.sparse);
    let size = this.size;
    const put = (e: Eid, v: V | undefined): void => {
      const had = (typeof e === "number" && e < dense.length && dense[e] !== undefined) || sparse.has(e);
      if (v !== undefined && !had) size++;
      else if (v === undefined && had) size--;
      if (typeof e === "number" && Number.isInteger(e) && e >= 0 && e < dense.length + SLACK && !sparse.has(e)) {
        // an eid past the end fills the gap with holes (undefined): the array stays dense enough
        while (dense.length < e) dense.push(undefined);
        dense[e] = v;
      } else if (v === undefined) sparse.delete(e);
      else sparse.set(e, v);
    };
    this.overlay.forEach((v, e) => put(e, v ?? undefined));
    for (const [e, v] of changes) put(e, v);
    return new EidMap(dense, sparse, IMap(), size);
  }

  /** `[eid, value]` pairs: numeric eids in ascending order, then the others. Not a hot path. */
  *entries(): IterableIterator<[Eid, V]> {
    const all = new Map<Eid, V>();
    this.dense.forEach((v, e) => {
      if (v !== undefined) all.set(e, v);
    });
    this.sparse.forEach((v, e) => all.set(e, v));
    this.overlay.forEach((v, e) => {
      if (v === null) all.delete(e);
      else all.set(e, v);
    });
    const numbers = [...all.keys()].filter((e): e is number => typeof e === "number").sort((x, y) => x - y);
    for (const e of numbers) yield [e, all.get(e) as V];
    for (const [e, v] of all) if (typeof e !== "number") yield [e, v];
  }
}

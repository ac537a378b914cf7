/**
 * The values of one unique attribute in an AV index: value key -> the entity holding it. Integer
 * keys in [0, 2^24) (the common numeric external id) live in a persistent trie by value, like the
 * entity index (eidmap.ts); other keys in a frozen JS `Map` (the base) plus an immutable.js overlay
 * of the changes since the base was built; when the overlay grows past an eighth of the base, a new
 * base is built.
 *
 * Why: every identity upsert and every lookup ref asks this map. An immutable.js lookup in a
 * 100k-key map measured about 0.6-1 us on the benchmark machine against 0.05 us for a JS Map
 * (issue 7), and a JS Map of 90k integer keys still about 0.6 us cold against a few array loads in
 * the trie. Most transactions change no unique value (an upsert lands on its entity by the value it
 * already holds), so the overlay is usually empty and a lookup is one `Map.get`. Rebuilding at an
 * eighth copies at most eight entries per change, amortised.
 */
import { Map as IMap } from "immutable";
import type { Eid } from "../eav/index.js";
import { EidMap, isTrieKey } from "./eidmap.js";

/**
 * Immutable map from a unique value's key to its entity. Every method leaves it unchanged.
 * @example AvMap.empty().withChanges(new Map([["ann@example.com", 1]])).get("ann@example.com") // 1
 */
export class AvMap {
  private constructor(
    /** The integer keys (see {@link isTrieKey}). */
    private readonly ints: EidMap<Eid>,
    /** The other keys. Never mutated once built: a rebuild makes a new one. */
    private readonly base: ReadonlyMap<unknown, Eid>,
    /** Changes of the other keys since `base`: an eid, or `null` for a value no longer held. */
    private readonly overlay: IMap<unknown, Eid | null>,
    /** Number of other keys. */
    private readonly othersSize: number,
  ) {}

  private static readonly EMPTY: AvMap = new AvMap(EidMap.empty(), new Map(), IMap(), 0);

  /** The empty map. */
  static empty(): AvMap {
    return AvMap.EMPTY;
  }

  /** Number of keys. */
  get size(): number {
    return this.ints.size + this.othersSize;
  }

  /** The entity holding value key `k`, or `undefined`. */
  get(k: unknown): Eid | undefined {
    if (isTrieKey(k)) return this.ints.get(k);
    if (this.overlay.size > 0) {
      const o = this.overlay.get(k);
      if (o !== undefined) return o ?? undefined;
    }
    return this.base.get(k);
  }

  /**
   * A new map with `changes` applied in order (`null` removes the key). `handedOver`: the caller
   * never changes `changes` again, so an empty map may keep it as its base instead of a copy (a
   * load's 100k identity values were copied once more only to become garbage).
   */
  withChanges(changes: ReadonlyMap<unknown, Eid | null>, handedOver = false): AvMap {
    let intCount = 0;
    for (const k of changes.keys()) if (isTrieKey(k)) intCount++;
    // no integer key: the caller's map is the other keys' part as it stands
    if (intCount === 0) return this.othersWith(this.ints, changes, handedOver);
    const intKeys: number[] = [];
    const intVals: Array<Eid | undefined> = [];
    const others = intCount === changes.size ? undefined : new Map<unknown, Eid | null>();
    for (const [k, e] of changes) {
      if (isTrieKey(k)) {
        intKeys.push(k);
        intVals.push(e ?? undefined);
      } else others!.set(k, e);
    }
    const ints = this.ints.withChanges(intKeys, intVals);
    if (others === undefined) return ints === this.ints ? this : new AvMap(ints, this.base, this.overlay, this.othersSize);
    return this.othersWith(ints, others, false);
  }

  /** A new map: `ints`, and the other keys with `changes` (other keys only) applied. */
  private othersWith(ints: EidMap<Eid>, changes: ReadonlyMap<unknown, Eid | null>, handedOver: boolean): AvMap {
    // a change set that forces a rebuild anyway (a bulk load) builds the new base straight away
    // instead of an overlay first (measured: a third of a 100k-entity load's commit)
    if (shouldRebuild(this.overlay.size, changes.size, this.base.size)) {
      if (handedOver && this.othersSize === 0 && !hasNull(changes)) return new AvMap(ints, changes as ReadonlyMap<unknown, Eid>, IMap(), changes.size);
      return this.rebuiltWith(ints, changes);
    }
    const base = this.base;
    const { overlay, size } = overlayWith(this.overlay, (k) => base.get(k), this.othersSize, changes);
    return new AvMap(ints, base, overlay, size);
  }

  /** A new base: this map's other keys with the overlay and then `changes` applied. */
  private rebuiltWith(ints: EidMap<Eid>, changes: ReadonlyMap<unknown, Eid | null>): AvMap {
    const rebuilt = new Map(this.base);
    const apply = (e: Eid | null, k: unknown): void => {
      if (e === null) rebuilt.delete(k);
      else rebuilt.set(k, e);
    };
    this.overlay.forEach(apply);
    changes.forEach(apply);
    return new AvMap(ints, rebuilt, IMap(), rebuilt.size);
  }
}

function hasNull(changes: ReadonlyMap<unknown, Eid | null>): boolean {
  for (const e of changes.values()) if (e === null) return true;
  return false;
}

// ---- the overlay of the other keys: changes since the base was built (`null`: a key removed)

/** Overlays up to this size never trigger a rebuild (small indexes stay cheap to update). */
const MIN_OVERLAY = 64;

/**
 * True when applying `changes` more changes should build a new base instead of growing the
 * overlay: past an eighth of the index (rebuilding copies at most eight entries per change,
 * amortised), and at once for a change set that large (a bulk load).
 */
function shouldRebuild(overlaySize: number, changes: number, indexSize: number): boolean {
  return overlaySize + changes > Math.max(MIN_OVERLAY, indexSize >> 3);
}

/**
 * The overlay after `changes` (`null` or `undefined` removes a key) and the index's new size.
 * `baseGet` reads the frozen base. An overlay entry equal to the base is dropped, so the overlay
 * holds differences only. Pure: returns a new overlay.
 */
function overlayWith<K, V>(
  overlay: IMap<K, V | null>,
  baseGet: (k: K) => V | undefined,
  size: number,
  changes: Iterable<readonly [K, V | null | undefined]>,
): { overlay: IMap<K, V | null>; size: number } {
  let n = size;
  const next = overlay.withMutations((o) => {
    for (const [k, v] of changes) {
      const prior = o.get(k);
      const base = baseGet(k);
      const had = prior === undefined ? base !== undefined : prior !== null;
      const has = v !== null && v !== undefined;
      if (has && !had) n++;
      else if (!has && had) n--;
      if (has ? base === v : base === undefined) o.delete(k);
      else o.set(k, has ? v : null);
    }
  });
  return { overlay: next, size: n };
}

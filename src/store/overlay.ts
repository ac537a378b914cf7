/**
 * The update rule shared by the store's persistent indexes (avmap.ts, eidmap.ts): a frozen base
 * plus an immutable.js overlay of the changes since the base was built (`null`: a key removed).
 * Each index rebuilds its own kind of base; the overlay's bookkeeping is the same for both.
 */
import type { Map as IMap } from "immutable";

/** Overlays up to this size never trigger a rebuild (small indexes stay cheap to update). */
const MIN_OVERLAY = 64;

/**
 * True when applying `changes` more changes should build a new base instead of growing the
 * overlay: past an eighth of the index (rebuilding copies at most eight entries per change,
 * amortised), and at once for a change set that large (a bulk load).
 */
export function shouldRebuild(overlaySize: number, changes: number, indexSize: number): boolean {
  return overlaySize + changes > Math.max(MIN_OVERLAY, indexSize >> 3);
}

/**
 * The overlay after `changes` (`null` or `undefined` removes a key) and the index's new size.
 * `baseGet` reads the frozen base. An overlay entry equal to the base is dropped, so the overlay
 * holds differences only. Pure: returns a new overlay.
 */
export function overlayWith<K, V>(
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

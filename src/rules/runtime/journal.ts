/**
 * The undo journal and version tree that let a mutable working memory behave as immutable values.
 *
 * Every persistent mutation of the engine's memory (a Map or Set entry, an object field) goes
 * through the helpers below, which record the old value as a triple `(container, key, old)` in the
 * journal of the fire in progress. A fire that throws replays its journal backwards and the memory
 * is exactly as before. A fire that succeeds hangs its journal on the *old* version, pointing at the
 * new one (Baker's "rerooting" of persistent arrays): the newest version owns the live memory, an
 * older version is reached by undoing journals, and undoing a journal records the inverse journal,
 * so the tree of versions can be walked in any direction. Linear use (the common case) pays one
 * array push per mutation and never replays anything; an old session value pays for the distance
 * to the live version only when it is used again.
 *
 * Objects created during the current fire are invisible to older versions, so writes to their
 * fields need no journal entry (the engine relies on that for activations, see engine.ts).
 */

/** The marker of "no entry" in a journal triple (the key was absent, or absent from the Set). */
export const ABSENT: unique symbol = Symbol("absent");
/** The marker of "present in the Set" in a journal triple. */
export const PRESENT: unique symbol = Symbol("present");

/** A flat array of `(container, key, old)` triples, in the order the mutations happened. */
export type Journal = unknown[];

/**
 * The journal of a fire that needs none: a fire on a state that never fired (a bulk load into a
 * new session) is undone by swapping in fresh memories, so recording its mutations would only cost
 * time and memory (measured: about a third of the load time went to the journal and the GC of it).
 */
export const NO_JOURNAL: Journal = Object.freeze({ push: (): number => 0 }) as unknown as Journal;

/**
 * A whole-memory diff: the contents of a version, kept aside while another version is live.
 * `contents === null` stands for the fresh, empty memory.
 */
export class StateSnapshot {
  constructor(readonly contents: object | null) {}
}

/** Sets `map[key] = value`, journaling the old entry. */
export function jset<K, V>(j: Journal, map: Map<K, V>, key: K, value: V): void {
  const old = map.get(key);
  j.push(map, key, old === undefined ? ABSENT : old);
  map.set(key, value);
}

/** Deletes `map[key]` if present, journaling the old entry. Map values are never `undefined`. */
export function jdelete<K, V>(j: Journal, map: Map<K, V>, key: K): void {
  const old = map.get(key);
  if (old === undefined) return;
  j.push(map, key, old);
  map.delete(key);
}

/** Adds `item` to `set`, journaling it. */
export function jadd<T>(j: Journal, set: Set<T>, item: T): void {
  if (set.has(item)) return;
  j.push(set, item, ABSENT);
  set.add(item);
}

/** Removes `item` from `set`, journaling it. */
export function jremove<T>(j: Journal, set: Set<T>, item: T): void {
  if (!set.delete(item)) return;
  j.push(set, item, PRESENT);
}

/** Sets `obj[field] = value`, journaling the old value. */
export function jfield<O extends object, F extends keyof O>(j: Journal, obj: O, field: F, value: O[F]): void {
  j.push(obj, field, obj[field]);
  obj[field] = value;
}

/**
 * Sets whose iteration order an undo disturbed (see memory.ts `bucketItems`, which restores
 * creation order before iterating one of them).
 */
export const reordered = new WeakSet<Set<unknown>>();

/**
 * Undoes `journal` (last mutation first) and returns the journal that redoes it. Mutates the
 * containers named in the journal.
 */
export function undoJournal(journal: Journal): Journal {
  const inverse: Journal = [];
  for (let i = journal.length - 3; i >= 0; i -= 3) {
    const container = journal[i] as object;
    const key = journal[i + 1];
    const old = journal[i + 2];
    if (container instanceof Map) {
      const cur: unknown = container.get(key);
      inverse.push(container, key, cur === undefined ? ABSENT : cur);
      if (old === ABSENT) container.delete(key);
      else container.set(key, old);
    } else if (container instanceof Set) {
      inverse.push(container, key, container.has(key) ? PRESENT : ABSENT);
      if (old === ABSENT) container.delete(key);
      else {
        container.add(key);
        // re-added at the end, not where it was: its iteration order is no longer creation order
        reordered.add(container);
      }
    } else {
      const rec = container as Record<PropertyKey, unknown>;
      inverse.push(container, key, rec[key as PropertyKey]);
      rec[key as PropertyKey] = old;
    }
  }
  return inverse;
}

/**
 * One version of a memory. The live version has `diff === null`; any other version knows the
 * journal that turns the version it points at (`next`) back into itself.
 */
export class Version {
  diff: Journal | StateSnapshot | null = null;
  next: Version | null = null;
}

/** The shared holder of the live version. */
export interface Versioned {
  current: Version;
  /** Makes the snapshot's contents live; returns a snapshot of the contents that were live. */
  swap(snapshot: StateSnapshot): StateSnapshot;
}

/**
 * Makes `target` the live version by undoing (and inverting) the journals on the path from it to the
 * live version. Mutates the memory and the version tree; the values the versions stand for do not
 * change.
 */
export function reroot(holder: Versioned, target: Version): void {
  if (holder.current === target) return;
  const path: Version[] = [];
  for (let v: Version = target; v !== holder.current; ) {
    path.push(v);
    const next = v.next;
    if (next === null) throw new Error("version is not connected to the live version");
    v = next;
  }
  for (let i = path.length - 1; i >= 0; i--) {
    const u = path[i] as Version;
    const next = u.next as Version;
    const diff = u.diff as Journal | StateSnapshot;
    next.diff = diff instanceof StateSnapshot ? holder.swap(diff) : undoJournal(diff);
    next.next = u;
    u.diff = null;
    u.next = null;
  }
  holder.current = target;
}

/**
 * Records that the live version `from` became `to` through the mutations in `journal`.
 * Mutates the version tree only.
 */
export function advance(holder: Versioned, from: Version, journal: Journal | StateSnapshot, to: Version): void {
  from.diff = journal;
  from.next = to;
  holder.current = to;
}

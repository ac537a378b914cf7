/**
 * The undo journal and version tree that let a mutable working memory behave as immutable values.
 *
 * Every persistent mutation of the engine's memory (a Map or Set entry, an object field) goes
 * through the helpers below, which record the old value as a triple `(container, key, old)` in the
 * journal of the fire in progress. A fire that throws replays its journal backwards and the memory
 * is exactly as before. A fire that succeeds hangs its journal on the *old* version, pointing at the
 * new one (Baker's "rerooting" of persistent arrays): the newest version owns the live memory, an
 * older version is reached by undoing journals, and undoing a journal records the inverse journal,
 * so the tree of versions can be walked in any direction. Linear use (the common case) pays three
 * stores per mutation ({@link Journal.push}) and never replays anything; an old session value pays for the distance
 * to the live version only when it is used again.
 *
 * Objects created during the current fire are invisible to older versions, so writes to their
 * fields need no journal entry (the engine relies on that for activations, see engine.ts).
 */

import { objectArray } from "./arrays.js";

/** The marker of "no entry" in a journal triple (the key was absent, or absent from the Set). */
export const ABSENT: unique symbol = Symbol("absent");
/** The marker of "present in the Set" in a journal triple. */
export const PRESENT: unique symbol = Symbol("present");

/** Slots in the first chunk of a journal (a multiple of 3): a small fire keeps a small journal. */
const FIRST_CHUNK = 3 * 16;
/** The most slots in one chunk (a multiple of 3): 48 KB, below V8's large-object size. */
const MAX_CHUNK = 3 * 2048;

/**
 * `(container, key, old)` triples, in the order the mutations happened, in chunks that are filled
 * and never copied (each twice the size of the previous one, up to {@link MAX_CHUNK} slots).
 *
 * Why a class with its own `push` rather than an array: the journal is written several times per
 * changed fact, and (1) a growing array copied itself as it grew (memcpy and the growth builtin
 * were ~500 instructions per change, join 100k update, callgrind), (2) an array and the frozen
 * no-journal object made every `j.push` call site polymorphic, so none was inlined (the generic
 * Array.prototype.push builtin: ~660 instructions per change). One class for both keeps the call
 * sites monomorphic. Tested by test/rules/journal.test.ts.
 */
export class Journal {
  /** Chunks filled before `cur`, oldest first (an elements kind for objects from the start, arrays.ts). */
  private readonly done: unknown[][] = objectArray();
  private cur: unknown[];
  /** Slots used in `cur`. */
  private n = 0;
  /** Slots in `cur`; -1 when not recording, so that every push takes the slow path. */
  private cap: number;
  constructor(
    /** False for {@link NO_JOURNAL}: `push` records nothing. */
    readonly recording = true,
  ) {
    this.cur = recording ? chunk(FIRST_CHUNK) : [];
    this.cap = recording ? FIRST_CHUNK : -1;
  }

  /** Records that `container[key]` (a field, a Map entry or a Set member) was `old`. Mutates the journal. */
  push(container: object, key: unknown, old: unknown): void {
    // small enough to be inlined at every call site: the rest is in `pushSlow`
    const n = this.n;
    if (n < this.cap) {
      const c = this.cur;
      c[n] = container;
      c[n + 1] = key;
      c[n + 2] = old;
      this.n = n + 3;
    } else if (this.recording) this.pushSlow(container, key, old);
  }

  /**
   * A new chunk, then the triple in it. Only for a recording journal: {@link NO_JOURNAL} returns in
   * `push` itself. Why: a bulk load (no journal) called this on every push, so V8 saw it as always
   * called and inlined it into `push`'s optimized code; that code then counted 195 bytes of bytecode
   * against its callers' inlining budget instead of 84, and no caller inlined `push` (a call per
   * journal entry, ~270 instructions per change of the join 100k update; --trace-turbo-inlining).
   */
  private pushSlow(container: object, key: unknown, old: unknown): void {
    this.done.push(this.cur);
    const size = Math.min(2 * this.cap, MAX_CHUNK);
    const c = chunk(size);
    c[0] = container;
    c[1] = key;
    c[2] = old;
    this.cur = c;
    this.cap = size;
    this.n = 3;
  }

  /** Number of recorded mutations. Reads only. */
  get size(): number {
    let slots = this.n;
    for (const c of this.done) slots += c.length;
    return slots / 3;
  }

  /** Calls `f` on every triple, the last recorded first. Reads only. */
  forEachBackwards(f: (container: object, key: unknown, old: unknown) => void): void {
    let c = this.cur;
    let n = this.n;
    for (let k = this.done.length; ; ) {
      for (let i = n - 3; i >= 0; i -= 3) f(c[i] as object, c[i + 1], c[i + 2]);
      if (k === 0) return;
      c = this.done[--k] as unknown[];
      n = c.length;
    }
  }
}

/**
 * A chunk of `slots` cells whose elements kind holds objects from the start (see arrays.ts), so
 * that the first object stored does not change it under optimized code. Not `fill(null)`: V8 runs
 * that in C++ (~20 instructions a cell, measured).
 */
function chunk(slots: number): unknown[] {
  const c = new Array<unknown>(slots);
  c[0] = null;
  return c;
}

/**
 * The journal of a fire that needs none: a fire on a state that never fired (a bulk load into a
 * new session) is undone by swapping in fresh memories, so recording its mutations would only cost
 * time and memory (measured: about a third of the load time went to the journal and the GC of it).
 */
export const NO_JOURNAL: Journal = new Journal(false);

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
  const inverse = new Journal();
  journal.forEachBackwards((container, key, old) => {
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
  });
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

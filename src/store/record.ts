/**
 * The leaves of the immutable indexes: one entity's attributes ({@link EntityRecord}) and one
 * entity's incoming refs ({@link Referrers}).
 *
 * Why not an immutable.js Map per entity: a 5-attribute entity as an immutable.js Map is about
 * eight objects (map, node, entries, one pair per attribute); as two parallel arrays it is three.
 * Measured on the 100k-entity load of bench/store.ts, GC time dominated and this halved the heap.
 * The records are never mutated once built: a transaction copies the few it touches.
 */
import { Map as IMap } from "immutable";
import type { Attribute, Eid, Value } from "../eav/index.js";

/** The values of a card-many attribute of one entity holding two or more, keyed by `valueKey`. */
export type ValueSet = IMap<unknown, Value>;
/**
 * A card-one value; a card-many attribute's one value as itself, or its value set when it holds
 * two or more (readers that must tell a lone card-many value from a card-one value ask the schema).
 * Why: most card-many attributes hold one value (a rule's derived fact per entity); a one-entry
 * immutable.js map was four objects to build, scavenge and keep, and emptied again by the
 * withdrawal (issue 7, a fire's one-datom transactions).
 */
export type Slot = Value | ValueSet;

/**
 * True for a card-many slot (user values are never immutable.js maps). Primitives are answered
 * without immutable.js: its test reads a symbol property, which on a number or a string goes
 * through the prototype chain (every card-one read of the store asks this).
 */
export function isValueSet(x: unknown): x is ValueSet {
  return typeof x === "object" && x !== null && IMap.isMap(x);
}

/**
 * One entity in the EAV index: its attributes and their slots, in parallel arrays. Immutable.
 * @example new EntityRecord(["person/name"], ["Ann"]).get("person/name") // "Ann"
 */
export class EntityRecord {
  constructor(
    readonly attrs: readonly Attribute[],
    readonly slots: readonly Slot[],
  ) {}

  /** Number of attributes holding values. */
  get size(): number {
    return this.attrs.length;
  }

  /** The slot of attribute `a`, or `undefined`. */
  get(a: Attribute): Slot | undefined {
    const i = attrIndex(this.attrs, a);
    return i < 0 ? undefined : this.slots[i];
  }

  /** `[attribute, slot]` pairs. */
  *entries(): IterableIterator<[Attribute, Slot]> {
    for (let i = 0; i < this.attrs.length; i++) yield [this.attrs[i]!, this.slots[i]!];
  }
}

/**
 * The index of attribute `a` in a record's attribute list, or -1. A loop, not `indexOf`: the lists
 * are a few internalized strings, and the builtin's call cost about 85 instructions per lookup,
 * three lookups per updated entity (issue 7, callgrind).
 */
export function attrIndex(attrs: readonly Attribute[], a: Attribute): number {
  for (let i = 0; i < attrs.length; i++) if (attrs[i] === a) return i;
  return -1;
}

/** One incoming ref: `source` points at the entity through `attr`. */
export interface RefPair {
  readonly attr: Attribute;
  readonly source: Eid;
}

/**
 * The refs pointing at one entity. Up to {@link SMALL} of them: one flat array of pairs,
 * `[attr0, source0, attr1, source1, ...]`. Above: an immutable.js map keyed by pair, so that a hub
 * entity with many referrers (every todo pointing at `:global`) updates in O(log n).
 *
 * Why flat: a ref change looks its pair up among the target's referrers, and with one object per
 * pair each comparison was a cache miss on a large store (issue 7: a changed `order/customer`
 * spent about 2 us in the two customers' referrer lists); the flat array is a line or two.
 */
export type Referrers = readonly (Attribute | Eid)[] | IMap<string, RefPair>;

const SMALL = 32;

function refKey(attr: Attribute, source: Eid): string {
  return `${typeof source === "number" ? source : `:${source.name}`}\u0001${attr}`;
}

/** Every pair of a {@link Referrers}. */
export function referrerPairs(r: Referrers | undefined): RefPair[] {
  if (r === undefined) return [];
  if (!Array.isArray(r)) return [...(r as IMap<string, RefPair>).values()];
  const flat = r as readonly (Attribute | Eid)[];
  const out: RefPair[] = [];
  for (let i = 0; i < flat.length; i += 2) out.push({ attr: flat[i] as Attribute, source: flat[i + 1] as Eid });
  return out;
}

/** A change to the refs of one target within a transaction. */
export interface RefChange {
  readonly attr: Attribute;
  readonly source: Eid;
  readonly present: boolean;
}

/**
 * The referrers after applying `changes` in order, or `undefined` when none are left. Nothing
 * changes: a new array or a new immutable.js map is returned.
 */
export function applyRefChanges(base: Referrers | undefined, changes: readonly RefChange[]): Referrers | undefined {
  if (base !== undefined && !Array.isArray(base)) return applyToMap(base as IMap<string, RefPair>, changes);
  const before = base as readonly (Attribute | Eid)[] | undefined;
  if (changes.length === 1 && !changes[0]!.present) return withRefRemoval(before, changes[0]!.attr, changes[0]!.source);
  const flat: Array<Attribute | Eid> = before === undefined ? [] : before.slice();
  for (const c of changes) {
    const i = pairIndex(flat, c.attr, c.source);
    if (c.present && i < 0) flat.push(c.attr, c.source);
    else if (!c.present && i >= 0) flat.splice(i, 2);
  }
  return flatAfter(flat);
}

/**
 * The flat referrers after one removal (a fire's truth-maintenance withdrawals, a changed ref's
 * old target): a whole copy with the pairs after the removed one moved down and the last pair
 * popped. `slice` then `splice` went through the elements runtime, and `slice(0, n - 2)` through
 * the generic slice builtin (about 290 instructions a withdrawal, issue 7, callgrind); a whole
 * `slice()` is the fast clone. An add stays `slice` + `push`: an exact-size copy by a loop
 * measured more instructions and more GC on the update step.
 */
function withRefRemoval(base: readonly (Attribute | Eid)[] | undefined, attr: Attribute, source: Eid): Referrers | undefined {
  const i = base === undefined ? -1 : pairIndex(base, attr, source);
  if (i < 0) return base;
  const n = base!.length;
  if (n === 2) return undefined;
  // a slice has the array's elements kind (a new Array(n) changed kind on its first string); the
  // pairs after the removed one move down
  const flat = base!.slice();
  for (let j = i; j < n - 2; j++) flat[j] = flat[j + 2]!;
  flat.pop();
  flat.pop();
  return flat;
}

/**
 * The referrers after one change: `source` points (`present`) or no longer points at the target
 * through `attr`. {@link applyRefChanges} of that one change, without the change's object and
 * array (the streaming front end makes two per changed ref).
 */
export function withRefChange(base: Referrers | undefined, attr: Attribute, source: Eid, present: boolean): Referrers | undefined {
  if (base === undefined || Array.isArray(base)) {
    const flat = base as readonly (Attribute | Eid)[] | undefined;
    if (!present) return withRefRemoval(flat, attr, source);
    if (flat === undefined) return [attr, source];
    if (pairIndex(flat, attr, source) >= 0) return flat;
    if (flat.length < 2 * SMALL) {
      const out = flat.slice();
      out.push(attr, source);
      return out;
    }
  }
  return applyRefChanges(base, [{ attr, source, present }]);
}

/** Flat referrers as stored: `undefined` when empty, an immutable.js map past {@link SMALL} pairs. */
function flatAfter(flat: Array<Attribute | Eid>): Referrers | undefined {
  if (flat.length > 2 * SMALL) {
    const pairs: RefChange[] = [];
    for (let i = 0; i < flat.length; i += 2) pairs.push({ attr: flat[i] as Attribute, source: flat[i + 1] as Eid, present: true });
    return applyToMap(IMap<string, RefPair>(), pairs);
  }
  return flat.length === 0 ? undefined : flat;
}

/** The index of pair `(attr, source)` in a flat referrer array, or -1. */
function pairIndex(flat: readonly (Attribute | Eid)[], attr: Attribute, source: Eid): number {
  for (let i = 0; i < flat.length; i += 2) if (flat[i + 1] === source && flat[i] === attr) return i;
  return -1;
}

function applyToMap(base: IMap<string, RefPair>, changes: readonly RefChange[]): Referrers | undefined {
  const m = base.withMutations((x) => {
    for (const c of changes) {
      const k = refKey(c.attr, c.source);
      if (c.present) x.set(k, { attr: c.attr, source: c.source });
      else x.delete(k);
    }
  });
  return m.size === 0 ? undefined : m;
}

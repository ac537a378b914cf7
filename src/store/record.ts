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

/** The values of a card-many attribute of one entity, keyed by `valueKey`. */
export type ValueSet = IMap<unknown, Value>;
/** A card-one value, or the value set of a card-many attribute. */
export type Slot = Value | ValueSet;

/** True for a card-many slot (user values are never immutable.js maps). */
export function isValueSet(x: unknown): x is ValueSet {
  return IMap.isMap(x);
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
    const i = this.attrs.indexOf(a);
    return i < 0 ? undefined : this.slots[i];
  }

  /** `[attribute, slot]` pairs. */
  *entries(): IterableIterator<[Attribute, Slot]> {
    for (let i = 0; i < this.attrs.length; i++) yield [this.attrs[i]!, this.slots[i]!];
  }
}

/** One incoming ref: `source` points at the entity through `attr`. */
export interface RefPair {
  readonly attr: Attribute;
  readonly source: Eid;
}

/**
 * The refs pointing at one entity: a small array, or (above {@link SMALL}) an immutable.js map so
 * that a hub entity with many referrers (every todo pointing at `:global`) updates in O(log n).
 */
export type Referrers = readonly RefPair[] | IMap<string, RefPair>;

const SMALL = 32;

function refKey(attr: Attribute, source: Eid): string {
  return `${typeof source === "number" ? source : `:${source.name}`}\u0001${attr}`;
}

/** Every pair of a {@link Referrers}. */
export function referrerPairs(r: Referrers | undefined): RefPair[] {
  if (r === undefined) return [];
  return Array.isArray(r) ? [...(r as readonly RefPair[])] : [...(r as IMap<string, RefPair>).values()];
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
  const list = base === undefined ? [] : [...(base as readonly RefPair[])];
  for (const c of changes) {
    const i = list.findIndex((p) => p.source === c.source && p.attr === c.attr);
    if (c.present && i < 0) list.push({ attr: c.attr, source: c.source });
    else if (!c.present && i >= 0) list.splice(i, 1);
  }
  if (list.length > SMALL) return applyToMap(IMap<string, RefPair>(), list.map((p) => ({ ...p, present: true })));
  return list.length === 0 ? undefined : list;
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

/**
 * The Store value: a schema, options and four immutable.js indexes (EAV, AV for unique identity,
 * AV for unique value, VAE for refs). Reads only; {@link transact} makes new stores.
 */
import { EID, EAV, valueEquals, valueKey, type Attribute, type Eid, type Value } from "../eav/index.js";
import type { AvMap } from "./avmap.js";
import { EidMap } from "./eidmap.js";
import { resolveOptions, type ResolvedOptions, type StoreOptions } from "./options.js";
import { isValueSet, referrerPairs, type EntityRecord, type Referrers } from "./record.js";
import { Schema, type AttrInfo } from "./schema.js";

/**
 * AV index: attribute -> value key -> the one entity holding it. The outer level is a plain
 * read-only Map (a schema has a handful of unique attributes; a transaction that changes one copies
 * it), because an immutable.js lookup by attribute on every identity upsert and lookup ref was a
 * measured share of each transaction (issue 7). Never mutated once built.
 */
export type AvIndex = ReadonlyMap<Attribute, AvMap>;
/** VAE index: target entity -> the refs pointing at it. */
export type VaeIndex = EidMap<Referrers>;

/** A plain entity map: `{ "eav/eid": 1, "person/name": "Ann", "person/tags": ["a", "b"] }`. */
export type EntityView = { readonly [EID]: Eid } & { readonly [attribute: string]: Value };

/** The indexes of a store, as one value (internal to src/store). */
export interface Indexes {
  readonly eav: EidMap<EntityRecord>;
  readonly avIdentity: AvIndex;
  readonly avValue: AvIndex;
  readonly vae: VaeIndex;
  readonly size: number;
  readonly maxEid: number;
}

const EMPTY: Indexes = { eav: EidMap.empty(), avIdentity: new Map(), avValue: new Map(), vae: EidMap.empty(), size: 0, maxEid: 0 };

/**
 * An immutable EAV store. Every read leaves it unchanged; {@link transact} returns a new store and
 * leaves this one valid.
 * @example const s = createStore({ schema }); s.entity(1); s.values(1, "todo/tags"); s.size
 */
export class Store {
  /** @internal built by {@link createStore} and by transactions only. */
  constructor(
    /** The validated schema; it is also the `schemaView` normalisation uses. */
    readonly schema: Schema,
    /** The resolved modes and the warning sink. */
    readonly options: ResolvedOptions,
    /** @internal */
    readonly indexes: Indexes,
  ) {}

  /** The schema view transaction normalisation needs (`isMany`, `isRef`, `isUnique`). */
  get schemaView(): Schema {
    return this.schema;
  }

  /** Number of stored datoms. */
  get size(): number {
    return this.indexes.size;
  }

  /**
   * The largest numeric eid the store has seen (stored, referenced, written or allocated). New
   * entities get eids above it; it never goes down.
   */
  get maxEid(): number {
    return this.indexes.maxEid;
  }

  /**
   * Every stored datom as an {@link EAV}, entity by entity. A new array each call.
   * @example createStore().datoms() // []
   */
  datoms(): EAV[] {
    const out: EAV[] = [];
    for (const [e, rec] of this.indexes.eav.entries()) pushDatoms(out, e, rec);
    return out;
  }

  /**
   * The entity map of `eid` (`"eav/eid"` plus its attributes, card-many values as arrays), or
   * `undefined` when it has no datoms. Nothing changes.
   * @example store.entity(1) // { "eav/eid": 1, "person/name": "Ann", "person/tags": ["a"] }
   */
  entity(eid: Eid): EntityView | undefined {
    const rec = this.indexes.eav.get(eid);
    return rec === undefined ? undefined : entityView(this.schema, eid, rec);
  }

  /** Every entity map, in index order. A new array each call. */
  entities(): EntityView[] {
    const out: EntityView[] = [];
    for (const [e, rec] of this.indexes.eav.entries()) out.push(entityView(this.schema, e, rec));
    return out;
  }

  /**
   * True when the store holds the fact (value equality on v).
   * @example store.has(eav(1, "person/name", "Ann"))
   */
  has(fact: EAV): boolean {
    const slot = this.indexes.eav.get(fact.e)?.get(fact.a);
    if (slot === undefined) return false;
    if (isValueSet(slot)) return slot.has(valueKey(fact.v));
    return valueEquals(slot, fact.v);
  }

  /** The values of attribute `a` on entity `e` (empty when none). A new array each call. */
  values(e: Eid, a: Attribute): Value[] {
    const slot = this.indexes.eav.get(e)?.get(a);
    if (slot === undefined) return [];
    return isValueSet(slot) ? [...slot.values()] : [slot];
  }

  /**
   * The entity holding `value` under the unique attribute `attr`, or `undefined` (also for
   * attributes that are not unique). Nothing changes.
   * @example store.lookup("person/email", "ann@example.com") // 1
   */
  lookup(attr: Attribute, value: Value): Eid | undefined {
    const info = this.schema.info(attr);
    if (!info.unique) return undefined;
    return avOf(this.indexes, info).get(attr)?.get(valueKey(value));
  }

  /**
   * The refs pointing at `eid`: `[attribute, source]` pairs (VAE index). A new array each call.
   * @example store.referrers(kw("global")) // [["todo/list", 7], ["todo/list", 9]]
   */
  referrers(eid: Eid): Array<[Attribute, Eid]> {
    return referrerPairs(this.indexes.vae.get(eid)).map((p) => [p.attr, p.source]);
  }
}

/** The AV index that holds a unique attribute (identity or value). */
export function avOf(ix: Indexes, info: AttrInfo): AvIndex {
  return info.identity ? ix.avIdentity : ix.avValue;
}

function pushDatoms(out: EAV[], e: Eid, rec: EntityRecord): void {
  for (const [a, slot] of rec.entries()) {
    if (isValueSet(slot)) for (const v of slot.values()) out.push(new EAV(e, a, v));
    else out.push(new EAV(e, a, slot));
  }
}

/** The entity map of a record: card-many values as arrays (a lone one is stored as itself). */
function entityView(schema: Schema, e: Eid, rec: EntityRecord): EntityView {
  const out: Record<string, unknown> = { [EID]: e };
  for (const [a, slot] of rec.entries()) out[a] = isValueSet(slot) ? [...slot.values()] : schema.info(a).many ? [slot] : slot;
  return out as EntityView;
}

/**
 * Creates an empty store. Validates the schema (`store/invalid-schema`) and the options
 * (`store/invalid-options`).
 * @example
 * const store = createStore({
 *   schema: [{ ident: "person/email", cardinality: "one", unique: "identity" }],
 *   preset: "datascript",
 * });
 */
export function createStore(options: StoreOptions = {}): Store {
  return new Store(new Schema(options.schema ?? []), resolveOptions(options), EMPTY);
}

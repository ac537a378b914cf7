/**
 * The shapes of transaction data: normalised ops ({@link TxOp}), the schema facts normalisation
 * needs ({@link SchemaView}), and the forms callers write (entity maps, triples, list forms).
 */
import type { EAV, Attribute, EntityRef } from "./eav.js";
import type { Value } from "./value.js";

/** One normalised transaction operation. `path` locates it in the caller's input, for errors. */
export type TxOp =
  | {
      readonly kind: "add";
      readonly e: EntityRef;
      readonly a: Attribute;
      readonly v: Value;
      readonly path: string;
      /**
       * The entity map the add came from, numbered per normalisation in document order (a map
       * before the maps nested in it); absent for list forms and triples. The store resolves a
       * map's entity once, as DataScript does (upserts, lookup refs), without parsing `path`.
       */
      readonly map?: number;
    }
  | { readonly kind: "retract"; readonly e: EntityRef; readonly a: Attribute; readonly v: Value; readonly path: string }
  | { readonly kind: "retractAttribute"; readonly e: EntityRef; readonly a: Attribute; readonly path: string }
  | { readonly kind: "retractEntity"; readonly e: EntityRef; readonly path: string };

/** What normalisation needs to know of the schema. */
export interface SchemaView {
  /** Card-many: an array value in an entity map is several values. */
  isMany(a: Attribute): boolean;
  /** Ref-typed: a plain-object value in an entity map is a nested entity. */
  isRef(a: Attribute): boolean;
  /** Unique (identity or value): a two-element array `[attr, v]` on a card-many ref is one lookup ref. */
  isUnique(a: Attribute): boolean;
}

/** A schema view for schema-less use: everything card-one, untyped, not unique. */
export const NO_SCHEMA: SchemaView = { isMany: () => false, isRef: () => false, isUnique: () => false };

/** An entity map: `{ "eav/eid"?: e, "ns/attr": value, ... }`. */
export type EntityMap = { readonly [attribute: string]: unknown };

/** A clara-eav fact form: an EAV, a triple `[e, a, v]`, an entity map, or an array of these. */
export type FactInput = EAV<EntityRef> | readonly [EntityRef, Attribute, Value] | EntityMap | readonly FactInput[];

/** A transaction entry: a fact form, or a Datomic list form (`["db/add", e, a, v]`, ...). */
export type TxEntry =
  | EAV<EntityRef>
  | EntityMap
  | readonly [EntityRef, Attribute, Value]
  | readonly ["db/add", EntityRef, Attribute, Value]
  | readonly ["db/retract", EntityRef, Attribute, Value]
  | readonly ["db/retract", EntityRef, Attribute]
  | readonly ["db/retractEntity" | "db.fn/retractEntity", EntityRef]
  | readonly ["db.fn/retractAttribute" | "db/retractAttribute", EntityRef, Attribute];

/** Transaction input: one entry or an array of entries. */
export type TxInput = TxEntry | readonly TxEntry[];

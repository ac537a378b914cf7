/**
 * The EAV record and the predicates for entity ids, tempids and lookup refs.
 */
import type { Keyword} from "./keyword.js";
import { isKeyword } from "./keyword.js";
import { canonicalText, formatValue, valueEquals, type Value } from "./value.js";

/** An attribute: a string `"ns/name"`. In the DSL it is written `:ns/name`. */
export type Attribute = string;

/** The id key of an entity map: `{ "eav/eid": 5, "todo/done": true }`. */
export const EID = "eav/eid";
/** Facts with this attribute run through the rules for one fire and are never stored. */
export const TRANSIENT = "eav/transient";
/** The pattern type that matches every attribute. */
export const ALL = "eav/all";

/** A real entity id: a positive integer or a named entity such as `kw("global")`. */
export type Eid = number | Keyword;

/**
 * A tempid, only meaningful inside one transaction: a negative integer, a string, or a tempid the
 * library generated for an entity map without `eav/eid` (never reported in tempid maps).
 */
export type Tempid = number | string | GeneratedTempid;

/** A lookup ref `[attribute, value]` naming the entity whose unique attribute has that value. */
export type LookupRef = readonly [Attribute, Value];

/** Anything that may stand in the e position of transaction data. */
export type EntityRef = Eid | Tempid | LookupRef;

/**
 * A tempid made by the library for an entity map that has no `eav/eid` (or a nested map).
 * Each one is a distinct new entity unless a unique identity attribute upserts it.
 */
export class GeneratedTempid {
  constructor(readonly id: number) {
    Object.freeze(this);
  }
  toString(): string {
    return `#tempid ${this.id}`;
  }
}

/**
 * An entity-attribute-value fact. Immutable. `E` is `Eid` for stored facts; transaction input may
 * carry tempids or lookup refs in e.
 * @example new EAV(1, "todo/done", false)
 */
export class EAV<E extends EntityRef = Eid> {
  constructor(
    readonly e: E,
    readonly a: Attribute,
    readonly v: Value,
  ) {}

  /** EDN-like text: `[1 :todo/done false]`. */
  toString(): string {
    return `[${formatEid(this.e)} :${this.a} ${formatValue(this.v)}]`;
  }
}

/**
 * Makes an {@link EAV}. Nothing changes.
 * @example eav(kw("global"), "layout/page", kw("todos"))
 */
export function eav<E extends EntityRef = Eid>(e: E, a: Attribute, v: Value): EAV<E> {
  return new EAV(e, a, v);
}

/** True when `x` is an {@link EAV} record. */
export function isEav(x: unknown): x is EAV<EntityRef> {
  return x instanceof EAV;
}

/** True for a real entity id: a positive safe integer or a keyword. */
export function isEid(x: unknown): x is Eid {
  return (typeof x === "number" && Number.isSafeInteger(x) && x > 0) || isKeyword(x);
}

/** True for a tempid: a negative integer, a string, or a {@link GeneratedTempid}. */
export function isTempid(x: unknown): x is Tempid {
  return (
    typeof x === "string" ||
    (typeof x === "number" && Number.isSafeInteger(x) && x < 0) ||
    x instanceof GeneratedTempid
  );
}

/** True for a tempid the caller wrote (negative integer or string), as reported in tempid maps. */
export function isLiteralTempid(x: unknown): x is number | string {
  return typeof x === "string" || (typeof x === "number" && Number.isSafeInteger(x) && x < 0);
}

/** True for a lookup ref: a two-element array whose first element is an attribute string. */
export function isLookupRef(x: unknown): x is LookupRef {
  return Array.isArray(x) && x.length === 2 && typeof x[0] === "string" && isAttribute(x[0]);
}

/** True for anything allowed in the e position of transaction data. */
export function isEntityRef(x: unknown): x is EntityRef {
  return isEid(x) || isTempid(x) || isLookupRef(x);
}

/** True for a syntactically valid attribute: a non-empty string without whitespace. */
export function isAttribute(x: unknown): x is Attribute {
  if (typeof x !== "string" || x.length === 0 || x.charCodeAt(0) === 58 /* : */) return false;
  // no white space (what /\s/ matches), without a regex: every lookup ref and entity-map key is
  // checked, and the regex cost about 250 instructions per change of the join update (issue 7)
  for (let i = 0; i < x.length; i++) {
    const c = x.charCodeAt(i);
    if (c <= 32 ? c === 32 || (c >= 9 && c <= 13) : c >= 0xa0 && isUnicodeSpace(c)) return false;
  }
  return true;
}

/** The non-ASCII white space of /\s/ (Unicode Zs, line and paragraph separators, BOM). */
function isUnicodeSpace(c: number): boolean {
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

/** Equality of entity refs (eids, tempids, lookup refs). */
export function eidEquals(a: EntityRef, b: EntityRef): boolean {
  if (a === b) return true;
  if (isLookupRef(a) && isLookupRef(b)) return a[0] === b[0] && valueEquals(a[1], b[1]);
  return false;
}

/** Equality of facts: same e, same a, value-equal v. */
export function eavEquals(x: EAV<EntityRef>, y: EAV<EntityRef>): boolean {
  return eidEquals(x.e, y.e) && x.a === y.a && valueEquals(x.v, y.v);
}

/**
 * A key per distinct fact, usable in `Map`/`Set`: equal facts give equal keys. Costs one string
 * concatenation for primitive values; structured values go through {@link valueKey}.
 */
export function eavKey(f: EAV<Eid>): string {
  const e = typeof f.e === "number" ? String(f.e) : `:${f.e.name}`;
  return `${e}\u0001${f.a}\u0001${primitiveKeyText(f.v)}`;
}

function primitiveKeyText(v: Value): string {
  switch (typeof v) {
    case "string":
      return `s${v}`;
    case "number":
      return Number.isNaN(v) ? "nNaN" : `n${v === 0 ? 0 : v}`;
    case "bigint":
      return `b${v}`;
    case "boolean":
      return v ? "T" : "F";
    default:
      if (v === null) return "z";
      if (isKeyword(v)) return `k${v.name}`;
      // structured values: their canonical text; the type letter keeps it apart from strings
      return `o${canonicalText(v)}`;
  }
}

/** EDN-like text of an entity ref. */
export function formatEid(e: EntityRef): string {
  if (isLookupRef(e)) return `[:${e[0]} ${formatValue(e[1])}]`;
  if (e instanceof GeneratedTempid) return e.toString();
  return formatValue(e);
}

/**
 * Join keys: the hash key of a value or a tuple of values, equal exactly under value equality (a
 * leaf module: working memory, the memories, accumulators and queries use it). Reads only.
 */
import { canonicalText, isPlainObject, valueKey } from "../../eav/value.js";
import { isKeyword } from "../../eav/keyword.js";

/** The key of the empty tuple (no shared variables). */
export const NO_KEY = "\u0000";

/**
 * The hash key of a tuple of values, equal exactly when the values are pairwise value-equal.
 * One value: its {@link valueKey} (primitives are their own key). Several: their canonical texts.
 */
export function tupleKey(values: readonly unknown[]): unknown {
  if (values.length === 0) return NO_KEY;
  if (values.length === 1) return keyOf(values[0]);
  let s = "";
  for (const v of values) s += textOf(v) + "|";
  return s;
}

/**
 * The hash key of one value: {@link valueKey} for values (EAV value equality), the object itself for
 * anything else (class instances, functions: plain-object facts may hold references to each other).
 */
export function keyOf(v: unknown): unknown {
  if (v === null || typeof v !== "object") return v;
  return isValueObject(v) ? valueKey(v) : v;
}

function textOf(v: unknown): string {
  // fast paths for the common primitives; the type letter and the length prefix keep the
  // concatenation in tupleKey unambiguous
  switch (typeof v) {
    case "number":
      return v === 0 ? "n0" : v !== v ? "nNaN" : `n${v}`;
    case "string":
      return `s${v.length}:${v}`;
    case "boolean":
      return v ? "T" : "F";
    default:
      if (v === null) return "z";
      if (isKeyword(v)) return `k${v.name.length}:${v.name}`;
  }
  if (v !== null && (typeof v === "object" || typeof v === "function") && !isValueObject(v)) {
    let id = objectIds.get(v);
    if (id === undefined) objectIds.set(v, (id = ++lastObjectId));
    return `#ref ${id}`;
  }
  return `o${canonicalText(v)}\u0000`;
}

function isValueObject(v: object): boolean {
  return v instanceof Date || Array.isArray(v) || isKeyword(v) || isPlainObject(v);
}

const objectIds = new WeakMap<object, number>();
let lastObjectId = 0;

/** Equality of keys made by {@link keyOf}: SameValueZero (NaN equals NaN; 0 equals -0). */
export { sameKey } from "../../eav/value.js";

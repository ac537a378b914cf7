/**
 * Values of EAV facts, their equality, hashing keys and EDN-like printing.
 * Two EAVs with equal e, a and value-equal v are the same fact.
 */
import { Keyword, isKeyword } from "./keyword.js";

/** A structured value compared by value (arrays and plain objects). */
export type StructuredValue = readonly Value[] | { readonly [key: string]: Value };

/** A fact's value: a primitive, a Date, a Keyword, `null`, or structured data compared by value. */
export type Value = string | number | boolean | bigint | Date | Keyword | null | StructuredValue;

/** True for a plain object (`{}` literal or `Object.create(null)`), not arrays, Dates or class instances. */
export function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (x === null || typeof x !== "object" || Array.isArray(x)) return false;
  const proto = Object.getPrototypeOf(x) as unknown;
  return proto === Object.prototype || proto === null;
}

/** True when `x` is an acceptable {@link Value} (checked deeply for arrays and plain objects). */
export function isValue(x: unknown): x is Value {
  switch (typeof x) {
    case "string":
    case "boolean":
    case "bigint":
      return true;
    case "number":
      return true;
    case "object":
      if (x === null || x instanceof Date || isKeyword(x)) return true;
      if (Array.isArray(x)) return x.every(isValue);
      if (isPlainObject(x)) return Object.values(x).every(isValue);
      return false;
    default:
      return false;
  }
}

/**
 * Value equality: `===` for primitives and keywords (0 equals -0, NaN equals NaN), time for Dates,
 * deep for arrays and plain objects. bigint `1n` and number `1` are different values.
 * @example valueEquals([1, kw("a")], [1, kw("a")]) // true
 */
export function valueEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === "number" && typeof b === "number") return Number.isNaN(a) && Number.isNaN(b);
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (a instanceof Date) return b instanceof Date && a.getTime() === b.getTime();
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!valueEquals(a[i], b[i])) return false;
    return true;
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    for (const k of ka) {
      if (!Object.prototype.hasOwnProperty.call(b, k) || !valueEquals(a[k], b[k])) return false;
    }
    return true;
  }
  return false;
}

/**
 * A key for a value that behaves in a `Map`/`Set` (SameValueZero) and in Immutable.js collections
 * exactly like {@link valueEquals}: primitives and keywords are their own key; Dates, arrays and
 * plain objects map to one interned {@link ValueKey} object per distinct value.
 *
 * Why interned objects and not canonical strings: a string key could collide with a user's string
 * value; an object key never can. Entries are weakly held, so the table does not grow without bound.
 * @example valueKey(new Date(5)) === valueKey(new Date(5)) // true
 */
export function valueKey(v: unknown): unknown {
  if (v === null || typeof v !== "object" || isKeyword(v)) return v;
  const canon = canonical(v);
  const ref = keyTable.get(canon);
  const existing = ref?.deref();
  if (existing !== undefined) return existing;
  const key = new ValueKey(canon);
  keyTable.set(canon, new WeakRef(key));
  keyCleanup.register(key, canon);
  return key;
}

/**
 * Equality of keys made by {@link valueKey}, as a `Map` compares its keys (SameValueZero: NaN
 * equals NaN, 0 equals -0): for code that keeps a key or two inline before it makes a Map.
 */
export function sameKey(a: unknown, b: unknown): boolean {
  return a === b || (a !== a && b !== b);
}

/** The interned key object of a structured value (see {@link valueKey}). */
export class ValueKey {
  constructor(readonly canonical: string) {
    Object.freeze(this);
  }
}

const keyTable = new Map<string, WeakRef<ValueKey>>();
const keyCleanup = new FinalizationRegistry<string>((canon) => {
  const ref = keyTable.get(canon);
  if (ref !== undefined && ref.deref() === undefined) keyTable.delete(canon);
});

/**
 * Canonical, unambiguous text of a value: equal values (per {@link valueEquals}) and only they give
 * equal texts. Object keys are sorted. Used to intern keys and to build composite keys.
 */
export function canonicalText(v: unknown): string {
  return canonical(v);
}

function canonical(v: unknown): string {
  switch (typeof v) {
    case "string":
      return JSON.stringify(v);
    case "number":
      return Number.isNaN(v) ? "NaN" : Object.is(v, -0) ? "0" : String(v);
    case "bigint":
      return `${v}N`;
    case "boolean":
      return v ? "true" : "false";
    case "object": {
      if (v === null) return "nil";
      if (isKeyword(v)) return `:${v.name}`;
      if (v instanceof Date) return `#inst ${v.getTime()}`;
      if (Array.isArray(v)) return `[${v.map(canonical).join(" ")}]`;
      if (isPlainObject(v)) {
        const keys = Object.keys(v).sort();
        return `{${keys.map((k) => `${JSON.stringify(k)} ${canonical(v[k])}`).join(" ")}}`;
      }
      return `#object ${String(v)}`;
    }
    default:
      return `#${typeof v} ${String(v)}`;
  }
}

/**
 * EDN-like text of a value for messages and output: strings quoted, `:keyword`, `nil`,
 * `#inst "..."`, `12N` for bigint, `[...]` and `{...}`.
 * @example formatValue([kw("a"), "b", null]) // '[:a "b" nil]'
 */
export function formatValue(v: unknown): string {
  switch (typeof v) {
    case "string":
      return JSON.stringify(v);
    case "number":
    case "boolean":
      return String(v);
    case "bigint":
      return `${v}N`;
    case "undefined":
      return "undefined";
    case "function":
      return "#function";
    case "symbol":
      return String(v);
    case "object": {
      if (v === null) return "nil";
      if (v instanceof Keyword) return v.toString();
      if (v instanceof Date) return `#inst ${JSON.stringify(Number.isNaN(v.getTime()) ? "Invalid Date" : v.toISOString())}`;
      if (Array.isArray(v)) return `[${v.map(formatValue).join(" ")}]`;
      if (isPlainObject(v)) {
        return `{${Object.entries(v).map(([k, x]) => `${formatKey(k)} ${formatValue(x)}`).join(", ")}}`;
      }
      const s = (v as { toString?: () => string }).toString?.();
      return typeof s === "string" && s !== "[object Object]" ? s : `#object ${v.constructor?.name ?? "Object"}`;
    }
  }
}

function formatKey(k: string): string {
  return /^[A-Za-z_*+!?<>=.-][\w*+!?<>=./-]*$/.test(k) ? `:${k}` : JSON.stringify(k);
}

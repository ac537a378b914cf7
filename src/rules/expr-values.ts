/**
 * What the expression language knows about the values it handles: equality, ordering, printing,
 * and viewing a collection as a sequence. Besides the fact values of `src/eav` (arrays as vectors,
 * plain objects as maps), expressions meet JS `Set`s (set literals, `hash-set`, `distinct`
 * accumulations), JS `Map`s (`grouping-by` accumulations) and whole facts (`?f <-` bindings).
 * Nothing here changes anything.
 */
import { EavError } from "../errors.js";
import { EAV } from "../eav/eav.js";
import { isKeyword, kw, type Keyword } from "../eav/keyword.js";
import { formatValue, isPlainObject, valueEquals } from "../eav/value.js";

// ---------------------------------------------------------------- built-in shape

/**
 * One built-in: the general entry point takes the evaluated arguments; `call1` / `call2`, where
 * present, are allocation-free entry points the evaluator uses for one or two arguments (the hot
 * case: `(> ?t 1000)`, `(inc ?n)`). All three give the same results.
 */
export interface Builtin {
  readonly name: string;
  /** Fewest arguments. */
  readonly min: number;
  /** Most arguments (`Infinity` when variadic). */
  readonly max: number;
  readonly call: (args: readonly unknown[]) => unknown;
  readonly call1?: (a: unknown) => unknown;
  readonly call2?: (a: unknown, b: unknown) => unknown;
}

/** The implementation part of a {@link Builtin}, as the function modules write it. */
export interface BuiltinImpl {
  readonly call: (args: readonly unknown[]) => unknown;
  readonly call1?: (a: unknown) => unknown;
  readonly call2?: (a: unknown, b: unknown) => unknown;
}

// ---------------------------------------------------------------- errors

/**
 * Makes the `rules/eval-error` of a call: the message shows the call with its evaluated arguments
 * and the reason, e.g. `(+ 1 "a"): "a" is not a number`. Nothing changes.
 * @example throw evalError("+", [1, "a"], `"a" is not a number`)
 */
export function evalError(fn: string, args: readonly unknown[], reason: string, cause?: unknown): EavError<"rules/eval-error"> {
  const call = `(${[fn, ...args.map(showValue)].join(" ")})`;
  return new EavError("rules/eval-error", `${call}: ${reason}`, { fn, args: [...args] }, cause === undefined ? undefined : { cause });
}

// ---------------------------------------------------------------- equality

/**
 * Clojure `=` on expression values: {@link valueEquals} for fact values, extended to sets (same
 * members by value), JS maps (same keys by value with equal values) and facts (same e, a, v).
 * @example equals(new Set([1, 2]), new Set([2, 1])) // true
 */
export function equals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return valueEquals(a, b);
  if (a instanceof Set) {
    if (!(b instanceof Set) || a.size !== b.size) return false;
    for (const x of a) if (!setHas(b, x)) return false;
    return true;
  }
  if (a instanceof Map) {
    if (!(b instanceof Map) || a.size !== b.size) return false;
    for (const [k, v] of a) {
      const found = mapFind(b, k);
      if (found === undefined || !equals(v, found[1])) return false;
    }
    return true;
  }
  if (a instanceof EAV) return b instanceof EAV && equals(a.e, b.e) && a.a === b.a && equals(a.v, b.v);
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!equals(a[i], b[i])) return false;
    return true;
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    for (const k of ka) if (!Object.prototype.hasOwnProperty.call(b, k) || !equals(a[k], b[k])) return false;
    return true;
  }
  return valueEquals(a, b);
}

/**
 * Set membership by value: `Set.has` first (primitives, keywords, same object), then a scan for
 * structured values. Reads only.
 * @example setHas(new Set([[1]]), [1]) // true
 */
export function setHas(s: ReadonlySet<unknown>, x: unknown): boolean {
  if (s.has(x)) return true;
  if (typeof x !== "object" || x === null || isKeyword(x)) return typeof x === "number" && Number.isNaN(x) ? scan(s, x) : false;
  return scan(s, x);
}

function scan(s: ReadonlySet<unknown>, x: unknown): boolean {
  for (const y of s) if (equals(x, y)) return true;
  return false;
}

/**
 * The entry of a JS map whose key equals `k` by value, or `undefined`. Reads only.
 * @example mapFind(new Map([[[1], "a"]]), [1]) // [[1], "a"]
 */
export function mapFind(m: ReadonlyMap<unknown, unknown>, k: unknown): readonly [unknown, unknown] | undefined {
  if (m.has(k)) return [k, m.get(k)];
  if (typeof k !== "object" || k === null || isKeyword(k)) return undefined;
  for (const entry of m) if (equals(entry[0], k)) return entry;
  return undefined;
}

/**
 * A new set of `items` without repeats by value (first occurrence wins). Nothing else changes.
 * @example setOf([[1], [1], 2]) // Set { [1], 2 }
 */
export function setOf(items: Iterable<unknown>): Set<unknown> {
  const out = new Set<unknown>();
  for (const x of items) if (!setHas(out, x)) out.add(x);
  return out;
}

// ---------------------------------------------------------------- ordering

/** The kinds `<`, `>`, `min`, `max` accept; all arguments must share one. */
export type OrderedKind = "number" | "bigint" | "string" | "date";

/**
 * The ordered kind of `x`, or `undefined` when `<` does not apply to it.
 * @example orderedKind(new Date()) // "date"
 */
export function orderedKind(x: unknown): OrderedKind | undefined {
  switch (typeof x) {
    case "number":
      return "number";
    case "bigint":
      return "bigint";
    case "string":
      return "string";
    default:
      return x instanceof Date ? "date" : undefined;
  }
}

/**
 * Clojure `compare` as -1, 0 or 1: nil sorts first; numbers (bigints only with bigints), strings,
 * keywords (namespace, then name), booleans (false first), dates, and vectors (shorter first, then
 * item by item) compare within their kind. Anything else, or two different kinds, is an error of
 * the call `fn` with `args` (by default `(compare a b)`).
 * @example compareValues(kw("a"), kw("b")) // -1
 */
export function compareValues(a: unknown, b: unknown, fn = "compare", args: readonly unknown[] = [a, b]): -1 | 0 | 1 {
  if (a === null || a === undefined) return b === null || b === undefined ? 0 : -1;
  if (b === null || b === undefined) return 1;
  const ka = kindOf(a);
  const kb = kindOf(b);
  if (ka !== kb || ka === "other") {
    throw evalError(fn, args, ka === kb ? `${showValue(a)} is not comparable` : `cannot compare ${kindPhrase(a)} with ${kindPhrase(b)}`);
  }
  switch (ka) {
    case "number":
      return sign(a as number, b as number);
    case "bigint":
      return sign(a as bigint, b as bigint);
    case "string":
      return sign(a as string, b as string);
    case "boolean":
      return a === b ? 0 : a === false ? -1 : 1;
    case "date":
      return sign((a as Date).getTime(), (b as Date).getTime());
    case "keyword": {
      const x = a as Keyword;
      const y = b as Keyword;
      const nx = x.namespace;
      const ny = y.namespace;
      if (nx !== ny) return nx === undefined ? -1 : ny === undefined ? 1 : sign(nx, ny);
      return sign(x.local, y.local);
    }
    case "vector": {
      const x = a as readonly unknown[];
      const y = b as readonly unknown[];
      if (x.length !== y.length) return x.length < y.length ? -1 : 1;
      for (let i = 0; i < x.length; i++) {
        const c = compareValues(x[i], y[i], fn, args);
        if (c !== 0) return c;
      }
      return 0;
    }
  }
}

function sign<T extends number | bigint | string>(a: T, b: T): -1 | 0 | 1 {
  return a < b ? -1 : a > b ? 1 : 0;
}

type CompareKind = "number" | "bigint" | "string" | "boolean" | "date" | "keyword" | "vector" | "other";

function kindOf(x: unknown): CompareKind {
  switch (typeof x) {
    case "number":
      return "number";
    case "bigint":
      return "bigint";
    case "string":
      return "string";
    case "boolean":
      return "boolean";
    default:
      if (x instanceof Date) return "date";
      if (isKeyword(x)) return "keyword";
      if (Array.isArray(x)) return "vector";
      return "other";
  }
}

/**
 * A short noun phrase for a value's kind, for messages.
 * @example kindPhrase(1n) // "a bigint"
 */
export function kindPhrase(x: unknown): string {
  if (x === null || x === undefined) return "nil";
  switch (typeof x) {
    case "number":
      return "a number";
    case "bigint":
      return "a bigint";
    case "string":
      return "a string";
    case "boolean":
      return "a boolean";
    case "function":
      return "a function";
    default:
      if (x instanceof Date) return "a date";
      if (isKeyword(x)) return "a keyword";
      if (Array.isArray(x)) return "a vector";
      if (x instanceof Set) return "a set";
      if (x instanceof Map || isPlainObject(x)) return "a map";
      if (x instanceof EAV) return "a fact";
      return "an object";
  }
}

// ---------------------------------------------------------------- printing

/**
 * EDN-like text of an expression value for messages: {@link formatValue}, plus `#{...}` for sets,
 * `{k v, ...}` for JS maps and facts as `[e :a v]`.
 * @example showValue(new Set([1])) // "#{1}"
 */
export function showValue(x: unknown): string {
  if (x instanceof Set) return `#{${[...x].map(showValue).join(" ")}}`;
  if (x instanceof Map) return `{${[...x].map(([k, v]) => `${showValue(k)} ${showValue(v)}`).join(", ")}}`;
  if (Array.isArray(x)) return `[${x.map(showValue).join(" ")}]`;
  return formatValue(x);
}

/**
 * Clojure `str` of one value: nil is empty, a string is itself, a keyword is `:ns/name`, a date is
 * its ISO text, a bigint its digits; collections print as {@link showValue}.
 * @example toText(null) // ""
 */
export function toText(x: unknown): string {
  switch (typeof x) {
    case "string":
      return x;
    case "number":
    case "boolean":
    case "bigint":
      return String(x);
    case "undefined":
      return "";
    default:
      if (x === null) return "";
      if (x instanceof Date) return Number.isNaN(x.getTime()) ? "Invalid Date" : x.toISOString();
      return showValue(x);
  }
}

// ---------------------------------------------------------------- sequences

/**
 * The items of a collection as an array, as Clojure's `seq` sees them: a vector is itself, a set its
 * members, a map its `[key, value]` entries (attribute keys as keywords), a string its characters,
 * nil nothing. Anything else is an error of the call `fn` with `args`. Does not copy vectors.
 * @example seqOf([1, 2], "first", [[1, 2]]) // [1, 2]
 */
export function seqOf(x: unknown, fn: string, args: readonly unknown[]): readonly unknown[] {
  if (Array.isArray(x)) return x;
  if (x === null || x === undefined) return EMPTY;
  if (typeof x === "string") return Array.from(x);
  if (x instanceof Set) return [...x];
  if (x instanceof Map) return [...x].map(([k, v]) => [k, v]);
  if (isPlainObject(x)) return Object.keys(x).map((k) => [kw(k), x[k]]);
  throw evalError(fn, args, `${showValue(x)} is not a collection`);
}

const EMPTY: readonly unknown[] = Object.freeze([]);

/**
 * True for the map-like values: plain objects and JS maps.
 * @example isMapLike({ "a/b": 1 }) // true
 */
export function isMapLike(x: unknown): x is Record<string, unknown> | ReadonlyMap<unknown, unknown> {
  return x instanceof Map || isPlainObject(x);
}

/**
 * Sets `key` on a plain object being built. A plain assignment of `"__proto__"` would change the
 * object's prototype instead of adding a key, so that one key is defined as an own property.
 * Mutates `target` (a fresh object owned by the caller).
 */
export function setOwnMutable(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === "__proto__") Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

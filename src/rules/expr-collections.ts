/**
 * Collection built-ins of the expression language, Clojure-like, on vectors (arrays), sets (JS
 * `Set`), maps (entity maps as plain objects; `grouping-by` results as JS `Map`s), strings and nil.
 * Pure: a "changed" collection is always a new one; the arguments are never mutated.
 *
 * Map keys: a plain object's keys are strings, so a keyword key reads or writes the attribute of
 * its name (`(get ?m :order/total)` reads `m["order/total"]`), and `keys` returns keywords.
 */
import { EAV } from "../eav/eav.js";
import { isKeyword, kw } from "../eav/keyword.js";
import { isPlainObject } from "../eav/value.js";
import {
  compareValues,
  equals,
  evalError,
  isMapLike,
  mapFind,
  seqOf,
  setHas,
  setOf,
  setOwnMutable,
  showValue,
  type BuiltinImpl,
} from "./expr-values.js";

/** A marker for "no value under that key", distinct from every value including nil. */
const NOT_FOUND: unique symbol = Symbol("not-found");

/** The string key a plain object uses for `key`, or `undefined` when it cannot hold that key. */
function objectKey(key: unknown): string | undefined {
  if (typeof key === "string") return key;
  return isKeyword(key) ? key.name : undefined;
}

/**
 * Clojure `get` without a default: the value under `key` in `coll`, or {@link NOT_FOUND}. Keywords
 * read attributes of entity maps and the `e` / `a` / `v` fields of facts; integers index vectors and
 * strings; sets answer with their member. Non-collections have nothing under any key (nil-punning).
 */
function lookup(coll: unknown, key: unknown): unknown {
  if (coll === null || coll === undefined) return NOT_FOUND;
  if (Array.isArray(coll)) return typeof key === "number" && Number.isInteger(key) && key >= 0 && key < coll.length ? coll[key] : NOT_FOUND;
  if (typeof coll === "string") return typeof key === "number" && Number.isInteger(key) && key >= 0 && key < coll.length ? coll[key] : NOT_FOUND;
  if (typeof coll !== "object") return NOT_FOUND;
  if (coll instanceof Map) {
    const entry = mapFind(coll, key);
    return entry === undefined ? NOT_FOUND : entry[1];
  }
  if (coll instanceof Set) {
    if (coll.has(key)) return key;
    for (const x of coll) if (equals(x, key)) return x;
    return NOT_FOUND;
  }
  if (coll instanceof Date || isKeyword(coll)) return NOT_FOUND;
  if (coll instanceof EAV) {
    const k = objectKey(key);
    return k === "e" ? coll.e : k === "a" ? coll.a : k === "v" ? coll.v : NOT_FOUND;
  }
  // entity maps, and plain-object facts of other engines (own properties only: never the prototype)
  const k = objectKey(key);
  if (k === undefined || !Object.prototype.hasOwnProperty.call(coll, k)) return NOT_FOUND;
  const v = (coll as Record<string, unknown>)[k];
  return v === undefined ? NOT_FOUND : v;
}

function get(args: readonly unknown[]): unknown {
  const v = lookup(args[0], args[1]);
  return v === NOT_FOUND ? (args.length > 2 ? args[2] : null) : v;
}

function getIn(args: readonly unknown[]): unknown {
  const path = seqOf(args[1], "get-in", args);
  let cur: unknown = args[0];
  for (const key of path) {
    cur = lookup(cur, key);
    if (cur === NOT_FOUND) return args.length > 2 ? args[2] : null;
  }
  return cur;
}

function count(x: unknown): number {
  if (x === null || x === undefined) return 0;
  if (Array.isArray(x) || typeof x === "string") return x.length;
  if (x instanceof Set || x instanceof Map) return x.size;
  if (isPlainObject(x)) return Object.keys(x).length;
  throw evalError("count", [x], `count is not supported on ${showValue(x)}`);
}

function containsKey(args: readonly unknown[]): boolean {
  const [coll, key] = args;
  if (coll === null || coll === undefined) return false;
  if (coll instanceof Set) return setHas(coll, key);
  if (coll instanceof Map) return mapFind(coll, key) !== undefined;
  if (Array.isArray(coll) || typeof coll === "string") return typeof key === "number" && Number.isInteger(key) && key >= 0 && key < coll.length;
  if (isPlainObject(coll)) {
    const k = objectKey(key);
    return k !== undefined && Object.prototype.hasOwnProperty.call(coll, k);
  }
  throw evalError("contains?", args, `contains? is not supported on ${showValue(coll)}`);
}

function nth(args: readonly unknown[]): unknown {
  const [coll, i] = args;
  if (coll === null || coll === undefined) return args.length > 2 ? args[2] : null;
  if (!Array.isArray(coll) && typeof coll !== "string") throw evalError("nth", args, `nth is not supported on ${showValue(coll)}`);
  if (typeof i !== "number" || !Number.isInteger(i)) throw evalError("nth", args, `${showValue(i)} is not an integer index`);
  if (i >= 0 && i < coll.length) return coll[i];
  if (args.length > 2) return args[2];
  throw evalError("nth", args, `index ${i} out of range for ${coll.length} items`);
}

function conj(args: readonly unknown[]): unknown {
  const coll = args[0];
  const items = args.slice(1);
  if (coll === null || coll === undefined || Array.isArray(coll)) return [...((coll as readonly unknown[] | null | undefined) ?? []), ...items];
  if (coll instanceof Set) return setOf([...coll, ...items]);
  if (isMapLike(coll)) {
    // (conj m [k v] ...) adds entries; (conj m other-map) merges it
    let out: unknown = coll;
    for (const item of items) {
      if (Array.isArray(item) && item.length === 2) out = assoc(["conj", args], out, item[0], item[1]);
      else if (isMapLike(item)) for (const [k, v] of seqOf(item, "conj", args) as [unknown, unknown][]) out = assoc(["conj", args], out, k, v);
      else throw evalError("conj", args, `${showValue(item)} is not a [key value] entry or a map`);
    }
    return out;
  }
  throw evalError("conj", args, `conj is not supported on ${showValue(coll)}`);
}

/** One association into a fresh copy of `coll` (nil is an empty map); `ctx` is the call, for errors. */
function assoc(ctx: readonly [string, readonly unknown[]], coll: unknown, key: unknown, value: unknown): unknown {
  const [fn, args] = ctx;
  if (coll instanceof Map) {
    const out = new Map(coll);
    const existing = mapFind(out, key);
    out.set(existing === undefined ? key : existing[0], value);
    return out;
  }
  if (Array.isArray(coll)) {
    if (typeof key !== "number" || !Number.isInteger(key) || key < 0 || key > coll.length) {
      throw evalError(fn, args, `index ${showValue(key)} out of range for ${coll.length} items`);
    }
    const out = [...coll];
    out[key] = value;
    return out;
  }
  if (coll === null || coll === undefined || isPlainObject(coll)) {
    const k = objectKey(key);
    if (k === undefined) throw evalError(fn, args, `an entity map's keys are keywords or strings, not ${showValue(key)}`);
    const out: Record<string, unknown> = {};
    if (coll !== null && coll !== undefined) for (const ck of Object.keys(coll)) setOwnMutable(out, ck, coll[ck]);
    setOwnMutable(out, k, value);
    return out;
  }
  throw evalError(fn, args, `${fn} is not supported on ${showValue(coll)}`);
}

function assocAll(args: readonly unknown[]): unknown {
  if (args.length % 2 === 0) throw evalError("assoc", args, "expects a map followed by key value pairs");
  let out = args[0];
  for (let i = 1; i < args.length; i += 2) out = assoc(["assoc", args], out, args[i], args[i + 1]);
  return out;
}

function dissoc(args: readonly unknown[]): unknown {
  const coll = args[0];
  if (coll === null || coll === undefined) return null;
  if (coll instanceof Map) {
    const out = new Map(coll);
    for (const key of args.slice(1)) {
      const entry = mapFind(out, key);
      if (entry !== undefined) out.delete(entry[0]);
    }
    return out;
  }
  if (isPlainObject(coll)) {
    const drop = new Set(args.slice(1).map(objectKey));
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(coll)) if (!drop.has(k)) setOwnMutable(out, k, coll[k]);
    return out;
  }
  throw evalError("dissoc", args, `dissoc is not supported on ${showValue(coll)}`);
}

/** `keys` / `vals`: nil for an empty or nil map, as in Clojure. */
function mapPart(fn: "keys" | "vals", x: unknown): unknown {
  if (x === null || x === undefined) return null;
  let out: unknown[];
  if (x instanceof Map) out = fn === "keys" ? [...x.keys()] : [...x.values()];
  else if (isPlainObject(x)) out = fn === "keys" ? Object.keys(x).map((k) => kw(k)) : Object.values(x);
  else throw evalError(fn, [x], `${showValue(x)} is not a map`);
  return out.length === 0 ? null : out;
}

function firstOrLast(fn: "first" | "last", x: unknown): unknown {
  if (Array.isArray(x)) return (fn === "first" ? x[0] : x[x.length - 1]) ?? null;
  const items = seqOf(x, fn, [x]);
  return (fn === "first" ? items[0] : items[items.length - 1]) ?? null;
}

function distinct(x: unknown): unknown[] {
  return [...setOf(seqOf(x, "distinct", [x]))];
}

function sort(x: unknown): unknown[] {
  // Array.prototype.sort is stable, so equal items keep their order, as Clojure's sort does
  return [...seqOf(x, "sort", [x])].sort((a, b) => compareValues(a, b, "sort", [x]));
}

function unary(f: (x: unknown) => unknown): BuiltinImpl {
  return { call: (args) => f(args[0]), call1: f };
}

/**
 * The collection built-ins, keyed by name (assembled into the table by `functions.ts`). Read-only.
 * @example collectionFunctions.count?.call([null]) // 0
 */
export const collectionFunctions: Readonly<Record<string, BuiltinImpl>> = {
  count: unary(count),
  "empty?": unary((x) => count(x) === 0),
  "contains?": { call: containsKey, call2: (a, b) => containsKey([a, b]) },
  get: { call: get, call2: (a, b) => get([a, b]) },
  "get-in": { call: getIn, call2: (a, b) => getIn([a, b]) },
  first: unary((x) => firstOrLast("first", x)),
  last: unary((x) => firstOrLast("last", x)),
  nth: { call: nth, call2: (a, b) => nth([a, b]) },
  conj: { call: conj, call1: (a) => conj([a]), call2: (a, b) => conj([a, b]) },
  // the evaluator hands `call` a fresh array, but copy anyway: built-ins never keep their input
  vector: { call: (args) => [...args], call1: (a) => [a], call2: (a, b) => [a, b] },
  "hash-set": { call: (args) => setOf(args), call1: (a) => new Set([a]), call2: (a, b) => setOf([a, b]) },
  assoc: { call: assocAll },
  dissoc: { call: dissoc, call1: (a) => dissoc([a]), call2: (a, b) => dissoc([a, b]) },
  keys: unary((x) => mapPart("keys", x)),
  vals: unary((x) => mapPart("vals", x)),
  distinct: unary(distinct),
  sort: unary(sort),
  reverse: unary((x) => [...seqOf(x, "reverse", [x])].reverse()),
};

/**
 * String built-ins of the expression language (`str`, `subs`, `upper-case`, `re-matches`, `split`,
 * `join`, `keyword`, `name`, ...), Clojure-like. Pure functions of their arguments.
 */
import { evalError, seqOf, showValue, toText, type BuiltinImpl } from "./expr-values.js";
import { isKeyword, kw } from "../eav/keyword.js";

function str(fn: string, args: readonly unknown[], x: unknown): string {
  if (typeof x !== "string") throw evalError(fn, args, `${showValue(x)} is not a string`);
  return x;
}

/** A function of one string argument. */
function onString(fn: string, f: (s: string) => unknown): BuiltinImpl {
  const call1 = (x: unknown): unknown => f(str(fn, [x], x));
  return { call: (args) => call1(args[0]), call1 };
}

/** A function of two string arguments. */
function onStrings(fn: string, f: (s: string, t: string) => unknown): BuiltinImpl {
  const call2 = (a: unknown, b: unknown): unknown => f(str(fn, [a, b], a), str(fn, [a, b], b));
  return { call: (args) => call2(args[0], args[1]), call2 };
}

function index(fn: string, args: readonly unknown[], x: unknown): number {
  if (typeof x !== "number" || !Number.isInteger(x)) throw evalError(fn, args, `${showValue(x)} is not an integer index`);
  return x;
}

function subs(args: readonly unknown[]): string {
  const s = str("subs", args, args[0]);
  const start = index("subs", args, args[1]);
  const end = args.length > 2 ? index("subs", args, args[2]) : s.length;
  // Clojure throws StringIndexOutOfBoundsException rather than clamping
  if (start < 0 || end > s.length || start > end) throw evalError("subs", args, `index out of range for a string of length ${s.length}`);
  return s.slice(start, end);
}

// Compiled patterns, by source text. Rule files use a handful of literal patterns, so the cache
// stays small; it is cleared when full rather than growing with dynamically built patterns.
const REGEX_CACHE_LIMIT = 256;
const regexCache = new Map<string, RegExp>();

function wholeMatchRegex(args: readonly unknown[], source: string): RegExp {
  let re = regexCache.get(source);
  if (re === undefined) {
    try {
      re = new RegExp(`^(?:${source})$`);
    } catch (cause) {
      throw evalError("re-matches", args, `invalid regular expression: ${cause instanceof Error ? cause.message : String(cause)}`, cause);
    }
    if (regexCache.size >= REGEX_CACHE_LIMIT) regexCache.clear();
    regexCache.set(source, re);
  }
  return re;
}

/** Clojure `re-matches`: nil when the whole string does not match; the string without groups; else `[whole g1 ...]`. */
function reMatches(args: readonly unknown[]): unknown {
  const re = wholeMatchRegex(args, str("re-matches", args, args[0]));
  const m = re.exec(str("re-matches", args, args[1]));
  if (m === null) return null;
  return m.length === 1 ? m[0] : m.map((g) => g ?? null);
}

/** Clojure `split` with a literal separator: trailing empty strings are dropped (Java's split). */
function split(s: string, sep: string): string[] {
  const parts = s.split(sep);
  if (parts.length === 1) return parts;
  while (parts.length > 0 && parts[parts.length - 1] === "") parts.pop();
  return parts;
}

function join(args: readonly unknown[]): string {
  // Clojure's argument order: (join coll) or (join separator coll)
  const sep = args.length === 2 ? str("join", args, args[0]) : "";
  const items = seqOf(args[args.length - 1], "join", args);
  let out = "";
  for (let i = 0; i < items.length; i++) out += (i > 0 ? sep : "") + toText(items[i]);
  return out;
}

function keyword(x: unknown): unknown {
  if (x === null || x === undefined) return null;
  if (isKeyword(x)) return x;
  const s = str("keyword", [x], x);
  if (s.length === 0 || s === ":") throw evalError("keyword", [x], "a keyword needs a name");
  return kw(s);
}

function name(x: unknown): unknown {
  if (isKeyword(x)) return x.local;
  return str("name", [x], x);
}

function namespace(x: unknown): unknown {
  if (!isKeyword(x)) throw evalError("namespace", [x], `${showValue(x)} is not a keyword`);
  return x.namespace ?? null;
}

function blank(x: unknown): boolean {
  if (x === null || x === undefined) return true;
  return str("blank?", [x], x).trim().length === 0;
}

/**
 * The string built-ins, keyed by name (assembled into the table by `functions.ts`). Read-only.
 * @example stringFunctions["upper-case"]?.call(["ab"]) // "AB"
 */
export const stringFunctions: Readonly<Record<string, BuiltinImpl>> = {
  str: {
    call: (args) => {
      let out = "";
      for (const x of args) out += toText(x);
      return out;
    },
    call1: toText,
    call2: (a, b) => toText(a) + toText(b),
  },
  subs: { call: subs, call2: (a, b) => subs([a, b]) },
  "upper-case": onString("upper-case", (s) => s.toUpperCase()),
  "lower-case": onString("lower-case", (s) => s.toLowerCase()),
  trim: onString("trim", (s) => s.trim()),
  "blank?": { call: (args) => blank(args[0]), call1: blank },
  "starts-with?": onStrings("starts-with?", (s, t) => s.startsWith(t)),
  "ends-with?": onStrings("ends-with?", (s, t) => s.endsWith(t)),
  "includes?": onStrings("includes?", (s, t) => s.includes(t)),
  "re-matches": { call: reMatches, call2: (a, b) => reMatches([a, b]) },
  split: onStrings("split", split),
  join: { call: join, call1: (a) => join([a]), call2: (a, b) => join([a, b]) },
  keyword: { call: (args) => keyword(args[0]), call1: keyword },
  name: { call: (args) => name(args[0]), call1: name },
  namespace: { call: (args) => namespace(args[0]), call1: namespace },
};

/**
 * The built-in functions of the expression language: exactly the non-effect names of
 * `BUILTIN_SIGNATURES`, with Clojure-like semantics on our values. This file holds the table and
 * the numeric, comparison and logic functions; strings and collections live in `expr-strings.ts`
 * and `expr-collections.ts`.
 *
 * Numbers: JS doubles, or bigints. Arithmetic on bigints stays bigint; mixing a bigint with a
 * number is an error (so is comparing them, to stay consistent with `=`, where `1n` is not `1`).
 * Division by zero is an error, for doubles too (Clojure's integer behaviour, not IEEE infinity).
 * There are no ratios: `(/ 1 3)` is a double, and a bigint division must be exact (else use `quot`).
 */
import { BUILTIN_SIGNATURES } from "./signatures.js";
import { collectionFunctions } from "./expr-collections.js";
import { stringFunctions } from "./expr-strings.js";
import { compareValues, equals, evalError, kindPhrase, orderedKind, showValue, type Builtin, type BuiltinImpl, type OrderedKind } from "./expr-values.js";

export type { Builtin, BuiltinImpl } from "./expr-values.js";
import { isKeyword } from "../eav/keyword.js";

// ---------------------------------------------------------------- numbers

type NumKind = "number" | "bigint";

/** Checks that every argument is a number, all of one kind; returns the kind. */
function numericKind(fn: string, args: readonly unknown[]): NumKind {
  let kind: NumKind | undefined;
  for (const x of args) {
    const k = typeof x;
    if (k !== "number" && k !== "bigint") throw evalError(fn, args, `${showValue(x)} is not a number`);
    if (kind === undefined) kind = k;
    else if (kind !== k) throw evalError(fn, args, "cannot mix numbers and bigints");
  }
  return kind ?? "number";
}

function nonZero(fn: string, args: readonly unknown[], d: number | bigint): void {
  if (d === 0 || d === 0n) throw evalError(fn, args, "division by zero");
}

const add2 = (a: unknown, b: unknown): unknown =>
  typeof a === "number" && typeof b === "number" ? a + b : foldNum("+", [a, b]);
const sub2 = (a: unknown, b: unknown): unknown =>
  typeof a === "number" && typeof b === "number" ? a - b : foldNum("-", [a, b]);
const mul2 = (a: unknown, b: unknown): unknown =>
  typeof a === "number" && typeof b === "number" ? a * b : foldNum("*", [a, b]);

/** `+`, `-`, `*`, `/` over any number of checked arguments. */
function foldNum(fn: "+" | "-" | "*" | "/", args: readonly unknown[]): unknown {
  const kind = numericKind(fn, args);
  if (args.length === 0) return fn === "*" ? 1 : 0;
  if (kind === "bigint") {
    const xs = args as readonly bigint[];
    if (xs.length === 1 && fn === "-") return -xs[0]!;
    if (xs.length === 1 && fn === "/") return bigDiv(args, 1n, xs[0]!);
    let acc = xs[0]!;
    for (let i = 1; i < xs.length; i++) {
      const x = xs[i]!;
      acc = fn === "+" ? acc + x : fn === "-" ? acc - x : fn === "*" ? acc * x : bigDiv(args, acc, x);
    }
    return acc;
  }
  const xs = args as readonly number[];
  if (xs.length === 1 && fn === "-") return -xs[0]!;
  if (xs.length === 1 && fn === "/") {
    nonZero(fn, args, xs[0]!);
    return 1 / xs[0]!;
  }
  let acc = xs[0]!;
  for (let i = 1; i < xs.length; i++) {
    const x = xs[i]!;
    if (fn === "/") nonZero(fn, args, x);
    acc = fn === "+" ? acc + x : fn === "-" ? acc - x : fn === "*" ? acc * x : acc / x;
  }
  return acc;
}

function bigDiv(args: readonly unknown[], a: bigint, b: bigint): bigint {
  nonZero("/", args, b);
  if (a % b !== 0n) throw evalError("/", args, "a bigint division must be exact (there are no ratios); use quot");
  return a / b;
}

/** `mod`, `rem`, `quot`: two numbers of one kind, the divisor non-zero. */
function intDivision(fn: "mod" | "rem" | "quot"): BuiltinImpl {
  const call2 = (a: unknown, b: unknown): unknown => {
    const args = [a, b];
    const kind = numericKind(fn, args);
    nonZero(fn, args, b as number | bigint);
    if (kind === "bigint") {
      const x = a as bigint;
      const y = b as bigint;
      if (fn === "quot") return x / y;
      const r = x % y;
      return fn === "mod" && r !== 0n && r < 0n !== y < 0n ? r + y : r;
    }
    const x = a as number;
    const y = b as number;
    if (fn === "quot") return Math.trunc(x / y);
    const r = x % y;
    return fn === "mod" && r !== 0 && r < 0 !== y < 0 ? r + y : r;
  };
  return { call: (args) => call2(args[0], args[1]), call2 };
}

/** A one-argument numeric function with a double and a bigint version. */
function unaryNum(fn: string, onNumber: (x: number) => number, onBigint: (x: bigint) => bigint): BuiltinImpl {
  const call1 = (x: unknown): unknown => {
    if (typeof x === "number") return onNumber(x);
    if (typeof x === "bigint") return onBigint(x);
    throw evalError(fn, [x], `${showValue(x)} is not a number`);
  };
  return { call: (args) => call1(args[0]), call1 };
}

const identity = (x: bigint): bigint => x;

// ---------------------------------------------------------------- comparison

/** The ordered kind shared by all arguments of `<` and friends (and `min` / `max`). */
function sharedOrderedKind(fn: string, args: readonly unknown[]): OrderedKind {
  let kind: OrderedKind | undefined;
  for (const x of args) {
    const k = orderedKind(x);
    if (k === undefined) throw evalError(fn, args, `${showValue(x)} is not a number, a string or a date`);
    if (kind === undefined) kind = k;
    else if (kind !== k) throw evalError(fn, args, `cannot compare ${kindPhrase(args[0])} with ${kindPhrase(x)}`);
  }
  return kind ?? "number";
}

/** Orders two already-checked values of one ordered kind: negative, zero or positive. */
function order(a: unknown, b: unknown): number {
  if (a instanceof Date) return a.getTime() - (b as Date).getTime();
  const x = a as number | bigint | string;
  const y = b as number | bigint | string;
  // NaN compares false both ways, as in Clojure: neither < nor > holds
  return x < y ? -1 : x > y ? 1 : x === y ? 0 : Number.NaN;
}

/** `<`, `>`, `<=`, `>=`: every adjacent pair satisfies `ok(order)`. */
function chain(fn: string, ok: (c: number) => boolean, fast: (a: number, b: number) => boolean): BuiltinImpl {
  const call = (args: readonly unknown[]): unknown => {
    sharedOrderedKind(fn, args);
    for (let i = 1; i < args.length; i++) if (!ok(order(args[i - 1], args[i]))) return false;
    return true;
  };
  const call2 = (a: unknown, b: unknown): unknown => {
    if (typeof a === "number" && typeof b === "number") return fast(a, b);
    return call([a, b]);
  };
  return { call, call2, call1: (a) => call([a]) };
}

function extremum(fn: "min" | "max"): BuiltinImpl {
  const call = (args: readonly unknown[]): unknown => {
    const kind = sharedOrderedKind(fn, args);
    let best = args[0];
    for (let i = 1; i < args.length; i++) {
      const x = args[i];
      // NaN wins, as Math.min/max and Clojure's min/max on doubles
      if (kind === "number" && Number.isNaN(x)) return x;
      const c = order(x, best);
      if (fn === "min" ? c < 0 : c > 0) best = x;
    }
    return best;
  };
  return { call, call1: (a) => call([a]), call2: (a, b) => call([a, b]) };
}

const eq2 = (a: unknown, b: unknown): boolean => a === b || equals(a, b);

function allEqual(args: readonly unknown[]): boolean {
  for (let i = 1; i < args.length; i++) if (!eq2(args[0], args[i])) return false;
  return true;
}

// ---------------------------------------------------------------- logic and predicates

/**
 * Clojure truthiness: only `nil` (null or undefined) and `false` are falsey. Pure.
 * @example isTruthy(0) // true; isTruthy(null) // false
 */
export function isTruthy(x: unknown): boolean {
  return x !== null && x !== undefined && x !== false;
}

function predicate(test: (x: unknown) => boolean): BuiltinImpl {
  return { call: (args) => test(args[0]), call1: test };
}

// ---------------------------------------------------------------- the table

const coreFunctions: Readonly<Record<string, BuiltinImpl>> = {
  "=": { call: allEqual, call1: () => true, call2: eq2 },
  "not=": { call: (args) => !allEqual(args), call1: () => false, call2: (a, b) => !eq2(a, b) },
  "<": chain("<", (c) => c < 0, (a, b) => a < b),
  ">": chain(">", (c) => c > 0, (a, b) => a > b),
  "<=": chain("<=", (c) => c <= 0, (a, b) => a <= b),
  ">=": chain(">=", (c) => c >= 0, (a, b) => a >= b),
  compare: { call: (args) => compareValues(args[0], args[1]), call2: (a, b) => compareValues(a, b) },
  "+": { call: (args) => foldNum("+", args), call1: (a) => foldNum("+", [a]), call2: add2 },
  "-": { call: (args) => foldNum("-", args), call1: (a) => foldNum("-", [a]), call2: sub2 },
  "*": { call: (args) => foldNum("*", args), call1: (a) => foldNum("*", [a]), call2: mul2 },
  "/": { call: (args) => foldNum("/", args), call1: (a) => foldNum("/", [a]), call2: (a, b) => foldNum("/", [a, b]) },
  mod: intDivision("mod"),
  rem: intDivision("rem"),
  quot: intDivision("quot"),
  inc: unaryNum("inc", (x) => x + 1, (x) => x + 1n),
  dec: unaryNum("dec", (x) => x - 1, (x) => x - 1n),
  abs: unaryNum("abs", Math.abs, (x) => (x < 0n ? -x : x)),
  min: extremum("min"),
  max: extremum("max"),
  // Math.round rounds half up (-2.5 -> -2), as Clojure's round (Java Math/round) does
  round: unaryNum("round", Math.round, identity),
  floor: unaryNum("floor", Math.floor, identity),
  ceil: unaryNum("ceil", Math.ceil, identity),
  not: predicate((x) => !isTruthy(x)),
  "nil?": predicate((x) => x === null || x === undefined),
  "some?": predicate((x) => x !== null && x !== undefined),
  "true?": predicate((x) => x === true),
  "false?": predicate((x) => x === false),
  "string?": predicate((x) => typeof x === "string"),
  "number?": predicate((x) => typeof x === "number" || typeof x === "bigint"),
  "keyword?": predicate(isKeyword),
  "boolean?": predicate((x) => typeof x === "boolean"),
};

function buildTable(): ReadonlyMap<string, Builtin> {
  const impls: Record<string, BuiltinImpl> = { ...coreFunctions, ...stringFunctions, ...collectionFunctions };
  const table = new Map<string, Builtin>();
  for (const [name, sig] of Object.entries(BUILTIN_SIGNATURES)) {
    if (sig.effect === true) continue;
    const impl = impls[name];
    // a signature without an implementation is a programming error of this module: fail at load
    if (impl === undefined) throw new Error(`built-in ${name} has a signature but no implementation`);
    table.set(name, { name, min: sig.min, max: sig.max ?? Infinity, ...impl });
  }
  for (const name of Object.keys(impls)) {
    if (!table.has(name)) throw new Error(`built-in ${name} is implemented but has no signature`);
  }
  return table;
}

/**
 * Every non-effect built-in by name, prebuilt once: the evaluator resolves a call with one map
 * lookup. Read-only.
 * @example BUILTINS.get("inc")?.call([1]) // 2
 */
export const BUILTINS: ReadonlyMap<string, Builtin> = buildTable();

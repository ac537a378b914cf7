/**
 * The built-in accumulators (`all`, `count`, `sum`, `min`, `max`, `average`, `distinct`,
 * `grouping-by`), each with an incremental retract step. Accumulations are immutable values (old
 * sessions share them), so the collection-valued ones use Immutable.js maps: a retraction costs
 * O(log n), not a copy of the group.
 */
import { Map as IMap, OrderedMap } from "immutable";
import { EavError } from "../errors.js";
import { formatValue, type Value } from "../eav/value.js";
import { compareValues, equals } from "./expr.js";
import { keyOf } from "./runtime/keys.js";
import type { Accumulator, AccumulatorRef } from "./spec.js";

/** A user accumulator factory registered by name: arguments as written (`(top 3)` -> `[3]`). */
export type AccumulatorFactory = (args: readonly Value[]) => Accumulator<never, unknown, unknown>;

/** How accumulators read a field of a fact. */
export type FieldOf = (fact: unknown, field: string) => unknown;

/** An accumulator as the runtime calls it. */
export type AnyAccumulator = Accumulator<unknown, unknown, unknown>;

/** The names of the built-in accumulators. */
export const BUILTIN_ACCUMULATORS: readonly string[] = ["all", "count", "sum", "min", "max", "average", "distinct", "grouping-by"];

/**
 * Resolves an accumulator reference: a built-in by name, a registered factory, or a user object.
 * Throws `rules/unknown-accumulator` (naming the rule) or `rules/invalid-spec` (bad arguments).
 * @example resolveAccumulator({ kind: "named", name: "sum", args: ["v"] }, {}, fieldOf, "r").convert(0) // 0
 */
export function resolveAccumulator(ref: AccumulatorRef, registered: Readonly<Record<string, AccumulatorFactory>>, fieldOf: FieldOf, rule: string): AnyAccumulator {
  if (ref.kind === "custom") return ref.accumulator as unknown as AnyAccumulator;
  const own = Object.prototype.hasOwnProperty.call(registered, ref.name) ? registered[ref.name] : undefined;
  if (own !== undefined) return own(ref.args) as unknown as AnyAccumulator;
  const field = (i: number, required: boolean): ((f: unknown) => unknown) | null => {
    const a = ref.args[i];
    if (a === undefined) {
      if (required) throw new EavError("rules/invalid-spec", `rule ${rule}: accumulator ${ref.name} needs a field argument`, { rule, accumulator: ref.name });
      return null;
    }
    if (typeof a !== "string") throw new EavError("rules/invalid-spec", `rule ${rule}: accumulator ${ref.name}: ${formatValue(a)} is not a field name`, { rule, accumulator: ref.name });
    return (f) => fieldOf(f, a);
  };
  switch (ref.name) {
    case "all":
      return all(field(0, false));
    case "count":
      return count;
    case "sum":
      return sum(field(0, true) as (f: unknown) => unknown);
    case "min":
      return extreme(field(0, true) as (f: unknown) => unknown, -1);
    case "max":
      return extreme(field(0, true) as (f: unknown) => unknown, 1);
    case "average":
      return average(field(0, true) as (f: unknown) => unknown);
    case "distinct":
      return distinct(field(0, false));
    case "grouping-by":
      return groupingBy(field(0, true) as (f: unknown) => unknown);
    default:
      throw new EavError("rules/unknown-accumulator", `rule ${rule}: unknown accumulator ${ref.name}`, { rule, accumulator: ref.name });
  }
}

/** True when `name` is a built-in accumulator or one of `registered`. */
export function isKnownAccumulator(name: string, registered: Readonly<Record<string, unknown>>): boolean {
  return BUILTIN_ACCUMULATORS.includes(name) || Object.prototype.hasOwnProperty.call(registered, name);
}

// ---------------------------------------------------------------- the built-ins

/** Facts (or one field of them) in arrival order. Keyed by fact identity: working memory holds one object per fact. */
function all(field: ((f: unknown) => unknown) | null): AnyAccumulator {
  return {
    initial: () => OrderedMap<unknown, number>(),
    reduce: (acc, f) => (acc as OrderedMap<unknown, number>).update(f, 0, (n) => n + 1),
    retract: (acc, f) => {
      const m = acc as OrderedMap<unknown, number>;
      const n = m.get(f, 0);
      return n <= 1 ? m.delete(f) : m.set(f, n - 1);
    },
    convert: (acc) => {
      const out: unknown[] = [];
      (acc as OrderedMap<unknown, number>).forEach((n, f) => {
        for (let i = 0; i < n; i++) out.push(field === null ? f : field(f));
      });
      return out;
    },
  };
}

const count: AnyAccumulator = {
  initial: () => 0,
  reduce: (acc) => (acc as number) + 1,
  retract: (acc) => (acc as number) - 1,
  combine: (a, b) => (a as number) + (b as number),
  convert: (acc) => acc,
};

function num(x: unknown, name: string): number {
  if (typeof x !== "number") throw new EavError("rules/eval-error", `${name}: ${formatValue(x)} is not a number`, { accumulator: name, value: x });
  return x;
}

function sum(field: (f: unknown) => unknown): AnyAccumulator {
  return {
    initial: () => 0,
    reduce: (acc, f) => (acc as number) + num(field(f), "sum"),
    retract: (acc, f) => (acc as number) - num(field(f), "sum"),
    combine: (a, b) => (a as number) + (b as number),
    convert: (acc) => acc,
  };
}

interface AverageAcc {
  readonly n: number;
  readonly total: number;
}

function average(field: (f: unknown) => unknown): AnyAccumulator {
  return {
    initial: (): AverageAcc => ({ n: 0, total: 0 }),
    reduce: (acc, f) => ({ n: (acc as AverageAcc).n + 1, total: (acc as AverageAcc).total + num(field(f), "average") }),
    retract: (acc, f) => ({ n: (acc as AverageAcc).n - 1, total: (acc as AverageAcc).total - num(field(f), "average") }),
    convert: (acc) => ((acc as AverageAcc).n === 0 ? null : (acc as AverageAcc).total / (acc as AverageAcc).n),
    emptyMatches: false,
  };
}

/** Values counted by value key: `IMap<key, [value, count]>`. */
type Counted = IMap<unknown, readonly [unknown, number]>;

function countIn(m: Counted, v: unknown): Counted {
  const k = keyOf(v);
  const cur = m.get(k);
  return m.set(k, [v, (cur?.[1] ?? 0) + 1]);
}

function countOut(m: Counted, v: unknown): Counted {
  const k = keyOf(v);
  const cur = m.get(k);
  if (cur === undefined) return m;
  return cur[1] <= 1 ? m.delete(k) : m.set(k, [cur[0], cur[1] - 1]);
}

/** min (`sign` -1) or max (1) of a field, with compareValues' ordering (numbers, strings, dates). */
function extreme(field: (f: unknown) => unknown, sign: -1 | 1): AnyAccumulator {
  const name = sign < 0 ? "min" : "max";
  return {
    initial: () => IMap() as Counted,
    reduce: (acc, f) => countIn(acc as Counted, field(f)),
    retract: (acc, f) => countOut(acc as Counted, field(f)),
    convert: (acc) => {
      let best: unknown = null;
      let first = true;
      (acc as Counted).forEach(([v]) => {
        if (first || compareValues(v, best, name) === sign) best = v;
        first = false;
      });
      return best;
    },
    emptyMatches: false,
  };
}

/** Distinct values (or facts) as a `Set`, in first-arrival order (a `Set`, like Clara's). */
function distinct(field: ((f: unknown) => unknown) | null): AnyAccumulator {
  const get = field ?? ((f: unknown) => f);
  return {
    initial: () => OrderedMap() as unknown as Counted,
    reduce: (acc, f) => countIn(acc as Counted, get(f)),
    retract: (acc, f) => countOut(acc as Counted, get(f)),
    convert: (acc) => new Set([...(acc as Counted).values()].map(([v]) => v)),
  };
}

/** Facts grouped by a field's value: a `Map` from value to the facts (arrival order). */
function groupingBy(field: (f: unknown) => unknown): AnyAccumulator {
  type Groups = OrderedMap<unknown, readonly [unknown, OrderedMap<unknown, number>]>;
  return {
    initial: (): Groups => OrderedMap(),
    reduce: (acc, f) => {
      const v = field(f);
      const k = keyOf(v);
      const g = acc as Groups;
      const cur = g.get(k)?.[1] ?? OrderedMap<unknown, number>();
      return g.set(k, [v, cur.update(f, 0, (n) => n + 1)]);
    },
    retract: (acc, f) => {
      const k = keyOf(field(f));
      const g = acc as Groups;
      const cur = g.get(k);
      if (cur === undefined) return g;
      const n = cur[1].get(f, 0);
      const facts = n <= 1 ? cur[1].delete(f) : cur[1].set(f, n - 1);
      return facts.size === 0 ? g.delete(k) : g.set(k, [cur[0], facts]);
    },
    convert: (acc) => {
      const out = new Map<unknown, unknown[]>();
      (acc as Groups).forEach(([v, facts]) => out.set(v, [...facts.keys()]));
      return out;
    },
  };
}

/** Value equality as the runtime uses it to decide whether an accumulated result changed. */
export const sameResult: (a: unknown, b: unknown) => boolean = equals;

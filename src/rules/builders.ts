/**
 * Small builders for writing rule data in TypeScript without the DSL. They only build plain
 * `RuleSpec`/`QuerySpec` data; nothing runs.
 *
 * Terms: a string starting with `?` is a variable, `"_"` is the wildcard, anything else is a
 * constant (use {@link lit} for a constant string that starts with `?` or is `_`).
 * @example
 * rule("big-order", [pattern("?o", "order/total", "?t"), test(({ t }) => (t as number) > 1000, ["t"])],
 *   (ctx) => ctx.insert(eav(ctx.bindings.o as number, "order/big", true)), { uses: ["o"] })
 */
import type { Value } from "../eav/value.js";
import type {
  AccumulateCondition,
  Accumulator,
  AccumulatorRef,
  Action,
  ActionContext,
  Bindings,
  Condition,
  Expr,
  FieldConstraint,
  PatternCondition,
  QuerySpec,
  RuleSpec,
  Salience,
  Term,
} from "./spec.js";

/** A term written as a plain value: `"?x"`, `"_"`, a constant, or an explicit {@link Term}. */
export type TermInput = Term | Value;

/** A constant term, even for strings that look like variables. */
export function lit(value: Value): Term {
  return { kind: "const", value };
}

/** Reads a term: `"?x"` -> variable, `"_"` -> wildcard, else a constant. */
export function term(x: TermInput): Term {
  if (isTerm(x)) return x;
  if (typeof x === "string") {
    if (x === "_") return { kind: "wildcard" };
    if (x.startsWith("?")) return { kind: "var", name: x };
  }
  return { kind: "const", value: x };
}

function isTerm(x: unknown): x is Term {
  if (x === null || typeof x !== "object" || Array.isArray(x)) return false;
  const k = (x as { kind?: unknown }).kind;
  return (k === "var" && typeof (x as { name?: unknown }).name === "string") || (k === "const" && "value" in x) || (k === "wildcard" && Object.keys(x).length === 1);
}

/**
 * An EAV pattern. A constant attribute is the alpha type; a variable or wildcard attribute matches
 * every attribute (`eav/all`). `bind` names a variable for the whole fact (`?x <- [...]`).
 * @example pattern("?e", "todo/done", false) // [?e :todo/done false]
 */
export function pattern(e: TermInput, a: TermInput, v: TermInput, bind?: string): PatternCondition {
  const at = term(a);
  const fields: FieldConstraint[] = [{ field: "e", term: term(e) }];
  let type = "eav/all";
  if (at.kind === "const" && typeof at.value === "string") type = at.value;
  else fields.push({ field: "a", term: at });
  fields.push({ field: "v", term: term(v) });
  return { kind: "pattern", type, fields: fields.filter((f) => f.term.kind !== "wildcard"), ...(bind === undefined ? {} : { bind }) };
}

/**
 * A pattern over plain-object facts of a type (the network's `factType`), with field terms.
 * @example fact("Guest", { name: "?n", sex: "?s" })
 */
export function fact(type: string, fields: Readonly<Record<string, TermInput>>, bind?: string): PatternCondition {
  const fs: FieldConstraint[] = Object.entries(fields).map(([field, t]) => ({ field, term: term(t) }));
  return { kind: "pattern", type, fields: fs.filter((f) => f.term.kind !== "wildcard"), ...(bind === undefined ? {} : { bind }) };
}

/** `not` of one condition, or of the conjunction of several. */
export function not_(...conditions: Condition[]): Condition {
  return { kind: "not", condition: one(conditions) };
}

/** `exists` of one condition, or of the conjunction of several. */
export function exists(...conditions: Condition[]): Condition {
  return { kind: "exists", condition: one(conditions) };
}

/** The conjunction of conditions. */
export function and(...conditions: Condition[]): Condition {
  return { kind: "and", conditions };
}

/** The disjunction of conditions (the compiler splits the rule into one branch per alternative). */
export function or(...conditions: Condition[]): Condition {
  return { kind: "or", conditions };
}

function one(conditions: Condition[]): Condition {
  return conditions.length === 1 ? (conditions[0] as Condition) : { kind: "and", conditions };
}

/**
 * A test: a predicate over the bindings (list the variables it reads in `uses`, without `?`, so the
 * compiler can check them), or an expression tree.
 * @example test(({ t }) => (t as number) > 1000, ["t"])
 */
export function test(predicate: ((b: Bindings) => unknown) | Expr, uses?: readonly string[]): Condition {
  if (typeof predicate === "function") return { kind: "test", test: { kind: "fn", fn: predicate, ...(uses === undefined ? {} : { uses }) } };
  return { kind: "test", test: { kind: "expr", expr: predicate } };
}

/** A named accumulator reference: `acc("sum", "v")`. */
export function acc(name: string, ...args: Value[]): AccumulatorRef {
  return { kind: "named", name, args };
}

/**
 * `?bind <- accumulator :from pattern`. The accumulator is a name (`"count"`), a reference from
 * {@link acc}, or a user accumulator object.
 * @example accumulate("?total", acc("sum", "v"), pattern("_", "order/total", "?t"))
 */
export function accumulate<F, A, R>(bind: string, accumulator: string | AccumulatorRef | Accumulator<F, A, R>, from: PatternCondition): AccumulateCondition {
  const ref: AccumulatorRef =
    typeof accumulator === "string"
      ? { kind: "named", name: accumulator, args: [] }
      : "initial" in accumulator
        ? { kind: "custom", accumulator: accumulator as unknown as Accumulator<never, unknown, unknown> }
        : accumulator;
  return { kind: "accumulate", bind, accumulator: ref, from };
}

/** Options of {@link rule}. */
export interface RuleOptions {
  readonly doc?: string;
  readonly salience?: Salience;
  readonly noLoop?: boolean;
  /** Variables (without `?`) a function action reads, checked at compile time. */
  readonly uses?: readonly string[];
}

/**
 * A rule. `action` is a function of the context, or an action spec (`{ kind: "expr", body }`).
 * @example rule("r", [pattern("?e", "a/b", "?v")], (ctx) => ctx.insert(eav(ctx.bindings.e as number, "a/c", true)))
 */
export function rule<C = ActionContext>(name: string, conditions: readonly Condition[], action: ((ctx: C) => void) | Action<C>, options: RuleOptions = {}): RuleSpec<C> {
  const act: Action<C> = typeof action === "function" ? { kind: "fn", fn: action, ...(options.uses === undefined ? {} : { uses: options.uses }) } : action;
  return {
    kind: "rule",
    name,
    conditions,
    action: act,
    ...(options.doc === undefined ? {} : { doc: options.doc }),
    ...(options.salience === undefined ? {} : { salience: options.salience }),
    ...(options.noLoop === undefined ? {} : { noLoop: options.noLoop }),
  };
}

/**
 * A query with parameters (`"?x"`).
 * @example query("by-owner", ["?o"], [pattern("?t", "todo/owner", "?o")])
 */
export function query(name: string, params: readonly string[], conditions: readonly Condition[], doc?: string): QuerySpec {
  return { kind: "query", name, params, conditions, ...(doc === undefined ? {} : { doc }) };
}

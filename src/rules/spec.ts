/**
 * Rule data: what a rule or a query *is*, as plain data. The DSL produces it, the TypeScript
 * builders produce it, the compiler consumes it. Nothing here runs anything.
 *
 * Conventions:
 * - Variable names carry their `?` in specs (`"?total"`); the bindings objects handed to user code
 *   (test functions, actions, query rows) are keyed WITHOUT it (`bindings.total`).
 * - For EAV facts a pattern's type is the attribute (`"order/total"`), or `"eav/all"` to match every
 *   attribute; its fields are `e`, `a` and `v`. For plain-object facts (Clara's fact-type-fn) the type
 *   is whatever the session's type function returns and the fields are property names.
 */
import type { Value } from "../eav/value.js";

// ---------------------------------------------------------------- terms and patterns

/** A term in a field position: a variable (`?x`), a constant, or the wildcard `_`. */
export type Term =
  | { readonly kind: "var"; readonly name: string }
  | { readonly kind: "const"; readonly value: Value }
  | { readonly kind: "wildcard" };

/** One field constraint of a pattern: `field` of the fact unifies with `term`. */
export interface FieldConstraint {
  readonly field: string;
  readonly term: Term;
}

/** `[?e :order/total ?t]`, `[?x <- [?e ?a ?v]]`: facts of one type whose fields match terms. */
export interface PatternCondition {
  readonly kind: "pattern";
  /** Alpha type: an attribute, `"eav/all"`, or a plain-object fact type. */
  readonly type: string;
  readonly fields: readonly FieldConstraint[];
  /** `?x <-`: the variable bound to the whole fact. */
  readonly bind?: string;
}

/** `[?total <- (sum :v) :from [_ :order/total]]`: an accumulated value over matching facts. */
export interface AccumulateCondition {
  readonly kind: "accumulate";
  /** The variable bound to the result (unifies with an earlier binding if already bound). */
  readonly bind: string;
  readonly accumulator: AccumulatorRef;
  readonly from: PatternCondition;
}

/** Boolean and quantified conditions. `not` and `exists` take one condition (use `and` for several). */
export type Condition =
  | PatternCondition
  | AccumulateCondition
  | { readonly kind: "not"; readonly condition: Condition }
  | { readonly kind: "exists"; readonly condition: Condition }
  | { readonly kind: "and"; readonly conditions: readonly Condition[] }
  | { readonly kind: "or"; readonly conditions: readonly Condition[] }
  | { readonly kind: "test"; readonly test: Test };

// ---------------------------------------------------------------- tests, expressions, actions

/** Bindings as user code sees them: variable names without `?`. */
export type Bindings = Readonly<Record<string, unknown>>;

/** A host function callable from expressions (registered by name, or carried by a template hole). */
export type HostFunction = (...args: never[]) => unknown;

/**
 * A predicate over bindings: a function (from TypeScript; `uses` names the variables it reads, for
 * compile-time checks) or an expression tree (from the DSL, evaluated by the runtime, never `eval`).
 */
export type Test =
  | { readonly kind: "fn"; readonly fn: (bindings: Bindings) => unknown; readonly uses?: readonly string[] }
  | { readonly kind: "expr"; readonly expr: Expr };

/**
 * The eval-free expression language of rule files. Calls name a function of the runtime's table
 * (see `signatures.ts`), a host-registered function, or carry a function from a template hole.
 * Map literal keys that are keywords become attribute strings (`{:eav/eid ?e}` -> `{"eav/eid": e}`).
 */
export type Expr =
  | { readonly kind: "lit"; readonly value: Value }
  | { readonly kind: "var"; readonly name: string }
  | { readonly kind: "call"; readonly fn: string | HostFunction; readonly args: readonly Expr[] }
  | { readonly kind: "vector"; readonly items: readonly Expr[] }
  | { readonly kind: "set"; readonly items: readonly Expr[] }
  | { readonly kind: "map"; readonly entries: readonly (readonly [Expr, Expr])[] }
  | { readonly kind: "and"; readonly args: readonly Expr[] }
  | { readonly kind: "or"; readonly args: readonly Expr[] }
  | { readonly kind: "if"; readonly test: Expr; readonly then: Expr; readonly else?: Expr }
  | { readonly kind: "let"; readonly bindings: readonly (readonly [string, Expr])[]; readonly body: readonly Expr[] }
  | { readonly kind: "do"; readonly body: readonly Expr[] };

/**
 * The minimal action context every engine offers. The EAV session passes a richer one
 * (`upsert`, `upsertUnconditional`, `transact`, `query`, ...); `C` is the context type.
 */
export interface ActionContext {
  /** The activation's bindings, keyed without `?`. */
  readonly bindings: Bindings;
  /** Inserts facts, logically supported by this activation (withdrawn when it no longer holds). */
  insert(facts: unknown): void;
  /** Inserts facts without truth maintenance. */
  insertUnconditional(facts: unknown): void;
  /** Retracts facts (not truth-maintained, as in Clara). */
  retract(facts: unknown): void;
}

/** A rule's right-hand side: a function of the context, or expressions from the DSL. */
export type Action<C = ActionContext> =
  | { readonly kind: "fn"; readonly fn: (ctx: C) => void; readonly uses?: readonly string[] }
  | { readonly kind: "expr"; readonly body: readonly Expr[] };

/** Salience: a number, a function of the bindings, or an expression. Higher fires first. */
export type Salience = number | { readonly kind: "fn"; readonly fn: (bindings: Bindings) => number } | { readonly kind: "expr"; readonly expr: Expr };

// ---------------------------------------------------------------- accumulators

/** Names of the accumulators the engine provides. The session adds `entity` and `entities`. */
export type BuiltinAccumulatorName = "all" | "count" | "sum" | "min" | "max" | "average" | "distinct" | "grouping-by";

/**
 * An accumulator by name with arguments (`(sum :v)` -> `{ kind: "named", name: "sum", args: ["v"] }`;
 * a keyword argument naming a field becomes its string), or a user accumulator object.
 */
export type AccumulatorRef =
  | { readonly kind: "named"; readonly name: string; readonly args: readonly Value[] }
  | { readonly kind: "custom"; readonly accumulator: Accumulator<never, unknown, unknown> };

/**
 * A user accumulator with an incremental retract step. Values must be treated as immutable:
 * `reduce`, `retract` and `combine` return new accumulations.
 */
export interface Accumulator<F, A, R> {
  /** The accumulation of no facts. */
  readonly initial: () => A;
  readonly reduce: (acc: A, fact: F) => A;
  readonly retract: (acc: A, fact: F) => A;
  readonly combine?: (a: A, b: A) => A;
  readonly convert: (acc: A) => R;
  /** Whether an empty set of facts still matches (with `convert(initial())`). Default true; min/max/average say false. */
  readonly emptyMatches?: boolean;
}

// ---------------------------------------------------------------- rules and queries

/** Where a rule came from, for error messages. */
export interface SourceLocation {
  readonly file?: string;
  readonly line: number;
  readonly column: number;
}

/** A production rule: conditions, then an action. */
export interface RuleSpec<C = ActionContext> {
  readonly kind: "rule";
  readonly name: string;
  readonly doc?: string;
  readonly salience?: Salience;
  readonly noLoop?: boolean;
  readonly conditions: readonly Condition[];
  readonly action: Action<C>;
  readonly source?: SourceLocation;
}

/** A query: parameters (`"?e"`) and conditions; results are rows keyed by variable name without `?`. */
export interface QuerySpec {
  readonly kind: "query";
  readonly name: string;
  readonly doc?: string;
  readonly params: readonly string[];
  readonly conditions: readonly Condition[];
  readonly source?: SourceLocation;
}

/** Either production. */
export type ProductionSpec<C = ActionContext> = RuleSpec<C> | QuerySpec;

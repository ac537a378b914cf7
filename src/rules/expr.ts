/**
 * The eval-free evaluator of the expression language (tests, actions and salience written in rule
 * files), and the static checks the compiler runs on expressions before any fact arrives.
 *
 * Semantics (Clojure's, on our values):
 * - Truthiness: only nil (`null` / `undefined`) and `false` are falsey.
 * - `and` / `or` short-circuit and return the deciding value: `(and)` is true, `(or)` is nil.
 * - `if` without an else branch gives nil (the DSL writes `when` as an `if` over a `do`).
 * - `let` binds sequentially; a binding name is used exactly as written, with or without `?`, and
 *   shadows a rule variable of the same name inside the body. `do` / a `let` body give their last
 *   value (nil when empty).
 * - Map literals: a keyword key becomes the attribute string (`{:eav/eid ?e}` -> `{"eav/eid": e}`),
 *   a string key stays as it is; any other key is an error, since an entity map is a plain object.
 *   Set literals give a JS `Set` without repeats by value (usable inside expressions only).
 * - A call by name resolves to a built-in (`functions.ts`), else an effect (a name ending in `!`)
 *   from `env.effects` (an error outside a right-hand side, where there are none), else a host
 *   function from `env.functions`. Host functions may not reuse a built-in's name, a special form's
 *   or an action's ({@link checkHostFunctions}, run when they are registered), so no name is ever
 *   ambiguous and a host function never shadows part of the language.
 * - A host function's own exception becomes `rules/eval-error` (naming it, its arguments, and the
 *   cause); an effect's exception (a store error from `upsert!`, say) passes through unchanged.
 * - Arguments are evaluated before a wrong argument count is reported (as Clojure does), so the
 *   message shows the call with its values: `(inc): inc takes 1 argument, given 0`.
 *
 * Two implementations, one semantics: `interpret` walks the tree (expr-interpret.ts, the
 * reference); `compileExpr` turns it into closures once (expr-compile.ts) and `evaluate` runs that,
 * cached per expression object. Hot callers (rule tests run per token) should keep the result of
 * `compileExpr` rather than go through the cache. A property test holds the two to the same results.
 *
 * Files: expr-env.ts (the environment and call steps), expr-values.ts (equality, ordering, printing),
 * functions.ts with expr-strings.ts and expr-collections.ts (the built-ins).
 */
import { EavError, assertNever } from "../errors.js";
import type { Expr } from "./spec.js";
import { BUILTIN_SIGNATURES, SPECIAL_FORMS } from "./signatures.js";
import { compileExpr } from "./expr-compile.js";
import { arityText, type EvalEnv } from "./expr-env.js";

export { isTruthy } from "./functions.js";
export { equals, compareValues, showValue } from "./expr-values.js";
export type { EvalEnv } from "./expr-env.js";
export { compileExpr, type CompiledExpr } from "./expr-compile.js";
export { interpret } from "./expr-interpret.js";

/**
 * Evaluates `expr` in `env` and returns its value. Nothing changes except through `env.effects`.
 * Throws `rules/eval-error` (a built-in or host function failed, naming it and its arguments) or
 * `rules/unknown-function`. Runs the compiled form of `expr` (compiled on first use, cached per
 * expression object): see `expr-compile.ts`.
 * @example evaluate({ kind: "call", fn: ">", args: [{ kind: "var", name: "?t" }, { kind: "lit", value: 1000 }] },
 *   { lookup: (n) => (n === "?t" ? 1500 : undefined), functions: {} }) // true
 */
export function evaluate(expr: Expr, env: EvalEnv): unknown {
  return compileExpr(expr)(env);
}

// ---------------------------------------------------------------- static analysis

/**
 * The variables `expr` reads that no `let` inside it binds, by name as written (`"?total"`; a plain
 * symbol such as `"x"` not bound by a `let` is reported too: it can only be an error). The compiler
 * checks these against the variables the rule's conditions bind. Nothing changes.
 * @example freeVariables({ kind: "let", bindings: [["?d", { kind: "var", name: "?t" }]], body: [{ kind: "var", name: "?d" }] })
 *   // Set { "?t" }
 */
export function freeVariables(expr: Expr): Set<string> {
  const out = new Set<string>();
  collectFree(expr, null, out);
  return out;
}

/** Names bound by enclosing `let`s, innermost first. */
interface Bound {
  readonly name: string;
  readonly next: Bound | null;
}

function collectFree(expr: Expr, bound: Bound | null, out: Set<string>): void {
  switch (expr.kind) {
    case "lit":
      return;
    case "var":
      for (let s = bound; s !== null; s = s.next) if (s.name === expr.name) return;
      out.add(expr.name);
      return;
    case "call":
    case "and":
    case "or":
      for (const a of expr.args) collectFree(a, bound, out);
      return;
    case "vector":
    case "set":
      for (const a of expr.items) collectFree(a, bound, out);
      return;
    case "map":
      for (const [k, v] of expr.entries) {
        collectFree(k, bound, out);
        collectFree(v, bound, out);
      }
      return;
    case "if":
      collectFree(expr.test, bound, out);
      collectFree(expr.then, bound, out);
      if (expr.else !== undefined) collectFree(expr.else, bound, out);
      return;
    case "let": {
      let inner = bound;
      for (const [name, value] of expr.bindings) {
        collectFree(value, inner, out);
        inner = { name, next: inner };
      }
      for (const b of expr.body) collectFree(b, inner, out);
      return;
    }
    case "do":
      for (const b of expr.body) collectFree(b, bound, out);
      return;
    default:
      assertNever(expr, "expression");
  }
}

/** A problem with a call found before running: an unknown function, a wrong arity, or an action where none is allowed. */
export type CallProblem =
  | { readonly kind: "unknown-function"; readonly fn: string; readonly message: string }
  | { readonly kind: "arity"; readonly fn: string; readonly given: number; readonly min: number; readonly max?: number; readonly message: string }
  | { readonly kind: "effect-not-allowed"; readonly fn: string; readonly message: string };

/** Options of {@link checkCalls}. */
export interface CheckCallsOptions {
  /** Whether actions (`upsert!`, ...) may be called: true in a right-hand side only. Default false. */
  readonly effects?: boolean;
  /** Effect names offered beyond the built-in ones (a session's own actions). */
  readonly extraEffects?: Iterable<string>;
}

/**
 * Every call in `expr` that would fail at run time for its name or arity: names neither built-in nor
 * in `knownFunctions` (host function names), wrong argument counts for built-ins, and actions where
 * `options.effects` is not set. Returns the problems in document order, empty when all is well.
 * Nothing changes. Host functions' arities are not checked (a JS function does not declare one).
 * @example checkCalls({ kind: "call", fn: "inc", args: [] }, new Set()) // [{ kind: "arity", fn: "inc", given: 0, min: 1, max: 1, ... }]
 */
export function checkCalls(expr: Expr, knownFunctions: ReadonlySet<string> | Readonly<Record<string, unknown>>, options: CheckCallsOptions = {}): CallProblem[] {
  const known = knownFunctions instanceof Set ? (knownFunctions as ReadonlySet<string>) : new Set(Object.keys(knownFunctions));
  const extra = new Set(options.extraEffects ?? []);
  const problems: CallProblem[] = [];
  const visit = (e: Expr): void => {
    switch (e.kind) {
      case "lit":
      case "var":
        return;
      case "call":
        if (typeof e.fn === "string") checkOne(e.fn, e.args.length);
        e.args.forEach(visit);
        return;
      case "and":
      case "or":
        e.args.forEach(visit);
        return;
      case "vector":
      case "set":
        e.items.forEach(visit);
        return;
      case "map":
        for (const [k, v] of e.entries) {
          visit(k);
          visit(v);
        }
        return;
      case "if":
        visit(e.test);
        visit(e.then);
        if (e.else !== undefined) visit(e.else);
        return;
      case "let":
        for (const [, v] of e.bindings) visit(v);
        e.body.forEach(visit);
        return;
      case "do":
        e.body.forEach(visit);
        return;
      default:
        assertNever(e, "expression");
    }
  };
  const checkOne = (fn: string, given: number): void => {
    const sig = Object.prototype.hasOwnProperty.call(BUILTIN_SIGNATURES, fn) ? BUILTIN_SIGNATURES[fn] : undefined;
    if (fn.endsWith("!")) {
      if (sig?.effect !== true && !extra.has(fn)) {
        problems.push({ kind: "unknown-function", fn, message: `unknown action ${fn}` });
        return;
      }
      if (options.effects !== true) {
        problems.push({ kind: "effect-not-allowed", fn, message: `${fn} is an action: it is only allowed in a rule's right-hand side` });
        return;
      }
    } else if (sig === undefined) {
      if (!known.has(fn)) problems.push({ kind: "unknown-function", fn, message: `unknown function ${fn}` });
      return;
    }
    const min = sig?.min ?? 1;
    const max = sig === undefined ? 1 : sig.max;
    if (given < min || (max !== undefined && given > max)) {
      problems.push({ kind: "arity", fn, given, min, ...(max === undefined ? {} : { max }), message: arityText(fn, given) });
    }
  };
  visit(expr);
  return problems;
}

/**
 * Checks host functions before they are registered: each must be a function, and its name must not
 * be a built-in's, a special form's (`and`, `if`, ...) or an action's (ending in `!`), so that a host
 * function never silently replaces part of the language. Throws `rules/invalid-spec` naming the
 * function; returns nothing and changes nothing.
 * @example checkHostFunctions({ "discount": (t: number) => t * 0.9 }) // ok
 */
export function checkHostFunctions(functions: Readonly<Record<string, unknown>>): void {
  for (const [name, f] of Object.entries(functions)) {
    const why =
      typeof f !== "function"
        ? "is not a function"
        : Object.prototype.hasOwnProperty.call(BUILTIN_SIGNATURES, name)
          ? "has the name of a built-in function"
          : SPECIAL_FORMS.includes(name)
            ? "has the name of a special form"
            : name.endsWith("!")
              ? "ends in '!', which marks actions"
              : name.length === 0 || /\s/.test(name)
                ? "is not a valid function name"
                : undefined;
    if (why !== undefined) throw new EavError("rules/invalid-spec", `host function ${JSON.stringify(name)} ${why}`, { function: name });
  }
}

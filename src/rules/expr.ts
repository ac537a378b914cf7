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
 */
import { EavError, assertNever } from "../errors.js";
import type { Expr, HostFunction } from "./spec.js";
import { BUILTIN_SIGNATURES, SPECIAL_FORMS } from "./signatures.js";
import { BUILTINS, isTruthy } from "./functions.js";
import { evalError, setOf, setOwnMutable, showValue } from "./expr-values.js";
import { isKeyword } from "../eav/keyword.js";

export { isTruthy } from "./functions.js";
export { equals, compareValues, showValue } from "./expr-values.js";

/** What an expression can see while it runs. */
export interface EvalEnv {
  /** The value of a rule variable, by its name WITH `?` (`"?total"`). */
  lookup(name: string): unknown;
  /** Host-registered functions by name. */
  readonly functions: Readonly<Record<string, HostFunction>>;
  /** Effects (`insert!`, `upsert!`, `retract!`, `transact!`, ...), supplied by an action's context only. */
  readonly effects?: Readonly<Record<string, (arg: unknown) => void>>;
}

/** `let` bindings in scope: a linked list, allocated only by `let` itself. */
interface Scope {
  readonly name: string;
  readonly value: unknown;
  readonly next: Scope | null;
}

type AnyFunction = (...args: unknown[]) => unknown;

/**
 * Evaluates `expr` in `env` and returns its value. Nothing changes except through `env.effects`.
 * Throws `rules/eval-error` (a built-in or host function failed, naming it and its arguments) or
 * `rules/unknown-function`.
 * @example evaluate({ kind: "call", fn: ">", args: [{ kind: "var", name: "?t" }, { kind: "lit", value: 1000 }] },
 *   { lookup: (n) => (n === "?t" ? 1500 : undefined), functions: {} }) // true
 */
export function evaluate(expr: Expr, env: EvalEnv): unknown {
  return run(expr, env, null);
}

function run(expr: Expr, env: EvalEnv, scope: Scope | null): unknown {
  switch (expr.kind) {
    case "lit":
      return expr.value;
    case "var": {
      for (let s = scope; s !== null; s = s.next) if (s.name === expr.name) return s.value;
      return env.lookup(expr.name);
    }
    case "call":
      return call(expr.fn, expr.args, env, scope);
    case "and": {
      let v: unknown = true;
      for (const arg of expr.args) {
        v = run(arg, env, scope);
        if (!isTruthy(v)) return v;
      }
      return v;
    }
    case "or": {
      let v: unknown = null;
      for (const arg of expr.args) {
        v = run(arg, env, scope);
        if (isTruthy(v)) return v;
      }
      return v;
    }
    case "if":
      if (isTruthy(run(expr.test, env, scope))) return run(expr.then, env, scope);
      return expr.else === undefined ? null : run(expr.else, env, scope);
    case "let": {
      let inner = scope;
      for (const [name, value] of expr.bindings) inner = { name, value: run(value, env, inner), next: inner };
      return body(expr.body, env, inner);
    }
    case "do":
      return body(expr.body, env, scope);
    case "vector": {
      const out = new Array<unknown>(expr.items.length);
      for (let i = 0; i < expr.items.length; i++) out[i] = run(expr.items[i]!, env, scope);
      return out;
    }
    case "set":
      return setOf(expr.items.map((item) => run(item, env, scope)));
    case "map": {
      const out: Record<string, unknown> = {};
      for (const [k, v] of expr.entries) {
        const key = run(k, env, scope);
        const name = typeof key === "string" ? key : isKeyword(key) ? key.name : undefined;
        if (name === undefined) {
          throw new EavError("rules/eval-error", `map literal: a key must be a keyword or a string, not ${showValue(key)}`, { fn: "map", args: [key] });
        }
        setOwnMutable(out, name, run(v, env, scope));
      }
      return out;
    }
    default:
      return assertNever(expr, "expression");
  }
}

function body(exprs: readonly Expr[], env: EvalEnv, scope: Scope | null): unknown {
  let v: unknown = null;
  for (const e of exprs) v = run(e, env, scope);
  return v;
}

function call(fn: string | HostFunction, argExprs: readonly Expr[], env: EvalEnv, scope: Scope | null): unknown {
  if (typeof fn !== "string") return callHost(fn.name === "" ? "#function" : fn.name, fn as AnyFunction, argExprs, env, scope);
  // built-ins first: one map lookup on the hot path. Host functions cannot take a built-in's name
  // (checkHostFunctions), so this order never hides a host function.
  const builtin = BUILTINS.get(fn);
  if (builtin !== undefined) {
    const n = argExprs.length;
    // arguments are evaluated before the arity is checked, as Clojure does: the message shows them
    if (n < builtin.min || n > builtin.max) throw evalError(fn, evalArgs(argExprs, env, scope), arityText(fn, n));
    // the fixed-arity entry points avoid allocating an argument array
    if (n === 1 && builtin.call1 !== undefined) return builtin.call1(run(argExprs[0]!, env, scope));
    if (n === 2 && builtin.call2 !== undefined) return builtin.call2(run(argExprs[0]!, env, scope), run(argExprs[1]!, env, scope));
    return builtin.call(evalArgs(argExprs, env, scope));
  }
  if (fn.endsWith("!")) return callEffect(fn, argExprs, env, scope);
  if (Object.prototype.hasOwnProperty.call(env.functions, fn)) return callHost(fn, env.functions[fn] as AnyFunction, argExprs, env, scope);
  throw new EavError("rules/unknown-function", `unknown function ${fn}`, { fn });
}

function evalArgs(argExprs: readonly Expr[], env: EvalEnv, scope: Scope | null): unknown[] {
  const args = new Array<unknown>(argExprs.length);
  for (let i = 0; i < argExprs.length; i++) args[i] = run(argExprs[i]!, env, scope);
  return args;
}

function callHost(name: string, f: AnyFunction, argExprs: readonly Expr[], env: EvalEnv, scope: Scope | null): unknown {
  const args = evalArgs(argExprs, env, scope);
  try {
    return f(...args);
  } catch (cause) {
    if (cause instanceof EavError) throw cause;
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw evalError(name, args, `host function failed: ${reason}`, cause);
  }
}

function callEffect(fn: string, argExprs: readonly Expr[], env: EvalEnv, scope: Scope | null): unknown {
  const effect = env.effects !== undefined && Object.prototype.hasOwnProperty.call(env.effects, fn) ? env.effects[fn] : undefined;
  if (effect === undefined) {
    const known = BUILTIN_SIGNATURES[fn]?.effect === true;
    throw new EavError(
      known ? "rules/eval-error" : "rules/unknown-function",
      known ? `${fn} is an action: it is only allowed in a rule's right-hand side` : `unknown action ${fn}`,
      { fn },
    );
  }
  if (argExprs.length !== 1) throw evalError(fn, evalArgs(argExprs, env, scope), arityText(fn, argExprs.length));
  effect(run(argExprs[0]!, env, scope));
  return null;
}

function arityText(fn: string, n: number): string {
  const sig = BUILTIN_SIGNATURES[fn];
  const min = sig?.min ?? 1;
  const max = sig === undefined ? 1 : sig.max;
  const expected = max === undefined ? `at least ${min}` : min === max ? `${min}` : `${min} to ${max}`;
  return `${fn} takes ${expected} argument${expected === "1" ? "" : "s"}, given ${n}`;
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

function collectFree(expr: Expr, bound: Scope | null, out: Set<string>): void {
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
        inner = { name, value: undefined, next: inner };
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

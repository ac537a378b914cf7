/**
 * The reference interpreter of the expression language: a direct walk of the tree. `evaluate` runs
 * the compiled form (`expr-compile.ts`) instead; this one defines the semantics the compiled form
 * is checked against (expr.test.ts "compiled and interpreted agree"), so keep the two in step.
 * Semantics are documented in `expr.ts`.
 */
import { EavError, assertNever } from "../errors.js";
import type { Expr, HostFunction } from "./spec.js";
import { BUILTINS, isTruthy } from "./functions.js";
import { evalError, setOf, setOwnMutable, showValue } from "./expr-values.js";
import { arityText, callHost, effectOf, unknownFunction, type AnyFunction, type EvalEnv } from "./expr-env.js";
import { isKeyword } from "../eav/keyword.js";

/**
 * Evaluates `expr` in `env` by walking the tree (no compilation, no cache). Same results and
 * errors as `evaluate`. Nothing changes except through `env.effects`.
 * @example interpret({ kind: "call", fn: "inc", args: [{ kind: "lit", value: 1 }] }, { lookup: () => null, functions: {} }) // 2
 */
export function interpret(expr: Expr, env: EvalEnv): unknown {
  return run(expr, env, null);
}

/** `let` bindings in scope: a linked list, allocated only by `let` itself. */
interface Scope {
  readonly name: string;
  readonly value: unknown;
  readonly next: Scope | null;
}

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
  if (typeof fn !== "string") return callHost(fn.name === "" ? "#function" : fn.name, fn as AnyFunction, evalArgs(argExprs, env, scope));
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
  if (Object.prototype.hasOwnProperty.call(env.functions, fn)) return callHost(fn, env.functions[fn] as AnyFunction, evalArgs(argExprs, env, scope));
  throw unknownFunction(fn);
}

function evalArgs(argExprs: readonly Expr[], env: EvalEnv, scope: Scope | null): unknown[] {
  const args = new Array<unknown>(argExprs.length);
  for (let i = 0; i < argExprs.length; i++) args[i] = run(argExprs[i]!, env, scope);
  return args;
}

function callEffect(fn: string, argExprs: readonly Expr[], env: EvalEnv, scope: Scope | null): unknown {
  const effect = effectOf(fn, env);
  if (argExprs.length !== 1) throw evalError(fn, evalArgs(argExprs, env, scope), arityText(fn, argExprs.length));
  effect(run(argExprs[0]!, env, scope));
  return null;
}

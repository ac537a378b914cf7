/**
 * The compile stage of the expression language: an expression tree becomes a tree of closures, once,
 * so that running it does no dispatch on node kinds, no name lookups of built-ins and no arity
 * checks. Same semantics as the interpreter in `expr.ts` (a property test runs both on random
 * expressions and compares: expr.test.ts "compiled and interpreted agree"). No `eval`, no
 * `new Function`: closures only.
 *
 * What is resolved when: built-ins and literal values at compile time; variables, host functions
 * and effects at run time (they come from the environment of each run).
 */
import { EavError, assertNever } from "../errors.js";
import type { Expr, HostFunction } from "./spec.js";
import { BUILTINS, isTruthy } from "./functions.js";
import { evalError, setOf, setOwnMutable, showValue } from "./expr-values.js";
import { isKeyword } from "../eav/keyword.js";
import { arityText, callHost, effectOf, unknownFunction, type AnyFunction, type EvalEnv } from "./expr-env.js";

/** A compiled expression: run it with an environment. Nothing changes except through `env.effects`. */
export type CompiledExpr = (env: EvalEnv) => unknown;

/** `let` values: the values of the `let` bindings in scope, outermost first. */
type Locals = readonly unknown[] | null;
type Node = (env: EvalEnv, locals: Locals) => unknown;

const cache = new WeakMap<Expr, CompiledExpr>();

/**
 * Compiles `expr` into a function of the environment, once per expression object (cached weakly, so
 * a rule set compiled twice shares the work and dropped rules free it). Nothing else changes.
 * @example const f = compileExpr({ kind: "call", fn: "inc", args: [{ kind: "var", name: "?n" }] });
 *   f({ lookup: () => 1, functions: {} }) // 2
 */
export function compileExpr(expr: Expr): CompiledExpr {
  let f = cache.get(expr);
  if (f === undefined) {
    const node = compile(expr, []);
    f = (env) => node(env, null);
    cache.set(expr, f);
  }
  return f;
}

/** `scope`: the names of the `let` bindings in scope, outermost first (their slots in `locals`). */
function compile(expr: Expr, scope: readonly string[]): Node {
  switch (expr.kind) {
    case "lit": {
      const v = expr.value;
      return () => v;
    }
    case "var": {
      const slot = scope.lastIndexOf(expr.name);
      const name = expr.name;
      if (slot < 0) return (env) => env.lookup(name);
      return (_env, locals) => (locals as readonly unknown[])[slot];
    }
    case "call":
      return compileCall(expr.fn, expr.args.map((a) => compile(a, scope)));
    case "and": {
      const args = expr.args.map((a) => compile(a, scope));
      return (env, locals) => {
        let v: unknown = true;
        for (const a of args) {
          v = a(env, locals);
          if (!isTruthy(v)) return v;
        }
        return v;
      };
    }
    case "or": {
      const args = expr.args.map((a) => compile(a, scope));
      return (env, locals) => {
        let v: unknown = null;
        for (const a of args) {
          v = a(env, locals);
          if (isTruthy(v)) return v;
        }
        return v;
      };
    }
    case "if": {
      const test = compile(expr.test, scope);
      const then = compile(expr.then, scope);
      const otherwise = expr.else === undefined ? null : compile(expr.else, scope);
      return (env, locals) => (isTruthy(test(env, locals)) ? then(env, locals) : otherwise === null ? null : otherwise(env, locals));
    }
    case "let": {
      const inner = [...scope];
      const values: Node[] = [];
      for (const [name, value] of expr.bindings) {
        values.push(compile(value, inner));
        inner.push(name);
      }
      const body = compileBody(expr.body, inner);
      const base = scope.length;
      return (env, locals) => {
        const own = new Array<unknown>(base + values.length);
        for (let i = 0; i < base; i++) own[i] = (locals as readonly unknown[])[i];
        for (let i = 0; i < values.length; i++) own[base + i] = (values[i] as Node)(env, own);
        return body(env, own);
      };
    }
    case "do":
      return compileBody(expr.body, scope);
    case "vector": {
      const items = expr.items.map((a) => compile(a, scope));
      return (env, locals) => items.map((f) => f(env, locals));
    }
    case "set": {
      const items = expr.items.map((a) => compile(a, scope));
      return (env, locals) => setOf(items.map((f) => f(env, locals)));
    }
    case "map": {
      const entries = expr.entries.map(([k, v]) => [compile(k, scope), compile(v, scope)] as const);
      return (env, locals) => {
        const out: Record<string, unknown> = {};
        for (const [k, v] of entries) {
          const key = k(env, locals);
          const name = typeof key === "string" ? key : isKeyword(key) ? key.name : undefined;
          if (name === undefined) {
            throw new EavError("rules/eval-error", `map literal: a key must be a keyword or a string, not ${showValue(key)}`, { fn: "map", args: [key] });
          }
          setOwnMutable(out, name, v(env, locals));
        }
        return out;
      };
    }
    default:
      return assertNever(expr, "expression");
  }
}

function compileBody(body: readonly Expr[], scope: readonly string[]): Node {
  const nodes = body.map((e) => compile(e, scope));
  if (nodes.length === 0) return () => null;
  if (nodes.length === 1) return nodes[0] as Node;
  return (env, locals) => {
    let v: unknown = null;
    for (const n of nodes) v = n(env, locals);
    return v;
  };
}

function evalAll(args: readonly Node[], env: EvalEnv, locals: Locals): unknown[] {
  const out = new Array<unknown>(args.length);
  for (let i = 0; i < args.length; i++) out[i] = (args[i] as Node)(env, locals);
  return out;
}

function compileCall(fn: string | HostFunction, args: readonly Node[]): Node {
  if (typeof fn !== "string") {
    const name = fn.name === "" ? "#function" : fn.name;
    const f = fn as AnyFunction;
    return (env, locals) => callHost(name, f, evalAll(args, env, locals));
  }
  const builtin = BUILTINS.get(fn);
  if (builtin !== undefined) {
    const n = args.length;
    if (n < builtin.min || n > builtin.max) {
      const message = arityText(fn, n);
      return (env, locals) => {
        throw evalError(fn, evalAll(args, env, locals), message);
      };
    }
    const [a, b] = args as [Node, Node];
    const { call1, call2, call } = builtin;
    if (n === 1 && call1 !== undefined) return (env, locals) => call1(a(env, locals));
    if (n === 2 && call2 !== undefined) return (env, locals) => call2(a(env, locals), b(env, locals));
    return (env, locals) => call(evalAll(args, env, locals));
  }
  if (fn.endsWith("!")) {
    const [a] = args as [Node];
    const n = args.length;
    return (env, locals) => {
      const effect = effectOf(fn, env);
      if (n !== 1) throw evalError(fn, evalAll(args, env, locals), arityText(fn, n));
      effect(a(env, locals));
      return null;
    };
  }
  return (env, locals) => {
    if (!Object.prototype.hasOwnProperty.call(env.functions, fn)) throw unknownFunction(fn);
    return callHost(fn, env.functions[fn] as AnyFunction, evalAll(args, env, locals));
  };
}

/**
 * Forms -> expressions (`Expr` of rules/spec.ts), with the checks a rule file needs before it ever
 * runs: known functions (built-in or registered by the host), arity of built-ins, effects only on
 * a rule's right-hand side, and every variable bound. Also the shared hole and constant helpers.
 */
import type { Expr, HostFunction } from "../rules/spec.js";
import { BUILTIN_SIGNATURES, SPECIAL_FORMS } from "../rules/signatures.js";
import { kw } from "../eav/keyword.js";
import { isValue, type Value } from "../eav/value.js";
import type { EavError } from "../errors.js";
import type { Form } from "./ast.js";
import { type Source, locatedError } from "./source.js";

/** What building needs besides the tree: the source (for errors), hole values and host functions. */
export interface BuildContext {
  readonly src: Source;
  /** The template's hole values by index (empty for rule files). */
  readonly holes: readonly unknown[];
  /** Names of host functions callable from expressions (arity unchecked). */
  readonly functions: ReadonlySet<string>;
}

/** Where an expression sits: effects (`upsert!` ...) are allowed only in actions. */
export type ExprMode = "test" | "action" | "salience";

/** The variables in scope and the production they belong to (for messages). */
export interface Scope {
  readonly bound: ReadonlySet<string>;
  readonly production: string;
}

/** The value a hole carries. Throws `dsl/invalid-hole` outside tagged templates. */
export function holeValue(ctx: BuildContext, form: Form & { kind: "hole" }): unknown {
  if (!ctx.src.template) {
    throw locatedError("dsl/invalid-hole", ctx.src, form.pos, "a hole ${...} can only appear in a tagged template, not in a rule file", { index: form.index });
  }
  if (form.index >= ctx.holes.length) {
    throw locatedError("dsl/invalid-hole", ctx.src, form.pos, `hole ${form.index} has no value (the template has ${ctx.holes.length} holes)`, { index: form.index });
  }
  return ctx.holes[form.index];
}

/** A `dsl/invalid-hole` error for a hole whose value does not fit where it stands. */
export function badHole(ctx: BuildContext, form: Form & { kind: "hole" }, expected: string, value: unknown): EavError<"dsl/invalid-hole"> {
  return locatedError("dsl/invalid-hole", ctx.src, form.pos, `hole ${form.index} must be ${expected}, got ${describe(value)}`, { index: form.index, expected });
}

/** A short description of a JavaScript value for messages. */
export function describe(value: unknown): string {
  if (typeof value === "function") return `a function${value.name ? ` (${value.name})` : ""}`;
  if (value === undefined) return "undefined";
  if (typeof value === "bigint") return `${value}N`;
  if (typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date)) return "an object";
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/**
 * A constant datum: literals, keywords, holes carrying values, and vectors and maps of those
 * (map keys that are keywords become attribute strings, as in entity maps). Used for pattern
 * values and accumulator arguments. Throws `dsl/invalid-rule` naming `what` otherwise.
 */
export function constant(ctx: BuildContext, form: Form, what: string): Value {
  switch (form.kind) {
    case "literal":
      if (form.value instanceof Date && Number.isNaN(form.value.getTime())) {
        throw locatedError("dsl/invalid-rule", ctx.src, form.pos, "#inst needs an ISO 8601 date, e.g. #inst \"2024-01-31T00:00:00Z\"");
      }
      return form.value;
    case "keyword":
      return kw(form.name);
    case "hole": {
      const v = holeValue(ctx, form);
      if (typeof v === "function" || !isValue(v)) throw badHole(ctx, form, "a value (string, number, boolean, bigint, Date, keyword, null, array or plain object)", v);
      return v;
    }
    case "vector":
      return form.items.map((f) => constant(ctx, f, what));
    case "map": {
      const out: Record<string, Value> = {};
      const items = pairs(ctx, form);
      // defineProperty, not assignment: a "__proto__" key must be a key, not a prototype change.
      for (const [k, v] of items) Object.defineProperty(out, mapKey(ctx, k), { value: constant(ctx, v, what), enumerable: true, writable: true, configurable: true });
      return out;
    }
    case "symbol":
    case "variable":
    case "wildcard":
    case "list":
    case "set":
      throw locatedError("dsl/invalid-rule", ctx.src, form.pos, `${what} must be a constant here (string, number, keyword, boolean, nil, vector or map of constants)`);
  }
}

/** A map key: a keyword (its attribute string), a string, or a hole carrying a string. */
function mapKey(ctx: BuildContext, form: Form): string {
  if (form.kind === "keyword") return form.name;
  if (form.kind === "literal" && typeof form.value === "string") return form.value;
  if (form.kind === "hole") {
    const v = holeValue(ctx, form);
    if (typeof v === "string") return v;
    throw badHole(ctx, form, "a string (a map key)", v);
  }
  throw locatedError("dsl/invalid-rule", ctx.src, form.pos, "map keys are keywords or strings (a map is an entity map: a plain object)");
}

/** A map form's items as key/value pairs; an odd number of items is an error. */
export function pairs(ctx: BuildContext, form: Form & { kind: "map" }): (readonly [Form, Form])[] {
  const out: (readonly [Form, Form])[] = [];
  for (let i = 0; i < form.items.length; i += 2) {
    const k = form.items[i];
    const v = form.items[i + 1];
    if (k === undefined) break;
    if (v === undefined) throw locatedError("dsl/invalid-rule", ctx.src, k.pos, "a map needs a value for every key (an even number of forms)");
    out.push([k, v]);
  }
  return out;
}

// ---------------------------------------------------------------- expressions

/**
 * Builds the expression of `form`. Pure. Throws `dsl/unknown-function`, `dsl/arity`,
 * `dsl/unbound-variable`, `dsl/effect-outside-action`, `dsl/invalid-hole` or `dsl/invalid-rule`.
 */
export function toExpr(ctx: BuildContext, form: Form, scope: Scope, mode: ExprMode): Expr {
  switch (form.kind) {
    case "literal":
      return { kind: "lit", value: constant(ctx, form, "a literal") };
    case "keyword":
      return { kind: "lit", value: kw(form.name) };
    case "variable":
      if (!scope.bound.has(form.name)) throw unbound(ctx, form, scope);
      return { kind: "var", name: form.name };
    case "symbol":
      throw locatedError(
        "dsl/unbound-variable",
        ctx.src,
        form.pos,
        `unknown symbol ${form.name} in ${scope.production}: variables start with ? (?${form.name}), and functions are called as (${form.name} ...)`,
        { variable: form.name, production: scope.production },
      );
    case "wildcard":
      throw locatedError("dsl/invalid-rule", ctx.src, form.pos, "_ is a pattern wildcard; it has no value in an expression");
    case "hole": {
      const v = holeValue(ctx, form);
      if (typeof v === "function") throw badHole(ctx, form, "a value here (a function goes in call position, (${fn} ?x), or stands for a whole test or action)", v);
      if (!isValue(v)) throw badHole(ctx, form, "a value (string, number, boolean, bigint, Date, keyword, null, array or plain object)", v);
      return { kind: "lit", value: v };
    }
    case "vector":
      return { kind: "vector", items: form.items.map((f) => toExpr(ctx, f, scope, mode)) };
    case "set":
      return { kind: "set", items: form.items.map((f) => toExpr(ctx, f, scope, mode)) };
    case "map":
      // Keys are attributes or strings: the runtime builds a plain object (an entity map).
      return { kind: "map", entries: pairs(ctx, form).map(([k, v]) => [{ kind: "lit", value: mapKey(ctx, k) }, toExpr(ctx, v, scope, mode)] as const) };
    case "list":
      return listExpr(ctx, form, scope, mode);
  }
}

function unbound(ctx: BuildContext, form: Form & { kind: "variable" }, scope: Scope): EavError<"dsl/unbound-variable"> {
  return locatedError("dsl/unbound-variable", ctx.src, form.pos, `${form.name} is not bound by any condition of ${scope.production}`, {
    variable: form.name,
    production: scope.production,
  });
}

function listExpr(ctx: BuildContext, form: Form & { kind: "list" }, scope: Scope, mode: ExprMode): Expr {
  const [head, ...rest] = form.items;
  if (head === undefined) throw locatedError("dsl/invalid-rule", ctx.src, form.pos, "an empty list () is not an expression; write [] for an empty vector");
  const args = (): Expr[] => rest.map((f) => toExpr(ctx, f, scope, mode));
  switch (head.kind) {
    case "symbol":
      if (SPECIAL_FORMS.includes(head.name)) return special(ctx, head, rest, scope, mode);
      return { kind: "call", fn: resolveFunction(ctx, head, rest.length, mode), args: args() };
    case "keyword":
      // Clojure's keyword-as-function: (:todo/text ?m) reads an attribute, (:k ?m default) too.
      checkArity(ctx, head, `(${head.pos.text} ...)`, rest.length, 1, 2);
      return { kind: "call", fn: "get", args: [...args().slice(0, 1), { kind: "lit", value: kw(head.name) }, ...args().slice(1)] };
    case "hole": {
      const fn = holeValue(ctx, head);
      if (typeof fn !== "function") throw badHole(ctx, head, "a function in call position", fn);
      return { kind: "call", fn: fn as HostFunction, args: args() };
    }
    default:
      throw locatedError("dsl/invalid-rule", ctx.src, head.pos, `cannot call ${head.pos.text}: a call starts with a function name, a keyword or a function hole`);
  }
}

/**
 * The function a call names: a built-in, a host function, or, for a namespaced name such as
 * `er/upsert!` or `str/includes?` that is neither, the built-in with its local name (clara-eav and
 * Clojure spellings).
 */
function resolveFunction(ctx: BuildContext, head: Form & { kind: "symbol" }, arity: number, mode: ExprMode): string {
  // Resolution order is the runtime's (rules/expr.ts): built-ins, then host functions; a host
  // function may not reuse a built-in's name (compileRules rejects that).
  let name = head.name;
  if (!ctx.functions.has(name) && BUILTIN_SIGNATURES[name] === undefined) {
    const slash = name.lastIndexOf("/");
    const local = slash > 0 ? name.slice(slash + 1) : undefined;
    if (local !== undefined && BUILTIN_SIGNATURES[local] !== undefined) name = local;
    else {
      const suggestions = suggest(name, [...Object.keys(BUILTIN_SIGNATURES), ...ctx.functions]);
      const hint = suggestions.length > 0 ? ` (did you mean ${suggestions.join(", ")}?)` : "";
      throw locatedError(
        "dsl/unknown-function",
        ctx.src,
        head.pos,
        `unknown function ${name}${hint}; register host functions with the functions option`,
        { function: name, suggestions },
      );
    }
  }
  const sig = BUILTIN_SIGNATURES[name];
  if (sig !== undefined) {
    checkArity(ctx, head, name, arity, sig.min, sig.max);
    if (sig.effect === true && mode !== "action") {
      throw locatedError("dsl/effect-outside-action", ctx.src, head.pos, `${name} changes facts, so it can only appear in a rule's actions (after =>), not in a ${mode}`, {
        function: name,
        where: mode,
      });
    }
  }
  return name; // a host function: its arity is its own business
}

function checkArity(ctx: BuildContext, head: Form, name: string, given: number, min: number, max: number | undefined): void {
  if (given >= min && (max === undefined || given <= max)) return;
  const want = max === undefined ? `at least ${min}` : min === max ? `${min}` : `${min} to ${max}`;
  throw locatedError("dsl/arity", ctx.src, head.pos, `${name} takes ${want} argument${want === "1" ? "" : "s"}, got ${given}`, {
    function: name,
    arity: given,
    min,
    ...(max === undefined ? {} : { max }),
  });
}

/** Names within edit distance 2 of `name`, closest first (at most three). */
function suggest(name: string, names: readonly string[]): string[] {
  return names
    .map((n) => [n, distance(name, n)] as const)
    .filter(([, d]) => d <= 2)
    .sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0]))
    .slice(0, 3)
    .map(([n]) => n);
}

function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length] ?? 0;
}

// ---------------------------------------------------------------- special forms

function special(ctx: BuildContext, head: Form & { kind: "symbol" }, rest: readonly Form[], scope: Scope, mode: ExprMode): Expr {
  const sub = (f: Form, s: Scope = scope): Expr => toExpr(ctx, f, s, mode);
  switch (head.name) {
    case "and":
    case "or":
      return { kind: head.name, args: rest.map((f) => sub(f)) };
    case "do":
      return { kind: "do", body: rest.map((f) => sub(f)) };
    case "if": {
      checkArity(ctx, head, "if", rest.length, 2, 3);
      const [t, th, el] = rest as [Form, Form, Form | undefined];
      return el === undefined ? { kind: "if", test: sub(t), then: sub(th) } : { kind: "if", test: sub(t), then: sub(th), else: sub(el) };
    }
    case "when": {
      // (when t a b) is (if t (do a b)): the spec has no `when`, the formatter prints the `if`.
      checkArity(ctx, head, "when", rest.length, 2, undefined);
      const [t, ...body] = rest as [Form, ...Form[]];
      const then: Expr = body.length === 1 && body[0] !== undefined ? sub(body[0]) : { kind: "do", body: body.map((f) => sub(f)) };
      return { kind: "if", test: sub(t), then };
    }
    case "let":
      return letExpr(ctx, head, rest, scope, mode);
    default:
      throw locatedError("dsl/invalid-rule", ctx.src, head.pos, `unsupported special form ${head.name}`);
  }
}

/** `(let [?x e1 ?y e2] body...)`: each binding sees the ones before it; names are variables. */
function letExpr(ctx: BuildContext, head: Form, rest: readonly Form[], scope: Scope, mode: ExprMode): Expr {
  const [vec, ...body] = rest;
  if (vec === undefined || vec.kind !== "vector" || vec.items.length % 2 !== 0 || body.length === 0) {
    throw locatedError("dsl/invalid-rule", ctx.src, (vec ?? head).pos, "let takes a vector of variable/value pairs and a body: (let [?x (+ ?a 1)] (f ?x))");
  }
  const bound = new Set(scope.bound);
  const bindings: (readonly [string, Expr])[] = [];
  for (let i = 0; i < vec.items.length; i += 2) {
    const name = vec.items[i];
    const value = vec.items[i + 1];
    if (name === undefined || value === undefined) break;
    if (name.kind !== "variable") throw locatedError("dsl/invalid-rule", ctx.src, name.pos, "let binds variables: write ?name");
    bindings.push([name.name, toExpr(ctx, value, { ...scope, bound }, mode)]);
    bound.add(name.name);
  }
  const inner: Scope = { ...scope, bound };
  return { kind: "let", bindings, body: body.map((f) => toExpr(ctx, f, inner, mode)) };
}

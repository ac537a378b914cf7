/**
 * Readable, canonical text of conditions: for the plan, for messages, and as node-sharing keys
 * (two conditions share a node only when their texts are equal, so the text must tell apart every
 * difference that matters: values by their canonical text, functions by identity).
 */
import { assertNever } from "../errors.js";
import { canonicalText, formatValue } from "../eav/value.js";
import type { Expr, PatternCondition, Term, Test } from "./spec.js";

const ids = new WeakMap<object, number>();
let lastId = 0;

/** A number standing for an object's identity (stable for the object's lifetime). */
export function identityOf(x: object): number {
  let id = ids.get(x);
  if (id === undefined) ids.set(x, (id = ++lastId));
  return id;
}

function term(t: Term): string {
  switch (t.kind) {
    case "var":
      return t.name;
    case "wildcard":
      return "_";
    case "const":
      return `${formatValue(t.value)}#${canonicalText(t.value)}`;
    default:
      return assertNever(t, "term");
  }
}

/** `[?e :order/total ?t]`-like text of a pattern (fields named where they are not e, a, v). */
export function describePattern(p: PatternCondition): string {
  const fields = p.fields.map((f) => `${f.field}=${term(f.term)}`).join(" ");
  return `${p.bind === undefined ? "" : `${p.bind} <- `}[${p.type} ${fields}]`;
}

/** Text of a test: its expression, or `fn#id` for a function. */
export function describeTest(t: Test): string {
  switch (t.kind) {
    case "fn":
      return `test fn#${identityOf(t.fn)}`;
    case "expr":
      return `test ${describeExpr(t.expr)}`;
    default:
      return assertNever(t, "test");
  }
}

/** Canonical text of an expression. */
export function describeExpr(e: Expr): string {
  switch (e.kind) {
    case "lit":
      return canonicalText(e.value);
    case "var":
      return e.name;
    case "call":
      return `(${typeof e.fn === "string" ? e.fn : `fn#${identityOf(e.fn)}`}${e.args.map((a) => ` ${describeExpr(a)}`).join("")})`;
    case "vector":
      return `[${e.items.map(describeExpr).join(" ")}]`;
    case "set":
      return `#{${e.items.map(describeExpr).join(" ")}}`;
    case "map":
      return `{${e.entries.map(([k, v]) => `${describeExpr(k)} ${describeExpr(v)}`).join(", ")}}`;
    case "and":
    case "or":
      return `(${e.kind}${e.args.map((a) => ` ${describeExpr(a)}`).join("")})`;
    case "if":
      return `(if ${describeExpr(e.test)} ${describeExpr(e.then)}${e.else === undefined ? "" : ` ${describeExpr(e.else)}`})`;
    case "let":
      return `(let [${e.bindings.map(([n, v]) => `${n} ${describeExpr(v)}`).join(" ")}]${e.body.map((b) => ` ${describeExpr(b)}`).join("")})`;
    case "do":
      return `(do${e.body.map((b) => ` ${describeExpr(b)}`).join("")})`;
    default:
      return assertNever(e, "expression");
  }
}

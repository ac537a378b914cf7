// Hand-built rule data for session tests: plain RuleSpec objects, independent of the DSL.
import type { Accumulator, Condition, Expr, FieldConstraint, PatternCondition, QuerySpec, Term } from "../../src/rules/spec.js";
import type { Value } from "../../src/eav/index.js";
import { EAV } from "../../src/eav/index.js";
import type { Session, SessionActionContext, SessionProduction } from "../../src/session/index.js";

/** "?x" -> variable, "_" -> wildcard, anything else -> constant. */
export function term(x: Value): Term {
  if (x === "_") return { kind: "wildcard" };
  if (typeof x === "string" && x.startsWith("?")) return { kind: "var", name: x };
  return { kind: "const", value: x };
}

/** An EAV pattern: `[e a v]`; `a` undefined or a variable means eav/all. */
export function pat(e: Value, a?: string, v?: Value, bind?: string): PatternCondition {
  const fields: FieldConstraint[] = [];
  if (e !== "_") fields.push({ field: "e", term: term(e) });
  const typed = a !== undefined && !a.startsWith("?") && a !== "_";
  if (a !== undefined && !typed && a !== "_") fields.push({ field: "a", term: term(a) });
  if (v !== undefined && v !== "_") fields.push({ field: "v", term: term(v) });
  return { kind: "pattern", type: typed ? a : "eav/all", fields, ...(bind === undefined ? {} : { bind }) };
}

export function acc(bind: string, name: string, from: PatternCondition, args: Value[] = []): Condition {
  return { kind: "accumulate", bind, accumulator: { kind: "named", name, args }, from };
}

export function custom(bind: string, accumulator: Accumulator<never, unknown, unknown>, from: PatternCondition): Condition {
  return { kind: "accumulate", bind, accumulator: { kind: "custom", accumulator }, from };
}

export function not(c: Condition): Condition {
  return { kind: "not", condition: c };
}

export function testExpr(expr: Expr): Condition {
  return { kind: "test", test: { kind: "expr", expr } };
}

export function rule(name: string, conditions: Condition[], fn: (ctx: SessionActionContext) => void, extra: { salience?: number; noLoop?: boolean } = {}): SessionProduction {
  return { kind: "rule", name, conditions, action: { kind: "fn", fn }, ...extra };
}

export function query(name: string, params: string[], conditions: Condition[]): QuerySpec {
  return { kind: "query", name, params, conditions };
}

/** Store datoms == non-transient EAV facts of working memory. */
export function storeEqualsMemory(s: Session): boolean {
  const key = (f: EAV) => `${String(f.e)}|${f.a}|${JSON.stringify(f.v)}`;
  const store = new Set([...s.store.datoms()].map(key));
  const wm = new Set([...s.facts()].filter((f): f is EAV => f instanceof EAV && f.a !== "eav/transient").map(key));
  return store.size === wm.size && [...store].every((k) => wm.has(k));
}

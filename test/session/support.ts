// Rule data for session tests, through the public builders (`build`), independent of the DSL.
import {
  EAV,
  build,
  type Accumulator,
  type Condition,
  type Expr,
  type PatternCondition,
  type QuerySpec,
  type Session,
  type SessionActionContext,
  type SessionProduction,
  type Value,
} from "../../src/index.js";

/** An EAV pattern `[e a v]` with optional a and v (`pat("?e")` is `[?e]`, every attribute). */
export function pat(e: Value, a: Value = "_", v: Value = "_", bind?: string): PatternCondition {
  return build.pattern(e, a, v, bind);
}

export function acc(bind: string, name: string, from: PatternCondition, args: Value[] = []): Condition {
  return build.accumulate(bind, build.acc(name, ...args), from);
}

export function custom(bind: string, accumulator: Accumulator<never, unknown, unknown>, from: PatternCondition): Condition {
  return build.accumulate(bind, accumulator, from);
}

export function not(c: Condition): Condition {
  return build.not_(c);
}

export function testExpr(expr: Expr): Condition {
  return build.test(expr);
}

export function rule(name: string, conditions: Condition[], fn: (ctx: SessionActionContext) => void, extra: { salience?: number; noLoop?: boolean } = {}): SessionProduction {
  return build.rule<SessionActionContext>(name, conditions, fn, extra);
}

export function query(name: string, params: string[], conditions: Condition[]): QuerySpec {
  return build.query(name, params, conditions);
}

/** Store datoms == non-transient EAV facts of working memory. */
export function storeEqualsMemory(s: Session): boolean {
  const key = (f: EAV) => `${String(f.e)}|${f.a}|${JSON.stringify(f.v)}`;
  const store = new Set([...s.store.datoms()].map(key));
  const wm = new Set([...s.facts()].filter((f): f is EAV => f instanceof EAV && f.a !== "eav/transient").map(key));
  return store.size === wm.size && [...store].every((k) => wm.has(k));
}

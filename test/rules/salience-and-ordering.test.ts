// Agenda order: salience (numbers, functions, expressions), then load order, then recency (newest
// first); the same inputs always fire in the same order.
import { describe, expect, it } from "vitest";
import { compileRules, newRuleSession, pattern, rule, type EngineActionContext, type RuleSpec, type Salience } from "../../src/rules/index.js";
import { eavs } from "./helpers.js";

function order(rules: RuleSpec<EngineActionContext>[], facts = eavs([1, "p/x", 1], [2, "p/x", 2], [3, "p/x", 3])): string[] {
  const fired: string[] = [];
  newRuleSession(compileRules(rules))
    .insert(facts)
    .fire({ listener: { fired: (r, b) => fired.push(`${r}:${String(b.e)}`) } });
  return fired;
}

const r = (name: string, salience?: Salience) => rule(name, [pattern("?e", "p/x", "?v")], () => {}, salience === undefined ? {} : { salience });

describe("salience and ordering", () => {
  it("higher salience first, then load order, then the newest match first", () => {
    expect(order([r("a"), r("b", 10), r("c")])).toEqual(["b:3", "b:2", "b:1", "a:3", "a:2", "a:1", "c:3", "c:2", "c:1"]);
  });

  it("negative salience fires last", () => {
    expect(order([r("low", -5), r("zero")])).toEqual(["zero:3", "zero:2", "zero:1", "low:3", "low:2", "low:1"]);
  });

  it("salience as a function of the bindings", () => {
    expect(order([r("f", { kind: "fn", fn: (b) => -(b.v as number) })])).toEqual(["f:1", "f:2", "f:3"]);
  });

  it("salience as an expression", () => {
    expect(order([r("x", { kind: "expr", expr: { kind: "call", fn: "*", args: [{ kind: "var", name: "?v" }, { kind: "lit", value: 10 }] } })])).toEqual(["x:3", "x:2", "x:1"]);
  });

  it("an activation created by a firing goes ahead of older ones of equal salience and rule", () => {
    const chain = rule<EngineActionContext>("chain", [pattern("?e", "p/x", "?v")], (ctx) => {
      const v = ctx.bindings.v as number;
      if (v < 10) ctx.insert(eavs([ctx.bindings.e as number, "p/x", v + 10]));
    });
    expect(order([chain], eavs([1, "p/x", 1], [2, "p/x", 2]))).toEqual(["chain:2", "chain:2", "chain:1", "chain:1"]);
  });

  it("is deterministic: the same inputs fire in the same order, from the same or a fresh session", () => {
    const rules = [r("a"), r("b", 1), r("c", { kind: "fn", fn: (b) => (b.v as number) % 2 })];
    const first = order(rules);
    expect(order(rules)).toEqual(first);
    const s0 = newRuleSession(compileRules(rules)).insert(eavs([1, "p/x", 1], [2, "p/x", 2], [3, "p/x", 3]));
    const a: string[] = [];
    const b: string[] = [];
    s0.fire({ listener: { fired: (n, x) => a.push(`${n}:${String(x.e)}`) } });
    s0.fire({ listener: { fired: (n, x) => b.push(`${n}:${String(x.e)}`) } });
    expect(a).toEqual(first);
    expect(b).toEqual(first);
  });

  it("stays deterministic when an old session is fired again after large memories changed", () => {
    // no shared variable: every a meets every b through one large bucket on each side
    const pairs = rule("pair", [pattern("?a", "p/a", "_"), pattern("?b", "p/b", "_")], () => {});
    const facts = Array.from({ length: 12 }, (_, i) => eavs([i + 1, "p/a", 0], [i + 1, "p/b", 0])).flat();
    const s1 = newRuleSession(compileRules([pairs])).insert(facts).fire();
    const firedBy = (s: ReturnType<typeof s1.fire>): string[] => {
      const out: string[] = [];
      s.fire({ listener: { fired: (_r, b) => out.push(`${String(b.a)}-${String(b.b)}`) } });
      return out;
    };
    const next = s1.insert(eavs([100, "p/a", 0], [100, "p/b", 0]));
    const first = firedBy(next);
    // derive a session that removes and re-adds members of both large buckets, then go back
    s1.retract(eavs([3, "p/a", 0], [5, "p/b", 0], [7, "p/a", 0])).fire().insert(eavs([3, "p/a", 0], [5, "p/b", 0])).fire();
    expect(firedBy(next)).toEqual(first);
    expect(first).toHaveLength(25);
  });
});

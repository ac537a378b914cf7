// Accumulators: every built-in, each through insertion and retraction, grouped by join variables,
// unified with an earlier binding, user accumulators, and empty-match behaviour.
import { describe, expect, it } from "vitest";
import { eav } from "../../src/eav/index.js";
import { acc, accumulate, compileRules, newRuleSession, pattern, query, type Accumulator } from "../../src/rules/index.js";
import { eavs, rows } from "./helpers.js";

const totals = eavs([1, "order/total", 10], [2, "order/total", 30], [3, "order/total", 20], [4, "order/total", 30]);

function session(name: string, ...args: string[]) {
  return newRuleSession(compileRules([query("q", [], [accumulate("?r", acc(name, ...args), pattern("_", "order/total", "_"))])]));
}

describe("accumulators", () => {
  it.each([
    // name, args, after inserting all four, after retracting order 2 (30), on nothing
    ["count", [], 4, 3, [{ r: 0 }]],
    ["sum", ["v"], 90, 60, [{ r: 0 }]],
    ["min", ["v"], 10, 10, []],
    ["max", ["v"], 30, 30, []],
    ["average", ["v"], 22.5, 20, []],
  ] as const)("%s", (name, args, all, afterRetract, empty) => {
    const s0 = session(name, ...args).fire();
    expect(s0.query("q")).toEqual(empty);
    const s1 = s0.insert(totals).fire();
    expect(s1.query("q")).toEqual([{ r: all }]);
    const s2 = s1.retract(eavs([2, "order/total", 30])).fire();
    expect(s2.query("q")).toEqual([{ r: afterRetract }]);
    expect(s2.retract(totals).fire().query("q")).toEqual(empty);
  });

  it("max moves down when the largest value is retracted, min up", () => {
    const lo = session("min", "v").insert(totals).fire().retract(eavs([1, "order/total", 10])).fire();
    expect(lo.query("q")).toEqual([{ r: 20 }]);
    const hi = session("max", "v").insert(totals).fire().retract(eavs([2, "order/total", 30], [4, "order/total", 30])).fire();
    expect(hi.query("q")).toEqual([{ r: 20 }]);
  });

  it("all: the facts, or one field of them", () => {
    const s = session("all").insert(totals.slice(0, 2)).fire();
    expect(s.query("q")).toEqual([{ r: [eav(1, "order/total", 10), eav(2, "order/total", 30)] }]);
    expect(s.retract(eavs([1, "order/total", 10])).fire().query("q")).toEqual([{ r: [eav(2, "order/total", 30)] }]);
    expect(session("all", "v").insert(totals).fire().query("q")).toEqual([{ r: [10, 30, 20, 30] }]);
  });

  it("distinct: a set of values, kept while any fact has the value", () => {
    const s = session("distinct", "v").insert(totals).fire();
    expect(s.query("q")).toEqual([{ r: new Set([10, 30, 20]) }]);
    expect(s.retract(eavs([2, "order/total", 30])).fire().query("q")).toEqual([{ r: new Set([10, 30, 20]) }]);
    expect(s.retract(eavs([2, "order/total", 30], [4, "order/total", 30])).fire().query("q")).toEqual([{ r: new Set([10, 20]) }]);
  });

  it("grouping-by: a map from the field's value to the facts", () => {
    const s = session("grouping-by", "v").insert(totals).fire();
    const r = s.query("q")[0]?.r as Map<unknown, unknown[]>;
    expect([...r.keys()]).toEqual([10, 30, 20]);
    expect(r.get(30)).toEqual([eav(2, "order/total", 30), eav(4, "order/total", 30)]);
    const r2 = s.retract(eavs([1, "order/total", 10])).fire().query("q")[0]?.r as Map<unknown, unknown[]>;
    expect([...r2.keys()]).toEqual([30, 20]);
  });

  it("groups by the variables shared with earlier conditions", () => {
    const q = query("per-customer", ["?c"], [pattern("?c", "cust/name", "_"), accumulate("?n", "count", pattern("_", "order/cust", "?c"))]);
    let s = newRuleSession(compileRules([q])).insert(eavs([1, "cust/name", "a"], [2, "cust/name", "b"], [10, "order/cust", 1], [11, "order/cust", 1], [12, "order/cust", 2])).fire();
    expect(s.query("per-customer", { c: 1 })).toEqual([{ c: 1, n: 2 }]);
    expect(s.query("per-customer", { c: 2 })).toEqual([{ c: 2, n: 1 }]);
    s = s.retract(eavs([10, "order/cust", 1])).insert(eavs([13, "order/cust", 2])).fire();
    expect(s.query("per-customer", { c: 1 })).toEqual([{ c: 1, n: 1 }]);
    expect(s.query("per-customer", { c: 2 })).toEqual([{ c: 2, n: 2 }]);
  });

  it("a result variable bound earlier must equal the result", () => {
    const q = query("exact", ["?c"], [pattern("?c", "cust/expected", "?n"), accumulate("?n", "count", pattern("_", "order/cust", "?c"))]);
    let s = newRuleSession(compileRules([q])).insert(eavs([1, "cust/expected", 2], [10, "order/cust", 1])).fire();
    expect(s.query("exact", { c: 1 })).toEqual([]);
    s = s.insert(eavs([11, "order/cust", 1])).fire();
    expect(s.query("exact", { c: 1 })).toEqual([{ c: 1, n: 2 }]);
  });

  it("a user accumulator with retract, registered by name or given inline", () => {
    const product: Accumulator<{ v: number }, number, number> = {
      initial: () => 1,
      reduce: (a, f) => a * f.v,
      retract: (a, f) => a / f.v,
      convert: (a) => a,
    };
    const byName = newRuleSession(
      compileRules([query("q", [], [accumulate("?r", acc("product"), pattern("_", "order/total", "_"))])], { accumulators: { product: () => product as unknown as Accumulator<never, unknown, unknown> } }),
    );
    const s = byName.insert(eavs([1, "order/total", 2], [2, "order/total", 5])).fire();
    expect(s.query("q")).toEqual([{ r: 10 }]);
    expect(s.retract(eavs([1, "order/total", 2])).fire().query("q")).toEqual([{ r: 5 }]);
    const inline = newRuleSession(compileRules([query("q", [], [accumulate("?r", product, pattern("_", "order/total", "_"))])]));
    expect(inline.insert(eavs([1, "order/total", 3])).fire().query("q")).toEqual([{ r: 3 }]);
  });

  it("many inserts into one group in one fire propagate one result", () => {
    let changes = 0;
    const counter = { initial: () => 0, reduce: (a: number) => a + 1, retract: (a: number) => a - 1, convert: (a: number) => (changes++, a) };
    const s = newRuleSession(compileRules([query("q", [], [accumulate("?r", counter, pattern("_", "order/total", "_"))])]));
    const many = Array.from({ length: 500 }, (_, i) => eav(i + 1, "order/total", i));
    changes = 0;
    expect(s.insert(many).fire().query("q")).toEqual([{ r: 500 }]);
    expect(changes).toBeLessThanOrEqual(2);
  });

  it("variables of the accumulated pattern bound nowhere before group it: one result per value (Clara)", () => {
    const q = query("per-cust", [], [accumulate("?n", "count", pattern("_", "order/cust", "?c"))]);
    let s = newRuleSession(compileRules([q])).insert(eavs([10, "order/cust", 1], [11, "order/cust", 1], [12, "order/cust", 2])).fire();
    expect(rows(s, "per-cust")).toEqual([
      { n: 1, c: 2 },
      { n: 2, c: 1 },
    ]);
    s = s.retract(eavs([12, "order/cust", 2], [10, "order/cust", 1])).insert(eavs([13, "order/cust", 3])).fire();
    expect(rows(s, "per-cust")).toEqual([
      { n: 1, c: 1 },
      { n: 1, c: 3 },
    ]);
    // a group variable used as a query parameter selects the group (clara-eav's `entity` idiom)
    const byCust = query("of", ["?c"], [accumulate("?all", acc("all", "e"), pattern("_", "order/cust", "?c"))]);
    const s2 = newRuleSession(compileRules([byCust])).insert(eavs([10, "order/cust", 1], [11, "order/cust", 1], [12, "order/cust", 2])).fire();
    expect(s2.query("of", { c: 1 })).toEqual([{ all: [10, 11], c: 1 }]);
    expect(s2.retract(eavs([10, "order/cust", 1])).fire().query("of", { c: 1 })).toEqual([{ all: [11], c: 1 }]);
    expect(s2.retract(eavs([10, "order/cust", 1], [11, "order/cust", 1])).fire().query("of", { c: 1 })).toEqual([]);
  });

  it("a constant in the accumulated pattern filters what is accumulated", () => {
    const q = query("q", [], [accumulate("?r", acc("count"), pattern("_", "order/status", "open"))]);
    const s = newRuleSession(compileRules([q])).insert(eavs([1, "order/status", "open"], [2, "order/status", "closed"], [3, "order/status", "open"])).fire();
    expect(rows(s, "q")).toEqual([{ r: 2 }]);
  });
});

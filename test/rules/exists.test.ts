// exists: one match per outer token however many facts satisfy it; of a pattern and of a conjunction.
import { describe, expect, it } from "vitest";
import { exists, pattern, query, rule } from "../../src/rules/index.js";
import { attr, eavs, mark, run } from "./helpers.js";

describe("exists", () => {
  const r = [rule("has-orders", [pattern("?e", "cust/name", "_"), exists(pattern("?o", "order/cust", "?e"))], mark("cust/active"), { uses: ["e"] })];

  it("fires once however many facts satisfy it", () => {
    const s = run(r, eavs([1, "cust/name", "a"], [10, "order/cust", 1], [11, "order/cust", 1], [12, "order/cust", 1]));
    expect(attr(s, "cust/active")).toEqual(["1:true"]);
    expect(s.lastFire?.byRule).toEqual({ "has-orders": 1 });
  });

  it("holds until the last supporting fact goes", () => {
    let s = run(r, eavs([1, "cust/name", "a"], [10, "order/cust", 1], [11, "order/cust", 1]));
    s = s.retract(eavs([10, "order/cust", 1])).fire();
    expect(attr(s, "cust/active")).toEqual(["1:true"]);
    expect(s.lastFire?.firings).toBe(0);
    s = s.retract(eavs([11, "order/cust", 1])).fire();
    expect(attr(s, "cust/active")).toEqual([]);
    s = s.insert(eavs([12, "order/cust", 1])).fire();
    expect(attr(s, "cust/active")).toEqual(["1:true"]);
  });

  it("exists of a conjunction", () => {
    const q = query("has-big", ["?c"], [pattern("?c", "cust/name", "_"), exists(pattern("?o", "order/cust", "?c"), pattern("?o", "order/big", true))]);
    let s = run([q], eavs([1, "cust/name", "a"], [10, "order/cust", 1], [11, "order/cust", 1]));
    expect(s.query("has-big", { c: 1 })).toEqual([]);
    s = s.insert(eavs([10, "order/big", true], [11, "order/big", true])).fire();
    expect(s.query("has-big", { c: 1 })).toEqual([{ c: 1 }]);
    s = s.retract(eavs([10, "order/big", true])).fire();
    expect(s.query("has-big", { c: 1 })).toEqual([{ c: 1 }]);
    s = s.retract(eavs([11, "order/cust", 1])).fire();
    expect(s.query("has-big", { c: 1 })).toEqual([]);
  });

  it("exists at the top of a rule", () => {
    const s = run([query("any", [], [exists(pattern("_", "p/x", "_"))])]);
    expect(s.query("any")).toEqual([]);
    expect(s.insert(eavs([1, "p/x", 1], [2, "p/x", 2])).fire().query("any")).toEqual([{}]);
  });
});

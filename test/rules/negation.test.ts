// Negation: `not` of a pattern and of a conjunction, with join variables, through retraction and
// re-insertion, nested, and at the top of a rule.
import { describe, expect, it } from "vitest";
import { and, not_, pattern, query, rule, test } from "../../src/rules/index.js";
import { attr, eavs, mark, run } from "./helpers.js";

describe("negation", () => {
  const unreviewed = [rule("flag", [pattern("?e", "order/total", "?t"), not_(pattern("?e", "order/reviewed", true))], mark("order/flag"), { uses: ["e"] })];

  it("matches while no fact with the join key exists, and flips both ways", () => {
    let s = run(unreviewed, eavs([1, "order/total", 5], [2, "order/total", 6], [2, "order/reviewed", true]));
    expect(attr(s, "order/flag")).toEqual(["1:true"]);
    s = s.insert(eavs([1, "order/reviewed", true])).fire();
    expect(attr(s, "order/flag")).toEqual([]);
    s = s.retract(eavs([2, "order/reviewed", true])).fire();
    expect(attr(s, "order/flag")).toEqual(["2:true"]);
  });

  it("a fact that differs in a constant does not block", () => {
    const s = run(unreviewed, eavs([1, "order/total", 5], [1, "order/reviewed", false]));
    expect(attr(s, "order/flag")).toEqual(["1:true"]);
  });

  it("counts blockers: the match returns only when the last one goes", () => {
    const r = [rule("lonely", [pattern("?e", "p/person", true), not_(pattern("?e", "p/friend", "_"))], mark("p/lonely"), { uses: ["e"] })];
    let s = run(r, eavs([1, "p/person", true], [1, "p/friend", 2], [1, "p/friend", 3]));
    expect(attr(s, "p/lonely")).toEqual([]);
    s = s.retract(eavs([1, "p/friend", 2])).fire();
    expect(attr(s, "p/lonely")).toEqual([]);
    s = s.retract(eavs([1, "p/friend", 3])).fire();
    expect(attr(s, "p/lonely")).toEqual(["1:true"]);
  });

  it("not at the top of a rule holds on an empty memory", () => {
    const s = run([query("empty", [], [not_(pattern("_", "p/any", "_"))])]);
    expect(s.query("empty")).toEqual([{}]);
    expect(s.insert(eavs([1, "p/any", 1])).fire().query("empty")).toEqual([]);
  });

  it("not of a conjunction blocks only when every part matches together", () => {
    // orders not shipped to a blocked country
    const q = query("ok", [], [pattern("?o", "order/id", "?id"), not_(pattern("?o", "order/country", "?c"), pattern("?c", "country/blocked", true))]);
    let s = run([q], eavs([1, "order/id", 1], [1, "order/country", 100], [2, "order/id", 2], [2, "order/country", 200], [100, "country/blocked", false]));
    expect(s.query("ok").map((r) => r.o).sort()).toEqual([1, 2]);
    s = s.insert(eavs([200, "country/blocked", true])).fire();
    expect(s.query("ok").map((r) => r.o)).toEqual([1]);
    s = s.retract(eavs([2, "order/country", 200])).fire();
    expect(s.query("ok").map((r) => r.o).sort()).toEqual([1, 2]);
  });

  it("not of a conjunction with a test inside", () => {
    const q = query("no-big", ["?c"], [pattern("?c", "cust/name", "_"), not_(and(pattern("?o", "order/cust", "?c"), pattern("?o", "order/total", "?t"), test(({ t }) => (t as number) > 100, ["t"])))]);
    let s = run([q], eavs([1, "cust/name", "a"], [10, "order/cust", 1], [10, "order/total", 50]));
    expect(s.query("no-big", { c: 1 })).toEqual([{ c: 1 }]);
    s = s.insert(eavs([11, "order/cust", 1], [11, "order/total", 500])).fire();
    expect(s.query("no-big", { c: 1 })).toEqual([]);
    s = s.retract(eavs([11, "order/total", 500])).fire();
    expect(s.query("no-big", { c: 1 })).toEqual([{ c: 1 }]);
  });

  it("nested negation: not (a and not b)", () => {
    // every task of the project is done: no task without a done mark
    const q = query("all-done", ["?p"], [pattern("?p", "project/name", "_"), not_(pattern("?t", "task/project", "?p"), not_(pattern("?t", "task/done", true)))]);
    let s = run([q], eavs([1, "project/name", "x"], [10, "task/project", 1], [11, "task/project", 1], [10, "task/done", true]));
    expect(s.query("all-done", { p: 1 })).toEqual([]);
    s = s.insert(eavs([11, "task/done", true])).fire();
    expect(s.query("all-done", { p: 1 })).toEqual([{ p: 1 }]);
    s = s.insert(eavs([12, "task/project", 1])).fire();
    expect(s.query("all-done", { p: 1 })).toEqual([]);
  });

  it("a rule negating what it derives reaches the expected fixpoint when the derived fact is unconditional", () => {
    const r = [rule("once", [pattern("?e", "p/x", "_"), not_(pattern("?e", "p/seen", true))], (ctx) => ctx.insertUnconditional(eavs([ctx.bindings.e as number, "p/seen", true])), { uses: ["e"] })];
    const s = run(r, eavs([1, "p/x", 1], [2, "p/x", 1]));
    expect(attr(s, "p/seen")).toEqual(["1:true", "2:true"]);
    expect(s.lastFire?.firings).toBe(2);
  });
});

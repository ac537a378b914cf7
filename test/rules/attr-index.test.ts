// Working memory's index per attribute (runtime/wm.ts, AttrIndex) is made on first use, never
// removed and not journaled, and holds the attribute's alpha nodes; a join reading working memory
// keeps the index it read during a fire (engine.ts, wmIndexes). Whatever the order in which an
// attribute first appears (read by a join before any fact of it, retracted before inserted, first
// inserted by an action, in a fire that fails), the engine must behave as a set of facts and old
// session values must keep their answers.
import { describe, expect, it } from "vitest";
import { eav } from "../../src/eav/index.js";
import { compileRules, newRuleSession, pattern, query, rule, test, type EngineActionContext } from "../../src/rules/index.js";

const net = compileRules([
  // reads p/y (by entity) for every p/x fact: the join asks for p/y's index before any p/y exists
  rule<EngineActionContext>("tag", [pattern("?e", "p/x", "?x")], (ctx) => ctx.insert(eav(ctx.bindings.e as number, "p/y", 1)), { uses: ["e"] }),
  query("xy", [], [pattern("?e", "p/x", "?x"), pattern("?e", "p/y", "?y")]),
  query("ys", [], [pattern("?e", "p/y", "?y")]),
  // a failing test on p/bad: a fire inserting one throws
  query("bad", [], [
    pattern("?e", "p/bad", "?v"),
    test((b) => {
      if (b.v === 1) throw new Error("boom");
      return true;
    }, ["?v"]),
  ]),
  query("zs", [], [pattern("?e", "p/z", "?v")]),
]);

describe("working memory's index per attribute", () => {
  it("a join sees facts of an attribute first inserted by an action in the same fire", () => {
    const s = newRuleSession(net).insert([eav(1, "p/x", 10), eav(2, "p/x", 20)]).fire();
    expect(s.query("xy").map((r) => r.e).sort()).toEqual([1, 2]);
    expect(s.lastFire?.firings).toBe(2);
    // and once the index exists, in later fires, insertions and withdrawals keep it exact
    const s2 = s.retract([eav(1, "p/x", 10)]).fire();
    expect(s2.query("xy").map((r) => r.e)).toEqual([2]);
    expect(s2.query("ys").map((r) => r.e)).toEqual([2]);
    expect(s.query("ys").map((r) => r.e).sort()).toEqual([1, 2]);
  });

  it("a retraction of a fact of an attribute never seen changes nothing, and the attribute works after it", () => {
    const s0 = newRuleSession(net).insert([eav(1, "p/x", 1)]).fire();
    const s1 = s0.retract([eav(5, "p/z", 1)]).fire();
    expect(s1.lastFire?.retracted).toEqual([]);
    expect(s1.query("zs")).toEqual([]);
    const s2 = s1.insert([eav(5, "p/z", 1), eav(6, "p/z", 2)]).fire();
    expect(s2.query("zs").map((r) => r.e)).toEqual([5, 6]);
    const s3 = s2.retract([eav(5, "p/z", 1)]).fire();
    expect(s3.query("zs").map((r) => r.e)).toEqual([6]);
    // old values keep their answers
    expect(s2.query("zs").map((r) => r.e)).toEqual([5, 6]);
    expect(s1.query("zs")).toEqual([]);
  });

  it("a failed fire that introduced an attribute leaves the session as it was", () => {
    const s0 = newRuleSession(net).insert([eav(1, "p/x", 1)]).fire();
    expect(() => s0.insert([eav(3, "p/bad", 1), eav(3, "p/z", 7)]).fire()).toThrow(/boom/);
    expect(s0.query("zs")).toEqual([]);
    expect([...s0.facts()].length).toBe(2); // p/x and the derived p/y
    const s1 = s0.insert([eav(3, "p/z", 7)]).fire();
    expect(s1.query("zs")).toEqual([{ e: 3, v: 7 }]);
    expect(s1.size).toBe(3);
  });
});

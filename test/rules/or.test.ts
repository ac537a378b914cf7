// or: rewritten to disjunctive normal form, one branch per alternative sharing the rule's action.
import { describe, expect, it } from "vitest";
import { and, exists, not_, or, pattern, query, rule } from "../../src/rules/index.js";
import { compileRules } from "../../src/rules/index.js";
import { attr, eavs, mark, rows, run } from "./helpers.js";

describe("or", () => {
  const r = [rule("notify", [pattern("?e", "user/name", "_"), or(pattern("?e", "user/admin", true), pattern("?e", "user/owner", true))], mark("user/notify"), { uses: ["e"] })];

  it("fires for each alternative that matches", () => {
    const s = run(r, eavs([1, "user/name", "a"], [1, "user/admin", true], [2, "user/name", "b"], [2, "user/owner", true], [3, "user/name", "c"]));
    expect(attr(s, "user/notify")).toEqual(["1:true", "2:true"]);
    expect(s.lastFire?.byRule).toEqual({ notify: 2 });
  });

  it("each branch supports the derived fact: it stays until both are gone", () => {
    let s = run(r, eavs([1, "user/name", "a"], [1, "user/admin", true], [1, "user/owner", true]));
    expect(s.lastFire?.firings).toBe(2);
    s = s.retract(eavs([1, "user/admin", true])).fire();
    expect(attr(s, "user/notify")).toEqual(["1:true"]);
    s = s.retract(eavs([1, "user/owner", true])).fire();
    expect(attr(s, "user/notify")).toEqual([]);
  });

  it("compiles to one terminal per branch", () => {
    const net = compileRules([rule("x", [or(pattern("?e", "a/x", 1), and(pattern("?e", "a/y", 1), or(pattern("?e", "a/z", 1), pattern("?e", "a/w", 1))))], () => {})]);
    expect(net.plan.productions[0]?.branches).toHaveLength(3);
  });

  it("a query's branches return their rows together", () => {
    const q = query("contact", ["?e"], [or(pattern("?e", "p/email", "?c"), pattern("?e", "p/phone", "?c"))]);
    const s = run([q], eavs([1, "p/email", "a@x"], [1, "p/phone", "555"], [2, "p/email", "b@x"]));
    expect(rows(s, "contact", { e: 1 })).toEqual([
      { e: 1, c: "555" },
      { e: 1, c: "a@x" },
    ]);
  });

  it("not of an or is the and of the nots", () => {
    const q = query("plain", [], [pattern("?e", "user/name", "_"), not_(or(pattern("?e", "user/admin", true), pattern("?e", "user/owner", true)))]);
    const s = run([q], eavs([1, "user/name", "a"], [1, "user/admin", true], [2, "user/name", "b"], [3, "user/name", "c"], [3, "user/owner", true]));
    expect(s.query("plain")).toEqual([{ e: 2 }]);
  });

  it("exists of an or matches once, whichever alternatives hold", () => {
    const q = query("special", [], [pattern("?e", "user/name", "_"), exists(or(pattern("?e", "user/admin", true), pattern("?e", "user/owner", true)))]);
    const s = run([q], eavs([1, "user/name", "a"], [1, "user/admin", true], [1, "user/owner", true], [2, "user/name", "b"]));
    expect(s.query("special")).toEqual([{ e: 1 }]);
  });
});

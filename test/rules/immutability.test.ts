// Immutable sessions: every earlier session value stays valid and unchanged whatever is derived
// from it, in any order; firing an old value again gives the same result.
import { describe, expect, it } from "vitest";
import { isEavError } from "../../src/errors.js";
import { accumulate, compileRules, newRuleSession, not_, pattern, query, rule, type RuleSession } from "../../src/rules/index.js";
import { attr, eavs, mark } from "./helpers.js";

const rules = [
  rule("flag", [pattern("?e", "p/x", "?v"), not_(pattern("?e", "p/off", true))], mark("p/flag"), { uses: ["e"] }),
  query("count", [], [accumulate("?n", "count", pattern("_", "p/x", "_"))]),
];
const net = compileRules(rules);

function snapshot(s: RuleSession): string {
  return JSON.stringify({ x: attr(s, "p/x"), flag: attr(s, "p/flag"), off: attr(s, "p/off"), n: s.query("count") });
}

describe("immutability", () => {
  it("insert and retract do not change the receiver", () => {
    const s0 = newRuleSession(net).fire();
    const s1 = s0.insert(eavs([1, "p/x", 1]));
    expect(s0.hasPending).toBe(false);
    expect(s1.hasPending).toBe(true);
    expect(s0.facts()).toEqual([]);
  });

  it("firing the same session twice gives the same result both times", () => {
    const s1 = newRuleSession(net).insert(eavs([1, "p/x", 1], [2, "p/x", 2]));
    const a = s1.fire();
    const b = s1.fire();
    expect(snapshot(a)).toEqual(snapshot(b));
    expect(a.lastFire).toEqual(b.lastFire);
  });

  it("an old session is unchanged after a session derived from it fired", () => {
    const s1 = newRuleSession(net).insert(eavs([1, "p/x", 1])).fire();
    const before = snapshot(s1);
    const s2 = s1.insert(eavs([2, "p/x", 2], [1, "p/off", true])).fire();
    expect(snapshot(s1)).toEqual(before);
    expect(snapshot(s2)).toEqual(JSON.stringify({ x: ["1:1", "2:2"], flag: ["2:true"], off: ["1:true"], n: [{ n: 2 }] }));
    // and back and forth again
    expect(snapshot(s1)).toEqual(before);
    const s3 = s1.retract(eavs([1, "p/x", 1])).fire();
    expect(snapshot(s2)).toEqual(JSON.stringify({ x: ["1:1", "2:2"], flag: ["2:true"], off: ["1:true"], n: [{ n: 2 }] }));
    expect(snapshot(s3)).toEqual(JSON.stringify({ x: [], flag: [], off: [], n: [{ n: 0 }] }));
  });

  it("sibling branches stay independent through many alternations", () => {
    const base = newRuleSession(net).insert(eavs([1, "p/x", 1], [2, "p/x", 2])).fire();
    const left = base.insert(eavs([1, "p/off", true])).fire();
    const right = base.retract(eavs([2, "p/x", 2])).fire();
    for (let i = 0; i < 3; i++) {
      expect(attr(left, "p/flag")).toEqual(["2:true"]);
      expect(attr(right, "p/flag")).toEqual(["1:true"]);
      expect(attr(base, "p/flag")).toEqual(["1:true", "2:true"]);
      const further = left.insert(eavs([3, "p/x", 3])).fire();
      expect(attr(further, "p/flag")).toEqual(["2:true", "3:true"]);
    }
  });

  it("a failed fire leaves the session usable and unchanged", () => {
    const bad = compileRules([
      rule("boom", [pattern("?e", "p/bad", true)], () => {
        throw new Error("nope");
      }),
      ...rules,
    ]);
    const s1 = newRuleSession(bad).insert(eavs([1, "p/x", 1])).fire();
    const before = snapshot(s1);
    let err: unknown;
    try {
      s1.insert(eavs([2, "p/x", 2], [2, "p/bad", true])).fire();
    } catch (e) {
      err = e;
    }
    expect(isEavError(err, "rules/action-failed")).toBe(true);
    expect(snapshot(s1)).toEqual(before);
    expect(attr(s1.insert(eavs([3, "p/x", 3])).fire(), "p/flag")).toEqual(["1:true", "3:true"]);
  });

  it("sessions of one network are independent", () => {
    const a = newRuleSession(net).insert(eavs([1, "p/x", 1])).fire();
    const b = newRuleSession(net).insert(eavs([2, "p/x", 2])).fire();
    expect(attr(a, "p/x")).toEqual(["1:1"]);
    expect(attr(b, "p/x")).toEqual(["2:2"]);
  });
});

describe("re-entrancy", () => {
  it("an action cannot fire a session of the chain that is firing", () => {
    const holder: { outer?: RuleSession } = {};
    const net2 = compileRules([
      rule("nested", [pattern("?e", "p/x", "_")], () => {
        holder.outer?.fire();
      }),
    ]);
    const outer = newRuleSession(net2).insert(eavs([1, "p/x", 1]));
    holder.outer = outer;
    let err: unknown;
    try {
      outer.fire();
    } catch (e) {
      err = e;
    }
    expect(isEavError(err, "rules/action-failed")).toBe(true);
    expect(((err as { cause?: unknown }).cause as { code?: string }).code).toBe("rules/invalid-spec");
    expect(outer.facts()).toEqual([]);
  });
});

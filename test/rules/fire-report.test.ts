// The fire report's lists of facts in and out, for loads and retractions big enough that the engine
// sizes the lists of inserted and retracted facts up front (runtime/engine.ts, PRESIZE), and the re-insertion of facts already
// present: a no-op for an unconditional fact (nothing reported, nothing matched again), and for a
// fact that only a rule supports, the step that makes it unconditional (it then survives the loss
// of that support).
import { describe, expect, it } from "vitest";
import { eav, type EAV } from "../../src/eav/index.js";
import { compileRules, newRuleSession, or, pattern, query, rule, type EngineActionContext, type Listener } from "../../src/rules/index.js";
import { objectArray } from "../../src/rules/runtime/arrays.js";
import { attr, mark } from "./helpers.js";

const net = compileRules([
  rule<EngineActionContext>("big", [pattern("?e", "p/x", "?x"), { kind: "test", test: { kind: "fn", fn: (b) => (b.x as number) > 2990, uses: ["x"] } }], mark("p/big")),
  query("xs", [], [pattern("?e", "p/x", "?x")]),
]);

function xs(from: number, to: number): EAV[] {
  const out: EAV[] = [];
  for (let i = from; i < to; i++) out.push(eav(i, "p/x", i));
  return out;
}

describe("fire report", () => {
  it("lists every inserted fact once, in order, with no holes, for a big load with duplicates", () => {
    const facts = xs(1, 3001);
    // duplicates within the load and an empty op: reported once, the list is trimmed to its length
    const s = newRuleSession(net).insert(facts).insert(facts.slice(0, 500)).insert([]).fire();
    const inserted = s.lastFire?.inserted ?? [];
    const derived = xs(2991, 3001).map((f) => eav(f.e, "p/big", true));
    expect(inserted).toHaveLength(3000 + 10);
    expect(Object.keys(inserted)).toHaveLength(3010); // no holes
    expect(inserted.slice(0, 3000)).toEqual(facts);
    expect(inserted.slice(3000)).toEqual(derived.reverse()); // newest activation first
    expect(s.lastFire?.retracted).toEqual([]);
  });

  it("lists the facts actions insert after a big load's, also past the room sized up front", () => {
    // every fact derives one: twice the pending count, past the list's slack (engine.ts, withSlack)
    const every = compileRules([rule<EngineActionContext>("all", [pattern("?e", "p/x", "?x")], mark("p/all"))]);
    const facts = xs(1, 2001);
    const s = newRuleSession(every).insert(facts).fire();
    const inserted = s.lastFire?.inserted ?? [];
    expect(inserted).toHaveLength(4000);
    expect(Object.keys(inserted)).toHaveLength(4000); // no holes
    expect(inserted.slice(0, 2000)).toEqual(facts);
    expect(new Set(inserted.slice(2000))).toEqual(new Set(facts.map((f) => eav(f.e, "p/all", true))));
    const out = s.retract(facts).fire().lastFire?.retracted ?? [];
    expect(out).toHaveLength(4000);
    expect(Object.keys(out)).toHaveLength(4000);
  });

  it("lists every retracted fact once, in order, with no holes, for a big retraction with absent facts and withdrawals", () => {
    const facts = xs(1, 3001);
    const s1 = newRuleSession(net).insert(facts).fire();
    // 2000 present facts (10 with a derived p/big each), then 500 absent ones and a repeat: not reported
    const out = xs(1001, 3001);
    const s2 = s1.retract(out).retract(xs(5001, 5501)).retract(out.slice(0, 300)).insert(xs(9001, 9003)).fire();
    const retracted = s2.lastFire?.retracted ?? [];
    expect(retracted).toHaveLength(2000 + 10);
    expect(Object.keys(retracted)).toHaveLength(2010); // no holes
    // the p/big facts are withdrawn when the retraction op settles, after its p/x facts
    expect(retracted.slice(0, 2000)).toEqual(out);
    expect(new Set(retracted.slice(2000))).toEqual(new Set(xs(2991, 3001).map((f) => eav(f.e, "p/big", true))));
    expect(s2.lastFire?.inserted.slice(0, 2)).toEqual(xs(9001, 9003)); // then their p/big
    expect(s2.query("xs")).toHaveLength(1002);
  });

  it("a second big fire of facts already present reports and matches nothing", () => {
    const facts = xs(1, 3001);
    const s1 = newRuleSession(net).insert(facts).fire();
    const seen: string[] = [];
    const listener: Listener = {
      inserted: (f) => seen.push(`in ${String((f as EAV).e)}`),
      activationAdded: (r) => seen.push(`act ${r}`),
      retracted: (f) => seen.push(`out ${String((f as EAV).e)}`),
    };
    const s2 = s1.insert(facts.map((f) => eav(f.e, f.a, f.v))).fire({ listener });
    expect(seen).toEqual([]);
    expect(s2.lastFire).toEqual({ firings: 0, byRule: {}, inserted: [], retracted: [] });
    expect(s2.query("xs")).toHaveLength(3000);
    expect(attr(s2, "p/big")).toHaveLength(10);
  });

  it("re-inserting a logically supported fact makes it unconditional: it survives its support", () => {
    const s1 = newRuleSession(net).insert([eav(1, "p/x", 2995)]).fire();
    expect(attr(s1, "p/big")).toEqual(["1:true"]);
    // the same derived fact, inserted from outside: nothing new enters working memory
    const s2 = s1.insert([eav(1, "p/big", true)]).fire();
    expect(s2.lastFire?.inserted).toEqual([]);
    // the rule's match goes: the fact stays (unconditional now); in the old value it would go
    expect(attr(s2.retract([eav(1, "p/x", 2995)]).fire(), "p/big")).toEqual(["1:true"]);
    expect(attr(s1.retract([eav(1, "p/x", 2995)]).fire(), "p/big")).toEqual([]);
  });
});

describe("objectArray (the fire's lists)", () => {
  it("is a new, empty array each time, holding anything pushed", () => {
    const a = objectArray<unknown>();
    const b = objectArray<unknown>();
    expect(a).not.toBe(b);
    expect(a).toEqual([]);
    a.push(1, { x: 1 }, "s", null);
    expect(a).toEqual([1, { x: 1 }, "s", null]);
    expect(b).toEqual([]);
  });

  it("counts firings by rule, the branches of an `or` under their rule, keys in the order rules first fired", () => {
    // salience orders the firings: late (a branch of an or), then early, then late's other branch
    const byRuleNet = compileRules([
      rule("early", [pattern("?e", "q/b", "?v")], () => {}, { salience: 5 }),
      rule("late", [or(pattern("?e", "q/a", "?v"), pattern("?e", "q/c", "?v"))], () => {}),
      rule("first", [pattern("?e", "q/first", "?v")], () => {}, { salience: 10 }),
    ]);
    const s = newRuleSession(byRuleNet)
      .insert([eav(1, "q/a", 1), eav(2, "q/c", 1), eav(3, "q/c", 2), eav(4, "q/b", 1), eav(5, "q/first", 1)])
      .fire();
    expect(s.lastFire?.byRule).toEqual({ first: 1, early: 1, late: 3 });
    expect(Object.keys(s.lastFire?.byRule ?? {})).toEqual(["first", "early", "late"]);
    expect(s.lastFire?.firings).toBe(5);
    // a second fire counts afresh
    const s2 = s.insert([eav(6, "q/a", 1)]).fire();
    expect(s2.lastFire?.byRule).toEqual({ late: 1 });
  });
});

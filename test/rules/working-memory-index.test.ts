// Working memory's attribute -> entity index keeps integer entity ids in pages near the first id it
// sees (below it too) and every other key (keywords, ids far from the pages, ids whose page was not
// worth allocating yet) in a Map (runtime/keymap.ts; keymap.test.ts tests it alone). Whatever the mix, the engine must behave as a set of facts: joins on the entity see
// exactly the facts present, retractions and several values per (entity, attribute) work, a failed
// fire leaves everything as it was and old session values stay valid.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { eav, kw, type EAV, type Eid } from "../../src/eav/index.js";
import { compileRules, newRuleSession, pattern, query, rule, type RuleSession } from "../../src/rules/index.js";

const net = compileRules([
  // joined on ?e: its right side is read from the index
  query("pairs", [], [pattern("?e", "p/x", "?x"), pattern("?e", "p/y", "?y")]),
  query("xs", [], [pattern("?e", "p/x", "?x")]),
]);

// dense ids, one below the first id the index will see, far ids (past the slack), keywords
const EIDS: readonly Eid[] = [1000, 1001, 1002, 1500, 999, 5, 1_000_000, 3_000_000, kw("a"), kw("b")];

const opArb = fc.record({
  retract: fc.boolean(),
  e: fc.constantFrom(...EIDS),
  a: fc.constantFrom("p/x", "p/y"),
  v: fc.integer({ min: 0, max: 2 }),
});

const key = (f: EAV): string => `${String(f.e)}|${f.a}|${String(f.v)}`;

/** The expected rows of "pairs" for a set of facts, sorted. */
function expectedPairs(facts: ReadonlyMap<string, EAV>): string[] {
  const out: string[] = [];
  for (const x of facts.values()) {
    if (x.a !== "p/x") continue;
    for (const y of facts.values()) if (y.a === "p/y" && y.e === x.e) out.push(`${String(x.e)}:${String(x.v)}:${String(y.v)}`);
  }
  return out.sort();
}

function actualPairs(s: RuleSession): string[] {
  return s
    .query("pairs")
    .map((r) => `${String(r.e)}:${String(r.x)}:${String(r.y)}`)
    .sort();
}

describe("working memory's entity index", () => {
  it("agrees with a set of facts for any mix of dense, far, lower and keyword entity ids", () => {
    fc.assert(
      fc.property(fc.array(fc.array(opArb, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 12 }), (batches) => {
        let s = newRuleSession(net);
        const model = new Map<string, EAV>();
        const history: Array<{ s: RuleSession; pairs: string[] }> = [];
        for (const batch of batches) {
          for (const op of batch) {
            const f = eav(op.e, op.a, op.v);
            if (op.retract) {
              s = s.retract([f]);
              model.delete(key(f));
            } else {
              s = s.insert([f]);
              model.set(key(f), f);
            }
          }
          s = s.fire();
          expect(actualPairs(s)).toEqual(expectedPairs(model));
          expect(s.facts().length).toBe(model.size);
          history.push({ s, pairs: expectedPairs(model) });
        }
        // every old value still answers as it did (the index is rewound through its journal)
        for (const h of history.reverse()) expect(actualPairs(h.s)).toEqual(h.pairs);
      }),
      { numRuns: 150 },
    );
  });

  it("a failed fire leaves dense and Map-held entries exactly as they were", () => {
    const boom = compileRules([
      query("pairs", [], [pattern("?e", "p/x", "?x"), pattern("?e", "p/y", "?y")]),
      rule("boom", [pattern("?e", "p/z", "_")], () => {
        throw new Error("no");
      }),
    ]);
    const t0 = newRuleSession(boom).insert([eav(1000, "p/x", 1), eav(kw("a"), "p/x", 2), eav(kw("a"), "p/y", 4), eav(1000, "p/y", 3)]).fire();
    const before = actualPairs(t0);
    expect(before).toEqual(["1000:1:3", ":a:2:4"]);
    const failing = t0.retract([eav(1000, "p/y", 3), eav(kw("a"), "p/y", 4)]).insert([eav(1001, "p/x", 5), eav(1001, "p/y", 6), eav(1000, "p/y", 7), eav(7_000_000, "p/z", 0)]);
    expect(() => failing.fire()).toThrow(/no/);
    expect(actualPairs(t0)).toEqual(before);
    expect(t0.facts()).toHaveLength(4);
    // and the state after the failure accepts new changes normally
    expect(actualPairs(t0.insert([eav(1001, "p/x", 5), eav(1001, "p/y", 6)]).fire())).toEqual(["1000:1:3", "1001:5:6", ":a:2:4"]);
  });

  // A fact entry keeps its value's key (FactEntry.vkey) and a retraction reads the caller's fact
  // rather than the stored one (engine.ts, retractFact): both must agree with value equality.
  it.each([
    ["a structured value", () => [1, { b: [2, 3] }] as const],
    ["NaN", () => Number.NaN],
    ["-0 for 0", () => -0],
    ["a keyword", () => kw("k")],
    ["a Date", () => new Date(5)],
  ])("finds and retracts a fact by an equal, distinct value: %s", (_name, make) => {
    const constant = compileRules([
      // an alpha test on the value, a join reading the index, a query over the result
      query("both", [], [pattern("?e", "p/x", make() as never), pattern("?e", "p/y", "?y")]),
      query("ys", [], [pattern("?e", "p/y", "?y")]),
    ]);
    const stored = eav(1, "p/x", make() as never);
    const s1 = newRuleSession(constant).insert([stored, eav(1, "p/y", 1), eav(1, "p/x", "other")]).fire();
    expect(s1.query("both")).toEqual([{ e: 1, y: 1 }]);
    // re-inserting an equal fact changes nothing; retracting one removes the stored fact
    expect(s1.insert([eav(1, "p/x", make() as never)]).fire().lastFire?.inserted).toEqual([]);
    const s2 = s1.retract([eav(1, "p/x", make() as never)]).fire();
    expect(s2.query("both")).toEqual([]);
    expect(s2.lastFire?.retracted).toHaveLength(1);
    expect(s2.lastFire?.retracted[0]).toBe(stored); // the stored object is reported, not the probe
    expect(s2.facts()).toHaveLength(2);
    // an old value still sees the fact (the index is rewound through its journal)
    expect(s1.query("both")).toEqual([{ e: 1, y: 1 }]);
  });

  it("several values per (entity, attribute) are found and retracted by value", () => {
    const s1 = newRuleSession(net).insert([eav(7, "p/x", [1]), eav(7, "p/x", [2]), eav(7, "p/x", 3), eav(7, "p/y", 0)]).fire();
    expect(s1.query("pairs")).toHaveLength(3);
    const s2 = s1.retract([eav(7, "p/x", [2])]).fire();
    expect(s2.query("pairs").map((r) => r.x)).toEqual([[1], 3]);
    const s3 = s2.retract([eav(7, "p/x", [1]), eav(7, "p/x", 3)]).insert([eav(7, "p/x", [1])]).fire();
    expect(s3.query("pairs").map((r) => r.x)).toEqual([[1]]);
    expect(s3.lastFire?.inserted).toHaveLength(1);
  });

  // A join reading the index through an alpha test may keep one of an entity's several values: it
  // gets that entry alone, not an array of one, which a bucket reads as a large bucket (engine.ts
  // wmRight; memory.ts, Bucket). Also with the value that passes arriving last, and when none does.
  it.each([
    ["the passing value first", ["on", "off", "idle"]],
    ["the passing value last", ["off", "idle", "on"]],
  ])("a join keeps the one value of several that passes its test (%s)", (_name, values) => {
    const tagNet = compileRules([query("on", [], [pattern("?e", "t/kind", "?k"), pattern("?e", "t/state", "on")])]);
    const facts = values.map((v) => eav(4, "t/state", v));
    const s1 = newRuleSession(tagNet).insert(facts).fire().insert([eav(4, "t/kind", "lamp")]).fire();
    expect(s1.query("on")).toEqual([{ e: 4, k: "lamp" }]);
    const s2 = s1.retract([eav(4, "t/state", "on"), eav(4, "t/kind", "lamp")]).fire().insert([eav(4, "t/kind", "fan")]).fire();
    expect(s2.query("on")).toEqual([]);
    expect(s1.query("on")).toEqual([{ e: 4, k: "lamp" }]);
  });
});

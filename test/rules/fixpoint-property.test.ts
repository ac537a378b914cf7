// Property: for rules whose actions are order-insensitive (logical inserts of facts that depend
// only on the bindings), the order and batching of inserts and fires do not change the fixpoint.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { eav, type EAV } from "../../src/eav/index.js";
import { acc, accumulate, compileRules, exists, newRuleSession, not_, or, pattern, query, rule, test, type EngineActionContext, type RuleSession } from "../../src/rules/index.js";

const derive = (a: string) => (ctx: EngineActionContext) => ctx.insert(eav(ctx.bindings.e as number, a, true));

// a small rule set exercising joins, negation, exists, or, tests, accumulators and chains
const net = compileRules([
  rule("linked", [pattern("?e", "g/edge", "?f"), pattern("?f", "g/node", "_")], derive("g/linked"), { uses: ["e"] }),
  rule("isolated", [pattern("?e", "g/node", "_"), not_(pattern("?e", "g/edge", "_"))], derive("g/isolated"), { uses: ["e"] }),
  rule("hub", [pattern("?e", "g/node", "_"), accumulate("?n", acc("count"), pattern("_", "g/edge", "?e")), test(({ n }) => (n as number) >= 2, ["n"])], derive("g/hub"), { uses: ["e"] }),
  rule("special", [pattern("?e", "g/node", "?w"), or(pattern("?e", "g/hub", true), test(({ w }) => (w as number) > 2, ["w"]))], derive("g/special"), { uses: ["e"] }),
  rule("near-special", [pattern("?e", "g/edge", "?f"), exists(pattern("?f", "g/special", true))], derive("g/near"), { uses: ["e"] }),
  query("all", [], [pattern("?e", "?a", "?v")]),
]);

const factArb: fc.Arbitrary<EAV> = fc.oneof(
  fc.tuple(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 0, max: 4 })).map(([e, w]) => eav(e, "g/node", w)),
  fc.tuple(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 6 })).map(([e, f]) => eav(e, "g/edge", f)),
);

function state(s: RuleSession): string[] {
  return s.facts().map((f) => String(f)).sort();
}

describe("fixpoint property", () => {
  it("insertion order and batching do not change the fixpoint", () => {
    fc.assert(
      fc.property(fc.array(factArb, { maxLength: 20 }), fc.array(fc.nat(), { maxLength: 20 }), fc.array(fc.nat(3), { maxLength: 20 }), (facts, perm, cuts) => {
        const all = newRuleSession(net).insert(facts).fire();
        // a shuffled order, fed in batches of 1-4 with a fire after each
        const shuffled = facts.map((f, i) => [perm[i] ?? i, i, f] as const).sort((x, y) => x[0] - y[0] || x[1] - y[1]).map((x) => x[2]);
        let s = newRuleSession(net);
        for (let i = 0, c = 0; i < shuffled.length; c++) {
          const n = 1 + (cuts[c] ?? 0);
          s = s.insert(shuffled.slice(i, i + n)).fire();
          i += n;
        }
        expect(state(s)).toEqual(state(all));
      }),
      { numRuns: 150 },
    );
  });

  it("retracting what was inserted restores the previous fixpoint", () => {
    fc.assert(
      fc.property(fc.array(factArb, { maxLength: 15 }), fc.array(factArb, { maxLength: 8 }), (base, extra) => {
        const s0 = newRuleSession(net).insert(base).fire();
        const fresh = extra.filter((f) => !s0.facts().some((g) => String(g) === String(f)));
        const s1 = s0.insert(fresh).fire().retract(fresh).fire();
        expect(state(s1)).toEqual(state(s0));
      }),
      { numRuns: 150 },
    );
  });
});

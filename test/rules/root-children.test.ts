// The tokens of a rule's first pattern (join tokens whose parent is the root token) are not on the
// root's list of children (memory.ts, linkToken), while the root's other children (a negation or
// an accumulator first in a rule) are, since `childAt(root, node)` finds them there. Linking and
// unlinking must agree on which tokens are on the list: root-level join tokens come and go among
// negation tokens, across fires, and old session values keep their answers.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { eav, type EAV } from "../../src/eav/index.js";
import { acc, accumulate, compileRules, newRuleSession, not_, pattern, query, type RuleSession } from "../../src/rules/index.js";

const net = compileRules([
  query("xs", [], [pattern("?e", "p/x", "?v")]),
  query("fused", [], [pattern("?e", "p/y", "?v")]),
  // a negation and an accumulator first: their tokens are the root's children
  query("unblocked", [], [not_(pattern("?b", "p/block", true))]),
  query("count-x", [], [accumulate("?n", acc("count"), pattern("_", "p/x", "_"))]),
]);

const opArb = fc.record({
  retract: fc.boolean(),
  e: fc.integer({ min: 1, max: 6 }),
  a: fc.constantFrom("p/x", "p/y", "p/block"),
});

function answers(s: RuleSession): string {
  return JSON.stringify([s.query("xs").length, s.query("fused").length, s.query("unblocked").length, s.query("count-x")]);
}

function expected(facts: ReadonlyMap<string, EAV>): string {
  const n = (a: string): number => [...facts.values()].filter((f) => f.a === a).length;
  return JSON.stringify([n("p/x"), n("p/y"), n("p/block") === 0 ? 1 : 0, [{ n: n("p/x") }]]);
}

describe("the root token's children", () => {
  it("root-level join tokens come and go among a first negation's and accumulator's tokens", () => {
    fc.assert(
      fc.property(fc.array(fc.array(opArb, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 10 }), (batches) => {
        let s = newRuleSession(net);
        const facts = new Map<string, EAV>();
        const history: Array<[RuleSession, string]> = [];
        for (const batch of batches) {
          for (const { retract, e, a } of batch) {
            const f = eav(e, a, a === "p/block" ? true : e);
            const k = `${e}|${a}`;
            s = retract ? s.retract([f]) : s.insert([f]);
            if (retract) facts.delete(k);
            else facts.set(k, f);
          }
          s = s.fire();
          expect(answers(s)).toBe(expected(facts));
          history.push([s, expected(facts)]);
        }
        for (const [old, want] of history) expect(answers(old)).toBe(want);
      }),
      { numRuns: 200 },
    );
  });
});

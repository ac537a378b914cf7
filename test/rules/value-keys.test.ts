// The update path reads an indexed fact's value from its working-memory entry (FactEntry.vkey)
// instead of the fact: join keys on a variable bound by a value (read.ts, keyAt) and an alpha test
// of a primitive constant in `v` (alpha.ts, byValueKey: on a join reading working memory, and when
// a fact enters or leaves working memory). Both
// must agree with value equality (valueEquals) for every kind of value: -0 and 0, NaN, a bigint
// and an equal number (different), strings, booleans, null, keywords and structured values. The
// naive matcher below is the oracle; facts come and go over several fires, and old session values
// must still answer as they did.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { eav, kw, valueEquals, type EAV, type Value } from "../../src/eav/index.js";
import { compileRules, lit, newRuleSession, not_, pattern, query, rule, test, type RuleSession } from "../../src/rules/index.js";

/** Values whose equality is easy to get wrong, as fact values and as constants. */
const VALUES: readonly Value[] = [0, -0, 1, 1n, NaN, "gold", "gold ", "1", true, false, null, kw("gold"), [1, 2], { a: 1 }, new Date(5)];
/** The primitive constants of the alpha tests (`byValueKey`), and a keyword and a structure (not). */
const CONSTANTS: readonly Value[] = [0, -0, 1, 1n, NaN, "gold", true, null, kw("gold"), [1, 2]];

const net = compileRules([
  // ?v is bound by a value, then read back as the join key of a join on v (not on the entity)
  query("same-v", [], [pattern("?a", "x/ref", "?v"), pattern("?b", "x/other", "?v")]),
  // a third join on ?v: its left key is read back through two levels of tokens
  query("same-v3", [], [pattern("?a", "x/ref", "?v"), pattern("?b", "x/other", "?v"), pattern("?c", "x/ref", "?v")]),
  // ?c is bound by a value, then joined on the entity of a pattern with a constant: one per constant
  ...CONSTANTS.map((c, i) => query(`tier-${i}`, [], [pattern("?o", "x/cust", "?c"), pattern("?c", "x/tier", lit(c))])),
  // a negation counts the facts passing the constant test as they come and go (rightAdd/rightRemove)
  ...CONSTANTS.map((c, i) => query(`no-tier-${i}`, [], [pattern("?o", "x/cust", "?c"), not_(pattern("?c", "x/tier", lit(c)))])),
]);

const ENTITIES = [1, 2, 3];
const factArb = fc.oneof(
  fc.record({ e: fc.constantFrom(...ENTITIES), a: fc.constantFrom("x/ref", "x/other"), v: fc.constantFrom(...VALUES.keys()) }),
  fc.record({ e: fc.constantFrom(...ENTITIES), a: fc.constant("x/cust"), v: fc.constantFrom(0, 1, 2) }), // indexes of ENTITIES
  fc.record({ e: fc.constantFrom(...ENTITIES), a: fc.constant("x/tier"), v: fc.constantFrom(...VALUES.keys()) }),
);
const opArb = fc.record({ retract: fc.boolean(), f: factArb });

function toEav(f: { e: number; a: string; v: number }): EAV {
  return eav(f.e, f.a, f.a === "x/cust" ? (ENTITIES[f.v] as number) : (VALUES[f.v] as Value));
}

/** Adds or removes `f` in a set of facts under value equality. */
function apply(facts: EAV[], f: EAV, retract: boolean): EAV[] {
  const rest = facts.filter((g) => !(g.e === f.e && g.a === f.a && valueEquals(g.v, f.v)));
  return retract ? rest : [...rest, f];
}

function expected(facts: readonly EAV[]): Record<string, number> {
  const by = (a: string): EAV[] => facts.filter((f) => f.a === a);
  let same = 0;
  for (const r of by("x/ref")) for (const o of by("x/other")) if (valueEquals(r.v, o.v)) same++;
  let same3 = 0;
  for (const r of by("x/ref")) for (const o of by("x/other")) for (const r2 of by("x/ref")) if (valueEquals(r.v, o.v) && valueEquals(o.v, r2.v)) same3++;
  const out: Record<string, number> = { "same-v": same, "same-v3": same3 };
  CONSTANTS.forEach((c, i) => {
    let n = 0;
    for (const o of by("x/cust")) for (const t of by("x/tier")) if (t.e === o.v && valueEquals(t.v, c)) n++;
    out[`tier-${i}`] = n;
    out[`no-tier-${i}`] = by("x/cust").filter((o) => !by("x/tier").some((t) => t.e === o.v && valueEquals(t.v, c))).length;
  });
  return out;
}

function actual(s: RuleSession): Record<string, number> {
  const out: Record<string, number> = { "same-v": s.query("same-v").length, "same-v3": s.query("same-v3").length };
  CONSTANTS.forEach((_, i) => {
    out[`tier-${i}`] = s.query(`tier-${i}`).length;
    out[`no-tier-${i}`] = s.query(`no-tier-${i}`).length;
  });
  return out;
}

describe("value keys read from working-memory entries", () => {
  it("joins and constant tests agree with value equality across fires, and old sessions keep their answers", () => {
    fc.assert(
      fc.property(fc.array(fc.array(opArb, { minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 8 }), (batches) => {
        let s = newRuleSession(net);
        let facts: EAV[] = [];
        const history: Array<[RuleSession, Record<string, number>]> = [];
        for (const batch of batches) {
          for (const { retract, f } of batch) {
            const x = toEav(f);
            s = retract ? s.retract([x]) : s.insert([x]);
            facts = apply(facts, x, retract);
          }
          s = s.fire();
          const want = expected(facts);
          expect(actual(s)).toEqual(want);
          history.push([s, want]);
        }
        for (const [old, want] of history) expect(actual(old)).toEqual(want);
      }),
      { numRuns: 150 },
    );
  });

  it("tells -0 from nothing, NaN from NaN, 1n from 1 and a string from a keyword in an entity join's constant", () => {
    const facts = [eav(10, "x/cust", 1), eav(11, "x/cust", 2), eav(12, "x/cust", 3), eav(1, "x/tier", -0), eav(2, "x/tier", NaN), eav(3, "x/tier", 1n)];
    const s = newRuleSession(net).insert(facts).fire();
    const count = (c: Value): number => s.query(`tier-${CONSTANTS.findIndex((x) => Object.is(x, c))}`).length;
    expect(count(0)).toBe(1); // -0 equals 0
    expect(count(-0)).toBe(1);
    expect(count(NaN)).toBe(1);
    expect(count(1n)).toBe(1);
    expect(count(1)).toBe(0); // 1n is not 1
    expect(count("gold")).toBe(0);
    const later = s.retract([eav(1, "x/tier", 0)]).insert([eav(3, "x/tier", "gold"), eav(2, "x/tier", kw("gold"))]).fire();
    const count2 = (c: Value): number => later.query(`tier-${CONSTANTS.findIndex((x) => Object.is(x, c))}`).length;
    expect(count2(0)).toBe(0); // retracting 0 removed -0
    expect(count2("gold")).toBe(1);
    expect(count2(kw("gold"))).toBe(1);
    expect(count2(NaN)).toBe(1); // a second value of entity 2's tier: NaN is still there
  });

  it("gives a test, a query row and an action the stored fact's own value for ?v (read from its entry)", () => {
    const seen: { test: unknown[]; action: unknown[] } = { test: [], action: [] };
    const valueNet = compileRules([
      // ?v from the `v` of level 1, read two levels down: by a test and by the action's bindings
      rule(
        "see",
        [
          pattern("?e", "x/val", "?v"),
          pattern("?e", "x/other", "?w"),
          test((b) => {
            seen.test.push(b.v);
            return true;
          }, ["v"]),
        ],
        (ctx) => seen.action.push(ctx.bindings.v),
        { uses: ["v"] },
      ),
      query("vals", [], [pattern("?e", "x/val", "?v"), pattern("?e", "x/other", "?w")]),
    ]);
    VALUES.forEach((v, i) => {
      seen.test = [];
      seen.action = [];
      // 0 stored first, then -0 asked for: the value is the stored fact's (value-equal, one fact)
      const stored = eav(1, "x/val", v);
      const s = newRuleSession(valueNet).insert([stored]).fire().insert([eav(1, "x/val", Object.is(v, 0) ? -0 : v), eav(1, "x/other", i)]).fire();
      expect(seen.test.length, String(i)).toBe(1);
      expect(Object.is(seen.test[0], stored.v), String(i)).toBe(true);
      expect(Object.is(seen.action[0], stored.v), String(i)).toBe(true);
      const rows = s.query("vals");
      expect(rows.length).toBe(1);
      expect(Object.is(rows[0]?.v, stored.v), String(i)).toBe(true);
    });
  });
});

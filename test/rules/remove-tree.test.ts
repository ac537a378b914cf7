// Removing a token removes its descendants; those leave their entries' token lists but stay on
// their removed parent's list of children, unjournaled (engine.ts, removeTree). Whole subtrees go
// when a first-level fact is retracted: chains three joins deep (several children per token), a
// test node, an NCC whose owner goes with its sub-network tokens, and logical inserts withdrawn
// with their matches. Every answer is compared with a recomputation, and old session values
// (reached by undoing journals) keep theirs.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { eav, type EAV } from "../../src/eav/index.js";
import { and, compileRules, newRuleSession, not_, pattern, query, rule, test, type RuleSession } from "../../src/rules/index.js";

const net = compileRules([
  rule(
    "derive-reach2",
    [pattern("?a", "p/link", "?b"), pattern("?b", "p/link", "?c"), not_(and(pattern("?c", "p/block", "?x"), pattern("?x", "p/on", true)))],
    (ctx) => ctx.insert(eav(ctx.bindings.a as number, "p/reach2", ctx.bindings.c as number)),
  ),
  query("chains", [], [pattern("?a", "p/link", "?b"), pattern("?b", "p/link", "?c"), test((b) => (b.a as number) !== (b.c as number), ["a", "c"]), pattern("?c", "p/link", "?d")]),
  query("reach2", [], [pattern("?a", "p/reach2", "?c")]),
]);

const opArb = fc.record({
  retract: fc.boolean(),
  e: fc.integer({ min: 1, max: 4 }),
  a: fc.constantFrom("p/link", "p/link", "p/block", "p/on"),
  v: fc.integer({ min: 1, max: 4 }),
});

function answers(s: RuleSession): string {
  const chains = s.query("chains").map((r) => `${r.a}-${r.b}-${r.c}-${r.d}`);
  const reach = s.query("reach2").map((r) => `${r.a}>${r.c}`);
  return JSON.stringify([chains.sort(), reach.sort()]);
}

function expected(facts: ReadonlyMap<string, EAV>): string {
  const all = [...facts.values()];
  const links = all.filter((f) => f.a === "p/link").map((f) => [f.e as number, f.v as number] as const);
  const on = new Set(all.filter((f) => f.a === "p/on").map((f) => f.e as number));
  const blocked = new Set(all.filter((f) => f.a === "p/block" && on.has(f.v as number)).map((f) => f.e as number));
  const chains: string[] = [];
  const reach = new Set<string>();
  for (const [a, b] of links) {
    for (const [b2, c] of links) {
      if (b2 !== b) continue;
      if (!blocked.has(c)) reach.add(`${a}>${c}`);
      if (a === c) continue;
      for (const [c2, d] of links) if (c2 === c) chains.push(`${a}-${b}-${c}-${d}`);
    }
  }
  return JSON.stringify([chains.sort(), [...reach].sort()]);
}

function keyOf(e: number, a: string, v: number): string {
  return `${e}|${a}|${a === "p/on" ? true : v}`;
}

describe("removing a token with its descendants", () => {
  it("retracting first-level facts removes whole subtrees; answers and old values hold", () => {
    fc.assert(
      fc.property(fc.array(fc.array(opArb, { minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 8 }), (batches) => {
        let s = newRuleSession(net);
        const facts = new Map<string, EAV>();
        const history: Array<[RuleSession, string, Map<string, EAV>]> = [];
        for (const batch of batches) {
          for (const { retract, e, a, v } of batch) {
            const f = eav(e, a, a === "p/on" ? true : v);
            s = retract ? s.retract([f]) : s.insert([f]);
            if (retract) facts.delete(keyOf(e, a, v));
            else facts.set(keyOf(e, a, v), f);
          }
          s = s.fire();
          expect(answers(s)).toBe(expected(facts));
          history.push([s, expected(facts), new Map(facts)]);
        }
        // old values (undoing journals backwards), each fired on again: the tokens their memory
        // got back must go when their facts do (a removed parent's list of children is intact)
        for (let i = history.length - 1; i >= 0; i--) {
          const [old, want, had] = history[i] as [RuleSession, string, Map<string, EAV>];
          expect(answers(old)).toBe(want);
          const gone = [...had.values()].filter((f) => f.a === "p/link" && (f.e as number) <= 2);
          const rest = new Map([...had].filter(([, f]) => !gone.includes(f)));
          expect(answers(old.retract(gone).fire())).toBe(expected(rest));
        }
        const [last, want] = history[history.length - 1] as [RuleSession, string, Map<string, EAV>];
        expect(answers(last)).toBe(want);
      }),
      { numRuns: 300 },
    );
  });

  it("a chain's middle fact retracted takes every longer chain and the derived facts with it", () => {
    const links = [eav(1, "p/link", 2), eav(2, "p/link", 3), eav(3, "p/link", 4), eav(3, "p/link", 1), eav(2, "p/link", 4)];
    const s0 = newRuleSession(net).insert(links).fire();
    const s1 = s0.retract([eav(2, "p/link", 3)]).fire();
    expect(JSON.parse(answers(s1))).toEqual([["3-1-2-4"], ["1>4", "3>2"]]);
    expect(JSON.parse(answers(s0))).toEqual([
      ["1-2-3-1", "1-2-3-4", "2-3-1-2", "3-1-2-3", "3-1-2-4"],
      ["1>3", "1>4", "2>1", "2>4", "3>2"],
    ]);
    expect(JSON.parse(answers(s1))).toEqual([["3-1-2-4"], ["1>4", "3>2"]]);
  });

  it("an old value unlinks siblings the newer one unlinked, from the lists as they were (journaled old links)", () => {
    // one open order's items are children of its status token, newest first: b, then a
    const items = compileRules([query("items", [], [pattern("?o", "x/status", "open"), pattern("?o", "x/item", "?i")])]);
    const rows = (s: RuleSession): string[] => s.query("items").map((r) => `${r.o}:${r.i}`).sort();
    const v1 = newRuleSession(items).insert([eav(1, "x/status", "open"), eav(1, "x/item", "a"), eav(1, "x/item", "b"), eav(1, "x/item", "c")]).fire();
    // each newer value unlinks one item's token (b: its older neighbour's `prev`; c: the parent's
    // `child`; a: the newest's `next`), journaling the links the old value gets back
    for (const first of ["a", "b", "c"]) {
      const v2 = v1.retract([eav(1, "x/item", first)]).fire();
      expect(rows(v2)).toEqual(["1:a", "1:b", "1:c"].filter((r) => r !== `1:${first}`));
      // the old value, rerooted, unlinks the other items one by one, then the status: nothing stays
      for (const other of ["a", "b", "c"].filter((x) => x !== first)) {
        const v3 = v1.retract([eav(1, "x/item", other)]).fire();
        expect(rows(v3)).toEqual(["1:a", "1:b", "1:c"].filter((r) => r !== `1:${other}`));
        expect(rows(v3.retract([eav(1, "x/status", "open")]).fire())).toEqual([]);
      }
      expect(rows(v1.retract([eav(1, "x/status", "open")]).fire())).toEqual([]);
      expect(rows(v2)).toEqual(["1:a", "1:b", "1:c"].filter((r) => r !== `1:${first}`));
      expect(rows(v2.retract([eav(1, "x/status", "open")]).fire())).toEqual([]);
    }
    expect(rows(v1)).toEqual(["1:a", "1:b", "1:c"]);
  });
});

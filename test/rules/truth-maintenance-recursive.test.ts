// Truth maintenance with rules that read their own output: a logically inserted fact stays exactly
// while it has a well-founded support (an unconditional insert, or an activation whose matched
// facts are well-founded without it), the least fixpoint. Circular supports alone do not keep it.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { eav, type EAV } from "../../src/eav/index.js";
import { compileRules, newRuleSession, not_, or, pattern, rule, type EngineActionContext, type RuleSession } from "../../src/rules/index.js";
import { attr, eavs, mark, run } from "./helpers.js";

/** `[?a :g/edge ?b] => reach(a, b)`; `[?a :g/reach ?b] [?b :g/edge ?c] => reach(a, c)`. */
const closure = [
  rule<EngineActionContext>("reach-base", [pattern("?a", "g/edge", "?b")], (ctx) => ctx.insert(eav(ctx.bindings.a as number, "g/reach", ctx.bindings.b as number)), { uses: ["a", "b"] }),
  rule<EngineActionContext>("reach-step", [pattern("?a", "g/reach", "?b"), pattern("?b", "g/edge", "?c")], (ctx) => ctx.insert(eav(ctx.bindings.a as number, "g/reach", ctx.bindings.c as number)), {
    uses: ["a", "c"],
  }),
];

type Edge = readonly [number, number];

/** The transitive closure of `edges`, from scratch, as sorted `a:b` strings (as `attr` gives). */
function reachOf(edges: readonly Edge[]): string[] {
  const reach = new Set(edges.map(([a, b]) => `${a}:${b}`));
  for (let grew = true; grew; ) {
    grew = false;
    for (const r of [...reach]) {
      const [a, b] = r.split(":").map(Number);
      for (const [x, y] of edges) {
        if (x === b && !reach.has(`${a}:${y}`)) {
          reach.add(`${a}:${y}`);
          grew = true;
        }
      }
    }
  }
  return [...reach].sort();
}

function edgeFacts(edges: readonly Edge[]): EAV[] {
  return edges.map(([a, b]) => eav(a, "g/edge", b));
}

describe("truth maintenance with recursive rules", () => {
  it("withdraws a fact whose only remaining support is a match on itself (shrunk differential case)", () => {
    // [_ :b/p _] [:or [_ :d/1 ?a] [?a :b/q 1]] => insert! [?a :d/1 ?a]
    const r = [
      rule<EngineActionContext>("self", [pattern("_", "b/p", "_"), or(pattern("_", "d/1", "?a"), pattern("?a", "b/q", 1))], (ctx) => ctx.insert(eav(ctx.bindings.a as number, "d/1", ctx.bindings.a as number)), {
        uses: ["a"],
      }),
    ];
    const s1 = run(r, eavs([2, "b/q", 1], [1, "b/p", 0]));
    expect(attr(s1, "d/1")).toEqual(["2:2"]);
    const s2 = s1.retract(eavs([2, "b/q", 1])).fire();
    expect(attr(s2, "d/1")).toEqual([]);
    expect(s2.lastFire?.retracted).toEqual([eav(2, "b/q", 1), eav(2, "d/1", 2)]);
    // the old value still holds its fact, and firing from it again gives the same answer
    expect(attr(s1, "d/1")).toEqual(["2:2"]);
    expect(attr(s1.retract(eavs([2, "b/q", 1])).fire(), "d/1")).toEqual([]);
  });

  const cycle: Edge[] = [
    [1, 2],
    [2, 3],
    [3, 1],
    [3, 4],
    [5, 1],
  ];

  it("transitive closure over a cycle: the exact reach set after each fire", () => {
    let s = run(closure, edgeFacts(cycle));
    expect(attr(s, "g/reach")).toEqual(reachOf(cycle));
    // 5 -> 1 is the only way from 5 into the cycle; reach(5, 1) is also derived from reach(5, 3)
    s = s.retract(eavs([5, "g/edge", 1])).fire();
    const onCycle = cycle.filter(([a]) => a !== 5);
    expect(attr(s, "g/reach")).toEqual(reachOf(onCycle));
    expect(attr(s, "g/reach").filter((r) => r.startsWith("5:"))).toEqual([]);
    s = s.retract(eavs([2, "g/edge", 3])).fire();
    const rest = onCycle.filter(([a, b]) => !(a === 2 && b === 3));
    expect(attr(s, "g/reach")).toEqual(reachOf(rest));
    expect(attr(s, "g/reach")).toEqual(["1:2", "3:1", "3:2", "3:4"]);
    s = s.retract(edgeFacts(rest)).fire();
    expect(s.facts()).toEqual([]);
  });

  it("retracting every edge of a cycle at once withdraws the whole closure and reports it", () => {
    const ring: Edge[] = [
      [1, 2],
      [2, 3],
      [3, 1],
    ];
    const withdrawn: unknown[] = [];
    const s = run(closure, edgeFacts(ring)).retract(edgeFacts(ring)).fire({ onWithdraw: (fs) => withdrawn.push(...fs) });
    expect(s.facts()).toEqual([]);
    expect((withdrawn as EAV[]).map((f) => `${String(f.e)}:${String(f.v)}`).sort()).toEqual(reachOf(ring));
  });

  it("a reach fact kept by another path survives the loss of one path", () => {
    // 1 -> 2 -> 4 and 1 -> 3 -> 4, plus the cycle 4 -> 1
    const g: Edge[] = [
      [1, 2],
      [2, 4],
      [1, 3],
      [3, 4],
      [4, 1],
    ];
    let s = run(closure, edgeFacts(g));
    s = s.retract(eavs([2, "g/edge", 4])).fire();
    const rest = g.filter(([a, b]) => !(a === 2 && b === 4));
    expect(attr(s, "g/reach")).toEqual(reachOf(rest));
    expect(attr(s, "g/reach")).toContain("1:4");
  });

  const mutual = [
    rule("b-from-a", [pattern("?e", "m/a", true)], mark("m/b"), { uses: ["e"] }),
    rule("a-from-b", [pattern("?e", "m/b", true)], mark("m/a"), { uses: ["e"] }),
    rule("a-from-seed", [pattern("?e", "m/seed", true)], mark("m/a"), { uses: ["e"] }),
    rule("a-from-other", [pattern("?e", "m/other", true)], mark("m/a"), { uses: ["e"] }),
  ];

  it("mutual support through two rules does not keep either fact", () => {
    const s1 = run(mutual, eavs([1, "m/seed", true], [2, "m/seed", true]));
    expect([...attr(s1, "m/a"), ...attr(s1, "m/b")]).toEqual(["1:true", "2:true", "1:true", "2:true"]);
    const s2 = s1.retract(eavs([1, "m/seed", true])).fire();
    expect([...attr(s2, "m/a"), ...attr(s2, "m/b")]).toEqual(["2:true", "2:true"]);
    expect(s2.lastFire?.retracted).toEqual([eav(1, "m/seed", true), eav(1, "m/a", true), eav(1, "m/b", true)]);
  });

  it("a fact with a circular and a well-founded support keeps it until the well-founded one goes", () => {
    let s = run(mutual, eavs([1, "m/seed", true], [1, "m/other", true]));
    s = s.retract(eavs([1, "m/seed", true])).fire();
    expect([...attr(s, "m/a"), ...attr(s, "m/b")]).toEqual(["1:true", "1:true"]);
    s = s.retract(eavs([1, "m/other", true])).fire();
    expect([...attr(s, "m/a"), ...attr(s, "m/b")]).toEqual([]);
  });

  it("a well-founded support through a chain of derived facts is found", () => {
    // a <- seed (via the chain seed -> c1 -> c2 -> a) and a <- b <- a; losing the direct seed keeps a
    const rules = [
      ...mutual,
      rule("c1", [pattern("?e", "m/root", true)], mark("m/c1"), { uses: ["e"] }),
      rule("c2", [pattern("?e", "m/c1", true)], mark("m/c2"), { uses: ["e"] }),
      rule("a-from-c2", [pattern("?e", "m/c2", true)], mark("m/a"), { uses: ["e"] }),
    ];
    let s = run(rules, eavs([1, "m/seed", true], [1, "m/root", true]));
    s = s.retract(eavs([1, "m/seed", true])).fire();
    expect([...attr(s, "m/a"), ...attr(s, "m/b")]).toEqual(["1:true", "1:true"]);
    s = s.retract(eavs([1, "m/root", true])).fire();
    expect(s.facts()).toEqual([]);
  });

  it("an unconditional fact on a cycle stays, and keeps what rests on it", () => {
    let s = run(mutual, eavs([1, "m/seed", true])).insert(eavs([1, "m/b", true])).fire();
    s = s.retract(eavs([1, "m/seed", true])).fire();
    expect([...attr(s, "m/a"), ...attr(s, "m/b")]).toEqual(["1:true", "1:true"]);
  });

  it("old session values keep their old results (rewind across withdrawals of cycles)", () => {
    const s0 = newRuleSession(compileRules(closure));
    const s1 = s0.insert(edgeFacts(cycle)).fire();
    const s2 = s1.retract(eavs([3, "g/edge", 1])).fire();
    const s3 = s2.retract(eavs([1, "g/edge", 2])).fire();
    expect(attr(s1, "g/reach")).toEqual(reachOf(cycle));
    expect(attr(s3, "g/reach")).toEqual(reachOf(cycle.filter(([a, b]) => !(a === 3 && b === 1) && !(a === 1 && b === 2))));
    expect(attr(s2, "g/reach")).toEqual(reachOf(cycle.filter(([a, b]) => !(a === 3 && b === 1))));
    expect(s0.facts()).toEqual([]);
    // branching from an old value: its supports are as they were
    const b = s1.retract(eavs([2, "g/edge", 3])).fire();
    expect(attr(b, "g/reach")).toEqual(reachOf(cycle.filter(([a, bb]) => !(a === 2 && bb === 3))));
    expect(attr(s3, "g/reach")).toEqual(reachOf([[2, 3], [3, 4], [5, 1]]));
  });

  it("a fact with many supports (past the small-array size) and a circular one goes with the last real one", () => {
    const rules = [
      rule<EngineActionContext>("active", [pattern("?o", "o/customer", "?c"), pattern("?o", "o/open", true)], (ctx) => ctx.insert(eav(ctx.bindings.c as number, "c/active", true)), { uses: ["c"] }),
      rule("seen", [pattern("?e", "c/active", true)], mark("c/seen"), { uses: ["e"] }),
      rule("active-again", [pattern("?e", "c/seen", true)], mark("c/active"), { uses: ["e"] }),
    ];
    const orders = Array.from({ length: 12 }, (_, i) => 100 + i);
    let s = run(rules, eavs(...orders.flatMap((o): [number, string, unknown][] => [[o, "o/customer", 1], [o, "o/open", true]])));
    const values: [RuleSession, string[]][] = [[s, ["1:true"]]];
    for (const o of orders) {
      s = s.retract(eavs([o, "o/open", true])).fire();
      const want = o === orders[orders.length - 1] ? [] : ["1:true"];
      expect(attr(s, "c/active")).toEqual(want);
      expect(attr(s, "c/seen")).toEqual(want);
      values.push([s, want]);
    }
    // rewind: every old value still answers as it did, and can be continued differently
    for (const [old, want] of values.reverse()) expect(attr(old, "c/active")).toEqual(want);
    const [mid] = values[6] as [RuleSession, string[]];
    expect(attr(mid.insert(eavs([100, "o/open", true])).fire(), "c/active")).toEqual(["1:true"]);
  });

  it("a fire that fails after withdrawing a cycle leaves the session as it was", () => {
    const rules = [
      ...closure,
      rule("boom", [pattern("_", "g/boom", true)], () => {
        throw new Error("boom");
      }),
    ];
    const ring = edgeFacts([
      [1, 2],
      [2, 1],
      [0, 1],
    ]);
    const s = run(rules, ring);
    const before = attr(s, "g/reach");
    expect(before).toEqual(["0:1", "0:2", "1:1", "1:2", "2:1", "2:2"]);
    expect(() => s.retract([ring[2] as EAV]).insert(eavs([9, "g/boom", true])).fire()).toThrow(expect.objectContaining({ code: "rules/action-failed" }));
    expect(attr(s, "g/reach")).toEqual(before);
    expect(attr(s.retract([ring[2] as EAV]).fire(), "g/reach")).toEqual(["1:1", "1:2", "2:1", "2:2"]);
    expect(attr(s.retract(ring).fire(), "g/reach")).toEqual([]);
  });

  it("a rule negating the closure sees a withdrawn cycle in the same fire", () => {
    // a node is on no cycle while it does not reach itself; negation is no support, only a reason to go
    const rules = [...closure, rule("acyclic", [pattern("?e", "g/node", true), not_(pattern("?e", "g/reach", "?e"))], mark("g/acyclic"), { uses: ["e"] })];
    // 1 -> 2 -> 3 -> 1 and the inner cycle 2 <-> 3: without 1 -> 2, reach(1, 2) and reach(1, 3)
    // still support each other through the inner cycle, and reach(1, 1) rests on them
    const g: Edge[] = [
      [1, 2],
      [2, 3],
      [3, 2],
      [3, 1],
    ];
    let s = run(rules, [...eavs([1, "g/node", true], [2, "g/node", true], [3, "g/node", true]), ...edgeFacts(g)]);
    expect(attr(s, "g/acyclic")).toEqual([]);
    s = s.retract(eavs([1, "g/edge", 2])).fire();
    expect(attr(s, "g/reach")).toEqual(reachOf(g.slice(1)));
    expect(attr(s, "g/acyclic")).toEqual(["1:true"]);
    s = s.insert(eavs([1, "g/edge", 2])).fire();
    expect(attr(s, "g/acyclic")).toEqual([]);
  });

  it("property: random edge inserts and retracts keep reach equal to the closure, old values intact", () => {
    const op = fc.record({ insert: fc.boolean(), edges: fc.array(fc.tuple(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 5 })), { minLength: 1, maxLength: 4 }) });
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 8 }), (ops) => {
        let s: RuleSession = newRuleSession(compileRules(closure));
        let edges = new Map<string, Edge>();
        const seen: [RuleSession, string[]][] = [];
        for (const o of ops) {
          const facts = edgeFacts(o.edges);
          if (o.insert) {
            s = s.insert(facts).fire();
            for (const e of o.edges) edges.set(`${e[0]}:${e[1]}`, e);
          } else {
            s = s.retract(facts).fire();
            edges = new Map([...edges].filter(([k]) => !o.edges.some(([a, b]) => `${a}:${b}` === k)));
          }
          const want = reachOf([...edges.values()]);
          expect(attr(s, "g/reach")).toEqual(want);
          seen.push([s, want]);
        }
        for (const [old, want] of seen) expect(attr(old, "g/reach")).toEqual(want);
      }),
      { numRuns: 150 },
    );
  });
});

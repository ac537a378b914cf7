// Joins: variables unify across patterns, constants filter, the whole-fact binding, `eav/all`,
// one variable twice in a pattern, retraction of either side.
import { describe, expect, it } from "vitest";
import { eav, type EAV } from "../../src/eav/index.js";
import { pattern, query, rule, test, type RuleSession } from "../../src/rules/index.js";
import { attr, eavs, mark, rows, run } from "./helpers.js";

const orders = [
  rule("discount", [pattern("?e", "order/customer", "?c"), pattern("?c", "customer/vip", true)], mark("order/discount"), { uses: ["e"] }),
];

describe("joins", () => {
  it("joins on a shared variable and filters on a constant", () => {
    const s = run(orders, eavs([1, "order/customer", 10], [2, "order/customer", 11], [3, "order/customer", 10], [10, "customer/vip", true], [11, "customer/vip", false]));
    expect(attr(s, "order/discount")).toEqual(["1:true", "3:true"]);
  });

  it("matches whatever order the two sides arrive in, across fires", () => {
    const s1 = run(orders, eavs([10, "customer/vip", true]));
    const s2 = s1.insert(eavs([1, "order/customer", 10])).fire();
    expect(attr(s2, "order/discount")).toEqual(["1:true"]);
  });

  it.each([
    ["the left fact", eav(1, "order/customer", 10)],
    ["the right fact", eav(10, "customer/vip", true)],
  ])("retracting %s withdraws the derived fact", (_what, gone: EAV) => {
    const s = run(orders, eavs([1, "order/customer", 10], [10, "customer/vip", true]));
    expect(attr(s, "order/discount")).toEqual(["1:true"]);
    expect(attr(s.retract([gone]).fire(), "order/discount")).toEqual([]);
  });

  it("binds the whole fact with ?x <-", () => {
    const s = run([query("q", [], [pattern("?e", "p/name", "?n", "?f")])], eavs([1, "p/name", "ann"]));
    expect(s.query("q")).toEqual([{ e: 1, n: "ann", f: eav(1, "p/name", "ann") }]);
  });

  it("matches every attribute with a variable attribute (eav/all)", () => {
    const s = run([query("all-of", ["?e"], [pattern("?e", "?a", "?v")])], eavs([1, "p/name", "ann"], [1, "p/age", 30], [2, "p/name", "bob"]));
    expect(rows(s, "all-of", { e: 1 })).toEqual([
      { e: 1, a: "p/age", v: 30 },
      { e: 1, a: "p/name", v: "ann" },
    ]);
  });

  it("a variable used twice in one pattern requires equal fields", () => {
    const s = run([query("self", [], [pattern("?x", "p/likes", "?x")])], eavs([1, "p/likes", 1], [1, "p/likes", 2], [2, "p/likes", 2]));
    expect(rows(s, "self")).toEqual([{ x: 1 }, { x: 2 }]);
  });

  it("joins on several variables at once", () => {
    const q = query("pairs", [], [pattern("?e", "edge/from", "?a"), pattern("?e", "edge/to", "?b"), pattern("?f", "edge/from", "?b"), pattern("?f", "edge/to", "?a")]);
    const s = run([q], eavs([1, "edge/from", 5], [1, "edge/to", 6], [2, "edge/from", 6], [2, "edge/to", 5], [3, "edge/from", 6], [3, "edge/to", 7]));
    expect(rows(s, "pairs").map((r) => `${String(r.e)}-${String(r.f)}`)).toEqual(["1-2", "2-1"]);
  });

  it("structured values join by value, not identity", () => {
    const q = query("same-tags", [], [pattern("?a", "p/tags", "?t"), pattern("?b", "q/tags", "?t")]);
    const s = run([q], [eav(1, "p/tags", ["x", "y"]), eav(2, "q/tags", ["x", "y"]), eav(3, "q/tags", ["y", "x"])]);
    expect(s.query("same-tags").map((r) => [r.a, r.b])).toEqual([[1, 2]]);
  });

  it("a cross product without shared variables pairs everything and retracts exactly", () => {
    const q = query("x", [], [pattern("?a", "p/a", "_"), pattern("?b", "p/b", "_"), test(({ a, b }) => (a as number) < (b as number), ["a", "b"])]);
    let s = run([q], eavs([1, "p/a", 0], [2, "p/a", 0], [3, "p/b", 0], [4, "p/b", 0]));
    expect(s.query("x")).toHaveLength(4);
    s = s.retract(eavs([3, "p/b", 0])).fire();
    expect(rows(s, "x")).toEqual([
      { a: 1, b: 4 },
      { a: 2, b: 4 },
    ]);
  });

  it("a fact equal to one already present is one fact (set semantics)", () => {
    const s = run([query("n", [], [pattern("?e", "p/x", "?v")])], eavs([1, "p/x", 1], [1, "p/x", 1]));
    expect(s.query("n")).toEqual([{ e: 1, v: 1 }]);
    expect(s.retract(eavs([1, "p/x", 1])).fire().query("n")).toEqual([]);
  });
});

// A join on the entity alone reads its right side from working memory's own index (no copy):
// the fact being inserted must pair once with each token, and rewinds must not reorder matches.
describe("joins on the entity read working memory", () => {
  const selfJoin = [query("pairs", [], [pattern("?e", "p/x", "?a"), pattern("?e", "p/x", "?b")])];

  it.each([
    ["in one fire", (facts: EAV[]) => run(selfJoin, facts)],
    ["one fire per fact", (facts: EAV[]) => facts.reduce((s, f) => s.insert([f]).fire(), run(selfJoin))],
  ])("a fact matching both patterns of a self-join pairs exactly once with each match (%s)", (_how, load) => {
    const s = load(eavs([1, "p/x", 1], [1, "p/x", 2], [2, "p/x", 5]));
    expect(rows(s, "pairs")).toEqual([
      { e: 1, a: 1, b: 1 },
      { e: 1, a: 1, b: 2 },
      { e: 1, a: 2, b: 1 },
      { e: 1, a: 2, b: 2 },
      { e: 2, a: 5, b: 5 },
    ]);
    expect(rows(s.retract(eavs([1, "p/x", 1])).fire(), "pairs")).toEqual([
      { e: 1, a: 2, b: 2 },
      { e: 2, a: 5, b: 5 },
    ]);
  });

  it("filters the index by the pattern's constants, and follows changes of them", () => {
    const q = [query("gold", [], [pattern("?o", "order/customer", "?c"), pattern("?c", "customer/tier", "gold")])];
    const s1 = run(q, eavs([1, "order/customer", 10], [2, "order/customer", 11], [10, "customer/tier", "gold"], [11, "customer/tier", "silver"]));
    expect(rows(s1, "gold")).toEqual([{ o: 1, c: 10 }]);
    const s2 = s1.retract(eavs([11, "customer/tier", "silver"])).insert(eavs([11, "customer/tier", "gold"])).fire();
    expect(rows(s2, "gold")).toEqual([
      { o: 1, c: 10 },
      { o: 2, c: 11 },
    ]);
    expect(rows(s1, "gold")).toEqual([{ o: 1, c: 10 }]);
  });

  it("pairs a token with several values of an attribute in insertion order, even after a rewind", () => {
    const order = (s: RuleSession): unknown[] => {
      const seen: unknown[] = [];
      s.insert(eavs([1, "p/k", true])).fire({ listener: { fired: (_rule, b) => seen.push(b.v) } });
      return seen;
    };
    const rules = [rule("r", [pattern("?e", "p/k", true), pattern("?e", "p/v", "?v")], () => {})];
    const fresh = run(rules, eavs([1, "p/v", 1], [1, "p/v", 2], [1, "p/v", 3]));
    const expected = order(run(rules, eavs([1, "p/v", 1], [1, "p/v", 2], [1, "p/v", 3])));
    expect(expected).toHaveLength(3);
    // a newer version removes and re-adds a value; the old one, used again, is rewound to
    fresh.retract(eavs([1, "p/v", 1])).fire().insert(eavs([1, "p/v", 1])).fire();
    expect(order(fresh)).toEqual(expected);
  });
});

// Node sharing, read off the plan: identical condition prefixes reuse one node; a difference in a
// constant, a variable name or a test function starts a new branch; alpha nodes are shared by
// pattern; the plan says which variables index each join.
import { describe, expect, it } from "vitest";
import { compileRules, not_, pattern, query, rule, test } from "../../src/rules/index.js";

const noop = (): void => {};
const big = ({ t }: Readonly<Record<string, unknown>>): boolean => (t as number) > 10;
const bigFor = ({ t, c }: Readonly<Record<string, unknown>>): boolean => (t as number) > 10 && c !== 0;

describe("node sharing (on the plan)", () => {
  it("rules with an identical prefix share its nodes and split after it", () => {
    const net = compileRules([
      rule("a", [pattern("?o", "order/total", "?t"), pattern("?o", "order/cust", "?c"), test(bigFor, ["t", "c"])], noop),
      rule("b", [pattern("?o", "order/total", "?t"), pattern("?o", "order/cust", "?c"), not_(pattern("?c", "cust/vip", true))], noop),
      query("q", [], [pattern("?o", "order/total", "?t")]),
    ]);
    const { nodes, stats } = net.plan;
    const joins = nodes.filter((n) => n.kind === "join");
    expect(joins.map((n) => [n.condition, n.usedBy])).toEqual([
      ["[order/total e=?o v=?t]", ["a", "b", "q"]],
      ["[order/cust e=?o v=?c]", ["a", "b"]],
    ]);
    expect(stats.sharedNodes).toBe(3);
    expect(nodes.filter((n) => n.kind === "terminal" || n.kind === "query").map((n) => n.parent)).toEqual([
      nodes.find((n) => n.kind === "test")?.id,
      nodes.find((n) => n.kind === "not")?.id,
      joins[0]?.id,
    ]);
    expect(stats).toMatchObject({ betaNodes: 7, rules: 2, queries: 1 });
  });

  it("a test runs as soon as its variables are bound, so it can split a prefix early", () => {
    const net = compileRules([
      rule("a", [pattern("?o", "order/total", "?t"), pattern("?o", "order/cust", "?c"), test(big, ["t"])], noop),
      rule("b", [pattern("?o", "order/total", "?t"), pattern("?o", "order/cust", "?c")], noop),
    ]);
    const byId = new Map(net.plan.nodes.map((n) => [n.id, n]));
    const testNode = net.plan.nodes.find((n) => n.kind === "test");
    expect(byId.get(testNode?.parent ?? -1)?.condition).toBe("[order/total e=?o v=?t]");
    expect(net.plan.nodes.filter((n) => n.kind === "join").map((n) => n.usedBy)).toEqual([["a", "b"], ["a"], ["b"]]);
  });

  it("patterns without variables (guards) and patterns sharing none go last", () => {
    const net = compileRules([rule("g", [pattern("context", "ctx/state", "run"), pattern("counter", "ctx/count", "?n"), pattern("?s", "seat/guest", "?g"), pattern("?g", "guest/name", "?x")], noop)]);
    expect(net.plan.nodes.filter((n) => n.kind === "join").map((n) => n.condition)).toEqual([
      "[seat/guest e=?s v=?g]",
      "[guest/name e=?g v=?x]",
      "[ctx/count e=\"counter\"#\"counter\" v=?n]",
      "[ctx/state e=\"context\"#\"context\" v=\"run\"#\"run\"]",
    ]);
  });

  it("different constants, variable names or test functions do not share", () => {
    const net = compileRules([
      rule("a", [pattern("?o", "order/status", "open")], noop),
      rule("b", [pattern("?o", "order/status", "closed")], noop),
      rule("c", [pattern("?x", "order/status", "open")], noop),
      rule("d", [pattern("?o", "order/status", "open"), test(big, ["t"]), pattern("?o", "order/total", "?t")], noop),
      rule("e", [pattern("?o", "order/status", "open"), test((b) => big(b), ["t"]), pattern("?o", "order/total", "?t")], noop),
    ]);
    const joins = net.plan.nodes.filter((n) => n.kind === "join");
    // a and d share their first join; c differs only in its variable name
    expect(joins.filter((n) => n.condition.startsWith("[order/status")).map((n) => n.usedBy)).toEqual([["a", "d", "e"], ["b"], ["c"]]);
    expect(net.plan.nodes.filter((n) => n.kind === "test")).toHaveLength(2);
    // the alpha layer: one node per (type, constants), shared by the variable renaming
    expect(net.plan.alpha.map((a) => [a.type, a.tests])).toEqual([
      ["order/status", ["v = \"open\""]],
      ["order/status", ["v = \"closed\""]],
      ["order/total", []],
    ]);
    expect(net.plan.alpha[0]?.successors).toHaveLength(2);
  });

  it("the plan names the variables each join is indexed on", () => {
    const net = compileRules([rule("j", [pattern("?o", "order/cust", "?c"), pattern("?c", "cust/region", "?r"), pattern("?o", "order/region", "?r")], noop)]);
    expect(net.plan.nodes.filter((n) => n.kind === "join").map((n) => [n.joinOn, n.binds])).toEqual([
      [[], ["?o", "?c"]],
      [["?c"], ["?r"]],
      [["?o", "?r"], []],
    ]);
  });

  it("the plan is plain data: it survives a JSON round trip", () => {
    const net = compileRules([rule("a", [pattern("?o", "order/total", "?t"), test(big, ["t"])], noop)]);
    expect(JSON.parse(JSON.stringify(net.plan))).toEqual(net.plan);
  });
});

// The TypeScript builders produce exactly the rule data a hand-written spec (or the DSL) would.
import { describe, expect, it } from "vitest";
import { kw } from "../../src/eav/index.js";
import { acc, accumulate, and, exists, fact, lit, not_, or, pattern, query, rule, term, test } from "../../src/rules/index.js";

describe("builders", () => {
  it.each([
    ["?x", { kind: "var", name: "?x" }],
    ["_", { kind: "wildcard" }],
    ["text", { kind: "const", value: "text" }],
    [3, { kind: "const", value: 3 }],
    [null, { kind: "const", value: null }],
    [lit("?not-a-var"), { kind: "const", value: "?not-a-var" }],
  ] as const)("term(%j)", (input, expected) => {
    expect(term(input)).toEqual(expected);
  });

  it("an EAV pattern with a constant attribute is typed by it; wildcards are dropped", () => {
    expect(pattern("?e", "order/total", "_", "?f")).toEqual({ kind: "pattern", type: "order/total", fields: [{ field: "e", term: { kind: "var", name: "?e" } }], bind: "?f" });
  });

  it("a variable attribute matches every attribute", () => {
    expect(pattern(kw("global"), "?a", 1)).toEqual({
      kind: "pattern",
      type: "eav/all",
      fields: [
        { field: "e", term: { kind: "const", value: kw("global") } },
        { field: "a", term: { kind: "var", name: "?a" } },
        { field: "v", term: { kind: "const", value: 1 } },
      ],
    });
  });

  it("plain-object patterns, boolean conditions, tests and accumulators", () => {
    const p = fact("Guest", { name: "?n", age: "_" });
    expect(p).toEqual({ kind: "pattern", type: "Guest", fields: [{ field: "name", term: { kind: "var", name: "?n" } }] });
    expect(not_(p)).toEqual({ kind: "not", condition: p });
    expect(exists(p, p)).toEqual({ kind: "exists", condition: { kind: "and", conditions: [p, p] } });
    expect(or(p, and(p))).toEqual({ kind: "or", conditions: [p, { kind: "and", conditions: [p] }] });
    const fn = (): boolean => true;
    expect(test(fn, ["n"])).toEqual({ kind: "test", test: { kind: "fn", fn, uses: ["n"] } });
    expect(accumulate("?t", acc("sum", "v"), p)).toEqual({ kind: "accumulate", bind: "?t", accumulator: { kind: "named", name: "sum", args: ["v"] }, from: p });
    expect(accumulate("?c", "count", p).accumulator).toEqual({ kind: "named", name: "count", args: [] });
  });

  it("rules and queries", () => {
    const action = (): void => {};
    expect(rule("r", [], action, { salience: 5, noLoop: true, doc: "d", uses: ["x"] })).toEqual({
      kind: "rule",
      name: "r",
      conditions: [],
      action: { kind: "fn", fn: action, uses: ["x"] },
      doc: "d",
      salience: 5,
      noLoop: true,
    });
    expect(query("q", ["?e"], [], "doc")).toEqual({ kind: "query", name: "q", params: ["?e"], conditions: [], doc: "doc" });
  });
});

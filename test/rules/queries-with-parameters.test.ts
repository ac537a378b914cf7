// Queries: parameters select rows by hash lookup, rows are keyed without `?`, errors are precise.
import { describe, expect, it } from "vitest";
import { isEavError } from "../../src/errors.js";
import { kw } from "../../src/eav/index.js";
import { accumulate, not_, pattern, query } from "../../src/rules/index.js";
import { eavs, rows, run } from "./helpers.js";

const q = query("orders-of", ["?c"], [pattern("?o", "order/cust", "?c"), pattern("?o", "order/total", "?t")]);
const facts = eavs([10, "order/cust", 1], [10, "order/total", 5], [11, "order/cust", 1], [11, "order/total", 7], [12, "order/cust", 2], [12, "order/total", 9]);

function error(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  return undefined;
}

describe("queries with parameters", () => {
  it("returns the rows of one parameter value, keys without ?", () => {
    const s = run([q], facts);
    expect(rows(s, "orders-of", { c: 1 })).toEqual([
      { o: 10, c: 1, t: 5 },
      { o: 11, c: 1, t: 7 },
    ]);
    expect(s.query("orders-of", { "?c": 2 })).toEqual([{ o: 12, c: 2, t: 9 }]);
    expect(s.query("orders-of", { c: 3 })).toEqual([]);
  });

  it("accepts the query spec in place of its name", () => {
    expect(run([q], facts).query(q, { c: 2 })).toEqual([{ o: 12, c: 2, t: 9 }]);
  });

  it("several parameters", () => {
    const q2 = query("by-cust-and-total", ["?c", "?t"], [pattern("?o", "order/cust", "?c"), pattern("?o", "order/total", "?t")]);
    expect(run([q2], facts).query("by-cust-and-total", { c: 1, t: 7 })).toEqual([{ o: 11, c: 1, t: 7 }]);
  });

  it("parameter values match by value (keywords, numbers vs strings)", () => {
    const q3 = query("by-status", ["?s"], [pattern("?o", "order/status", "?s")]);
    const s = run([q3], eavs([1, "order/status", kw("open")], [2, "order/status", "open"], [3, "order/status", 1], [4, "order/status", "1"]));
    expect(s.query("by-status", { s: kw("open") })).toEqual([{ o: 1, s: kw("open") }]);
    expect(s.query("by-status", { s: "open" })).toEqual([{ o: 2, s: "open" }]);
    expect(s.query("by-status", { s: 1 })).toEqual([{ o: 3, s: 1 }]);
  });

  it("rows hold accumulated values, not variables local to a negation", () => {
    const q4 = query("summary", ["?c"], [pattern("?c", "cust/name", "?n"), accumulate("?count", "count", pattern("_", "order/cust", "?c")), not_(pattern("?c", "cust/blocked", "?why"))]);
    const s = run([q4], [...facts, ...eavs([1, "cust/name", "ann"])]);
    expect(s.query("summary", { c: 1 })).toEqual([{ c: 1, n: "ann", count: 2 }]);
  });

  it("reflects the last fire: buffered changes are not visible before fire", () => {
    const s = run([q], facts);
    const pending = s.insert(eavs([13, "order/cust", 2], [13, "order/total", 1]));
    expect(pending.query("orders-of", { c: 2 })).toHaveLength(1);
    expect(pending.fire().query("orders-of", { c: 2 })).toHaveLength(2);
  });

  it.each([
    ["an unknown query", () => run([q], facts).query("nope"), "rules/unknown-query"],
    ["a missing parameter", () => run([q], facts).query("orders-of", {}), "rules/invalid-query-params"],
    ["an unknown parameter", () => run([q], facts).query("orders-of", { c: 1, x: 2 }), "rules/invalid-query-params"],
  ] as const)("%s is an error", (_what, f, code) => {
    expect(isEavError(error(f), code)).toBe(true);
  });
});

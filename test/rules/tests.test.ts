// test conditions: functions and expression trees over the bindings, placed after the patterns
// that bind their variables, re-evaluated on retraction and re-insertion.
import { describe, expect, it } from "vitest";
import { pattern, query, test, type Expr } from "../../src/rules/index.js";
import { eavs, rows, run } from "./helpers.js";

const v = (name: string): Expr => ({ kind: "var", name });
const lit = (value: number): Expr => ({ kind: "lit", value });
const call = (fn: string, ...args: Expr[]): Expr => ({ kind: "call", fn, args });

describe("tests", () => {
  const facts = eavs([1, "order/total", 500], [2, "order/total", 1500], [3, "order/total", 2500]);

  it.each([
    ["a function", test(({ t }) => (t as number) > 1000, ["t"])],
    ["an expression", test(call(">", v("?t"), lit(1000)))],
  ])("filters with %s", (_what, cond) => {
    const s = run([query("big", [], [pattern("?o", "order/total", "?t"), cond])], facts);
    expect(rows(s, "big")).toEqual([
      { o: 2, t: 1500 },
      { o: 3, t: 2500 },
    ]);
  });

  it("a test written before the pattern binding its variable runs after it", () => {
    const s = run([query("big", [], [test(call(">", v("?t"), lit(2000))), pattern("?o", "order/total", "?t")])], facts);
    expect(s.query("big")).toEqual([{ o: 3, t: 2500 }]);
  });

  it("compares variables from two patterns", () => {
    const q = query("over-limit", [], [pattern("?o", "order/total", "?t"), pattern("?o", "order/limit", "?l"), test(call(">", v("?t"), v("?l")))]);
    let s = run([q], eavs([1, "order/total", 10], [1, "order/limit", 5], [2, "order/total", 10], [2, "order/limit", 50]));
    expect(s.query("over-limit")).toEqual([{ o: 1, t: 10, l: 5 }]);
    s = s.retract(eavs([2, "order/limit", 50])).insert(eavs([2, "order/limit", 1])).fire();
    expect(rows(s, "over-limit").map((r) => r.o)).toEqual([1, 2]);
  });

  it("host functions are callable from expressions", () => {
    const q = query("even", [], [pattern("?o", "order/total", "?t"), test(call("even-hundreds?", v("?t")))]);
    const s = run([q], facts, { functions: { "even-hundreds?": (t: number) => Math.floor(t / 100) % 2 === 0 } });
    expect(s.query("even").map((r) => r.o)).toEqual([]);
    const s2 = run([q], eavs([1, "order/total", 200], [2, "order/total", 300]), { functions: { "even-hundreds?": (t: number) => Math.floor(t / 100) % 2 === 0 } });
    expect(s2.query("even").map((r) => r.o)).toEqual([1]);
  });

  it("a function test gets bindings keyed without ?", () => {
    const seen: unknown[] = [];
    run([query("q", [], [pattern("?o", "order/total", "?t"), test((b) => seen.push({ ...b }), ["o", "t"])])], eavs([1, "order/total", 5]));
    expect(seen).toEqual([{ o: 1, t: 5 }]);
  });
});

// Compile-time errors name the rule: unbound variables (in tests, accumulators' results used
// later, actions, salience, query parameters), variables bound only inside `not`, duplicate
// names, unknown accumulators and functions.
import { describe, expect, it } from "vitest";
import { EavError } from "../../src/errors.js";
import { acc, accumulate, compileRules, not_, pattern, query, rule, test, type Expr, type ProductionSpec, type EngineActionContext } from "../../src/rules/index.js";

const v = (name: string): Expr => ({ kind: "var", name });
const call = (fn: string, ...args: Expr[]): Expr => ({ kind: "call", fn, args });

function compileError(productions: ProductionSpec<EngineActionContext>[], functions = {}): EavError {
  try {
    compileRules(productions, { functions });
  } catch (e) {
    if (e instanceof EavError) return e;
    throw e;
  }
  throw new Error("compiled");
}

describe("compile errors", () => {
  it.each([
    ["a test reading an unbound variable", [rule("r", [pattern("?e", "a/b", "?x"), test(call(">", v("?y"), v("?x")))], () => {})], "rules/unbound-variable", ["?y"]],
    ["a test function's declared use", [rule("r", [pattern("?e", "a/b", "?x"), test(() => true, ["y"])], () => {})], "rules/unbound-variable", ["?y"]],
    ["an action using an unbound variable", [rule("r", [pattern("?e", "a/b", "?x")], () => {}, { uses: ["z"] })], "rules/unbound-variable", ["?z"]],
    ["an expression action", [rule("r", [pattern("?e", "a/b", "?x")], { kind: "expr", body: [call("insert!", v("?q"))] })], "rules/unbound-variable", ["?q"]],
    ["a salience expression", [rule("r", [pattern("?e", "a/b", "?x")], () => {}, { salience: { kind: "expr", expr: v("?s") } })], "rules/unbound-variable", ["?s"]],
    ["a query parameter", [query("q", ["?p"], [pattern("?e", "a/b", "?x")])], "rules/unbound-variable", ["?p"]],
  ] as const)("%s", (_what, productions, code, variables) => {
    const e = compileError([...productions]);
    expect(e.code).toBe(code);
    expect(e.data.rule).toBe(productions[0].name);
    expect(e.data.variables).toEqual(variables);
    expect(e.message).toContain(`rule ${productions[0].name}`);
  });

  it("a variable bound only inside not, used outside, says so", () => {
    const e = compileError([rule("r", [pattern("?e", "a/b", "_"), not_(pattern("?e", "a/c", "?hidden"))], () => {}, { uses: ["hidden"] })]);
    expect(e.code).toBe("rules/unbound-variable");
    expect(e.message).toContain("only inside a not");
    const t = compileError([rule("t", [pattern("?e", "a/b", "_"), not_(pattern("?e", "a/c", "?hidden")), test(call("some?", v("?hidden")))], () => {})]);
    expect(t.message).toContain("only inside a not");
  });

  it("the accumulator's result and its group variables are bound after it", () => {
    expect(() => compileRules([rule("ok", [accumulate("?n", acc("count"), pattern("?o", "a/b", "?x"))], () => {}, { uses: ["n", "o", "x"] })])).not.toThrow();
    expect(compileError([rule("r", [accumulate("?n", acc("count"), pattern("_", "a/b", "_"))], () => {}, { uses: ["x"] })]).code).toBe("rules/unbound-variable");
  });

  it("duplicate names across rules and queries", () => {
    const e = compileError([rule("same", [], () => {}), query("same", [], [])]);
    expect(e.code).toBe("rules/duplicate-name");
    expect(e.data.rule).toBe("same");
  });

  it("an unknown accumulator", () => {
    const e = compileError([rule("r", [accumulate("?n", acc("median", "v"), pattern("?o", "a/b", "?x"))], () => {})]);
    expect(e.code).toBe("rules/unknown-accumulator");
    expect(e.data).toEqual({ rule: "r", accumulator: "median" });
  });

  it("an unknown function, and a host function making it known", () => {
    const r = rule("r", [pattern("?e", "a/b", "?x"), test(call("lucky?", v("?x")))], () => {});
    const e = compileError([r]);
    expect(e.code).toBe("rules/unknown-function");
    expect(e.data).toEqual({ rule: "r", function: "lucky?" });
    expect(() => compileRules([r], { functions: { "lucky?": (x: number) => x === 7 } })).not.toThrow();
  });

  it("an action (effect) inside a test is rejected", () => {
    const e = compileError([rule("r", [pattern("?e", "a/b", "?x"), test(call("insert!", v("?x")))], () => {})]);
    expect(e.code).toBe("rules/invalid-spec");
    expect(e.data.rule).toBe("r");
  });
});

// Failures in user code (action, test, accumulator, salience, expression) become
// rules/action-failed with the rule name, the bindings and the cause; the caller's session is unchanged.
import { describe, expect, it } from "vitest";
import { EavError } from "../../src/errors.js";
import type { EAV } from "../../src/eav/index.js";
import { accumulate, compileRules, newRuleSession, pattern, rule, test, type Accumulator, type ProductionSpec, type EngineActionContext } from "../../src/rules/index.js";
import { eavs } from "./helpers.js";

const cause = new Error("kaput");
const boom = (): never => {
  throw cause;
};
const failing: Accumulator<EAV, number, number> = { initial: () => 0, reduce: (a, f) => (f.v === 8 ? boom() : a + 1), retract: boom, convert: (a) => a };

function failure(productions: ProductionSpec<EngineActionContext>[]): EavError {
  const s = newRuleSession(compileRules(productions)).insert(eavs([1, "p/x", 7])).fire();
  const before = JSON.stringify(s.facts());
  try {
    s.insert(eavs([2, "p/x", 8])).fire();
  } catch (e) {
    expect(JSON.stringify(s.facts())).toEqual(before);
    if (e instanceof EavError) return e;
    throw e;
  }
  throw new Error("no failure");
}

const when8 = test(({ v }) => v === 8, ["v"]);

describe("action failure", () => {
  it.each([
    ["an action", [rule("r", [pattern("?e", "p/x", "?v"), when8], boom)], "action", { e: 2, v: 8 }],
    ["a test", [rule("r", [pattern("?e", "p/x", "?v"), test(({ v }) => (v === 8 ? boom() : true), ["v"])], () => {})], "test", { e: 2, v: 8 }],
    ["a salience function", [rule("r", [pattern("?e", "p/x", "?v")], () => {}, { salience: { kind: "fn", fn: (b) => (b.v === 8 ? boom() : 0) } })], "salience", { e: 2, v: 8 }],
  ] as const)("in %s: names the rule and the bindings, keeps the cause", (_what, productions, where, bindings) => {
    const e = failure([...productions]);
    expect(e.code).toBe("rules/action-failed");
    expect(e.data).toEqual({ rule: "r", bindings, where });
    expect(e.cause).toBe(cause);
    expect(e.message).toContain("rule r failed");
  });

  it("in an accumulator", () => {
    const e = failure([rule("acc", [pattern("?e", "p/x", 8), accumulate("?n", failing, pattern("_", "p/x", "_"))], () => {})]);
    expect(e.code).toBe("rules/action-failed");
    expect(e.data.rule).toBe("acc");
    expect(e.data.where).toBe("accumulator");
    expect(e.cause).toBe(cause);
  });

  it("in an expression action (an evaluation error)", () => {
    const r = rule("div", [pattern("?e", "p/x", "?v"), when8], { kind: "expr", body: [{ kind: "call", fn: "/", args: [{ kind: "var", name: "?v" }, { kind: "lit", value: 0 }] }] });
    const e = failure([r]);
    expect(e.code).toBe("rules/action-failed");
    expect(e.data).toEqual({ rule: "div", bindings: { e: 2, v: 8 }, where: "action" });
    expect((e.cause as EavError).code).toBe("rules/eval-error");
  });

  it("the context cannot be used after the action returned", () => {
    let kept: EngineActionContext | undefined;
    const s = newRuleSession(compileRules([rule<EngineActionContext>("keep", [pattern("?e", "p/x", "_")], (ctx) => void (kept = ctx))])).insert(eavs([1, "p/x", 1])).fire();
    expect(s.lastFire?.firings).toBe(1);
    expect(() => kept?.insert(eavs([9, "p/y", 1]))).toThrow(EavError);
  });
});

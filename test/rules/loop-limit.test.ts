// The firing budget: exceeding it throws rules/loop-limit naming the rules that kept re-firing and
// the cycle between them; the session is unchanged.
import { describe, expect, it } from "vitest";
import { eav } from "../../src/eav/index.js";
import { EavError, isEavError } from "../../src/errors.js";
import { compileRules, newRuleSession, pattern, rule, type EngineActionContext } from "../../src/rules/index.js";
import { eavs } from "./helpers.js";

// ping inserts a pong for the next number, pong a ping: an endless ping-pong, plus a bystander
const rules = [
  rule<EngineActionContext>("ping", [pattern("?e", "p/ping", "?n")], (ctx) => ctx.insertUnconditional(eav(ctx.bindings.e as number, "p/pong", (ctx.bindings.n as number) + 1)), { uses: ["e", "n"] }),
  rule<EngineActionContext>("pong", [pattern("?e", "p/pong", "?n")], (ctx) => ctx.insertUnconditional(eav(ctx.bindings.e as number, "p/ping", (ctx.bindings.n as number) + 1)), { uses: ["e", "n"] }),
  rule("bystander", [pattern("?e", "p/other", true)], () => {}),
];

function loopError(max: number): EavError {
  try {
    newRuleSession(compileRules(rules)).insert(eavs([1, "p/ping", 0], [1, "p/other", true])).fire({ maxFirings: max });
  } catch (e) {
    if (e instanceof EavError) return e;
  }
  throw new Error("no loop-limit error");
}

describe("loop limit", () => {
  it("names the rules that kept re-firing and the cycle between them", () => {
    const e = loopError(100);
    expect(e.code).toBe("rules/loop-limit");
    expect(e.data.limit).toBe(100);
    expect([...(e.data.rules as string[])].sort()).toEqual(["ping", "pong"]);
    expect(e.data.cycle).toEqual(["ping", "pong"]);
    expect(e.message).toContain("ping -> pong -> ping");
  });

  it("a self-loop is a cycle of one rule", () => {
    const self = [rule<EngineActionContext>("grow", [pattern("?e", "p/n", "?n")], (ctx) => ctx.insertUnconditional(eav(1, "p/n", (ctx.bindings.n as number) + 1)), { uses: ["n"] })];
    let err: unknown;
    try {
      newRuleSession(compileRules(self)).insert(eavs([1, "p/n", 0])).fire({ maxFirings: 20 });
    } catch (e) {
      err = e;
    }
    expect(isEavError(err, "rules/loop-limit")).toBe(true);
    expect((err as EavError).data.cycle).toEqual(["grow"]);
    expect((err as EavError).message).toContain("grow -> grow");
  });

  it("a budget that suffices is not an error", () => {
    const ok = [rule("once", [pattern("?e", "p/x", "_")], () => {})];
    const s = newRuleSession(compileRules(ok)).insert(eavs([1, "p/x", 1], [2, "p/x", 1], [3, "p/x", 1])).fire({ maxFirings: 3 });
    expect(s.lastFire?.firings).toBe(3);
    expect(() => newRuleSession(compileRules(ok)).insert(eavs([1, "p/x", 1], [2, "p/x", 1], [3, "p/x", 1])).fire({ maxFirings: 2 })).toThrow(EavError);
  });
});

describe("loop limit, past the end of the window of recent firings", () => {
  // a -> b -> c -> a: the window (the latest 256 firings, a ring) wraps around; its names must come
  // out in firing order, so the cycle starts at the rule of the window's first firing
  const abc = [
    rule<EngineActionContext>("a", [pattern("?e", "p/a", "?n")], (ctx) => ctx.insertUnconditional(eav(1, "p/b", (ctx.bindings.n as number) + 1)), { uses: ["n"] }),
    rule<EngineActionContext>("b", [pattern("?e", "p/b", "?n")], (ctx) => ctx.insertUnconditional(eav(1, "p/c", (ctx.bindings.n as number) + 1)), { uses: ["n"] }),
    rule<EngineActionContext>("c", [pattern("?e", "p/c", "?n")], (ctx) => ctx.insertUnconditional(eav(1, "p/a", (ctx.bindings.n as number) + 1)), { uses: ["n"] }),
  ];
  it.each([
    [255, ["a", "b", "c"]],
    [256, ["a", "b", "c"]],
    [301, ["a", "b", "c"]],
    [302, ["b", "c", "a"]],
    [303, ["c", "a", "b"]],
  ] as const)("a budget of %i", (max, cycle) => {
    let err: unknown;
    try {
      newRuleSession(compileRules(abc)).insert(eavs([1, "p/a", 0])).fire({ maxFirings: max });
    } catch (e) {
      err = e;
    }
    expect(isEavError(err, "rules/loop-limit")).toBe(true);
    expect((err as EavError).data.cycle).toEqual(cycle);
    expect((err as EavError).data.firings).toEqual({ a: Math.ceil(max / 3), b: Math.ceil((max - 1) / 3), c: Math.ceil((max - 2) / 3) });
  });
});

describe("loop limit edge", () => {
  it("a budget of zero stops before the first firing, with a readable message", () => {
    let err: unknown;
    try {
      newRuleSession(compileRules([rule("any", [pattern("?e", "p/x", "_")], () => {})])).insert(eavs([1, "p/x", 1])).fire({ maxFirings: 0 });
    } catch (e) {
      err = e;
    }
    expect(isEavError(err, "rules/loop-limit")).toBe(true);
    expect((err as EavError).data).toMatchObject({ limit: 0, rules: [], cycle: [] });
    expect((err as EavError).message).toContain("cycle: none");
  });
});

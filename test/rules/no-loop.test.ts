// noLoop: a rule's own changes do not re-activate it; other rules' changes still do.
import { describe, expect, it } from "vitest";
import { eav } from "../../src/eav/index.js";
import { isEavError } from "../../src/errors.js";
import { pattern, rule, type EngineActionContext } from "../../src/rules/index.js";
import { attr, eavs, run } from "./helpers.js";

// increments a counter it also matches on: without noLoop it re-fires on its own output forever
const bump = (noLoop: boolean) =>
  rule<EngineActionContext>(
    "bump",
    [pattern("?e", "p/count", "?n"), pattern("?e", "p/go", true)],
    (ctx) => {
      ctx.retract(eav(ctx.bindings.e as number, "p/count", ctx.bindings.n as number));
      ctx.insertUnconditional(eav(ctx.bindings.e as number, "p/count", (ctx.bindings.n as number) + 1));
    },
    { noLoop, uses: ["e", "n"] },
  );

describe("noLoop", () => {
  it("without noLoop the rule re-fires on its own output", () => {
    let err: unknown;
    try {
      run([bump(false)], eavs([1, "p/count", 0], [1, "p/go", true]), {}, { maxFirings: 50 });
    } catch (e) {
      err = e;
    }
    expect(isEavError(err, "rules/loop-limit")).toBe(true);
  });

  it("with noLoop it fires once", () => {
    const s = run([bump(true)], eavs([1, "p/count", 0], [1, "p/go", true]));
    expect(attr(s, "p/count")).toEqual(["1:1"]);
    expect(s.lastFire?.byRule).toEqual({ bump: 1 });
  });

  it("another rule's change re-activates a noLoop rule", () => {
    const poke = rule<EngineActionContext>("poke", [pattern("?e", "p/poke", true)], (ctx) => ctx.insertUnconditional(eav(ctx.bindings.e as number, "p/go", true)), { uses: ["e"] });
    let s = run([bump(true), poke], eavs([1, "p/count", 0]));
    expect(attr(s, "p/count")).toEqual(["1:0"]);
    s = s.insert(eavs([1, "p/poke", true])).fire();
    expect(attr(s, "p/count")).toEqual(["1:1"]);
    s = s.insert(eavs([1, "p/go", false])).fire();
    expect(attr(s, "p/count")).toEqual(["1:1"]);
  });
});

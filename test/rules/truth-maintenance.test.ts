// Truth maintenance: logical inserts are withdrawn when their match goes, transitively; a fact
// stays while any support remains; unconditional facts stay; explicit retraction removes a fact
// whatever its supports; retraction inside an action is not truth-maintained.
import { describe, expect, it } from "vitest";
import { eav } from "../../src/eav/index.js";
import { not_, pattern, rule, type EngineActionContext } from "../../src/rules/index.js";
import { attr, eavs, mark, run } from "./helpers.js";

const chain = [
  rule("b-from-a", [pattern("?e", "p/a", true)], mark("p/b"), { uses: ["e"] }),
  rule("c-from-b", [pattern("?e", "p/b", true)], mark("p/c"), { uses: ["e"] }),
  rule("d-from-c", [pattern("?e", "p/c", true)], mark("p/d"), { uses: ["e"] }),
];

describe("truth maintenance", () => {
  it("withdraws derived facts transitively", () => {
    const s = run(chain, eavs([1, "p/a", true], [2, "p/a", true]));
    expect(attr(s, "p/d")).toEqual(["1:true", "2:true"]);
    const s2 = s.retract(eavs([1, "p/a", true])).fire();
    expect([...attr(s2, "p/b"), ...attr(s2, "p/c"), ...attr(s2, "p/d")]).toEqual(["2:true", "2:true", "2:true"]);
    expect(s2.lastFire?.retracted).toEqual([eav(1, "p/a", true), eav(1, "p/b", true), eav(1, "p/c", true), eav(1, "p/d", true)]);
  });

  it("calls onWithdraw with the withdrawn facts", () => {
    const withdrawn: unknown[] = [];
    run(chain, eavs([1, "p/a", true]))
      .retract(eavs([1, "p/a", true]))
      .fire({ onWithdraw: (fs) => withdrawn.push(...fs) });
    expect(withdrawn).toEqual([eav(1, "p/b", true), eav(1, "p/c", true), eav(1, "p/d", true)]);
  });

  it("a fact with several supports stays until the last one goes", () => {
    const rules = [
      rule("from-x", [pattern("?e", "p/x", true)], mark("p/flag"), { uses: ["e"] }),
      rule("from-y", [pattern("?e", "p/y", true)], mark("p/flag"), { uses: ["e"] }),
    ];
    let s = run(rules, eavs([1, "p/x", true], [1, "p/y", true]));
    expect(attr(s, "p/flag")).toEqual(["1:true"]);
    s = s.retract(eavs([1, "p/x", true])).fire();
    expect(attr(s, "p/flag")).toEqual(["1:true"]);
    s = s.retract(eavs([1, "p/y", true])).fire();
    expect(attr(s, "p/flag")).toEqual([]);
  });

  it("an unconditional insert is never withdrawn", () => {
    const r = [rule<EngineActionContext>("u", [pattern("?e", "p/a", true)], (ctx) => ctx.insertUnconditional(eav(ctx.bindings.e as number, "p/b", true)), { uses: ["e"] })];
    const s = run(r, eavs([1, "p/a", true])).retract(eavs([1, "p/a", true])).fire();
    expect(attr(s, "p/b")).toEqual(["1:true"]);
  });

  it("a derived fact also inserted from outside becomes unconditional", () => {
    const s = run(chain, eavs([1, "p/a", true]))
      .insert(eavs([1, "p/b", true]))
      .fire()
      .retract(eavs([1, "p/a", true]))
      .fire();
    expect([...attr(s, "p/b"), ...attr(s, "p/c")]).toEqual(["1:true", "1:true"]);
  });

  it("an explicit retraction removes a supported fact; it comes back only with a new match", () => {
    let s = run(chain, eavs([1, "p/a", true]));
    s = s.retract(eavs([1, "p/b", true])).fire();
    expect([...attr(s, "p/b"), ...attr(s, "p/c"), ...attr(s, "p/d")]).toEqual([]);
    s = s.retract(eavs([1, "p/a", true])).fire().insert(eavs([1, "p/a", true])).fire();
    expect(attr(s, "p/d")).toEqual(["1:true"]);
  });

  it("retraction inside an action is not truth-maintained", () => {
    const r = [rule<EngineActionContext>("consume", [pattern("?e", "p/token", true), pattern("?e", "p/go", true)], (ctx) => ctx.retract(eav(ctx.bindings.e as number, "p/token", true)), { uses: ["e"] })];
    const s = run(r, eavs([1, "p/token", true], [1, "p/go", true]));
    expect(attr(s, "p/token")).toEqual([]);
    expect(attr(s.retract(eavs([1, "p/go", true])).fire(), "p/token")).toEqual([]);
  });

  it("a match that goes away within the same fire withdraws what it inserted", () => {
    // a is derived, then b (derived from a) negates the rule deriving c: c comes and goes
    const rules = [
      rule("c-unless-b", [pattern("?e", "p/a", true), not_(pattern("?e", "p/b", true))], mark("p/c"), { uses: ["e"], salience: 10 }),
      rule("b-from-a", [pattern("?e", "p/a", true)], mark("p/b"), { uses: ["e"] }),
    ];
    const s = run(rules, eavs([1, "p/a", true]));
    expect(attr(s, "p/c")).toEqual([]);
    expect(attr(s, "p/b")).toEqual(["1:true"]);
    expect(s.lastFire?.retracted).toEqual([eav(1, "p/c", true)]);
  });
});

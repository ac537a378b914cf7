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

// An unconditional fact that no token holds is retracted without its RETRACTED flag being written
// (engine.ts, removeEntry): what may still point at its entry (the activation that first inserted
// it logically) must skip it, in this fire, a later one and an old session value alike.
describe("retracting an unconditional fact no pattern holds", () => {
  const rules = [rule("b-from-a", [pattern("?e", "p/a", true)], mark("p/b"), { uses: ["e"] })];

  it("a derived fact made unconditional, then retracted: its activation's loss withdraws nothing", () => {
    const s1 = run(rules, eavs([1, "p/a", true]));
    const s2 = s1.insert(eavs([1, "p/b", true])).fire(); // now unconditional too
    const s3 = s2.retract(eavs([1, "p/b", true])).fire();
    expect(attr(s3, "p/b")).toEqual([]);
    const s4 = s3.insert(eavs([1, "p/b", true])).retract(eavs([1, "p/a", true])).fire();
    // the new p/b is a new entry, unconditional: the old activation's loss does not withdraw it
    expect(attr(s4, "p/b")).toEqual(["1:true"]);
    expect(s4.lastFire?.retracted).toEqual([eav(1, "p/a", true)]);
    // old values: the entry is back in s2 (unconditional, with its logical support), gone in s3
    expect(attr(s2, "p/b")).toEqual(["1:true"]);
    expect(attr(s2.retract(eavs([1, "p/a", true])).fire(), "p/b")).toEqual(["1:true"]);
    expect(attr(s3, "p/b")).toEqual([]);
    expect(attr(s3.retract(eavs([1, "p/a", true])).fire().insert(eavs([1, "p/a", true])).fire(), "p/b")).toEqual(["1:true"]);
  });

  it("a logical fact retracted explicitly keeps its flag: its activation's loss does not withdraw it again", () => {
    const s1 = run(rules, eavs([1, "p/a", true]));
    const withdrawn: unknown[] = [];
    const s2 = s1.retract(eavs([1, "p/b", true])).fire();
    const s3 = s2.retract(eavs([1, "p/a", true])).fire({ onWithdraw: (fs) => withdrawn.push(...fs) });
    expect(s3.lastFire?.retracted).toEqual([eav(1, "p/a", true)]);
    expect(withdrawn).toEqual([]);
    expect(attr(s1.retract(eavs([1, "p/a", true])).fire(), "p/b")).toEqual([]);
  });

  it("retracted and re-inserted in one fire, across old values", () => {
    const s1 = run(rules, eavs([1, "p/x", 1], [2, "p/x", 2]));
    const s2 = s1.retract(eavs([1, "p/x", 1])).insert(eavs([1, "p/x", 1])).retract(eavs([2, "p/x", 2])).fire();
    expect(attr(s2, "p/x")).toEqual(["1:1"]);
    expect(attr(s1, "p/x")).toEqual(["1:1", "2:2"]);
    expect(attr(s1.retract(eavs([1, "p/x", 1])).fire(), "p/x")).toEqual(["2:2"]);
    expect(attr(s2.retract(eavs([1, "p/x", 1])).fire(), "p/x")).toEqual([]);
  });
});

// An action's context makes its bindings on first read (runtime/action-context.ts, BaseContext):
// every reader (the action, the listener's `fired`, a failure's error data, the session's context)
// gets the same object with the match's values, also when read after the action returned and after
// later fires removed the match; an action that never reads them sees the same behaviour.
import { describe, expect, it } from "vitest";
import { eav } from "../../src/eav/index.js";
import { isEavError } from "../../src/errors.js";
import { createSession } from "../../src/session/index.js";
import { parseRules } from "../../src/dsl/index.js";
import { compileRules, newRuleSession, pattern, rule, type Bindings, type EngineActionContext } from "../../src/rules/index.js";

describe("an action context's bindings", () => {
  it("are one object, shared with the listener, with the match's values, also read after the fire", () => {
    const seen: Bindings[] = [];
    const kept: EngineActionContext[] = [];
    const net = compileRules([
      rule<EngineActionContext>("pair", [pattern("?e", "p/x", "?x"), pattern("?e", "p/y", "?y")], (ctx) => {
        kept.push(ctx);
        expect(ctx.bindings).toBe(ctx.bindings);
        ctx.insert(eav(ctx.bindings.e as number, "p/sum", (ctx.bindings.x as number) + (ctx.bindings.y as number)));
      }),
      rule<EngineActionContext>("silent", [pattern("?e", "p/sum", "?s")], () => {}),
    ]);
    const s1 = newRuleSession(net)
      .insert([eav(1, "p/x", 2), eav(1, "p/y", 3), eav(2, "p/x", 10), eav(2, "p/y", 20)])
      .fire({ listener: { fired: (r, b) => void (r === "pair" && seen.push(b)) } });
    expect(s1.lastFire?.firings).toBe(4);
    expect(kept.map((c) => c.bindings)).toEqual(seen);
    expect(kept[0]?.bindings).toBe(seen[0]);
    // the match is gone in a later value; the kept context still answers with its own values
    s1.retract([eav(1, "p/x", 2), eav(2, "p/y", 20)]).fire();
    const rows = kept.map((c) => c.bindings).sort((a, b) => (a.e as number) - (b.e as number));
    expect(rows).toEqual([
      { e: 1, x: 2, y: 3 },
      { e: 2, x: 10, y: 20 },
    ]);
  });

  it("are read for a failure's error data when the action never read them", () => {
    const net = compileRules([
      rule<EngineActionContext>("boom", [pattern("?e", "p/x", "?x")], () => {
        throw new Error("boom");
      }),
    ]);
    let err: unknown;
    try {
      newRuleSession(net).insert([eav(7, "p/x", 1)]).fire();
    } catch (e) {
      err = e;
    }
    expect(isEavError(err, "rules/action-failed")).toBe(true);
    expect((err as { data: unknown }).data).toEqual({ rule: "boom", bindings: { e: 7, x: 1 }, where: "action" });
  });

  it("reach a session's context, the same object as its base context's", () => {
    const got: Bindings[] = [];
    const s = createSession({
      rules: [rule("tag", [pattern("?e", "p/x", "?x")], (ctx) => void got.push(ctx.bindings, ctx.bindings))],
    })
      .upsert([eav(3, "p/x", "a")])
      .fire();
    expect(s.lastFire?.firings).toBe(1);
    expect(got).toEqual([{ e: 3, x: "a" }, { e: 3, x: "a" }]);
    expect(got[0]).toBe(got[1]);
  });
});

// An action body written in the expression language runs its effects (`insert!`, ...) from the
// engine's table, overridden by the table a fire's context offers (a session's `upsert!`). The two
// are merged once per fire while the context's table is frozen, and again at every firing when it
// is not (it may change between firings); both must run what the table holds at that firing.
describe("an action body's effects from the fire's context", () => {
  const net = compileRules(parseRules("(defrule r [?e :a/x ?v] => (insert! [?e :a/y ?v]))"));
  const facts = [eav(1, "a/x", 1), eav(2, "a/x", 2)];

  it("a table that is not frozen is read again at every firing", () => {
    const calls: string[] = [];
    const table: Record<string, (arg: unknown) => void> = {
      "insert!": () => {
        calls.push("first");
        table["insert!"] = () => void calls.push("second");
      },
    };
    newRuleSession(net).insert(facts).fire({ context: () => ({ effects: table }) });
    expect(calls).toEqual(["first", "second"]);
  });

  it("a frozen table runs at every firing", () => {
    const calls: unknown[] = [];
    const table = Object.freeze({ "insert!": (f: unknown) => void calls.push(f) });
    newRuleSession(net).insert(facts).fire({ context: () => ({ effects: table }) });
    expect(calls.map((c) => JSON.stringify(c)).sort()).toEqual(['[1,":a/y",1]', '[2,":a/y",2]']);
  });
});

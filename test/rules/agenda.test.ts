// The agenda under heavy cancellation: a rule whose pending activations are mostly cancelled (its
// group of the agenda is compacted) still fires every remaining one, newest first, and other
// groups keep their order around it.
import { describe, expect, it } from "vitest";
import { compileRules, newRuleSession, not_, pattern, rule, type EngineActionContext } from "../../src/rules/index.js";
import { eavs, type Triple } from "./helpers.js";

const N = 200;

/** Items 1..N; `block` (salience 10) blocks every item whose number is not a multiple of 4. */
function fired(blockFirst: boolean): string[] {
  const pick = rule<EngineActionContext>("pick", [pattern("?e", "p/x", "?v"), not_(pattern("?e", "p/blocked", true))], () => {});
  const other = rule<EngineActionContext>("other", [pattern("?e", "p/x", "?v"), pattern("?e", "p/other", true)], () => {});
  const block = rule<EngineActionContext>(
    "block",
    [pattern(0, "p/go", true)],
    (ctx) => {
      const out: Triple[] = [];
      for (let i = 1; i <= N; i++) if (i % 4 !== 0) out.push([i, "p/blocked", true]);
      ctx.insertUnconditional(eavs(...out));
    },
    { salience: blockFirst ? 10 : -10 },
  );
  const items: Triple[] = [];
  for (let i = 1; i <= N; i++) items.push([i, "p/x", i]);
  for (let i = 1; i <= 10; i++) items.push([i * 7, "p/other", true]);
  const out: string[] = [];
  newRuleSession(compileRules([pick, other, block]))
    .insert(eavs(...items, [0, "p/go", true]))
    .fire({ listener: { fired: (r, b) => out.push(r === "block" ? r : `${r}:${String(b.e)}`) } });
  return out;
}

describe("agenda", () => {
  it("fires the activations left after most of a rule's were cancelled, newest first", () => {
    const expected = ["block"];
    for (let i = N; i >= 1; i--) if (i % 4 === 0) expected.push(`pick:${i}`);
    for (let i = 10; i >= 1; i--) expected.push(`other:${i * 7}`);
    expect(fired(true)).toEqual(expected);
  });

  it("fires every activation when none is cancelled (the blocking rule comes last)", () => {
    const expected: string[] = [];
    for (let i = N; i >= 1; i--) expected.push(`pick:${i}`);
    for (let i = 10; i >= 1; i--) expected.push(`other:${i * 7}`);
    expected.push("block");
    expect(fired(false)).toEqual(expected);
  });
});

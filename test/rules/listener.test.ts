// The listener sees inserts, retracts (explicit and withdrawn), activations added and cancelled,
// and firings, in order; the fire report counts the same things.
import { describe, expect, it } from "vitest";
import { eav } from "../../src/eav/index.js";
import { compileRules, newRuleSession, not_, pattern, rule, type Listener } from "../../src/rules/index.js";
import { eavs, mark } from "./helpers.js";

describe("listener and fire report", () => {
  it("reports every event in order", () => {
    const events: string[] = [];
    const listener: Listener = {
      inserted: (f, r, logical) => events.push(`+${String(f)}${r === null ? "" : ` by ${r}`}${logical ? " (logical)" : ""}`),
      retracted: (f, _r, why) => events.push(`-${String(f)} ${why}`),
      activationAdded: (r, b) => events.push(`add ${r} ${String(b.e)}`),
      activationCancelled: (r, b) => events.push(`cancel ${r} ${String(b.e)}`),
      fired: (r, b) => events.push(`fire ${r} ${String(b.e)}`),
    };
    const net = compileRules([
      rule("flag", [pattern("?e", "p/x", true), not_(pattern("?e", "p/stop", true))], mark("p/flag"), { uses: ["e"] }),
      rule("stop", [pattern("?e", "p/flag", true)], (ctx) => ctx.insertUnconditional(eav(2, "p/stop", true)), { uses: ["e"], salience: -1 }),
    ]);
    const s = newRuleSession(net).insert(eavs([1, "p/x", true], [2, "p/x", true])).fire({ listener });
    expect(events).toEqual([
      "+[1 :p/x true]",
      "add flag 1",
      "+[2 :p/x true]",
      "add flag 2",
      "fire flag 2",
      "+[2 :p/flag true] by flag (logical)",
      "add stop 2",
      "fire flag 1",
      "+[1 :p/flag true] by flag (logical)",
      "add stop 1",
      "fire stop 1",
      "+[2 :p/stop true] by stop",
      "-[2 :p/flag true] withdrawn",
      "cancel stop 2",
    ]);
    expect(s.lastFire).toEqual({
      firings: 3,
      byRule: { flag: 2, stop: 1 },
      inserted: [eav(1, "p/x", true), eav(2, "p/x", true), eav(2, "p/flag", true), eav(1, "p/flag", true), eav(2, "p/stop", true)],
      retracted: [eav(2, "p/flag", true)],
    });
  });
});

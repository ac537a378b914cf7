// The public entry: the example of its TSDoc, end to end through the DSL, the session and the store.
import { describe, expect, it } from "vitest";
import { build, createSession, isEavError, kw, rules } from "../src/index.js";

describe("public entry", () => {
  const productions = rules`
    (defrule big-order
      "Orders over 1000 need review"
      {:salience 10}
      [?o :order/total ?t]
      [:test (> ?t 1000)]
      [:not [?o :order/reviewed true]]
      =>
      (upsert! [?o :order/needs-review true]))

    (defquery pending []
      [?o :order/needs-review true])`;

  it("runs the documented example", () => {
    const s = createSession({ rules: productions }).upsert([1, "order/total", 1500]).fire();
    expect(s.query("pending")).toEqual([{ o: 1 }]);
    const reviewed = s.upsert([1, "order/reviewed", true]).fire();
    expect(reviewed.query("pending")).toEqual([]);
    expect(reviewed.entity(1)).toEqual({ "eav/eid": 1, "order/total": 1500, "order/reviewed": true });
  });

  it("offers the builders under build", () => {
    const q = build.query("by-status", ["?s"], [build.pattern("?o", "order/status", "?s")]);
    const s = createSession({ rules: [q] }).upsert([[1, "order/status", kw("open")], [2, "order/status", kw("closed")]]).fire();
    expect(s.query("by-status", { s: kw("open") })).toEqual([{ o: 1, s: kw("open") }]);
  });

  it("exports the error predicate", () => {
    let err: unknown;
    try {
      createSession({ rules: productions }).transact([["db/retract", "tmp", "order/total", 1]]);
    } catch (e) {
      err = e;
    }
    expect(isEavError(err, "store/tempid-in-retract")).toBe(true);
  });
});

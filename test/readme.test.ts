// The README's code, run as written (keep the two in step: README.md "The rule language" and
// "The session").
import { describe, expect, it } from "vitest";
import { createSession, rules, type SchemaEntry, type SessionActionContext } from "../src/index.js";

describe("README", () => {
  const limit = 1000;
  const productions = rules`
    (defrule big-order {:salience 10}
      [?o :order/total ?t] [:test (${(t: number) => t > limit} ?t)]
      => ${(ctx: SessionActionContext) => ctx.upsert([ctx.bindings.o, "order/needs-review", true])})
    (defquery pending [] [?o :order/needs-review true])`;

  const schema: SchemaEntry[] = [
    { ident: "customer/email", cardinality: "one", valueType: "string", unique: "identity" },
    { ident: "order/id", cardinality: "one", valueType: "string", unique: "identity" },
    { ident: "order/customer", cardinality: "one", valueType: "ref" },
    { ident: "order/lines", cardinality: "many", valueType: "ref", isComponent: true },
  ];

  it("the session walk-through gives the results it states", () => {
    const s0 = createSession({ rules: productions, schema });
    const s1 = s0.upsert({ "order/id": "A1", "order/total": 1500 }).fire();
    expect(s1.query("pending")).toEqual([{ o: 1 }]);
    expect(s1.entity(1)).toEqual({ "eav/eid": 1, "order/id": "A1", "order/total": 1500, "order/needs-review": true });
    const s2 = s1.transact([["db/retractEntity", ["order/id", "A1"]]]).fire();
    expect(s2.entity(1)).toBeUndefined();
    expect(s2.query("pending")).toEqual([]);
    expect(s0.query("pending")).toEqual([]);
    expect(s1.query("pending")).toEqual([{ o: 1 }]);
  });
});

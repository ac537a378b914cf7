// Schema behaviour driven from rules: every change an action makes goes through the store, and the
// rules observe the store's net delta in the same fire.
import { describe, expect, it } from "vitest";
import { eav, kw } from "../../src/eav/index.js";
import { isEavError } from "../../src/errors.js";
import { createSession, type Session } from "../../src/session/index.js";
import { acc, pat, query, rule, storeEqualsMemory, testExpr } from "./support.js";

const datoms = (s: Session) => [...s.store.datoms()].map((d) => [d.e, d.a, d.v]);

describe("card-one from an action", () => {
  const rules = [
    rule("close-paid", [pat("?o", "order/paid", true)], (ctx) => ctx.upsert([ctx.bindings.o, "order/status", kw("closed")]), { salience: 10 }),
    rule("alert-open", [pat("?o", "order/status", kw("open"))], (ctx) => ctx.upsert([ctx.bindings.o, "order/alert", true])),
  ];

  it("replaces the old value, and a rule matching the old value never fires", () => {
    const s = createSession({ rules }).upsert({ "eav/eid": 1, "order/status": kw("open"), "order/paid": true }).fire();
    expect(s.entity(1)).toEqual({ "eav/eid": 1, "order/status": kw("closed"), "order/paid": true });
    expect(s.lastFire?.byRule).toEqual({ "close-paid": 1 });
    expect(storeEqualsMemory(s)).toBe(true);
  });
});

describe("identity upsert from an action", () => {
  const schema = [{ ident: "person/email", cardinality: "one" as const, unique: "identity" as const }];
  const rules = [
    rule("signup", [pat("_", "signup/email", "?m")], (ctx) => ctx.upsert({ "person/email": ctx.bindings.m, "person/name": "Signed up" })),
    query("people", [], [pat("?p", "person/email", "?m")]),
  ];

  it("lands on the existing entity instead of creating one", () => {
    const s0 = createSession({ rules, schema }).upsert({ "person/email": "a@x", "person/name": "Ann" }).fire();
    const s1 = s0.upsert({ "signup/email": "a@x" }).fire();
    expect(s1.query("people")).toEqual([{ p: 1, m: "a@x" }]);
    expect(s1.entity(1)).toEqual({ "eav/eid": 1, "person/email": "a@x", "person/name": "Signed up" });
    expect(storeEqualsMemory(s1)).toBe(true);
  });
});

describe("unique-value conflict from an action", () => {
  const schema = [{ ident: "user/handle", cardinality: "one" as const, unique: "value" as const }];
  const rules = [rule("claim", [pat("_", "request/handle", "?h")], (ctx) => ctx.upsert({ "user/handle": ctx.bindings.h }))];

  it("fails the fire with the rule, its bindings and the store's error; the session is unchanged", () => {
    const s0 = createSession({ rules, schema }).upsert({ "user/handle": "taken" }).fire();
    const s1 = s0.upsert({ "eav/eid": 50, "request/handle": "taken" });
    const before = datoms(s1);
    let err: unknown;
    try {
      s1.fire();
    } catch (e) {
      err = e;
    }
    expect(isEavError(err, "rules/action-failed")).toBe(true);
    if (!isEavError(err)) return;
    expect(err.data.rule).toBe("claim");
    expect(err.data.bindings).toEqual({ h: "taken" });
    expect(isEavError(err.cause, "store/unique-conflict")).toBe(true);
    expect(datoms(s1)).toEqual(before);
    // the same session fails the same way again: nothing was half-applied
    expect(() => s1.fire()).toThrow(/claim/);
    expect(datoms(s0)).toEqual([[1, "user/handle", "taken"]]);
  });
});

describe("refs and components from actions", () => {
  const schema = [
    { ident: "order/lines", cardinality: "many" as const, valueType: "ref" as const, isComponent: true },
    { ident: "line/sku", cardinality: "one" as const },
  ];
  const rules = [
    rule("first-line", [pat("?o", "order/new", true)], (ctx) =>
      ctx.transact([
        { "eav/eid": "line", "line/sku": "A" },
        ["db/add", ctx.bindings.o, "order/lines", "line"],
      ]),
    ),
    rule("delete-order", [pat(kw("cmd"), "eav/transient", "?o")], (ctx) => ctx.transact([["db/retractEntity", ctx.bindings.o]])),
    rule("count-lines", [acc("?n", "count", pat("_", "line/sku"))], (ctx) => ctx.upsert([kw("stats"), "stats/lines", ctx.bindings.n])),
  ];

  it("a ref tempid in an action resolves to the new entity", () => {
    const s = createSession({ rules, schema }).upsert({ "eav/eid": 1, "order/new": true }).fire();
    expect(s.entity(1)).toEqual({ "eav/eid": 1, "order/new": true, "order/lines": [2] });
    expect(s.entity(2)).toEqual({ "eav/eid": 2, "line/sku": "A" });
    expect(s.entity(kw("stats"))).toEqual({ "eav/eid": kw("stats"), "stats/lines": 1 });
    expect(storeEqualsMemory(s)).toBe(true);
  });

  it("retractEntity in an action cascades to components, and rules see it in the same fire", () => {
    const s1 = createSession({ rules, schema }).upsert({ "eav/eid": 1, "order/new": true }).fire();
    const s2 = s1.upsert([kw("cmd"), "eav/transient", 1]).fire();
    expect(s2.entity(1)).toBeUndefined();
    expect(s2.entity(2)).toBeUndefined();
    expect(s2.entity(kw("stats"))).toEqual({ "eav/eid": kw("stats"), "stats/lines": 0 });
    expect(storeEqualsMemory(s2)).toBe(true);
  });
});

describe("truth maintenance keeps the store equal to working memory", () => {
  const rules = [
    rule("review", [pat("?o", "order/total", "?t"), testExpr({ kind: "call", fn: ">", args: [{ kind: "var", name: "?t" }, { kind: "lit", value: 1000 }] })], (ctx) =>
      ctx.upsert([ctx.bindings.o, "order/needs-review", true]),
    ),
  ];

  it("a withdrawn logical upsert leaves the store too", () => {
    const s1 = createSession({ rules }).upsert([1, "order/total", 1500]).fire();
    expect(s1.entity(1)).toEqual({ "eav/eid": 1, "order/total": 1500, "order/needs-review": true });
    const s2 = s1.upsert([1, "order/total", 500]).fire();
    expect(s2.entity(1)).toEqual({ "eav/eid": 1, "order/total": 500 });
    expect(storeEqualsMemory(s2)).toBe(true);
  });

  it("after a withdrawal, the caller's upsert of the same value is not dropped (clara-eav's bug)", () => {
    const s2 = createSession({ rules }).upsert([1, "order/total", 1500]).fire().upsert([1, "order/total", 500]).fire();
    const s3 = s2.upsert([1, "order/needs-review", true]).fire();
    expect(s3.entity(1)).toEqual({ "eav/eid": 1, "order/total": 500, "order/needs-review": true });
    expect(storeEqualsMemory(s3)).toBe(true);
  });

  it("a caller's upsert of a derived value makes it unconditional: it survives the withdrawal", () => {
    const s1 = createSession({ rules }).upsert([1, "order/total", 1500]).fire();
    const s2 = s1.upsert([1, "order/needs-review", true]).fire().upsert([1, "order/total", 10]).fire();
    expect(s2.entity(1)).toEqual({ "eav/eid": 1, "order/total": 10, "order/needs-review": true });
    expect(storeEqualsMemory(s2)).toBe(true);
  });

  it("a card-one value replaced by a logical upsert does not come back when the upsert is withdrawn", () => {
    const s1 = createSession({ rules }).upsert([[1, "order/needs-review", false], [1, "order/total", 1500]]).fire();
    expect(s1.entity(1)?.["order/needs-review"]).toBe(true);
    const s2 = s1.upsert([1, "order/total", 5]).fire();
    expect(s2.entity(1)).toEqual({ "eav/eid": 1, "order/total": 5 });
    expect(storeEqualsMemory(s2)).toBe(true);
  });
});

describe("non-EAV facts live beside EAVs", () => {
  class Temperature {
    constructor(
      readonly location: string,
      readonly degrees: number,
    ) {}
  }
  const rules = [
    rule(
      "cold",
      [
        { kind: "pattern", type: "Temperature", fields: [{ field: "location", term: { kind: "var", name: "?l" } }, { field: "degrees", term: { kind: "var", name: "?d" } }] },
        testExpr({ kind: "call", fn: "<", args: [{ kind: "var", name: "?d" }, { kind: "lit", value: 0 }] }),
        pat("?s", "sensor/location", "?l"),
      ],
      (ctx) => ctx.upsert([ctx.bindings.s, "sensor/alarm", true]),
    ),
  ];

  it("a class instance joins EAVs, and retracting it withdraws what it supported", () => {
    const t = new Temperature("cellar", -5);
    const s1 = createSession({ rules }).upsert([[1, "sensor/location", "cellar"], t]).fire();
    expect(s1.entity(1)).toEqual({ "eav/eid": 1, "sensor/location": "cellar", "sensor/alarm": true });
    expect([...s1.facts()]).toContain(t);
    const s2 = s1.retract(t).fire();
    expect(s2.entity(1)).toEqual({ "eav/eid": 1, "sensor/location": "cellar" });
    expect([...s2.facts()]).not.toContain(t);
  });
});

describe("an action's context", () => {
  it("may be destructured: its functions do not depend on `this`", () => {
    const rules = [
      rule("flag", [pat("?o", "order/total", "?t"), testExpr({ kind: "call", fn: ">", args: [{ kind: "var", name: "?t" }, { kind: "lit", value: 100 }] })], ({ upsert, retract, bindings, store }) => {
        upsert([bindings.o as number, "order/big", true]);
        retract([bindings.o as number, "order/draft", true]);
        expect(store.has(eav(bindings.o as number, "order/total", bindings.t as number))).toBe(true);
      }),
    ];
    const s = createSession({ rules }).upsert([{ "eav/eid": 1, "order/total": 150, "order/draft": true }, { "eav/eid": 2, "order/total": 50 }]).fire();
    expect(datoms(s)).toEqual([
      [1, "order/total", 150],
      [1, "order/big", true],
      [2, "order/total", 50],
    ]);
  });
});

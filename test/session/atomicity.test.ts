// A failed transaction or fire leaves the session exactly as it was; actions can read the session
// as it stands; transients resolve tempids.
import { describe, expect, it } from "vitest";
import { kw } from "../../src/eav/index.js";
import { isEavError } from "../../src/errors.js";
import { createSession, type Session } from "../../src/session/index.js";
import { pat, query, rule } from "./support.js";

/** Everything observable of a session. */
function snapshot(s: Session) {
  return {
    datoms: [...s.store.datoms()].map((d) => [d.e, d.a, d.v]),
    facts: [...s.facts()].map(String).sort(),
    tempids: [...s.tempids],
    maxEid: s.store.maxEid,
    people: s.query("people"),
  };
}

const schema = [
  { ident: "person/email", cardinality: "one" as const, unique: "identity" as const },
  { ident: "person/handle", cardinality: "one" as const, unique: "value" as const },
  { ident: "person/friend", cardinality: "one" as const, valueType: "ref" as const },
];
const rules = [
  query("people", [], [pat("?p", "person/email", "?m")]),
  rule("greet", [pat("?p", "person/email", "_")], (ctx) => ctx.upsert([ctx.bindings.p, "person/greeted", true])),
];

describe("atomicity", () => {
  const s = createSession({ rules, schema }).upsert([{ "person/email": "a@x", "person/handle": "a" }, { "person/email": "b@x" }]).fire();

  it.each<[string, (s: Session) => unknown, string]>([
    ["a unique-value conflict", (x) => x.transact([{ "eav/eid": 2, "person/handle": "a" }]), "store/unique-conflict"],
    ["a tempid in a retraction", (x) => x.retract(["t", "person/email", "a@x"]), "store/tempid-in-retract"],
    ["a ref tempid used only as a value", (x) => x.transact([["db/add", 1, "person/friend", "nobody"]]), "store/tempid-only-as-value"],
    ["malformed input", (x) => x.upsert([[1, "", 2]]), "eav/invalid-fact"],
  ])("%s throws and changes nothing", (_label, act, code) => {
    const before = snapshot(s);
    let err: unknown;
    try {
      act(s);
    } catch (e) {
      err = e;
    }
    expect(isEavError(err) ? err.code : err).toBe(code);
    expect(snapshot(s)).toEqual(before);
    // and the session still works
    expect(s.upsert({ "person/email": "c@x" }).fire().query("people")).toHaveLength(3);
  });

  it("a failing fire leaves the session deep-equal to before", () => {
    const failing = createSession({
      rules: [...rules, rule("boom", [pat("?p", "person/greeted", true)], () => { throw new Error("boom"); })],
      schema,
    });
    const s1 = failing.upsert({ "person/email": "z@x" });
    const before = snapshot(s1);
    let err: unknown;
    try {
      s1.fire();
    } catch (e) {
      err = e;
    }
    expect(isEavError(err, "rules/action-failed")).toBe(true);
    if (isEavError(err)) {
      expect(err.data.rule).toBe("boom");
      expect((err.cause as Error).message).toBe("boom");
    }
    expect(snapshot(s1)).toEqual(before);
  });
});

describe("inside actions", () => {
  it("query reads the session as it stands mid-fire", () => {
    const seen: unknown[] = [];
    const s = createSession({
      rules: [
        query("tags", [], [pat("?e", "item/tag", "?t")]),
        rule("tag", [pat("?e", "item/name", "_")], (ctx) => ctx.upsert([ctx.bindings.e, "item/tag", kw("named")]), { salience: 10 }),
        rule("look", [pat("?e", "item/name", "_")], (ctx) => void seen.push(ctx.query("tags"))),
      ],
    })
      .upsert([1, "item/name", "x"])
      .fire();
    expect(seen).toEqual([[{ e: 1, t: kw("named") }]]);
    expect(s.query("tags")).toEqual([{ e: 1, t: kw("named") }]);
  });

  it("tempids in transient facts resolve, and the transient is gone after fire", () => {
    const got: unknown[] = [];
    const s = createSession({ rules: [rule("cmd", [pat("?c", "eav/transient", "?v")], (ctx) => void got.push([ctx.bindings.c, ctx.bindings.v]))] })
      .upsert([["cmd", "eav/transient", "go"], ["cmd", "cmd/by", "me"]])
      .fire();
    const eid = s.tempids.get("cmd");
    expect(eid).toBe(1);
    expect(got).toEqual([[1, "go"]]);
    expect(s.entity(1)).toEqual({ "eav/eid": 1, "cmd/by": "me" });
    expect([...s.facts()].some((f) => String(f).includes("eav/transient"))).toBe(false);
  });
});

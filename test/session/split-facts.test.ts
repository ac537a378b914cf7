// splitFacts (session/context.ts) routes a caller's or an action's facts: EAV forms to the store,
// non-EAV objects (typed by the session's factType) straight to the engine. A flat array of EAV
// forms is handed on as it is (no walk into a growing copy); anything else is walked and flattened.
// Both paths must split the same way, and the public session must see the same facts either way.
import { describe, expect, it } from "vitest";
import { EAV, eav } from "../../src/eav/index.js";
import { splitFacts } from "../../src/session/context.js";
import { createSession } from "../../src/session/index.js";
import { build } from "../../src/index.js";
import { pat } from "./support.js";

class Reading {
  constructor(readonly sensor: string) {}
}
const byClass = (f: unknown): string | undefined => (f instanceof Reading ? "Reading" : undefined);

describe("splitFacts", () => {
  const m1 = { "person/name": "Ann" };
  const m2 = { "person/name": "Bob" };
  const t = [1, "person/age", 30] as const;
  const e = eav(2, "person/age", 40);
  const r = new Reading("s1");

  it("hands a flat array of EAV forms on as it is", () => {
    const xs = [m1, t, e, m2];
    const { eavForms, objects } = splitFacts(xs, byClass);
    expect(eavForms).toBe(xs);
    expect(objects).toEqual([]);
  });

  it.each([
    ["an object last", [m1, t, r], [m1, t], [r]],
    ["an object first", [r, m1, e], [m1, e], [r]],
    ["a nested array", [m1, [m2, e]], [m1, m2, e], []],
    ["a nested array holding an object", [[r, t], m2], [t, m2], [r]],
    ["an empty nested array", [m1, []], [m1], []],
  ])("walks and flattens %s", (_name, xs, forms, objs) => {
    const { eavForms, objects } = splitFacts(xs, byClass);
    expect(eavForms).not.toBe(xs);
    expect(eavForms).toEqual(forms);
    expect(objects).toEqual(objs);
  });

  it("one EAV or one triple is one EAV form", () => {
    expect(splitFacts(e, byClass)).toEqual({ eavForms: [e], objects: [] });
    expect(splitFacts(t, byClass)).toEqual({ eavForms: [t], objects: [] });
  });

  it("a session upserts a flat array and a mixed one alike", () => {
    const rules = [build.query("names", [], [pat("?e", "person/name", "?n")])];
    const options = { factType: byClass };
    const flat = createSession({ rules, options }).upsert([m1, m2]).fire();
    const mixed = createSession({ rules, options }).upsert([m1, r, [m2]]).fire();
    const names = (s: typeof flat): unknown[] => s.query("names").map((row) => row.n).sort();
    expect(names(flat)).toEqual(["Ann", "Bob"]);
    expect(names(mixed)).toEqual(["Ann", "Bob"]);
    expect([...mixed.facts()].filter((f) => f instanceof Reading)).toEqual([r]);
    expect([...flat.facts()].filter((f) => f instanceof Reading)).toEqual([]);
  });
});

// The default factType (session.ts): class instances are non-EAV facts typed by their
// constructor's name; plain objects (also without a prototype), arrays, EAVs, Dates and keywords
// are EAV forms. An object whose prototype is itself a plain object counts as a class instance
// named "Object" (its constructor, inherited from Object.prototype).
describe("the default factType", () => {
  class Temperature {
    constructor(readonly celsius: number) {}
  }
  const rules = [build.query("names", [], [pat("?e", "person/name", "?n")])];
  const bare = Object.assign(Object.create(null) as Record<string, unknown>, { "person/name": "Cy" });
  const t = new Temperature(20);
  const derived = Object.create({ kind: "base" }) as object;

  it("splits the caller's facts by prototype", () => {
    const s = createSession({ rules }).upsert([m1(), bare, t, derived, eav(5, "person/name", "Dee"), [6, "person/name", "Eve"]]).fire();
    expect(s.query("names").map((r) => r.n).sort()).toEqual(["Ann", "Cy", "Dee", "Eve"]);
    const objects = [...s.facts()].filter((f) => !(f instanceof EAV));
    expect(objects).toEqual([t, derived]);
  });

  function m1(): Record<string, unknown> {
    return { "person/name": "Ann" };
  }
});

// Plain-object facts (Clara's fact-type-fn): a type function, property fields, identity or a
// custom key, beside EAVs in the same session.
import { describe, expect, it } from "vitest";
import { eav } from "../../src/eav/index.js";
import { isEavError } from "../../src/errors.js";
import { compileRules, fact, newRuleSession, not_, pattern, query, rule, type EngineActionContext } from "../../src/rules/index.js";

interface Typed {
  readonly type: string;
  readonly [field: string]: unknown;
}
const factType = (f: unknown): string => (f as Typed).type;

const rules = [
  rule<EngineActionContext>("greet", [fact("Guest", { name: "?n", age: "?a" })], (ctx) => ctx.insert({ type: "Greeted", name: ctx.bindings.n }), { uses: ["n"] }),
  rule<EngineActionContext>("welcome-once", [fact("Greeted", { name: "?n" }), not_(fact("Welcomed", { name: "?n" }))], (ctx) => ctx.insertUnconditional({ type: "Welcomed", name: ctx.bindings.n }), { uses: ["n"] }),
  query("welcomed", [], [fact("Welcomed", { name: "?n" })]),
  query("greeted", [], [fact("Greeted", { name: "?n" })]),
  query("adult-owners", [], [fact("Guest", { name: "?n", age: "?a" }, "?g"), pattern("?e", "pet/owner", "?n")]),
];

describe("plain-object facts with a type function", () => {
  it("matches on the type and the fields", () => {
    const s = newRuleSession(compileRules(rules, { factType })).insert([{ type: "Guest", name: "ann", age: 30 }, { type: "Other", name: "x" }]).fire();
    expect(s.query("greeted")).toEqual([{ n: "ann" }]);
    expect(s.query("welcomed")).toEqual([{ n: "ann" }]);
  });

  it("mixes with EAVs and binds the whole object", () => {
    const ann = { type: "Guest", name: "ann", age: 30 };
    const s = newRuleSession(compileRules(rules, { factType })).insert([ann, eav(5, "pet/owner", "ann")]).fire();
    expect(s.query("adult-owners")).toEqual([{ n: "ann", a: 30, g: ann, e: 5 }]);
  });

  it("identity is the default key: an equal-looking object is another fact", () => {
    const a1 = { type: "Guest", name: "ann", age: 30 };
    const s = newRuleSession(compileRules(rules, { factType })).insert([a1, { ...a1 }]).fire();
    expect(s.facts().filter((f) => (f as Typed).type === "Guest")).toHaveLength(2);
    // the derived Greeted facts are distinct objects too: one per match
    expect(s.query("greeted")).toHaveLength(2);
    const s2 = s.retract([a1]).fire();
    expect(s2.facts().filter((f) => (f as Typed).type === "Guest")).toHaveLength(1);
  });

  it("a custom key gives value semantics, and truth maintenance follows it", () => {
    const factKey = (f: unknown): unknown => JSON.stringify(f);
    const s = newRuleSession(compileRules(rules, { factType, factKey })).insert([{ type: "Guest", name: "ann", age: 30 }, { type: "Guest", name: "ann", age: 30 }]).fire();
    expect(s.query("greeted")).toEqual([{ n: "ann" }]);
    expect(s.retract([{ type: "Guest", name: "ann", age: 30 }]).fire().query("greeted")).toEqual([]);
  });

  it("a custom field reader", () => {
    const tuples = compileRules([query("q", [], [fact("pair", { "0": "?x", "1": "?y" })])], { factType: () => "pair", fieldOf: (f, field) => (f as unknown[])[Number(field)] });
    expect(newRuleSession(tuples).insert([[1, 2]]).fire().query("q")).toEqual([{ x: 1, y: 2 }]);
  });

  it("without a type function a non-EAV fact is an error", () => {
    let err: unknown;
    try {
      newRuleSession(compileRules(rules)).insert([{ type: "Guest" }]).fire();
    } catch (e) {
      err = e;
    }
    expect(isEavError(err, "rules/invalid-fact")).toBe(true);
  });
});

describe("EAV entity joins under a custom type function", () => {
  // joined on ?e: the join reads working memory's EAV index, with or without a factType
  const joined = [query("named-pets", [], [pattern("?e", "pet/owner", "?n"), pattern("?e", "pet/name", "?p")])];

  it("match EAVs beside plain objects, and follow retractions", () => {
    const s = newRuleSession(compileRules(joined, { factType })).insert([eav(5, "pet/owner", "ann"), eav(5, "pet/name", "rex"), eav(6, "pet/name", "tom"), { type: "Guest", name: "ann" }]).fire();
    expect(s.query("named-pets")).toEqual([{ e: 5, n: "ann", p: "rex" }]);
    const s2 = s.insert([eav(6, "pet/owner", "bo")]).retract([eav(5, "pet/name", "rex")]).fire();
    expect(s2.query("named-pets")).toEqual([{ e: 6, n: "bo", p: "tom" }]);
  });

  it("refuse a plain object typed as such an attribute, naming the type; the session is unchanged", () => {
    const s = newRuleSession(compileRules(joined, { factType })).insert([eav(5, "pet/owner", "ann")]).fire();
    let err: unknown;
    try {
      s.insert([{ type: "pet/name", e: 5, v: "rex" }]).fire();
    } catch (e) {
      err = e;
    }
    expect(isEavError(err, "rules/invalid-fact")).toBe(true);
    expect((err as Error).message).toContain('"pet/name"');
    expect(s.facts()).toEqual([eav(5, "pet/owner", "ann")]);
  });
});

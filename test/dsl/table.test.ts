// Every row of clara-eav's fact-DSL table (doc/guide.md "Fact DSL"), plus the boolean and test
// conditions, through both front doors: a rule file (parseRules) and a tagged template (rule`...`).
// Each row sits after `[?e ?a ?v]`, which binds the variables the test rows use.
import { describe, expect, it } from "vitest";
import { parseRules, rule } from "../../src/dsl/index.js";
import { kw } from "../../src/eav/index.js";
import type { Condition, RuleSpec, Term } from "../../src/rules/spec.js";

const v = (name: string): Term => ({ kind: "var", name });
const c = (value: unknown): Term => ({ kind: "const", value } as Term);
const E = { field: "e", term: v("?e") };
const A = { field: "a", term: v("?a") };
const V = { field: "v", term: v("?v") };

/** The condition a one-row rule file yields (the row is the second condition). */
function fromFile(row: string): Condition | undefined {
  const [spec] = parseRules(`(defrule r [?e ?a ?v] ${row} => (retract! [?e ?a ?v]))`);
  return spec?.conditions[1];
}
function second(r: RuleSpec): Condition | undefined {
  return r.conditions[1];
}

const sumAcc = { initial: () => 0, reduce: (a: number) => a + 1, retract: (a: number) => a - 1, convert: (a: number) => a };
const isBig = (b: Readonly<Record<string, unknown>>) => Number(b.v) > 10;

const rows: [string, string, () => RuleSpec, Condition][] = [
  ["[?e :todo/text ?v]: the attribute is the type", "[?e :todo/text ?v]",
    () => rule`(defrule r [?e ?a ?v] [?e :todo/text ?v] => (retract! [?e ?a ?v]))`,
    { kind: "pattern", type: "todo/text", fields: [E, V] }],
  ["[?e :todo/done]", "[?e :todo/done]",
    () => rule`(defrule r [?e ?a ?v] [?e :todo/done] => (retract! [?e ?a ?v]))`,
    { kind: "pattern", type: "todo/done", fields: [E] }],
  ["[_]: every EAV", "[_]",
    () => rule`(defrule r [?e ?a ?v] [_] => (retract! [?e ?a ?v]))`,
    { kind: "pattern", type: "eav/all", fields: [] }],
  ["[?e]", "[?e]",
    () => rule`(defrule r [?e ?a ?v] [?e] => (retract! [?e ?a ?v]))`,
    { kind: "pattern", type: "eav/all", fields: [E] }],
  ["[?e ?a]", "[?e ?a]",
    () => rule`(defrule r [?e ?a ?v] [?e ?a] => (retract! [?e ?a ?v]))`,
    { kind: "pattern", type: "eav/all", fields: [E, A] }],
  ["[?e ?a ?v]", "[?e ?a ?v]",
    () => rule`(defrule r [?e ?a ?v] [?e ?a ?v] => (retract! [?e ?a ?v]))`,
    { kind: "pattern", type: "eav/all", fields: [E, A, V] }],
  ["[?eav <- [?e ?a ?v]]: binding the fact", "[?eav <- [?e ?a ?v]]",
    () => rule`(defrule r [?e ?a ?v] [?eav <- [?e ?a ?v]] => (retract! [?e ?a ?v]))`,
    { kind: "pattern", type: "eav/all", fields: [E, A, V], bind: "?eav" }],
  ["[?x <- entity :from [?e]]", "[?x <- entity :from [?e]]",
    () => rule`(defrule r [?e ?a ?v] [?x <- entity :from [?e]] => (retract! [?e ?a ?v]))`,
    { kind: "accumulate", bind: "?x", accumulator: { kind: "named", name: "entity", args: [] }, from: { kind: "pattern", type: "eav/all", fields: [E] } }],
  ["[?x <- er/entities :from [[_]]] (clara-eav spelling)", "[?x <- er/entities :from [[_]]]",
    () => rule`(defrule r [?e ?a ?v] [?x <- er/entities :from [[_]]] => (retract! [?e ?a ?v]))`,
    { kind: "accumulate", bind: "?x", accumulator: { kind: "named", name: "entities", args: [] }, from: { kind: "pattern", type: "eav/all", fields: [] } }],
  ["[?t <- (acc/sum :v) :from [_ :order/total]]", "[?t <- (acc/sum :v) :from [_ :order/total]]",
    () => rule`(defrule r [?e ?a ?v] [?t <- (acc/sum :v) :from [_ :order/total]] => (retract! [?e ?a ?v]))`,
    { kind: "accumulate", bind: "?t", accumulator: { kind: "named", name: "sum", args: ["v"] }, from: { kind: "pattern", type: "order/total", fields: [] } }],
  ["[?eav <- [:new :todo/text]]: a keyword entity", "[?eav <- [:new :todo/text]]",
    () => rule`(defrule r [?e ?a ?v] [?eav <- [:new :todo/text]] => (retract! [?e ?a ?v]))`,
    { kind: "pattern", type: "todo/text", fields: [{ field: "e", term: c(kw("new")) }], bind: "?eav" }],
  ["[[?e :todo/done false]] (clara-eav's doubled brackets)", "[[?e :todo/done false]]",
    () => rule`(defrule r [?e ?a ?v] [[?e :todo/done false]] => (retract! [?e ?a ?v]))`,
    { kind: "pattern", type: "todo/done", fields: [E, { field: "v", term: c(false) }] }],
  ["[_ :todo/tag :project]: keyword values are Keywords", "[_ :todo/tag :project]",
    () => rule`(defrule r [?e ?a ?v] [_ :todo/tag :project] => (retract! [?e ?a ?v]))`,
    { kind: "pattern", type: "todo/tag", fields: [{ field: "v", term: c(kw("project")) }] }],
  ["[:not [?e :todo/done true]]", "[:not [?e :todo/done true]]",
    () => rule`(defrule r [?e ?a ?v] [:not [?e :todo/done true]] => (retract! [?e ?a ?v]))`,
    { kind: "not", condition: { kind: "pattern", type: "todo/done", fields: [E, { field: "v", term: c(true) }] } }],
  ["[:not a b] is not of and", "[:not [?e :x/a] [?e :x/b]]",
    () => rule`(defrule r [?e ?a ?v] [:not [?e :x/a] [?e :x/b]] => (retract! [?e ?a ?v]))`,
    { kind: "not", condition: { kind: "and", conditions: [{ kind: "pattern", type: "x/a", fields: [E] }, { kind: "pattern", type: "x/b", fields: [E] }] } }],
  ["[:and ...]", "[:and [?e :x/a] [?e :x/b]]",
    () => rule`(defrule r [?e ?a ?v] [:and [?e :x/a] [?e :x/b]] => (retract! [?e ?a ?v]))`,
    { kind: "and", conditions: [{ kind: "pattern", type: "x/a", fields: [E] }, { kind: "pattern", type: "x/b", fields: [E] }] }],
  ["[:or ...]", "[:or [?e :x/a] [?e :x/b]]",
    () => rule`(defrule r [?e ?a ?v] [:or [?e :x/a] [?e :x/b]] => (retract! [?e ?a ?v]))`,
    { kind: "or", conditions: [{ kind: "pattern", type: "x/a", fields: [E] }, { kind: "pattern", type: "x/b", fields: [E] }] }],
  ["[:exists ...]", "[:exists [?e :x/a]]",
    () => rule`(defrule r [?e ?a ?v] [:exists [?e :x/a]] => (retract! [?e ?a ?v]))`,
    { kind: "exists", condition: { kind: "pattern", type: "x/a", fields: [E] } }],
  ["[:test expr]", "[:test (> ?v 10)]",
    () => rule`(defrule r [?e ?a ?v] [:test (> ?v 10)] => (retract! [?e ?a ?v]))`,
    { kind: "test", test: { kind: "expr", expr: { kind: "call", fn: ">", args: [{ kind: "var", name: "?v" }, { kind: "lit", value: 10 }] } } }],
];

describe("clara-eav's fact-DSL table", () => {
  it.each(rows)("%s: rule file", (_label, text, _template, expected) => {
    expect(fromFile(text)).toEqual(expected);
  });
  it.each(rows)("%s: tagged template", (_label, _text, template, expected) => {
    expect(second(template())).toEqual(expected);
  });
});

describe("template holes in the table's positions", () => {
  it("a hole constant in value and entity positions is a const term", () => {
    const r = rule`(defrule r [?e ?a ?v] [${7} :todo/tag ${kw("project")}] => (retract! [?e ?a ?v]))`;
    expect(second(r)).toEqual({ kind: "pattern", type: "todo/tag", fields: [{ field: "e", term: c(7) }, { field: "v", term: c(kw("project")) }] });
  });
  it("a hole in the attribute position is the type (string or keyword)", () => {
    expect(second(rule`(defrule r [?e ?a ?v] [?e ${"todo/done"}] => (retract! [?e ?a ?v]))`)).toEqual({ kind: "pattern", type: "todo/done", fields: [E] });
    expect(second(rule`(defrule r [?e ?a ?v] [?e ${kw("todo/done")}] => (retract! [?e ?a ?v]))`)).toEqual({ kind: "pattern", type: "todo/done", fields: [E] });
  });
  it("a hole accumulator is a custom accumulator", () => {
    const r = rule`(defrule r [?e ?a ?v] [?n <- ${sumAcc} :from [_ :todo/done]] => (retract! [?e ?a ?v]))`;
    expect(second(r)).toEqual({ kind: "accumulate", bind: "?n", accumulator: { kind: "custom", accumulator: sumAcc }, from: { kind: "pattern", type: "todo/done", fields: [] } });
  });
  it("a hole test is a function test", () => {
    const r = rule`(defrule r [?e ?a ?v] [:test ${isBig}] => (retract! [?e ?a ?v]))`;
    expect(second(r)).toEqual({ kind: "test", test: { kind: "fn", fn: isBig } });
  });
});

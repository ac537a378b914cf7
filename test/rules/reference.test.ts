// The reference matcher on its own, against hand-computed answers: if it is wrong, the
// differential test proves nothing.
import { describe, expect, it } from "vitest";
import { eav, type EAV } from "../../src/eav/eav.js";
import { kw } from "../../src/eav/keyword.js";
import type { Accumulator, AccumulatorRef, ActionContext, Condition, HostFunction, PatternCondition, QuerySpec, RuleSpec, Term } from "../../src/rules/spec.js";
import { ReferenceSession, referenceState, stratify, type Row } from "./reference.js";
import { read } from "./reference-edn.js";

// ---------------------------------------------------------------- builders

const term = (x: unknown): Term =>
  x === "_" ? { kind: "wildcard" } : typeof x === "string" && x.startsWith("?") ? { kind: "var", name: x } : { kind: "const", value: x as never };

/** `pat("?e", "b/p", "?x")`: an EAV pattern; `e` / `v` may be variables, constants or `_`. */
function pat(e: unknown, type: string, v: unknown = "_", bind?: string): PatternCondition {
  const fields = [
    { field: "e", term: term(e) },
    { field: "v", term: term(v) },
  ];
  return bind === undefined ? { kind: "pattern", type, fields } : { kind: "pattern", type, fields, bind };
}

const not = (condition: Condition): Condition => ({ kind: "not", condition });
const exists = (condition: Condition): Condition => ({ kind: "exists", condition });
const or = (...conditions: Condition[]): Condition => ({ kind: "or", conditions });
const and = (...conditions: Condition[]): Condition => ({ kind: "and", conditions });
const test = (text: string): Condition => ({ kind: "test", test: { kind: "expr", expr: read(text) } });
const acc = (bind: string, name: string, from: PatternCondition, ...args: string[]): Condition => {
  const accumulator: AccumulatorRef = { kind: "named", name, args };
  return { kind: "accumulate", bind, accumulator, from };
};
const query = (name: string, conditions: Condition[], params: string[] = []): QuerySpec => ({ kind: "query", name, params, conditions });

/** A rule inserting `[?e attr ?v]` for each match (`e`, `v` variable names with `?`). */
function derive(name: string, conditions: Condition[], e: string, attr: string, v: string): RuleSpec {
  const [ek, vk] = [e.slice(1), v.slice(1)];
  return {
    kind: "rule",
    name,
    conditions,
    action: { kind: "fn", fn: (ctx: ActionContext) => ctx.insert(eav(ctx.bindings[ek] as number, attr, ctx.bindings[vk] as never)), uses: [ek, vk] },
  };
}

const outputs = (r: RuleSpec): string[] => [`d/${r.name}`];

const facts = [eav(1, "b/p", 2), eav(1, "b/q", 2), eav(2, "b/p", 3), eav(3, "b/p", 3), eav(3, "b/r", kw("x"))];

function rows(conditions: Condition[], base: EAV[] = facts, params?: Record<string, unknown>): Row[] {
  return referenceState([query("q", conditions)], base, { outputs }).query("q", params);
}

// ---------------------------------------------------------------- matching

describe("reference matcher: conditions", () => {
  it("a pattern binds e and v; constants and wildcards filter", () => {
    expect(rows([pat("?e", "b/p", "?x")])).toEqual([
      { e: 1, x: 2 },
      { e: 2, x: 3 },
      { e: 3, x: 3 },
    ]);
    expect(rows([pat("?e", "b/p", 3)])).toEqual([{ e: 2 }, { e: 3 }]);
    expect(rows([pat("_", "b/r", kw("x"))])).toEqual([{}]);
  });

  it("a variable repeated in one pattern unifies within the fact", () => {
    expect(rows([pat("?e", "b/p", "?e")], [eav(2, "b/p", 2), eav(1, "b/p", 2)])).toEqual([{ e: 2 }]);
  });

  it("shared variables join", () => {
    expect(rows([pat("?e", "b/p", "?x"), pat("?e", "b/q", "?y")])).toEqual([{ e: 1, x: 2, y: 2 }]);
    // join on the value: b/p values equal to some b/q value
    expect(rows([pat("?e", "b/p", "?x"), pat("?f", "b/q", "?x")])).toEqual([{ e: 1, x: 2, f: 1 }]);
  });

  it("?f <- binds the whole fact", () => {
    expect(rows([pat("?e", "b/r", "_", "?f")])).toEqual([{ e: 3, f: eav(3, "b/r", kw("x")) }]);
  });

  it("eav/all matches every attribute", () => {
    const all: PatternCondition = { kind: "pattern", type: "eav/all", fields: [{ field: "e", term: term(3) }, { field: "a", term: term("?a") }] };
    expect(rows([all])).toEqual([{ a: "b/p" }, { a: "b/r" }]);
  });

  it("not: no match extending the bindings; variables first bound inside stay local", () => {
    expect(rows([pat("?e", "b/p", "?x"), not(pat("?e", "b/q", "?y"))])).toEqual([
      { e: 2, x: 3 },
      { e: 3, x: 3 },
    ]);
    expect(rows([pat("?e", "b/p"), not(and(pat("?e", "b/r"), pat("?e", "b/p", 3)))])).toEqual([{ e: 1 }, { e: 2 }]);
    expect(rows([not(pat("_", "b/z"))])).toEqual([{}]);
  });

  it("exists: one match however many facts satisfy it", () => {
    expect(rows([exists(pat("?e", "b/p", 3))])).toEqual([{}]);
    expect(rows([pat("?e", "b/p"), exists(pat("?e", "b/q"))])).toEqual([{ e: 1 }]);
    expect(rows([exists(pat("?e", "b/z"))])).toEqual([]);
  });

  it("or: each branch's matches, concatenated (duplicates kept, as DNF branches)", () => {
    expect(rows([or(pat("?e", "b/q"), pat("?e", "b/p", 2))])).toEqual([{ e: 1 }, { e: 1 }]);
    expect(rows([pat("?e", "b/p", 3), or(pat("?e", "b/r", "?k"), pat("?e", "b/q", "?y"))])).toEqual([{ e: 3, k: kw("x") }]);
  });

  it("tests: expressions over the bindings", () => {
    expect(rows([pat("?e", "b/p", "?x"), test("(> ?x 2)"), test("(not= ?e 2)")])).toEqual([{ e: 3, x: 3 }]);
  });

  it.each<[string, Condition[], Row[]]>([
    ["count over everything", [acc("?n", "count", pat("_", "b/p"))], [{ n: 3 }]],
    ["count of nothing is 0", [acc("?n", "count", pat("_", "b/z"))], [{ n: 0 }]],
    ["sum of a field", [acc("?s", "sum", pat("_", "b/p"), "v")], [{ s: 8 }]],
    ["min / max of a field", [acc("?a", "min", pat("_", "b/p"), "v"), acc("?b", "max", pat("_", "b/p"), "v")], [{ a: 2, b: 3 }]],
    ["average", [acc("?a", "average", pat("_", "b/p"), "v")], [{ a: 8 / 3 }]],
    ["min of nothing does not match", [acc("?a", "min", pat("_", "b/z"), "v")], []],
    ["average of nothing does not match", [acc("?a", "average", pat("_", "b/z"), "v")], []],
    ["all values", [acc("?a", "all", pat("_", "b/p"), "v")], [{ a: [2, 3, 3] }]],
    ["distinct values", [acc("?d", "distinct", pat("_", "b/p"), "v")], [{ d: new Set([2, 3]) }]],
    [
      "grouping-by a field",
      [acc("?g", "grouping-by", pat("_", "b/p"), "v")],
      [{ g: new Map<unknown, unknown>([[2, [eav(1, "b/p", 2)]], [3, [eav(2, "b/p", 3), eav(3, "b/p", 3)]]]) }],
    ],
    [
      "per outer match: a joined variable selects the group",
      [pat("?e", "b/p"), acc("?n", "count", pat("?e", "eav/all"))],
      [
        { e: 1, n: 2 },
        { e: 2, n: 1 },
        { e: 3, n: 2 },
      ],
    ],
    ["a result variable already bound unifies", [pat("?e", "b/p", "?x"), acc("?x", "count", pat("_", "b/p"))], [{ e: 2, x: 3 }, { e: 3, x: 3 }]],
  ])("accumulate: %s", (_title, conditions, expected) => {
    expect(rows(conditions)).toEqual(expected);
  });

  // Clara's grouping: variables of `from` bound by no condition written before it bind, one
  // accumulation per distinct tuple of their values. Facts: [1 b/p 2] [1 b/q 2] [2 b/p 3]
  // [3 b/p 3] [3 b/r :x].
  it.each<[string, Condition[], Row[]]>([
    ["a variable of from bound nowhere before groups by its values", [acc("?n", "count", pat("_", "b/p", "?w"))], [{ n: 1, w: 2 }, { n: 2, w: 3 }]],
    [
      "two group variables: one group per distinct pair",
      [acc("?n", "count", pat("?u", "b/p", "?w"))],
      [
        { n: 1, u: 1, w: 2 },
        { n: 1, u: 2, w: 3 },
        { n: 1, u: 3, w: 3 },
      ],
    ],
    [
      "grouped by entity over every attribute",
      [acc("?n", "count", pat("?u", "eav/all"))],
      [
        { n: 2, u: 1 },
        { n: 1, u: 2 },
        { n: 2, u: 3 },
      ],
    ],
    ["grouped with no fact: no match (count does not give 0)", [acc("?n", "count", pat("?u", "b/z"))], []],
    ["ungrouped with no fact: the initial value", [acc("?n", "count", pat("_", "b/z", "_"))], [{ n: 0 }]],
    [
      "joined on an earlier variable and grouped by a new one",
      [pat("?e", "b/p", "?x"), acc("?n", "count", pat("?u", "b/p", "?x"))],
      [
        { e: 1, x: 2, n: 1, u: 1 },
        { e: 2, x: 3, n: 1, u: 2 },
        { e: 2, x: 3, n: 1, u: 3 },
        { e: 3, x: 3, n: 1, u: 2 },
        { e: 3, x: 3, n: 1, u: 3 },
      ],
    ],
    [
      // were ?u a join on the later pattern's values, entities 1 and 2 would count 0
      "a variable first bound by a later condition still groups; the later condition joins on it",
      [acc("?n", "count", pat("?u", "b/r")), pat("?u", "b/p")],
      [{ n: 1, u: 3 }],
    ],
    [
      "the result unifies with an earlier binding in each group",
      [pat("?e", "b/p", "?x"), acc("?x", "count", pat("?u", "eav/all"))],
      [
        { e: 1, x: 2, u: 1 },
        { e: 1, x: 2, u: 3 },
      ],
    ],
    [
      "min per group: every group has facts, so every group matches",
      [acc("?m", "min", pat("?u", "b/p"), "v")],
      [
        { m: 2, u: 1 },
        { m: 3, u: 2 },
        { m: 3, u: 3 },
      ],
    ],
    ["a whole-fact binding in from groups per fact", [acc("?n", "count", pat("_", "b/r", "_", "?f"))], [{ n: 1, f: eav(3, "b/r", kw("x")) }]],
    ["a variable bound by an earlier accumulator's group joins a later one", [acc("?n", "count", pat("?u", "b/q")), acc("?m", "count", pat("?u", "b/p"))], [{ n: 1, u: 1, m: 1 }]],
  ])("grouping accumulate: %s", (_title, conditions, expected) => {
    expect(rows(conditions)).toEqual(expected);
  });

  it("grouping: a variable repeated in from selects facts with equal fields", () => {
    const base = [eav(1, "b/q", 2), eav(2, "b/q", 2), eav(3, "b/q", 3), eav(3, "b/q", 1)];
    expect(rows([acc("?n", "count", pat("?u", "b/q", "?u"))], base)).toEqual([
      { n: 1, u: 2 },
      { n: 1, u: 3 },
    ]);
  });

  it("grouping: a query parameter selects a group, it does not pre-bind the variable", () => {
    const grouped = [acc("?n", "count", pat("_", "b/p", "?w"))];
    expect(rows(grouped, facts, { w: 3 })).toEqual([{ n: 2, w: 3 }]);
    // a pre-bound ?w would make the accumulator ungrouped and give { n: 0, w: 0 }
    expect(rows(grouped, facts, { w: 0 })).toEqual([]);
  });

  it("grouping: a rule inserts one fact per group", () => {
    const s = referenceState([derive("n", [acc("?n", "count", pat("_", "b/p", "?x"))], "?x", "d/n", "?n")], facts, { outputs });
    expect(s.facts.filter((f) => f.a === "d/n").map(String).sort()).toEqual(["[2 :d/n 1]", "[3 :d/n 2]"]);
  });

  it("a user accumulator is reduced from scratch; emptyMatches false means no match on nothing", () => {
    const product = { initial: () => 1, reduce: (a: number, f: EAV) => a * (f.v as number), retract: () => { throw new Error("never called"); }, convert: (a: number) => a };
    const custom = (emptyMatches: boolean): Condition => ({
      kind: "accumulate",
      bind: "?p",
      accumulator: { kind: "custom", accumulator: { ...product, emptyMatches } as unknown as Accumulator<never, unknown, unknown> },
      from: pat("_", "b/p", "_"),
    });
    expect(rows([custom(true)])).toEqual([{ p: 18 }]);
    expect(rows([custom(true)], [])).toEqual([{ p: 1 }]);
    expect(rows([custom(false)], [])).toEqual([]);
  });

  it("query parameters select the rows binding them to those values (with or without ?)", () => {
    expect(rows([pat("?e", "b/p", "?x")], facts, { e: 3 })).toEqual([{ e: 3, x: 3 }]);
    expect(rows([pat("?e", "b/p", "?x")], facts, { "?x": 3 })).toEqual([
      { e: 2, x: 3 },
      { x: 3, e: 3 },
    ]);
  });
});

// ---------------------------------------------------------------- rules and the fixpoint

describe("reference matcher: rules to a fixpoint", () => {
  const keys = (fs: readonly EAV[]): string[] => fs.map((f) => f.toString()).sort();

  it("chains rules and stratifies a negation over a derived type written after it", () => {
    const rules = [
      // b runs after a, although written first: it negates a's output
      derive("b", [pat("?e", "b/p", "?x"), not(pat("?e", "d/a"))], "?e", "d/b", "?x"),
      derive("a", [pat("?e", "b/q", "?y")], "?e", "d/a", "?y"),
    ];
    const s = referenceState(rules, facts, { outputs });
    expect(keys(s.facts.filter((f) => f.a.startsWith("d/")))).toEqual(["[1 :d/a 2]", "[2 :d/b 3]", "[3 :d/b 3]"]);
  });

  it("recursion reaches the least fixpoint (transitive closure over a cycle)", () => {
    const edges = [eav(1, "b/q", 2), eav(2, "b/q", 3), eav(3, "b/q", 1), eav(4, "b/q", 1)];
    const rules = [
      derive("r", [pat("?a", "b/q", "?b")], "?a", "d/r", "?b"),
      { ...derive("r2", [pat("?a", "d/r", "?b"), pat("?b", "b/q", "?c")], "?a", "d/r", "?c"), name: "r" },
    ];
    const s = referenceState(rules, edges, { outputs: () => ["d/r"] });
    const reach = s.facts.filter((f) => f.a === "d/r").map((f) => `${String(f.e)}->${String(f.v)}`).sort();
    expect(reach).toEqual(["1->1", "1->2", "1->3", "2->1", "2->2", "2->3", "3->1", "3->2", "3->3", "4->1", "4->2", "4->3"]);
  });

  it("an accumulator over a derived type sees the whole of it", () => {
    const rules = [
      derive("a", [pat("?e", "b/p", "?x")], "?e", "d/a", "?x"),
      derive("n", [acc("?n", "count", pat("_", "d/a")), test("(> ?n 0)"), { ...pat("?e", "b/r") }], "?e", "d/n", "?n"),
    ];
    const s = referenceState(rules, facts, { outputs });
    expect(keys(s.facts.filter((f) => f.a === "d/n"))).toEqual(["[3 :d/n 3]"]);
  });

  it("expression actions insert through insert!", () => {
    const mk = ((e: number, a: string, v: never) => eav(e, a, v)) as HostFunction;
    const rule: RuleSpec = {
      kind: "rule",
      name: "x",
      conditions: [pat("?e", "b/p", "?x"), test("(< ?x 3)")],
      action: { kind: "expr", body: [read('(insert! (mk ?e "d/x" (inc ?x)))')] },
    };
    const s = referenceState([rule], facts, { outputs, functions: { mk } });
    expect(keys(s.facts.filter((f) => f.a === "d/x"))).toEqual(["[1 :d/x 3]"]);
  });

  it("refuses rule sets that are not stratifiable, and undeclared outputs", () => {
    const loop = [derive("a", [pat("?e", "b/p", "?x"), not(pat("?e", "d/a"))], "?e", "d/a", "?x")];
    expect(() => referenceState(loop, facts, { outputs })).toThrow(/not stratifiable/);
    const liar = [derive("a", [pat("?e", "b/p", "?x")], "?e", "d/zzz", "?x")];
    expect(() => referenceState(liar, facts, { outputs })).toThrow(/outside its declared outputs/);
  });

  it("stratify puts positive dependencies in the same or a later stratum", () => {
    const rules = [
      derive("c", [pat("?e", "d/b"), not(pat("?e", "d/a"))], "?e", "d/c", "?e"),
      derive("b", [pat("?e", "d/a")], "?e", "d/b", "?e"),
      derive("a", [pat("?e", "b/p")], "?e", "d/a", "?e"),
    ];
    expect(stratify(rules, outputs).map((s) => s.map((r) => r.name))).toEqual([["b", "a"], ["c"]]);
  });

  it("ReferenceSession: set semantics for base facts, answers as of the last fire", () => {
    const rules = [derive("a", [pat("?e", "b/p", "?x")], "?e", "d/a", "?x"), query("q", [pat("?e", "d/a", "?x")])];
    const s = new ReferenceSession(rules, { outputs });
    s.insert([eav(1, "b/p", 1), eav(1, "b/p", 1), eav(2, "b/p", 5)]);
    s.fire();
    expect(s.query("q")).toEqual([
      { e: 1, x: 1 },
      { e: 2, x: 5 },
    ]);
    s.retract([eav(1, "b/p", 1), eav(9, "b/p", 9)]);
    expect(s.query("q")).toHaveLength(2); // not fired yet
    s.fire();
    expect(s.query("q")).toEqual([{ e: 2, x: 5 }]);
    expect(s.facts().map((f) => f.toString()).sort()).toEqual(["[2 :b/p 5]", "[2 :d/a 5]"]);
  });

  it("ReferenceSession: restore goes back to a snapshot's base facts and answers", () => {
    const s = new ReferenceSession([query("q", [pat("?e", "b/p", "?x")])], { outputs });
    s.insert([eav(1, "b/p", 1)]);
    s.fire();
    const snap = s.snapshot();
    s.insert([eav(2, "b/p", 2)]);
    s.fire();
    expect(s.query("q")).toHaveLength(2);
    s.restore(snap);
    expect(s.query("q")).toEqual([{ e: 1, x: 1 }]);
    s.fire();
    expect(s.query("q")).toEqual([{ e: 1, x: 1 }]);
  });
});

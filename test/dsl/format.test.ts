// The formatter: rule data -> text -> rule data gives equal data, for the golden files (see
// golden.test.ts) and for generated specs of every shape the parser produces; what cannot be
// printed says so.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatRules, parseRules, rule } from "../../src/dsl/index.js";
import { kw, type Value } from "../../src/eav/index.js";
import type { AccumulatorRef, Condition, Expr, PatternCondition, ProductionSpec, QuerySpec, RuleSpec, Salience, Term } from "../../src/rules/spec.js";
import { BUILTIN_SIGNATURES } from "../../src/rules/signatures.js";
import { codeOf, withoutSource } from "./helpers.js";

// ---------------------------------------------------------------- arbitraries

const name = fc.stringMatching(/^[a-zéßж][a-z0-9éßж-]{0,6}$/);
const attribute = fc.tuple(name, name).map(([ns, n]) => `${ns}/${n}`);
/** Every rule starts with [?x ?y ?z], so expressions may use these. */
const BOUND = ["?x", "?y", "?z"] as const;
const variable = fc.oneof(fc.constantFrom(...BOUND), name.map((n) => `?${n}`));
const keyword = fc.oneof(name, attribute).filter((n) => !["not", "and", "or", "exists", "test", "from"].includes(n)).map(kw);

const scalar: fc.Arbitrary<Value> = fc.oneof(
  fc.string(),
  fc.string({ unit: "grapheme" }),
  fc.integer(),
  fc.double(),
  fc.bigInt(),
  fc.boolean(),
  fc.constant(null),
  keyword,
  fc.date({ noInvalidDate: true }),
);
const structured: fc.Arbitrary<Value> = fc.oneof(
  scalar,
  fc.array(scalar, { maxLength: 3 }),
  fc.dictionary(fc.oneof(attribute, fc.string()), scalar, { maxKeys: 3 }),
);

const term = (v: fc.Arbitrary<Value>): fc.Arbitrary<Term> => fc.oneof(variable.map((n) => ({ kind: "var", name: n }) as const), v.map((value) => ({ kind: "const", value }) as const));
const entity = term(fc.oneof(fc.integer({ min: 1 }), keyword));

const pattern: fc.Arbitrary<PatternCondition> = fc
  .record({ type: fc.option(attribute, { nil: undefined }), e: fc.option(entity, { nil: undefined }), a: fc.option(variable, { nil: undefined }), v: fc.option(term(structured), { nil: undefined }), bind: fc.option(variable, { nil: undefined }) })
  .map(({ type, e, a, v, bind }) => {
    const fields = [
      ...(e === undefined ? [] : [{ field: "e", term: e }]),
      ...(type === undefined && a !== undefined ? [{ field: "a", term: { kind: "var", name: a } as const }] : []),
      ...(v === undefined ? [] : [{ field: "v", term: v }]),
    ];
    const p: PatternCondition = { kind: "pattern", type: type ?? "eav/all", fields };
    return bind === undefined ? p : { ...p, bind };
  });

const accumulator: fc.Arbitrary<AccumulatorRef> = fc.record({
  kind: fc.constant("named" as const),
  name: fc.constantFrom("all", "count", "sum", "min", "max", "average", "distinct", "grouping-by", "entity", "entities", "my-acc"),
  args: fc.array(fc.oneof(name, fc.string(), fc.integer(), fc.boolean(), fc.constant(null)), { maxLength: 2 }),
});

/** Calls of built-ins with an allowed number of arguments; effects only where `effects`. */
const callable = (effects: boolean) =>
  Object.entries(BUILTIN_SIGNATURES)
    .filter(([, s]) => effects || s.effect !== true)
    .map(([fn, s]) => ({ fn, min: s.min, max: s.max ?? s.min + 2 }));

const exprOf = (effects: boolean): fc.Arbitrary<Expr> =>
  fc.letrec<{ expr: Expr }>((tie) => {
    const sub = tie("expr");
    const fns = callable(effects);
    return {
      expr: fc.oneof(
        { depthSize: "small", withCrossShrink: true },
        scalar.map((value) => ({ kind: "lit", value }) as const),
        fc.constantFrom(...BOUND).map((n) => ({ kind: "var", name: n }) as const),
        fc.constantFrom(...fns).chain(({ fn, min, max }) => fc.array(sub, { minLength: min, maxLength: max }).map((args) => ({ kind: "call", fn, args }) as const)),
        fc.array(sub, { maxLength: 3 }).map((items) => ({ kind: "vector", items }) as const),
        fc.array(sub, { maxLength: 3 }).map((items) => ({ kind: "set", items }) as const),
        fc.array(fc.tuple(fc.string().map((value): Expr => ({ kind: "lit", value })), sub), { maxLength: 2 }).map((entries) => ({ kind: "map", entries }) as const),
        fc.array(sub, { maxLength: 3 }).map((args) => ({ kind: "and", args }) as const),
        fc.array(sub, { maxLength: 3 }).map((args) => ({ kind: "or", args }) as const),
        fc.tuple(sub, sub, fc.option(sub, { nil: undefined })).map(([test, then, el]): Expr => (el === undefined ? { kind: "if", test, then } : { kind: "if", test, then, else: el })),
        fc.tuple(fc.array(fc.tuple(variable, sub), { maxLength: 2 }), fc.array(sub, { minLength: 1, maxLength: 2 })).map(([bindings, body]) => ({ kind: "let", bindings, body }) as const),
        fc.array(sub, { maxLength: 2 }).map((body) => ({ kind: "do", body }) as const),
      ),
    };
  }).expr;

const testExpr = exprOf(false);
const condition: fc.Arbitrary<Condition> = fc.letrec<{ cond: Condition }>((tie) => {
  const sub = tie("cond");
  return {
    cond: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      pattern,
      fc.record({ kind: fc.constant("accumulate" as const), bind: variable, accumulator, from: pattern.map(({ bind: _b, ...p }) => p) }),
      fc.tuple(fc.constantFrom("not" as const, "exists" as const), fc.array(sub, { minLength: 1, maxLength: 3 })).map(([kind, cs]): Condition => ({ kind, condition: cs.length === 1 && cs[0] !== undefined ? cs[0] : { kind: "and", conditions: cs } })),
      fc.tuple(fc.constantFrom("and" as const, "or" as const), fc.array(sub, { minLength: 1, maxLength: 3 })).map(([kind, conditions]) => ({ kind, conditions })),
      testExpr.map((expr) => ({ kind: "test", test: { kind: "expr", expr } }) as const),
    ),
  };
}).cond;

const FIRST: Condition = { kind: "pattern", type: "eav/all", fields: BOUND.map((n, i) => ({ field: "eav"[i] ?? "e", term: { kind: "var", name: n } })) };

// A salience expression is written as a list or a variable (a literal there is the number itself).
const salienceExpr = exprOf(false).filter((e) => !["lit", "vector", "set", "map"].includes(e.kind));
const salience: fc.Arbitrary<Salience> = fc.oneof(fc.double(), fc.integer(), salienceExpr.map((expr) => ({ kind: "expr", expr }) as const));
const doc = fc.option(fc.string(), { nil: undefined });

const ruleSpec = (n: string): fc.Arbitrary<RuleSpec> =>
  fc
    .record({ doc, salience: fc.option(salience, { nil: undefined }), noLoop: fc.option(fc.boolean(), { nil: undefined }), conditions: fc.array(condition, { maxLength: 3 }), body: fc.array(exprOf(true), { minLength: 1, maxLength: 2 }) })
    .map(({ doc: d, salience: s, noLoop, conditions, body }) => ({
      kind: "rule",
      name: n,
      ...(d === undefined ? {} : { doc: d }),
      ...(s === undefined ? {} : { salience: s }),
      ...(noLoop === undefined ? {} : { noLoop }),
      conditions: [FIRST, ...conditions],
      action: { kind: "expr", body },
    }));

const querySpec = (n: string): fc.Arbitrary<QuerySpec> =>
  fc.record({ doc, params: fc.subarray([...BOUND]), conditions: fc.array(condition, { maxLength: 3 }) }).map(({ doc: d, params, conditions }) => ({
    kind: "query",
    name: n,
    ...(d === undefined ? {} : { doc: d }),
    params,
    conditions: [FIRST, ...conditions],
  }));

const specs: fc.Arbitrary<ProductionSpec[]> = fc
  .uniqueArray(name.filter((n) => !["nil", "true", "false", "defrule", "defquery"].includes(n)), { minLength: 1, maxLength: 3 })
  .chain((names) => fc.tuple(...names.map((n) => fc.oneof(ruleSpec(n), querySpec(n)))));

// ---------------------------------------------------------------- properties

describe("round trip", () => {
  it("spec -> text -> spec gives equal specs, and text -> spec -> text is stable", () => {
    fc.assert(
      fc.property(specs, (original) => {
        const text = formatRules(original);
        const parsed = parseRules(text);
        expect(withoutSource(parsed)).toEqual(original);
        expect(formatRules(parsed)).toBe(text);
      }),
      { numRuns: Number(process.env.DSL_RUNS ?? 300) },
    );
  });

  it("prints the DESIGN.md example as written", () => {
    const text = `(defrule big-order
  "Orders over 1000 need review"
  {:salience 10}
  [?o :order/total ?t]
  [:test (> ?t 1000)]
  [:not [?o :order/reviewed true]]
  =>
  (upsert! [?o :order/needs-review true]))

(defquery pending [?o]
  [?o :order/needs-review true]
  [?order <- entity :from [?o]])
`;
    expect(formatRules(parseRules(text))).toBe(text);
  });
});

describe("what cannot be printed", () => {
  const fn = function isBig() {
    return true;
  };

  it("functions from holes print as #<fn name>, which the parser rejects", () => {
    const r = rule`(defrule r [?e :a/b ?v] [:test ${fn}] => (upsert! [?e :a/c (${fn} ?v)]))`;
    const text = formatRules([r]);
    expect(text).toBe("(defrule r\n  [?e :a/b ?v]\n  [:test #<fn isBig>]\n  =>\n  (upsert! [?e :a/c (#<fn isBig> ?v)]))\n");
    expect(codeOf(() => parseRules(text))).toBe("dsl/syntax");
  });

  it("custom accumulators print as #<accumulator>", () => {
    const acc = { initial: () => 0, reduce: (a: number) => a, retract: (a: number) => a, convert: (a: number) => a };
    expect(formatRules([rule`(defrule r [?n <- ${acc} :from [_ :a/b]] => (retract! [?n]))`])).toContain("[?n <- #<accumulator> :from [_ :a/b]]");
  });

  const pat = (p: Partial<PatternCondition>): QuerySpec => ({ kind: "query", name: "q", params: [], conditions: [{ kind: "pattern", type: "eav/all", fields: [], ...p }] });
  it.each<[string, ProductionSpec]>([
    ["a plain-object fact field", pat({ type: "Order", fields: [{ field: "total", term: { kind: "var", name: "?t" } }] })],
    ["a constant attribute on eav/all", pat({ fields: [{ field: "a", term: { kind: "const", value: "x/y" } }] })],
    ["a string entity", pat({ fields: [{ field: "e", term: { kind: "const", value: "tempid" } }] })],
    ["a reserved keyword entity", pat({ fields: [{ field: "e", term: { kind: "const", value: kw("not") } }] })],
    ["a keyword with a space", pat({ fields: [{ field: "v", term: { kind: "const", value: kw("a b") } }] })],
    ["a name that is not a symbol", { kind: "query", name: "two words", params: [], conditions: [] }],
    ["a variable without ?", { kind: "query", name: "q", params: ["e"], conditions: [] }],
    ["an empty :or", { kind: "query", name: "q", params: [], conditions: [{ kind: "or", conditions: [] }] }],
    ["a keyword accumulator argument", { kind: "query", name: "q", params: [], conditions: [{ kind: "accumulate", bind: "?s", accumulator: { kind: "named", name: "sum", args: [kw("v")] }, from: { kind: "pattern", type: "a/b", fields: [] } }] }],
  ])("%s is dsl/unprintable", (_label, spec) => {
    expect(codeOf(() => formatRules([spec]))).toBe("dsl/unprintable");
  });
});

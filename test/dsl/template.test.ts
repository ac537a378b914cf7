// Tagged templates: holes, caching on the strings array, errors located in the template text, and
// the equivalence of a rule file and the same rules written as a template.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createDsl, parseRules, query, rule, rules, templateText } from "../../src/dsl/index.js";
import { kw } from "../../src/eav/index.js";
import { GOLDEN_FUNCTIONS, codeOf, errorOf, withoutSource } from "./helpers.js";

describe("holes", () => {
  const flag = (ctx: unknown) => void ctx;
  const slug = (s: string) => s.toLowerCase();
  const prio = (b: Readonly<Record<string, unknown>>) => Number(b.p);

  it("a function in call position is a call carrying the function", () => {
    const r = rule`(defrule r [?e :doc/title ?t] => (upsert! [?e :doc/slug (${slug} ?t)]))`;
    expect(r.action).toEqual({
      kind: "expr",
      body: [
        {
          kind: "call",
          fn: "upsert!",
          args: [{ kind: "vector", items: [{ kind: "var", name: "?e" }, { kind: "lit", value: kw("doc/slug") }, { kind: "call", fn: slug, args: [{ kind: "var", name: "?t" }] }] }],
        },
      ],
    });
  });

  it("a function after => is the action", () => {
    expect(rule`(defrule r [?e :a/b] => ${flag})`.action).toEqual({ kind: "fn", fn: flag });
  });

  it("constants in expressions are literals; name, doc, salience and no-loop may be holes", () => {
    const r = rule`(defrule ${"named"} ${"the doc"} {:salience ${prio} :no-loop ${true}} [?e :a/p ?p] [:test (> ?p ${10n})] => (upsert! [?e :a/q ${kw("x")}]))`;
    expect(r.name).toBe("named");
    expect(r.doc).toBe("the doc");
    expect(r.salience).toEqual({ kind: "fn", fn: prio });
    expect(r.noLoop).toBe(true);
    expect(r.conditions[1]).toEqual({ kind: "test", test: { kind: "expr", expr: { kind: "call", fn: ">", args: [{ kind: "var", name: "?p" }, { kind: "lit", value: 10n }] } } });
    expect(r.salience).not.toBe(undefined);
  });

  it("a numeric salience hole is the number", () => {
    expect(rule`(defrule r {:salience ${-5}} [?e :a/b] => (retract! [?e :a/b]))`.salience).toBe(-5);
  });

  it.each([
    ["a function in a value position", () => rule`(defrule r [?e :a/b ?v] => (upsert! [?e :a/c ${flag}]))`],
    ["a class instance as a constant", () => rule`(defrule r [?e :a/b ${new Map()}] => (retract! [?e :a/b]))`],
    ["a function as a pattern value", () => rule`(defrule r [?e :a/b ${flag}] => (retract! [?e :a/b]))`],
    ["a number as an attribute", () => rule`(defrule r [?e ${3}] => (retract! [?e :a/b]))`],
    ["a function action beside other actions", () => rule`(defrule r [?e :a/b] => ${flag} (retract! [?e :a/b]))`],
    ["a non-function in call position", () => rule`(defrule r [?e :a/b ?v] => (upsert! [?e :a/c (${"str"} ?v)]))`],
    ["an object that is not an accumulator", () => rule`(defrule r [?n <- ${{ reduce: 1 }} :from [_ :a/b]] => (retract! [?n :a/b]))`],
    ["a number as the rule name", () => rule`(defrule ${42} [?e :a/b] => (retract! [?e :a/b]))`],
    ["a string as salience", () => rule`(defrule r {:salience ${"high"}} [?e :a/b] => (retract! [?e :a/b]))`],
  ])("%s is dsl/invalid-hole", (_label, f) => {
    expect(codeOf(f)).toBe("dsl/invalid-hole");
  });

  it("template text reads raw: an escaped quote stays an EDN escape", () => {
    const r = rule`(defrule r [?e :a/b "say \"hi\"\n"] => (retract! [?e :a/b]))`;
    expect(r.conditions[0]).toEqual({ kind: "pattern", type: "a/b", fields: [{ field: "e", term: { kind: "var", name: "?e" } }, { field: "v", term: { kind: "const", value: 'say "hi"\n' } }] });
  });
});

describe("caching", () => {
  const make = (limit: number) => rule`(defrule big [?o :order/total ?t] [:test (> ?t ${limit})] => (retract! [?o :order/total ?t]))`;
  const fixed = () => query`(defquery q [?e] [?e :a/b])`;

  it("the same template with the same hole values gives the same spec object", () => {
    expect(fixed()).toBe(fixed());
    expect(make(5)).toBe(make(5));
  });

  it("new hole values give new specs with those values (the parse is shared)", () => {
    const a = make(5);
    const b = make(7);
    expect(a).not.toBe(b);
    const limitOf = (r: typeof a) => {
      const c = r.conditions[1];
      return c?.kind === "test" && c.test.kind === "expr" && c.test.expr.kind === "call" ? c.test.expr.args[1] : undefined;
    };
    expect(limitOf(a)).toEqual({ kind: "lit", value: 5 });
    expect(limitOf(b)).toEqual({ kind: "lit", value: 7 });
    expect(limitOf(make(5))).toEqual({ kind: "lit", value: 5 });
  });

  it("the template text joins the raw strings with ${i} placeholders", () => {
    const tag = (s: TemplateStringsArray, ..._h: unknown[]) => templateText(s);
    expect(tag`(a ${1} b ${2})`).toBe("(a ${0} b ${1})");
  });

  it("rules`...` returns a frozen array, reused while the holes repeat", () => {
    const two = () => rules`(defrule a [?e :x/y] => (retract! [?e :x/y])) (defquery q [] [?e :x/y])`;
    expect(two()).toBe(two());
    expect(Object.isFrozen(two())).toBe(true);
    expect(two().map((s) => `${s.kind} ${s.name}`)).toEqual(["rule a", "query q"]);
  });
});

describe("one form per rule`...` and query`...`", () => {
  it.each([
    ["two rules in rule``", () => rule`(defrule a [?e :x/y] => (retract! [?e :x/y])) (defrule b [?e :x/y] => (retract! [?e :x/y]))`],
    ["a query in rule``", () => rule`(defquery q [] [?e :x/y])`],
    ["a rule in query``", () => query`(defrule a [?e :x/y] => (retract! [?e :x/y]))`],
    ["nothing in rule``", () => rule``],
  ])("%s is dsl/invalid-rule", (_label, f) => {
    expect(codeOf(f)).toBe("dsl/invalid-rule");
  });
});

describe("errors inside templates", () => {
  it("count each hole as its ${i} placeholder", () => {
    // Joined text: `(defrule r [?e :a/b ${0}] [:test (> ?e ${1}]) => ...`
    const e = errorOf(() => rule`(defrule r [?e :a/b ${1}] [:test (> ?e ${2}]) => (retract! [?e :a/b]))`);
    expect(e.code).toBe("dsl/syntax");
    expect(e.data).toEqual({ line: 1, column: 44, text: "]", expected: ['"["', '"("', '"{"', '"#{"', '")"', "a value (symbol, variable, keyword, string, number, ...)"] });
    expect(e.message).toBe(
      'template:1:44: unexpected "]"; expected "[", "(", "{", "#{", ")" or a value (symbol, variable, keyword, string, number, ...)\n' +
        "  1 | (defrule r [?e :a/b ${0}] [:test (> ?e ${1}]) => (retract! [?e :a/b]))\n" +
        "    |                                            ^",
    );
  });

  it("report lines within multi-line templates", () => {
    const e = errorOf(
      () => rule`
      (defrule r
        [?e :a/b ?v]
        =>
        (upsert! [?e :a/c (lenght ?v)]))`,
    );
    expect(e.code).toBe("dsl/unknown-function");
    expect(e.data).toMatchObject({ line: 5, column: 28, text: "lenght", function: "lenght" });
  });
});

describe("a rule file and the equivalent template give the same specs", () => {
  const { rules: withFns } = createDsl({ functions: GOLDEN_FUNCTIONS });

  it("orders.rules", () => {
    const file = parseRules(readFileSync(join(import.meta.dirname, "golden/orders.rules"), "utf8"), { functions: GOLDEN_FUNCTIONS });
    const limit = 1000;
    const fromTemplate = withFns`
(defrule big-order
  "Orders over 1000 need review"
  {:salience 10}
  [?o :order/total ?t]
  [:test (> ?t ${limit})]
  [:not [?o :order/reviewed true]]
  =>
  (upsert! [?o :order/needs-review true]))

(defrule customer-spend
  {:salience (- ?n) :no-loop true}
  [?c :customer/name ?name]
  [?spent <- (acc/sum :v) :from [?o :order/total]]
  [?n <- (count) :from [?o :order/customer ?c]]
  [:test (and (pos-ish ?spent) (>= ?n 2))]
  =>
  (let [?avg (/ ?spent ?n)
        ?label (str (upper-case ?name) ": " ?avg)]
    (when (> ?avg 100.5)
      (upsert! {:eav/eid ?c, :customer/label ?label, :customer/tier ${kw("gold")}})
      (transact! [["db/add" ?c :customer/vip true]]))))

(defrule classify
  [?o :order/total ?t]
  [?o :order/status ?s]
  =>
  (if (contains? #{:open :pending} ?s)
    (upsert! [?o :order/bucket (cond-ish ?t)])
    (retract! [?o :order/bucket])))

(defquery pending
  "Orders waiting for review, as entity maps"
  [?o]
  [?o :order/needs-review true]
  [?order <- (entity) :from [?o]])`;
    expect(withoutSource(fromTemplate)).toEqual(withoutSource(file));
  });

  it("host functions are checked by name in templates too", () => {
    expect(codeOf(() => rules`(defrule r [?e :a/b ?v] [:test (pos-ish ?v)] => (retract! [?e :a/b ?v]))`)).toBe("dsl/unknown-function");
    expect(withFns`(defrule r [?e :a/b ?v] [:test (pos-ish ?v)] => (retract! [?e :a/b ?v]))`).toHaveLength(1);
  });
});

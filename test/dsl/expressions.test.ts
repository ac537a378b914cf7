// Expressions of rule files: calls, special forms, collections, literals, and name resolution.
import { describe, expect, it } from "vitest";
import { parseRules } from "../../src/dsl/index.js";
import { kw } from "../../src/eav/index.js";
import type { Expr } from "../../src/rules/spec.js";
import { codeOf } from "./helpers.js";

/** The expression of `[:test EXPR]` in a rule binding ?e ?a ?v. */
function testExpr(expr: string, functions: Record<string, (...args: never[]) => unknown> = {}): Expr | undefined {
  const [spec] = parseRules(`(defrule r [?e ?a ?v] [:test ${expr}] => (retract! [?e ?a ?v]))`, { functions });
  const c = spec?.conditions[1];
  return c?.kind === "test" && c.test.kind === "expr" ? c.test.expr : undefined;
}
/** The action body of a rule binding ?e ?a ?v. */
function actions(body: string): readonly Expr[] | undefined {
  const [spec] = parseRules(`(defrule r [?e ?a ?v] => ${body})`);
  return spec?.kind === "rule" && spec.action.kind === "expr" ? spec.action.body : undefined;
}

const V = (name: string): Expr => ({ kind: "var", name });
const L = (value: unknown): Expr => ({ kind: "lit", value } as Expr);
const call = (fn: string, ...args: Expr[]): Expr => ({ kind: "call", fn, args });

describe("expressions", () => {
  it.each<[string, Expr]>([
    ["(> ?v 1000)", call(">", V("?v"), L(1000))],
    ["(and (some? ?v) (or (= ?a :x/y) (not= ?a :x/z)))", { kind: "and", args: [call("some?", V("?v")), { kind: "or", args: [call("=", V("?a"), L(kw("x/y"))), call("not=", V("?a"), L(kw("x/z")))] }] }],
    ["(if (> ?v 1) true false)", { kind: "if", test: call(">", V("?v"), L(1)), then: L(true), else: L(false) }],
    ["(if ?v 1)", { kind: "if", test: V("?v"), then: L(1) }],
    ["(when ?v 1)", { kind: "if", test: V("?v"), then: L(1) }],
    ["(when ?v 1 2)", { kind: "if", test: V("?v"), then: { kind: "do", body: [L(1), L(2)] } }],
    ["(do 1 ?v)", { kind: "do", body: [L(1), V("?v")] }],
    ["(let [?x (inc ?v) ?y (* ?x 2)] (> ?y ?x))", { kind: "let", bindings: [["?x", call("inc", V("?v"))], ["?y", call("*", V("?x"), L(2))]], body: [call(">", V("?y"), V("?x"))] }],
    ["(:todo/text ?v)", call("get", V("?v"), L(kw("todo/text")))],
    ['(:todo/text ?v "none")', call("get", V("?v"), L(kw("todo/text")), L("none"))],
    ['(str/includes? ?v "a")', call("includes?", V("?v"), L("a"))],
    ["(clojure.core/inc ?v)", call("inc", V("?v"))],
    ["(contains? #{1 :k} ?v)", call("contains?", { kind: "set", items: [L(1), L(kw("k"))] }, V("?v"))],
    ["(= ?v [1 ?e])", call("=", V("?v"), { kind: "vector", items: [L(1), V("?e")] })],
    ['(= ?v {:a/b 1, "s" ?e})', call("=", V("?v"), { kind: "map", entries: [[L("a/b"), L(1)], [L("s"), V("?e")]] })],
    ["(= ?v nil -1.5 2e3 7N ##NaN)", call("=", V("?v"), L(null), L(-1.5), L(2000), L(7n), L(NaN))],
    ['(= ?v #inst "2020-02-02T00:00:00Z")', call("=", V("?v"), L(new Date("2020-02-02T00:00:00Z")))],
    ["(- 3)", call("-", L(3))],
    ["(/ 1 2)", call("/", L(1), L(2))],
  ])("%s", (text, expected) => {
    expect(testExpr(text)).toEqual(expected);
  });

  it("host functions are called by name, with any arity, and may shadow nothing", () => {
    const fns = { "my/score": (..._xs: never[]) => 1 };
    expect(testExpr("(my/score)", fns)).toEqual(call("my/score"));
    expect(testExpr("(my/score ?e ?a ?v 1 2 3)", fns)).toEqual(call("my/score", V("?e"), V("?a"), V("?v"), L(1), L(2), L(3)));
    expect(codeOf(() => testExpr("(my/score ?v)"))).toBe("dsl/unknown-function");
  });

  it("built-ins resolve before host functions, as in the runtime (arity still checked)", () => {
    expect(codeOf(() => testExpr("(count ?v ?e)", { count: (..._xs: never[]) => 0 }))).toBe("dsl/arity");
  });

  it("actions: several forms, effects anywhere inside them, clara-eav's namespaced action names", () => {
    expect(actions("(er/upsert! [?e :a/c ?v]) (when ?v (retract! [?e ?a ?v]))")).toEqual([
      call("upsert!", { kind: "vector", items: [V("?e"), L(kw("a/c")), V("?v")] }),
      { kind: "if", test: V("?v"), then: call("retract!", { kind: "vector", items: [V("?e"), V("?a"), V("?v")] }) },
    ]);
  });

  it("entity maps: keyword keys become attribute strings, keyword values stay keywords", () => {
    expect(actions("(upsert! {:eav/eid ?e :todo/tag :urgent})")).toEqual([
      call("upsert!", { kind: "map", entries: [[L("eav/eid"), V("?e")], [L("todo/tag"), L(kw("urgent"))]] }),
    ]);
  });

  it("names may use any Unicode letter", () => {
    const [spec] = parseRules('(defrule prénom [?é :personne/prénom "Zoë"] => (retract! [?é :personne/prénom "Zoë"]))');
    expect(spec?.conditions).toEqual([{ kind: "pattern", type: "personne/prénom", fields: [{ field: "e", term: { kind: "var", name: "?é" } }, { field: "v", term: { kind: "const", value: "Zoë" } }] }]);
  });

  it("comments and commas are whitespace", () => {
    const [spec] = parseRules("(defrule r ; the name\n [?e, :a/b, ?v] ;; a pattern\n ,,, => (retract! [?e, :a/b, ?v]))");
    expect(spec?.conditions).toEqual([{ kind: "pattern", type: "a/b", fields: [{ field: "e", term: { kind: "var", name: "?e" } }, { field: "v", term: { kind: "var", name: "?v" } }] }]);
  });
});

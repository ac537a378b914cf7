// The data and codes of DSL errors (the golden error fixtures pin the exact messages).
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadRules, parseRules } from "../../src/dsl/index.js";
import { codeOf, errorOf } from "./helpers.js";

/** A rule around conditions and actions, for short cases. */
const ruleText = (conditions: string, actions = "(retract! [?e :a/b])") => `(defrule r [?e :a/b ?v] ${conditions} => ${actions})`;

describe("dsl/syntax", () => {
  it("carries line, column, file, the offending token and what was expected", () => {
    const e = errorOf(() => parseRules("(defrule r\n  [?e :a/b ?v]\n  [?e :a/c ?v ?w]\n  => (retract! [?e :a/b]))", { file: "x.rules" }));
    expect(e.code).toBe("dsl/syntax");
    expect(e.data).toEqual({ line: 3, column: 15, text: "?w", file: "x.rules", expected: ['"]"'] });
    expect(e.message).toBe('x.rules:3:15: unexpected "?w"; expected "]"\n  3 |   [?e :a/c ?v ?w]\n    |               ^');
  });

  it.each([
    ["a keyword where a condition must start", "(defrule r [?e :a/b] :oops => (f))", 1, 22, ":oops"],
    ["a list as a condition", "(defrule r [?e :a/b] (?e) => (f))", 1, 22, "("],
    ["=> in a query", "(defquery q [] [?e :a/b] => (f))", 1, 26, "=>"],
    ["<- without a variable", "(defrule r [:k <- [?e]] => (f))", 1, 16, "<-"],
    ["a map as an attribute", "(defrule r [?e {:a 1}] => (f))", 1, 16, "{"],
    ["a string entity", '(defrule r ["e" :a/b] => (f))', 1, 13, '"e"'],
    ["a top-level atom", "defrule", 1, 1, "defrule"],
    ["a closing bracket of the wrong kind", "(defrule r [?e :a/b) => (f))", 1, 20, ")"],
    ["an unknown #tag", "(defrule r [?e :a/b #uuid \"x\"] => (f))", 1, 21, "#uuid"],
  ])("%s", (_label, text, line, column, token) => {
    const e = errorOf(() => parseRules(text));
    expect(e.code).toBe("dsl/syntax");
    expect(e.data).toMatchObject({ line, column, text: token });
    expect(Array.isArray(e.data.expected) && e.data.expected.length > 0).toBe(true);
  });

  it("counts lines and columns the same with CRLF line ends", () => {
    const e = errorOf(() => parseRules("(defrule r\r\n  [?e :a/b ?v]\r\n  [?e :a/c ?v ?w]\r\n  => (retract! [?e :a/b]))"));
    expect(e.data).toMatchObject({ line: 3, column: 15, text: "?w" });
    expect(e.message).toContain("  3 |   [?e :a/c ?v ?w]\n    |               ^");
  });

  it("at the end of input names the bracket left open", () => {
    const e = errorOf(() => parseRules("(defrule r [?e :a/b ?v]\n  [:test (> ?v 1)]\n  => (f (g)\n\n"));
    expect(e.code).toBe("dsl/syntax");
    expect(e.data).toMatchObject({ line: 3, column: 12, text: "" });
    expect(e.message).toContain('unexpected end of input; the "(" at line 3, column 6 is never closed');
  });
});

describe("checks after parsing", () => {
  it.each([
    ["unknown function in a test", ruleText("[:test (frob ?v)]"), "dsl/unknown-function"],
    ["unknown function in an action", ruleText("", "(upsert! [?e :a/c (frob ?v)])"), "dsl/unknown-function"],
    ["too few arguments", ruleText("[:test (compare ?v)]"), "dsl/arity"],
    ["too many arguments", ruleText("[:test (inc ?v 1)]"), "dsl/arity"],
    ["(if) with one argument", ruleText("[:test (if ?v)]"), "dsl/arity"],
    ["keyword call with no map", ruleText("[:test (:a/b)]"), "dsl/arity"],
    ["effect in a test", ruleText("[:test (upsert! [?e :a/c 1])]"), "dsl/effect-outside-action"],
    ["effect in a salience", "(defrule r {:salience (retract! [?e :a/b])} [?e :a/b] => (f))", "dsl/effect-outside-action"],
    ["unbound variable in a test", ruleText("[:test (> ?w 1)]"), "dsl/unbound-variable"],
    ["unbound variable in an action", ruleText("", "(upsert! [?e :a/c ?w])"), "dsl/unbound-variable"],
    ["unbound variable in a salience", "(defrule r {:salience ?w} [?e :a/b] => (retract! [?e :a/b]))", "dsl/unbound-variable"],
    ["a variable bound only inside :not, used outside", ruleText("[:not [?e :a/c ?w]]", "(upsert! [?e :a/d ?w])"), "dsl/unbound-variable"],
    ["a bare symbol in an expression", ruleText("[:test (> v 1)]"), "dsl/unbound-variable"],
    ["a let-bound variable used outside the let", ruleText("", "(let [?x 1] ?x) (upsert! [?e :a/c ?x])"), "dsl/unbound-variable"],
    ["_ in an expression", ruleText("[:test (= ?v _)]"), "dsl/invalid-rule"],
    ["an empty list", ruleText("[:test ()]"), "dsl/invalid-rule"],
    ["calling a number", ruleText("[:test (1 ?v)]"), "dsl/invalid-rule"],
    ["a map with a key and no value", ruleText("", "(upsert! {:eav/eid ?e :a/c})"), "dsl/invalid-rule"],
    ["a number as a map key", ruleText("", "(upsert! {:eav/eid ?e 3 4})"), "dsl/invalid-rule"],
    ["a variable as a map key", ruleText("", "(upsert! {:eav/eid ?e ?a ?v})"), "dsl/invalid-rule"],
    ["let with an odd binding vector", ruleText("", "(let [?x] (upsert! [?e :a/c ?x]))"), "dsl/invalid-rule"],
    ["let binding a symbol", ruleText("", "(let [x 1] (upsert! [?e :a/c 1]))"), "dsl/invalid-rule"],
    ["an invalid #inst", ruleText('[?e :a/d #inst "yesterday"]'), "dsl/invalid-rule"],
    ["a negative entity id", ruleText("[-1 :a/d]"), "dsl/invalid-rule"],
    ["a decimal entity id", ruleText("[1.5 :a/d]"), "dsl/invalid-rule"],
    ["a big-integer entity id", ruleText("[12N :a/d]"), "dsl/invalid-rule"],
    ["an expression as a pattern value", ruleText("[?e :a/d (inc ?v)]"), "dsl/invalid-rule"],
    ["a variable inside a constant value", ruleText("[?e :a/d [1 ?v]]"), "dsl/invalid-rule"],
    ["a symbol as an accumulator argument", ruleText("[?s <- (sum v) :from [_ :a/d]]"), "dsl/invalid-rule"],
    ["a string accumulator", ruleText('[?s <- "sum" :from [_ :a/d]]'), "dsl/syntax"],
    [":no-loop not boolean", "(defrule r {:no-loop 1} [?e :a/b] => (retract! [?e :a/b]))", "dsl/invalid-rule"],
    [":salience a string", '(defrule r {:salience "high"} [?e :a/b] => (retract! [?e :a/b]))', "dsl/invalid-rule"],
    ["a keyword in the header", "(defrule r :oops [?e :a/b] => (retract! [?e :a/b]))", "dsl/invalid-rule"],
    ["a property given twice", "(defrule r {:salience 1 :salience 2} [?e :a/b] => (retract! [?e :a/b]))", "dsl/invalid-rule"],
    ["two docstrings", '(defrule r "a" "b" [?e :a/b] => (retract! [?e :a/b]))', "dsl/invalid-rule"],
    ["a property map in a query", "(defquery q {:salience 1} [] [?e :a/b])", "dsl/invalid-rule"],
    ["a query without parameters", "(defquery q)", "dsl/syntax"],
    ["a query without conditions", "(defquery q [])", "dsl/invalid-rule"],
    ["a keyword parameter without ?", "(defquery q [:e] [?e :a/b])", "dsl/invalid-rule"],
    ["the same name twice", "(defquery q [] [?e :a/b]) (defrule q [?e :a/b] => (retract! [?e :a/b]))", "dsl/invalid-rule"],
  ])("%s", (_label, text, code) => {
    expect(codeOf(() => parseRules(text))).toBe(code);
  });

  it("unknown-function carries the name and close suggestions", () => {
    const e = errorOf(() => parseRules(ruleText("[:test (starts-wth? ?v \"a\")]")));
    expect(e.data).toMatchObject({ function: "starts-wth?", suggestions: ["starts-with?"], line: 1, column: 33 });
  });

  it("arity carries the function, the count given and the allowed range", () => {
    expect(errorOf(() => parseRules(ruleText("[:test (subs ?v)]"))).data).toMatchObject({ function: "subs", arity: 1, min: 2, max: 3 });
    expect(errorOf(() => parseRules(ruleText("[:test (assoc ?v 1)]"))).data).toMatchObject({ function: "assoc", arity: 2, min: 3 });
  });

  it("unbound-variable names the variable and the production", () => {
    expect(errorOf(() => parseRules(ruleText("", "(upsert! [?e :a/c ?nope])"))).data).toMatchObject({ variable: "?nope", production: "rule r", text: "?nope" });
  });

  it("malformed headers say what was expected", () => {
    const e = errorOf(() => parseRules("(defrule 12 [?e :a/b] => (retract! [?e :a/b]))"));
    expect(e.code).toBe("dsl/invalid-rule");
    expect(e.data.expected).toBe('(defrule name "doc"? {:salience 10 :no-loop true}? conditions... => actions...)');
    expect(e.message).toContain("expected a rule name after defrule");
  });

  it("variables bound inside :not are visible to tests inside it", () => {
    expect(codeOf(() => parseRules(ruleText("[:not [?e :a/c ?w] [:test (> ?w ?v)]]")))).toBeUndefined();
  });

  it("variables bound in an accumulator's :from pattern are bound", () => {
    expect(codeOf(() => parseRules("(defquery q [?g] [?n <- (count) :from [?e :a/group ?g]])"))).toBeUndefined();
  });
});

describe("loadRules", () => {
  it("reads a path, and names the file in errors", () => {
    const dir = mkdtempSync(join(tmpdir(), "dsl-"));
    const path = join(dir, "bad.rules");
    writeFileSync(path, "(defrule r [?e :a/b] => (frob))\n");
    const e = errorOf(() => loadRules(path));
    expect(e.code).toBe("dsl/unknown-function");
    expect(e.data).toMatchObject({ file: path, line: 1, column: 26 });
    expect(e.message.startsWith(`${path}:1:26: unknown function frob`)).toBe(true);
  });

  it("takes text when the string is rule text, or { text } explicitly", () => {
    expect(loadRules("(defquery q [] [?e :a/b])").map((s) => s.name)).toEqual(["q"]);
    expect(loadRules({ text: "(defquery q [] [?e :a/b])" }).map((s) => s.name)).toEqual(["q"]);
    expect(loadRules("  ; nothing but a comment").map((s) => s.name)).toEqual([]);
  });

  it("a missing file is dsl/file-not-found", () => {
    expect(codeOf(() => loadRules("/nonexistent/x.rules"))).toBe("dsl/file-not-found");
    expect(codeOf(() => loadRules({ path: "/nonexistent/(x).rules" }))).toBe("dsl/file-not-found");
  });
});

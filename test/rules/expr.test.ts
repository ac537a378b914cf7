import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { eav } from "../../src/eav/eav.js";
import { kw } from "../../src/eav/keyword.js";
import { isEavError } from "../../src/errors.js";
import {
  BUILTIN_SIGNATURES,
  checkCalls,
  checkHostFunctions,
  evaluate,
  freeVariables,
  isTruthy,
  type EvalEnv,
  type Expr,
  type HostFunction,
} from "../../src/rules/index.js";
import { equals, interpret } from "../../src/rules/expr.js";
import { read } from "./reference-edn.js";

const vars: Record<string, unknown> = {
  "?n": 5,
  "?t": 1500,
  "?b": 10n,
  "?s": "hello",
  "?nil": null,
  "?k": kw("order/open"),
  "?d1": new Date(1000),
  "?d2": new Date(2000),
  "?m": { "eav/eid": 7, "order/total": 120, "order/tags": ["a", "b"] },
  "?f": eav(3, "order/total", 99),
  "?g": new Map<unknown, unknown>([
    [kw("open"), [1, 2]],
    [[1, 2], "pair"],
  ]),
};

function env(extra: Partial<EvalEnv> = {}): EvalEnv {
  return { lookup: (name) => vars[name], functions: {}, ...extra };
}

const ev = (text: string, e: EvalEnv = env()): unknown => evaluate(read(text), e);

function evalFailure(text: string, e: EvalEnv = env()): { code: string; message: string; data: unknown } {
  try {
    ev(text, e);
  } catch (err) {
    if (isEavError(err)) return { code: err.code, message: err.message, data: err.data };
    throw err;
  }
  throw new Error(`${text} did not fail`);
}

describe("arithmetic", () => {
  it.each<[string, unknown]>([
    ["(+)", 0],
    ["(+ 1 2 3)", 6],
    ["(+ ?n 0.5)", 5.5],
    ["(- 5)", -5],
    ["(- 10 1 2)", 7],
    ["(*)", 1],
    ["(* 2 3 4)", 24],
    ["(/ 6 3)", 2],
    ["(/ 2)", 0.5],
    ["(/ 12 2 3)", 2],
    ["(+ 1N 2N ?b)", 13n],
    ["(* ?b ?b)", 100n],
    ["(- ?b)", -10n],
    ["(/ 6N 3N)", 2n],
    ["(mod -7 3)", 2],
    ["(mod 7 -3)", -2],
    ["(mod 6 3)", 0],
    ["(mod -7N 3N)", 2n],
    ["(rem -7 3)", -1],
    ["(rem 7N -3N)", 1n],
    ["(quot -7 2)", -3],
    ["(quot 7N 2N)", 3n],
    ["(inc 1)", 2],
    ["(dec 1N)", 0n],
    ["(abs -3)", 3],
    ["(abs -3N)", 3n],
    ["(min 3 1 2)", 1],
    ["(max 3 1 2)", 3],
    ["(max \"a\" \"c\" \"b\")", "c"],
    ["(min ?d2 ?d1)", new Date(1000)],
    ["(round 2.5)", 3],
    ["(round -2.5)", -2],
    ["(round 7N)", 7n],
    ["(floor 1.5)", 1],
    ["(ceil 1.2)", 2],
  ])("%s = %o", (text, expected) => {
    expect(ev(text)).toEqual(expected);
  });

  it.each<[string, string]>([
    ['(+ 1 "a")', '(+ 1 "a"): "a" is not a number'],
    ["(+ 1 2N)", "(+ 1 2N): cannot mix numbers and bigints"],
    ["(* ?nil 2)", "(* nil 2): nil is not a number"],
    ["(/ 1 0)", "(/ 1 0): division by zero"],
    ["(/ 0)", "(/ 0): division by zero"],
    ["(/ 1N 0N)", "(/ 1N 0N): division by zero"],
    ["(/ 7N 2N)", "(/ 7N 2N): a bigint division must be exact (there are no ratios); use quot"],
    ["(mod 1 0)", "(mod 1 0): division by zero"],
    ["(quot 1N 0N)", "(quot 1N 0N): division by zero"],
    ["(inc :a)", "(inc :a): :a is not a number"],
    ["(min 1 \"a\")", '(min 1 "a"): cannot compare a number with a string'],
  ])("%s fails: %s", (text, message) => {
    const f = evalFailure(text);
    expect(f.code).toBe("rules/eval-error");
    expect(f.message).toBe(message);
  });

  it("puts the function and the evaluated arguments in the error data", () => {
    expect(evalFailure('(+ ?n "a")').data).toEqual({ fn: "+", args: [5, "a"] });
  });
});

describe("comparison and equality", () => {
  it.each<[string, unknown]>([
    ["(= 1 1)", true],
    ["(= 1 1 2)", false],
    ["(= [1 :a] [1 :a])", true],
    ["(= 1 1N)", false],
    ["(= #{1 [2]} #{[2] 1})", true],
    ["(= {:a [1]} {:a [1]})", true],
    ["(= ?f ?f)", true],
    ["(= nil nil)", true],
    ["(= 0 -0)", true],
    ["(not= 1 2)", true],
    ["(not= 1 1)", false],
    ["(< 1 2 3)", true],
    ["(< 1 3 2)", false],
    ["(<= 1 1 2)", true],
    ["(> ?t 1000)", true],
    ["(>= 2 2 1)", true],
    ["(> \"b\" \"a\")", true],
    ["(< ?d1 ?d2)", true],
    ["(< ?b 11N)", true],
    ["(< 1)", true],
    ["(compare :a :b)", -1],
    ["(compare :b/x :a)", 1],
    ["(compare nil 1)", -1],
    ["(compare [1 2] [1 3])", -1],
    ["(compare [9] [1 1])", -1],
    ["(compare \"b\" \"a\")", 1],
    ["(compare false true)", -1],
    ["(compare 2N 2N)", 0],
  ])("%s = %o", (text, expected) => {
    expect(ev(text)).toEqual(expected);
  });

  it.each<[string, string]>([
    ['(< 1 "a")', '(< 1 "a"): cannot compare a number with a string'],
    ["(< 1 2N)", "(< 1 2N): cannot compare a number with a bigint"],
    ["(> :a :b)", "(> :a :b): :a is not a number, a string or a date"],
    ['(compare 1 "a")', '(compare 1 "a"): cannot compare a number with a string'],
    ["(compare {:a 1} {:a 1})", "(compare {:a 1} {:a 1}): {:a 1} is not comparable"],
  ])("%s fails: %s", (text, message) => {
    expect(evalFailure(text)).toMatchObject({ code: "rules/eval-error", message });
  });
});

describe("logic and special forms", () => {
  it.each<[string, unknown]>([
    ["(and)", true],
    ["(and 1 nil 2)", null],
    ["(and 1 false 2)", false],
    ["(and 1 2)", 2],
    ["(or)", null],
    ["(or nil false)", false],
    ["(or nil 3 4)", 3],
    ["(not nil)", true],
    ["(not 0)", false],
    ['(not "")', false],
    ["(nil? ?nil)", true],
    ["(nil? ?unbound)", true],
    ["(some? false)", true],
    ["(true? 1)", false],
    ["(false? false)", true],
    ["(string? ?s)", true],
    ["(number? ?b)", true],
    ["(keyword? ?k)", true],
    ["(boolean? nil)", false],
    ["(if nil 1 2)", 2],
    ["(if 0 1 2)", 1],
    ["(if false 1)", null],
    ["(when true 1 2)", 2],
    ["(when false 1 2)", null],
    ["(do)", null],
    ["(do 1 2)", 2],
    ["(let [x 1 y (+ x 1)] y)", 2],
    ["(let [?n 1] ?n)", 1],
    ["(let [?n (inc ?n)] ?n)", 6],
    ["(let [a 1] (let [a 2] a))", 2],
    ["(let [a 1])", null],
  ])("%s = %o", (text, expected) => {
    expect(ev(text)).toEqual(expected);
  });

  it("and / or / if evaluate only what decides", () => {
    const calls: number[] = [];
    const boom: HostFunction = (...args: never[]) => {
      calls.push(args.length);
      return true;
    };
    const e = env({ functions: { boom } });
    expect(ev("(and false (boom))", e)).toBe(false);
    expect(ev("(or 1 (boom))", e)).toBe(1);
    expect(ev("(if true 1 (boom))", e)).toBe(1);
    expect(calls).toEqual([]);
    expect(ev("(or nil (boom 1))", e)).toBe(true);
    expect(calls).toEqual([1]);
  });

  it("isTruthy: only nil and false are falsey", () => {
    expect([null, undefined, false, 0, "", NaN, [], {}].map(isTruthy)).toEqual([false, false, false, true, true, true, true, true]);
  });
});

describe("strings", () => {
  it.each<[string, unknown]>([
    ['(str "a" nil 1 :k/x)', "a1:k/x"],
    ["(str)", ""],
    ["(str nil)", ""],
    ['(str [1 "a"] 2N)', '[1 "a"]2'],
    ["(str ?d1)", "1970-01-01T00:00:01.000Z"],
    ['(subs "hello" 1 3)', "el"],
    ['(subs "hello" 2)', "llo"],
    ['(upper-case "ab")', "AB"],
    ['(lower-case "AB")', "ab"],
    ['(trim "  a b ")', "a b"],
    ["(blank? nil)", true],
    ['(blank? "   ")', true],
    ['(blank? " a")', false],
    ['(starts-with? ?s "he")', true],
    ['(ends-with? ?s "lo")', true],
    ['(includes? ?s "ll")', true],
    ['(re-matches "a+" "aaa")', "aaa"],
    ['(re-matches "a+" "aab")', null],
    ['(re-matches "a|b" "b")', "b"],
    ['(re-matches "(a)(b)?" "a")', ["a", "a", null]],
    ['(split "a,b,," ",")', ["a", "b"]],
    ['(split "" ",")', [""]],
    ['(split "abc" "")', ["a", "b", "c"]],
    ['(join ", " [1 2])', "1, 2"],
    ["(join [1 nil :a])", "1:a"],
    ["(join nil)", ""],
    ['(keyword "a/b")', kw("a/b")],
    ["(keyword :a)", kw("a")],
    ["(keyword nil)", null],
    ["(name :a/b)", "b"],
    ['(name "x")', "x"],
    ["(namespace :a/b)", "a"],
    ["(namespace :a)", null],
  ])("%s = %o", (text, expected) => {
    expect(ev(text)).toEqual(expected);
  });

  it.each<[string, string]>([
    ['(subs "a" 5)', '(subs "a" 5): index out of range for a string of length 1'],
    ["(upper-case nil)", "(upper-case nil): nil is not a string"],
    ['(re-matches "(" "a")', '(re-matches "(" "a"): invalid regular expression'],
    ["(namespace \"a\")", '(namespace "a"): "a" is not a keyword'],
    ['(keyword "")', '(keyword ""): a keyword needs a name'],
  ])("%s fails: %s", (text, message) => {
    const f = evalFailure(text);
    expect(f.code).toBe("rules/eval-error");
    expect(f.message.startsWith(message)).toBe(true);
  });
});

describe("collections", () => {
  it.each<[string, unknown]>([
    ["(count nil)", 0],
    ['(count "abc")', 3],
    ["(count {:a 1})", 1],
    ["(count #{1 1 2})", 2],
    ["(count ?g)", 2],
    ["(empty? [])", true],
    ["(empty? nil)", true],
    ["(empty? [nil])", false],
    ["(contains? #{[1]} [1])", true],
    ["(contains? #{1} 2)", false],
    ["(contains? {:a 1} :a)", true],
    ['(contains? {:a 1} "a")', true],
    ["(contains? [1 2] 1)", true],
    ["(contains? [1 2] 2)", false],
    ["(contains? nil 1)", false],
    ["(contains? ?g [1 2])", true],
    ["(get ?m :order/total)", 120],
    ['(get ?m "order/total")', 120],
    ["(get ?m :order/nope)", null],
    ["(get ?m :order/nope 0)", 0],
    ["(get nil :a)", null],
    ["(get 5 :a)", null],
    ["(get {:a 1} :b 7)", 7],
    ["(get {:a nil} :a 7)", null],
    ["(get [1 2] 1)", 2],
    ["(get [1 2] 5)", null],
    ["(get #{[1]} [1])", [1]],
    ["(get ?f :v)", 99],
    ["(get ?f :e)", 3],
    ["(get ?g :open)", [1, 2]],
    ["(get ?g [1 2])", "pair"],
    ["(get {} :constructor)", null],
    ["(get {} :__proto__)", null],
    ["(get-in {:a {:b 1}} [:a :b])", 1],
    ["(get-in ?m [:order/tags 1])", "b"],
    ["(get-in {:a 1} [:b] :d)", kw("d")],
    ["(get-in {:a 1} [])", { a: 1 }],
    ["(first [1 2])", 1],
    ["(first nil)", null],
    ["(first [])", null],
    ['(first "ab")', "a"],
    ["(first {:a 1})", [kw("a"), 1]],
    ["(last [1 2])", 2],
    ["(nth [1 2] 1)", 2],
    ["(nth [1] 5 :d)", kw("d")],
    ["(nth nil 0)", null],
    ["(conj [1] 2 3)", [1, 2, 3]],
    ["(conj nil 1)", [1]],
    ["(conj #{1} 1 2)", new Set([1, 2])],
    ["(conj {:a 1} [:b 2])", { a: 1, b: 2 }],
    ["(conj {:a 1} {:b 2})", { a: 1, b: 2 }],
    ["(vector)", []],
    ["(vector 1 2 3)", [1, 2, 3]],
    ["(hash-set 1 [2] [2])", new Set([1, [2]])],
    ["(assoc {:a 1} :b 2 :a 3)", { a: 3, b: 2 }],
    ["(assoc nil :a 1)", { a: 1 }],
    ["(assoc [1 2] 2 3)", [1, 2, 3]],
    ["(dissoc {:a 1 :b 2} :a)", { b: 2 }],
    ["(dissoc nil :a)", null],
    ["(keys {:a 1 :b/c 2})", [kw("a"), kw("b/c")]],
    ["(keys {})", null],
    ["(vals {:a 1 :b 2})", [1, 2]],
    ["(keys ?g)", [kw("open"), [1, 2]]],
    ["(distinct [1 [2] 1 [2] 3])", [1, [2], 3]],
    ["(sort [3 1 2])", [1, 2, 3]],
    ["(sort #{:b :a})", [kw("a"), kw("b")]],
    ["(sort nil)", []],
    ["(reverse [1 2 3])", [3, 2, 1]],
  ])("%s = %o", (text, expected) => {
    expect(ev(text)).toEqual(expected);
  });

  it.each<[string, string]>([
    ["(count 5)", "(count 5): count is not supported on 5"],
    ["(nth [1] 5)", "(nth [1] 5): index 5 out of range for 1 items"],
    ["(assoc {:a 1} :b)", "(assoc {:a 1} :b): assoc takes at least 3 arguments, given 2"],
    ["(assoc {:a 1} :b 1 :c)", "(assoc {:a 1} :b 1 :c): expects a map followed by key value pairs"],
    ["(assoc {} 1 2)", "(assoc {} 1 2): an entity map's keys are keywords or strings, not 1"],
    ["(first 5)", "(first 5): 5 is not a collection"],
  ])("%s fails: %s", (text, message) => {
    expect(evalFailure(text)).toMatchObject({ code: "rules/eval-error", message });
  });

  it("sort of incomparable items names the whole argument", () => {
    expect(evalFailure('(sort [1 "a"])').message).toMatch(/^\(sort \[1 "a"\]\): cannot compare a (number|string) with a (string|number)$/);
  });

  it("never mutates its arguments", () => {
    const v = [1, 2];
    const m = { a: 1 };
    const e = env({ lookup: (n) => (n === "?v" ? v : n === "?mm" ? m : undefined) });
    ev("(conj ?v 3)", e);
    ev("(reverse ?v)", e);
    ev("(assoc ?mm :b 2)", e);
    ev("(dissoc ?mm :a)", e);
    expect(v).toEqual([1, 2]);
    expect(m).toEqual({ a: 1 });
  });
});

describe("literals", () => {
  it("map literals: keyword keys become attribute strings, string keys stay", () => {
    expect(ev('{:eav/eid ?n :order/status :open "plain key" 1}')).toEqual({ "eav/eid": 5, "order/status": kw("open"), "plain key": 1 });
  });

  it("a map key __proto__ is an own key, not a prototype change", () => {
    const m = ev('{"__proto__" 1}') as Record<string, unknown>;
    expect(Object.getPrototypeOf(m)).toBe(Object.prototype);
    expect(Object.keys(m)).toEqual(["__proto__"]);
  });

  it("a map key that is neither keyword nor string is an error", () => {
    expect(evalFailure("{1 2}")).toMatchObject({ code: "rules/eval-error", message: "map literal: a key must be a keyword or a string, not 1" });
  });

  it("set literals are JS sets without repeats by value; vectors are arrays", () => {
    const s = ev("#{[1] [1] ?n}");
    expect(s).toBeInstanceOf(Set);
    expect([...(s as Set<unknown>)]).toEqual([[1], 5]);
    expect(ev("[?n [?s]]")).toEqual([5, ["hello"]]);
  });
});

describe("calls: effects, host functions, unknown names", () => {
  it("effects come from env.effects and return nil", () => {
    const inserted: unknown[] = [];
    const e = env({ effects: { "insert!": (x) => inserted.push(x) } });
    expect(ev("(do (insert! {:eav/eid ?n :a/b 1}) 2)", e)).toBe(2);
    expect(ev("(insert! [?n :a/b 1])", e)).toBeNull();
    expect(inserted).toEqual([{ "eav/eid": 5, "a/b": 1 }, [5, kw("a/b"), 1]]);
  });

  it("an effect outside a right-hand side is an error; an unknown action is unknown", () => {
    expect(evalFailure("(upsert! [1 :a/b 1])")).toMatchObject({
      code: "rules/eval-error",
      message: "upsert! is an action: it is only allowed in a rule's right-hand side",
    });
    expect(evalFailure("(frob! 1)").code).toBe("rules/unknown-function");
  });

  it("effect errors pass through unchanged", () => {
    const failing = new Error("store says no");
    const e = env({ effects: { "upsert!": () => { throw failing; } } });
    expect(() => ev("(upsert! 1)", e)).toThrow(failing);
  });

  it("host functions by name and from template holes; their failures name them", () => {
    const double = ((x: number) => x * 2) as HostFunction;
    const e = env({ functions: { double, explode: (() => { throw new Error("bad input"); }) as HostFunction } });
    expect(ev("(double (inc ?n))", e)).toBe(12);
    expect(evaluate({ kind: "call", fn: double, args: [{ kind: "lit", value: 4 }] }, e)).toBe(8);
    const f = evalFailure("(explode ?n 2)", e);
    expect(f).toMatchObject({ code: "rules/eval-error", message: "(explode 5 2): host function failed: bad input", data: { fn: "explode", args: [5, 2] } });
  });

  it("unknown names and wrong arities", () => {
    expect(evalFailure("(frobnicate 1)")).toMatchObject({ code: "rules/unknown-function", message: "unknown function frobnicate" });
    expect(evalFailure("(toString 1)").code).toBe("rules/unknown-function");
    expect(evalFailure("(inc)")).toMatchObject({ code: "rules/eval-error", message: "(inc): inc takes 1 argument, given 0", data: { fn: "inc", args: [] } });
    expect(evalFailure("(subs ?s 2 3 4)")).toMatchObject({ message: '(subs "hello" 2 3 4): subs takes 2 to 3 arguments, given 4', data: { fn: "subs", args: ["hello", 2, 3, 4] } });
    const e = env({ effects: { "insert!": () => undefined } });
    expect(evalFailure("(insert! 1 2)", e)).toMatchObject({ code: "rules/eval-error", message: "(insert! 1 2): insert! takes 1 argument, given 2" });
  });

  it("every non-effect built-in signature is implemented, with exactly its arity", () => {
    const nils = (n: number): Expr[] => Array.from({ length: n }, () => ({ kind: "lit", value: null }));
    const codeOf = (fn: string, n: number): string | null => {
      try {
        evaluate({ kind: "call", fn, args: nils(n) }, env());
        return null;
      } catch (e) {
        return isEavError(e) ? (e.message.includes(" takes ") ? "arity" : e.code) : "not an EavError";
      }
    };
    for (const [name, sig] of Object.entries(BUILTIN_SIGNATURES)) {
      if (sig.effect === true) continue;
      // nil arguments may be wrong for the function (an eval-error), but never an unknown name or arity
      expect([null, "rules/eval-error"], name).toContain(codeOf(name, sig.min));
      if (sig.min > 0) expect(codeOf(name, sig.min - 1), name).toBe("arity");
      if (sig.max !== undefined) expect(codeOf(name, sig.max + 1), name).toBe("arity");
    }
  });
});

describe("static checks", () => {
  it.each<[string, string[]]>([
    ["(> ?t 1000)", ["?t"]],
    ["(let [?d (* ?t 2) e ?d] (+ e ?x))", ["?t", "?x"]],
    ["(let [a a] a)", ["a"]],
    ["{:eav/eid ?e :a/b [?v #{?w}]}", ["?e", "?v", "?w"]],
    ["(if ?a (do ?b) ?c)", ["?a", "?b", "?c"]],
    ["(and ?a (or ?b 1))", ["?a", "?b"]],
  ])("freeVariables %s", (text, expected) => {
    expect([...freeVariables(read(text))].sort()).toEqual(expected);
  });

  it("checkCalls reports unknown functions, arities and misplaced actions", () => {
    const problems = checkCalls(read("(do (inc) (frob 1) (discount 2) (upsert! 1) (zap! 1) (subs 1 2 3 4))"), new Set(["discount"]));
    expect(problems.map((p) => [p.kind, p.fn])).toEqual([
      ["arity", "inc"],
      ["unknown-function", "frob"],
      ["effect-not-allowed", "upsert!"],
      ["unknown-function", "zap!"],
      ["arity", "subs"],
    ]);
    expect(problems[0]).toEqual({ kind: "arity", fn: "inc", given: 0, min: 1, max: 1, message: "inc takes 1 argument, given 0" });
    expect(checkCalls(read("(upsert! {:a/b 1})"), {}, { effects: true })).toEqual([]);
    expect(checkCalls(read("(upsert! 1 2)"), {}, { effects: true }).map((p) => p.kind)).toEqual(["arity"]);
    expect(checkCalls(read("(session-log! 1)"), {}, { effects: true, extraEffects: ["session-log!"] })).toEqual([]);
    expect(checkCalls(read("(discount 1 2 3)"), { discount: () => 0 })).toEqual([]);
  });

  it.each<[string, unknown, string]>([
    ["inc", () => 0, 'host function "inc" has the name of a built-in function'],
    ["if", () => 0, 'host function "if" has the name of a special form'],
    ["log!", () => 0, "host function \"log!\" ends in '!', which marks actions"],
    ["x", 5, 'host function "x" is not a function'],
  ])("checkHostFunctions rejects %s", (name, f, message) => {
    let error: unknown;
    try {
      checkHostFunctions({ [name]: f });
    } catch (e) {
      error = e;
    }
    expect(isEavError(error, "rules/invalid-spec") && error.message).toBe(message);
  });

  it("checkHostFunctions accepts fresh names", () => {
    expect(() => checkHostFunctions({ discount: () => 0, "tax-rate": () => 0 })).not.toThrow();
  });
});

describe("properties", () => {
  const lit = (value: number): { kind: "lit"; value: number } => ({ kind: "lit", value });

  it("+ and * agree with JS on safe integers, in any grouping", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -1000, max: 1000 }), { maxLength: 6 }), (xs) => {
        expect(evaluate({ kind: "call", fn: "+", args: xs.map(lit) }, env()) === xs.reduce((a, b) => a + b, 0)).toBe(true);
        expect(evaluate({ kind: "call", fn: "*", args: xs.map(lit) }, env()) === xs.reduce((a, b) => a * b, 1)).toBe(true);
      }),
    );
  });

  it("mod has the divisor's sign, rem the dividend's, and quot * d + rem = n", () => {
    fc.assert(
      fc.property(fc.integer({ min: -500, max: 500 }), fc.integer({ min: -50, max: 50 }).filter((d) => d !== 0), (n, d) => {
        const call = (fn: string): number => evaluate({ kind: "call", fn, args: [lit(n), lit(d)] }, env()) as number;
        const m = call("mod");
        const r = call("rem");
        expect(m === 0 || Math.sign(m) === Math.sign(d)).toBe(true);
        expect(r === 0 || Math.sign(r) === Math.sign(n)).toBe(true);
        expect(call("quot") * d + r).toBe(n);
        expect(Math.abs(m)).toBeLessThan(Math.abs(d));
      }),
    );
  });

  it("sort orders by compare, and < agrees with compare", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -20, max: 20 }), { maxLength: 8 }), (xs) => {
        const sorted = evaluate({ kind: "call", fn: "sort", args: [{ kind: "vector", items: xs.map(lit) }] }, env());
        expect(sorted).toEqual([...xs].sort((a, b) => a - b));
        for (let i = 1; i < xs.length; i++) {
          const args = [lit(xs[i - 1]!), lit(xs[i]!)];
          const lt = evaluate({ kind: "call", fn: "<", args }, env());
          expect(lt).toBe(evaluate({ kind: "call", fn: "compare", args }, env()) === -1);
        }
      }),
    );
  });
});

describe("robustness", () => {
  const names = Object.keys(BUILTIN_SIGNATURES).filter((n) => BUILTIN_SIGNATURES[n]!.effect !== true);
  const value = fc.oneof(
    fc.integer({ min: -3, max: 3 }),
    fc.constantFrom(0.5, -0, NaN, 2n, -1n, 0n, "", "a", "a,b", "ab", " ", true, false, null, kw("a"), kw("x/y"), new Date(0)),
  );
  const { expr } = fc.letrec<{ expr: Expr }>((tie) => ({
    expr: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      value.map((v): Expr => ({ kind: "lit", value: v })),
      fc.constantFrom<Expr>(
        { kind: "var", name: "?m" },
        { kind: "var", name: "?g" },
        { kind: "var", name: "?f" },
        { kind: "var", name: "?n" },
        { kind: "var", name: "?unbound" },
        { kind: "var", name: "x" },
      ),
      fc.record({ fn: fc.constantFrom(...names, "nope", "insert!"), args: fc.array(tie("expr"), { maxLength: 4 }) }).map(({ fn, args }): Expr => ({ kind: "call", fn, args })),
      fc.record({ kind: fc.constantFrom("and" as const, "or" as const), args: fc.array(tie("expr"), { maxLength: 3 }) }).map((e): Expr => e),
      fc.tuple(tie("expr"), tie("expr"), fc.option(tie("expr"), { nil: undefined })).map(([test, then, other]): Expr => (other === undefined ? { kind: "if", test, then } : { kind: "if", test, then, else: other })),
      fc
        .tuple(fc.array(fc.tuple(fc.constantFrom("x", "?n", "y"), tie("expr")), { maxLength: 2 }), fc.array(tie("expr"), { maxLength: 2 }))
        .map(([bindings, body]): Expr => ({ kind: "let", bindings, body })),
      fc.array(tie("expr"), { maxLength: 2 }).map((body): Expr => ({ kind: "do", body })),
      fc.array(tie("expr"), { maxLength: 3 }).map((items): Expr => ({ kind: "vector", items })),
      fc.array(tie("expr"), { maxLength: 3 }).map((items): Expr => ({ kind: "set", items })),
      fc.array(fc.tuple(fc.constantFrom<Expr>({ kind: "lit", value: kw("a") }, { kind: "lit", value: "b" }), tie("expr")), { maxLength: 2 }).map((entries): Expr => ({ kind: "map", entries })),
    ),
  }));

  it("any expression over any values either gives a value or throws an EavError, never a TypeError", () => {
    fc.assert(
      fc.property(expr, (e) => {
        try {
          evaluate(e, env());
        } catch (err) {
          if (!isEavError(err)) throw err;
          expect(["rules/eval-error", "rules/unknown-function"]).toContain(err.code);
        }
      }),
      { numRuns: 3000 },
    );
  });

  /** The outcome of running an expression: its value, or its error's code and message. */
  function outcome(run: () => unknown): { value: unknown } | { code: string; message: string } {
    try {
      return { value: run() };
    } catch (err) {
      if (!isEavError(err)) throw err;
      return { code: err.code, message: err.message };
    }
  }

  it("compiled and interpreted agree: same value or same error, on random expressions", () => {
    const effects = { "insert!": () => undefined };
    fc.assert(
      fc.property(expr, fc.boolean(), (e, withEffects) => {
        const env1 = env(withEffects ? { effects } : {});
        const a = outcome(() => evaluate(e, env1));
        const b = outcome(() => interpret(e, env1));
        if ("value" in a && "value" in b) expect(equals(a.value, b.value)).toBe(true);
        else expect(a).toEqual(b);
      }),
      { numRuns: 3000 },
    );
  });
});

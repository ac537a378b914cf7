// A tiny EDN reader for the expression tests: "(+ ?a 1)" -> an Expr tree, so the tables read like
// rule files. It is test scaffolding, not the DSL (src/dsl owns the real grammar): no error
// positions, no comments, just enough syntax for the evaluator's cases.
import { kw } from "../../src/eav/keyword.js";
import type { Value } from "../../src/eav/value.js";
import type { Expr } from "../../src/rules/spec.js";

type Form =
  | { t: "list"; items: Form[] }
  | { t: "vec"; items: Form[] }
  | { t: "set"; items: Form[] }
  | { t: "map"; items: Form[] }
  | { t: "sym"; name: string }
  | { t: "lit"; value: Value };

const TOKEN = /\s*(#\{|[()[\]{}]|"(?:\\.|[^"\\])*"|[^\s()[\]{}"]+)/y;

function tokenize(text: string): string[] {
  const out: string[] = [];
  let at = 0;
  for (;;) {
    TOKEN.lastIndex = at;
    const m = TOKEN.exec(text);
    if (m === null) break;
    out.push(m[1]!);
    at = TOKEN.lastIndex;
  }
  if (text.slice(at).trim() !== "") throw new Error(`cannot read ${text.slice(at)}`);
  return out;
}

function readForms(tokens: string[]): Form[] {
  let i = 0;
  const read = (): Form => {
    const tok = tokens[i++];
    if (tok === undefined) throw new Error("unexpected end");
    const seq = (close: string): Form[] => {
      const items: Form[] = [];
      while (tokens[i] !== close) {
        if (i >= tokens.length) throw new Error(`missing ${close}`);
        items.push(read());
      }
      i++;
      return items;
    };
    if (tok === "(") return { t: "list", items: seq(")") };
    if (tok === "[") return { t: "vec", items: seq("]") };
    if (tok === "{") return { t: "map", items: seq("}") };
    if (tok === "#{") return { t: "set", items: seq("}") };
    if (tok.startsWith('"')) return { t: "lit", value: JSON.parse(tok) as string };
    if (tok === "nil") return { t: "lit", value: null };
    if (tok === "true" || tok === "false") return { t: "lit", value: tok === "true" };
    if (tok.startsWith(":")) return { t: "lit", value: kw(tok) };
    if (/^-?\d+N$/.test(tok)) return { t: "lit", value: BigInt(tok.slice(0, -1)) };
    if (/^-?\d+(\.\d+)?$/.test(tok)) return { t: "lit", value: Number(tok) };
    return { t: "sym", name: tok };
  };
  const forms: Form[] = [];
  while (i < tokens.length) forms.push(read());
  return forms;
}

function toExpr(f: Form): Expr {
  switch (f.t) {
    case "lit":
      return { kind: "lit", value: f.value };
    case "sym":
      return { kind: "var", name: f.name };
    case "vec":
      return { kind: "vector", items: f.items.map(toExpr) };
    case "set":
      return { kind: "set", items: f.items.map(toExpr) };
    case "map": {
      const entries: (readonly [Expr, Expr])[] = [];
      for (let i = 0; i < f.items.length; i += 2) entries.push([toExpr(f.items[i]!), toExpr(f.items[i + 1]!)]);
      return { kind: "map", entries };
    }
    case "list": {
      const [head, ...rest] = f.items;
      if (head === undefined || head.t !== "sym") throw new Error("a call needs a function name");
      const args = rest.map(toExpr);
      switch (head.name) {
        case "and":
        case "or":
          return { kind: head.name, args };
        case "if":
          return args[2] === undefined ? { kind: "if", test: args[0]!, then: args[1]! } : { kind: "if", test: args[0]!, then: args[1]!, else: args[2] };
        case "when":
          return { kind: "if", test: args[0]!, then: { kind: "do", body: args.slice(1) } };
        case "do":
          return { kind: "do", body: args };
        case "let": {
          const vec = rest[0];
          if (vec === undefined || vec.t !== "vec") throw new Error("let needs a binding vector");
          const bindings: (readonly [string, Expr])[] = [];
          for (let i = 0; i < vec.items.length; i += 2) {
            const name = vec.items[i];
            if (name === undefined || name.t !== "sym") throw new Error("let binds symbols");
            bindings.push([name.name, toExpr(vec.items[i + 1]!)]);
          }
          return { kind: "let", bindings, body: args.slice(1) };
        }
        default:
          return { kind: "call", fn: head.name, args };
      }
    }
  }
}

/** Reads one expression: `read("(+ ?a 1)")`. */
export function read(text: string): Expr {
  const forms = readForms(tokenize(text));
  if (forms.length !== 1) throw new Error(`expected one form in ${text}`);
  return toExpr(forms[0]!);
}

/**
 * The syntax tree the grammar builds: EDN-like forms plus the rule structure (productions,
 * conditions, EAV vectors). It keeps every position and every hole index, so the same tree can be
 * turned into specs many times with different hole values (see template.ts), and errors found
 * after parsing still point at the source.
 *
 * The constructors below are the grammar's postprocessors. They never throw: nearley runs them on
 * partial parses too, so every check that can fail happens later, in build.ts and expr.ts.
 */
import type { Token } from "./lexer.js";
import type { Value } from "../eav/value.js";

/** Where a form starts: 1-based line and column, 0-based offset, and the token's text. */
export interface Pos {
  readonly line: number;
  readonly column: number;
  readonly offset: number;
  readonly text: string;
}

/** An EDN-like form: atoms, collections and template holes. */
export type Form =
  | { readonly kind: "symbol"; readonly name: string; readonly pos: Pos }
  | { readonly kind: "variable"; readonly name: string; readonly pos: Pos }
  /** `name` without the leading colon. */
  | { readonly kind: "keyword"; readonly name: string; readonly pos: Pos }
  | { readonly kind: "wildcard"; readonly pos: Pos }
  /** Strings, numbers, bigints, booleans, nil, `#inst`, `##NaN`: already their value. */
  | { readonly kind: "literal"; readonly value: Value; readonly pos: Pos }
  | { readonly kind: "hole"; readonly index: number; readonly pos: Pos }
  | { readonly kind: "list"; readonly items: readonly Form[]; readonly pos: Pos }
  | { readonly kind: "vector"; readonly items: readonly Form[]; readonly pos: Pos }
  | { readonly kind: "set"; readonly items: readonly Form[]; readonly pos: Pos }
  /** Items alternate key, value; an odd count is reported by the builder, not the grammar. */
  | { readonly kind: "map"; readonly items: readonly Form[]; readonly pos: Pos };

/** The inside of an EAV vector: `[e]`, `[e a]` or `[e a v]` (or clara-eav's `[[e a v]]`). */
export interface EavNode {
  readonly pos: Pos;
  readonly e: Form;
  readonly a?: Form;
  readonly v?: Form;
}

/** Boolean condition operators, as written (`:not` -> `"not"`). */
export type BoolOp = "not" | "and" | "or" | "exists";

/** A condition as written. */
export type CondNode =
  | { readonly kind: "pattern"; readonly pos: Pos; readonly bind?: Form; readonly eav: EavNode }
  | { readonly kind: "accumulate"; readonly pos: Pos; readonly bind: Form; readonly acc: Form; readonly from: EavNode }
  | { readonly kind: "bool"; readonly pos: Pos; readonly op: BoolOp; readonly children: readonly CondNode[] }
  | { readonly kind: "test"; readonly pos: Pos; readonly expr: Form };

/** A `(defrule ...)` or `(defquery ...)` form; `head` holds the name, docstring and property map. */
export type ProductionNode =
  | {
      readonly kind: "rule";
      readonly pos: Pos;
      readonly head: readonly Form[];
      readonly conditions: readonly CondNode[];
      readonly thenPos: Pos;
      readonly actions: readonly Form[];
    }
  | {
      readonly kind: "query";
      readonly pos: Pos;
      readonly head: readonly Form[];
      readonly params: Form;
      readonly conditions: readonly CondNode[];
    };

// ---------------------------------------------------------------- postprocessors

/** The position of a token. */
export function pos(t: Token): Pos {
  return { line: t.line, column: t.col, offset: t.offset, text: t.text };
}

/** An atom form from one token (symbol-like tokens keep their text as the name). */
export function atom(t: Token): Form {
  const p = pos(t);
  switch (t.type) {
    case "variable":
      return { kind: "variable", name: t.text, pos: p };
    case "keyword":
    case "kwNot":
    case "kwAnd":
    case "kwOr":
    case "kwExists":
    case "kwTest":
    case "kwFrom":
      return { kind: "keyword", name: t.text.slice(1), pos: p };
    case "wildcard":
      return { kind: "wildcard", pos: p };
    case "string":
      return { kind: "literal", value: unescape(t.text), pos: p };
    case "number":
      return { kind: "literal", value: Number(t.text), pos: p };
    case "bigint":
      return { kind: "literal", value: BigInt(t.text.slice(0, -1)), pos: p };
    case "special":
      return { kind: "literal", value: t.text === "##NaN" ? NaN : t.text === "##Inf" ? Infinity : -Infinity, pos: p };
    case "nilLit":
      return { kind: "literal", value: null, pos: p };
    case "trueLit":
      return { kind: "literal", value: true, pos: p };
    case "falseLit":
      return { kind: "literal", value: false, pos: p };
    case "hole":
      return { kind: "hole", index: Number(t.text.slice(2, -1)), pos: p };
    default:
      // symbol, defrule, defquery
      return { kind: "symbol", name: t.text, pos: p };
  }
}

/**
 * `#inst "2024-01-01T00:00:00Z"`. An unparseable date becomes an Invalid Date here and is
 * reported by the builder (postprocessors must not throw).
 */
export function inst(tag: Token, s: Token): Form {
  return { kind: "literal", value: new Date(unescape(s.text)), pos: pos(tag) };
}

/** A collection form from its opening token and items. */
export function coll(kind: "list" | "vector" | "set" | "map", open: Token, items: readonly Form[]): Form {
  return { kind, items, pos: pos(open) };
}

/** The inside of an EAV vector. */
export function eavNode(open: Token, e: Form, a: Form | null, v: Form | null): EavNode {
  const base = { pos: pos(open), e };
  if (a === null) return base;
  return v === null ? { ...base, a } : { ...base, a, v };
}

/** `[e a v]` or `[?x <- [e a v]]`. */
export function pattern(open: Token, eav: EavNode, bind: Token | null): CondNode {
  return bind === null ? { kind: "pattern", pos: pos(open), eav } : { kind: "pattern", pos: pos(open), eav, bind: atom(bind) };
}

/** `[?x <- acc :from [e a v]]`. */
export function accumulate(open: Token, bind: Token, acc: Form, from: EavNode): CondNode {
  return { kind: "accumulate", pos: pos(open), bind: atom(bind), acc, from };
}

/** `[:not ...]`, `[:and ...]`, `[:or ...]`, `[:exists ...]`. */
export function bool(open: Token, op: Token, children: readonly CondNode[]): CondNode {
  return { kind: "bool", pos: pos(open), op: op.text.slice(1) as BoolOp, children };
}

/** `[:test expr]`. */
export function test(open: Token, expr: Form): CondNode {
  return { kind: "test", pos: pos(open), expr };
}

/** `(defrule head... conditions... => actions...)`. */
export function rule(open: Token, head: readonly Form[], conditions: readonly CondNode[], then: Token, actions: readonly Form[]): ProductionNode {
  return { kind: "rule", pos: pos(open), head, conditions, thenPos: pos(then), actions };
}

/** `(defquery head... [params] conditions...)`. */
export function query(open: Token, head: readonly Form[], params: Form, conditions: readonly CondNode[]): ProductionNode {
  return { kind: "query", pos: pos(open), head, params, conditions };
}

// ---------------------------------------------------------------- strings

const ESCAPES: Readonly<Record<string, string>> = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };

/** The value of an EDN string token (the lexer only accepts valid escapes). */
function unescape(text: string): string {
  return text.slice(1, -1).replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_m, e: string) =>
    e.length === 5 ? String.fromCharCode(parseInt(e.slice(1), 16)) : (ESCAPES[e] ?? e),
  );
}

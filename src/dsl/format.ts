/**
 * Rule data -> rule text. For every spec the parser can produce, `parseRules(formatRules(specs))`
 * gives specs equal to `specs` apart from `source` (test/dsl/format.test.ts proves it on the golden
 * files and on generated specs).
 *
 * Not round-trippable, by design: functions and custom accumulators (from template holes) print as
 * `#<fn name>` / `#<accumulator>`, which the parser rejects, so such text cannot silently lose
 * them; literal arrays and objects inside expressions (only a hole or hand-built data makes them)
 * print as vector and map expressions, which evaluate to the same values. Specs the syntax cannot
 * express at all (a plain-object fact type with fields other than e/a/v, a keyword value in an
 * accumulator's arguments, names that are not symbols, ...) raise `dsl/unprintable`.
 */
import type { AccumulatorRef, Condition, Expr, PatternCondition, ProductionSpec, Salience, Term, Test } from "../rules/spec.js";
import { ALL } from "../eav/eav.js";
import { isKeyword } from "../eav/keyword.js";
import { isPlainObject } from "../eav/value.js";
import { EavError, assertNever } from "../errors.js";

// The lexer's name characters (lexer.ts).
const NAME = /^[\p{L}\p{N}*+!\-_?<>=&%./'#:]+$/u;
const SYMBOL = /^[\p{L}*+!\-_<>=&%./'][\p{L}\p{N}*+!\-_?<>=&%./'#:]*$/u;
const RESERVED_SYMBOLS = new Set(["_", "<-", "=>", "nil", "true", "false", "defrule", "defquery"]);
const CONDITION_KEYWORDS = new Set(["not", "and", "or", "exists", "test", "from"]);

/**
 * Prints productions as rule text, one form per production, separated by a blank line.
 * Pure. Throws `dsl/unprintable` for specs the syntax cannot express.
 * @example formatRules([query]) // "(defquery done []\n  [?e :todo/done true])\n"
 */
export function formatRules<C>(specs: readonly ProductionSpec<C>[]): string {
  return specs.map(formatProduction).join("\n");
}

/**
 * Prints one production (see {@link formatRules}). Pure.
 * @example formatProduction(parseRules("(defquery q [] [?e :a/b])")[0]) // "(defquery q []\n  [?e :a/b])\n"
 */
export function formatProduction<C>(spec: ProductionSpec<C>): string {
  const lines: string[] = [];
  const name = symbol(spec.name, `${spec.kind} name`);
  if (spec.kind === "query") {
    const params = `[${spec.params.map((p) => variable(p)).join(" ")}]`;
    if (spec.doc === undefined) lines.push(`(defquery ${name} ${params}`);
    else lines.push(`(defquery ${name}`, `  ${str(spec.doc)}`, `  ${params}`);
    for (const c of spec.conditions) lines.push(`  ${condition(c)}`);
  } else {
    lines.push(`(defrule ${name}`);
    if (spec.doc !== undefined) lines.push(`  ${str(spec.doc)}`);
    const props: string[] = [];
    if (spec.salience !== undefined) props.push(`:salience ${salience(spec.salience)}`);
    if (spec.noLoop !== undefined) props.push(`:no-loop ${spec.noLoop}`);
    if (props.length > 0) lines.push(`  {${props.join(" ")}}`);
    for (const c of spec.conditions) lines.push(`  ${condition(c)}`);
    lines.push("  =>");
    const action = spec.action;
    switch (action.kind) {
      case "fn":
        lines.push(`  ${fnPlaceholder(action.fn)}`);
        break;
      case "expr":
        for (const e of action.body) lines.push(`  ${expr(e)}`);
        break;
      default:
        assertNever(action, "action");
    }
  }
  const last = lines.length - 1;
  lines[last] = `${lines[last] ?? ""})`;
  return `${lines.join("\n")}\n`;
}

function unprintable(what: string, extra: Readonly<Record<string, unknown>> = {}): EavError<"dsl/unprintable"> {
  return new EavError("dsl/unprintable", `cannot print as rule text: ${what}`, extra);
}

function symbol(name: string, what: string): string {
  if (!SYMBOL.test(name) || RESERVED_SYMBOLS.has(name) || /^[-+]?\d/.test(name)) throw unprintable(`${what} ${JSON.stringify(name)} is not a symbol`, { name });
  return name;
}

function variable(name: string): string {
  if (!/^\?[\p{L}\p{N}*+!\-_?<>=&%./'#:]+$/u.test(name)) throw unprintable(`${JSON.stringify(name)} is not a variable (?name)`, { name });
  return name;
}

function keyword(name: string): string {
  if (!NAME.test(name)) throw unprintable(`keyword ${JSON.stringify(name)} has characters a keyword cannot have`, { name });
  return `:${name}`;
}

function str(s: string): string {
  // JSON's escapes (\" \\ \n \r \t \b \f \uXXXX) are all EDN string escapes the lexer accepts.
  return JSON.stringify(s);
}

function fnPlaceholder(fn: unknown): string {
  const name = typeof fn === "function" && fn.name !== "" ? ` ${fn.name}` : "";
  return `#<fn${name}>`;
}

// ---------------------------------------------------------------- values

/**
 * A value as an EDN-like literal the lexer reads back to an equal value. Pure; throws
 * `dsl/unprintable` for values the syntax has no literal for (functions, invalid dates, ...).
 * @example formatLiteral([kw("a/b"), 1n, "x"]) // '[:a/b 1N "x"]'
 */
export function formatLiteral(v: unknown): string {
  switch (typeof v) {
    case "string":
      return str(v);
    case "boolean":
      return String(v);
    case "bigint":
      return `${v}N`;
    case "number":
      if (Number.isNaN(v)) return "##NaN";
      if (v === Infinity) return "##Inf";
      if (v === -Infinity) return "##-Inf";
      if (Object.is(v, -0)) return "-0.0";
      return String(v);
    case "object":
      if (v === null) return "nil";
      if (isKeyword(v)) return keyword(v.name);
      if (v instanceof Date) {
        if (Number.isNaN(v.getTime())) throw unprintable("an invalid Date");
        return `#inst ${str(v.toISOString())}`;
      }
      if (Array.isArray(v)) return `[${v.map(formatLiteral).join(" ")}]`;
      if (isPlainObject(v)) return `{${Object.entries(v).map(([k, x]) => `${mapKey(k)} ${formatLiteral(x)}`).join(" ")}}`;
      break;
    default:
      break;
  }
  throw unprintable(`a value of type ${typeof v}`);
}

/** Map keys: attribute-like strings print as keywords (the parser reads keyword keys as strings). */
function mapKey(k: string): string {
  return NAME.test(k) ? `:${k}` : str(k);
}

// ---------------------------------------------------------------- conditions

function condition(c: Condition): string {
  switch (c.kind) {
    case "pattern":
      return pattern(c);
    case "accumulate":
      if (c.from.bind !== undefined) throw unprintable("an accumulator's :from pattern cannot bind the fact");
      return `[${variable(c.bind)} <- ${accumulator(c.accumulator)} :from ${pattern(c.from)}]`;
    case "not":
    case "exists": {
      const inner = c.condition;
      // [:not a b] reads as not(and(a, b)); a one-condition `and` must stay explicit.
      if (inner.kind === "and" && inner.conditions.length >= 2) return `[:${c.kind} ${inner.conditions.map(condition).join(" ")}]`;
      return `[:${c.kind} ${condition(inner)}]`;
    }
    case "and":
    case "or":
      if (c.conditions.length === 0) throw unprintable(`an empty :${c.kind}`);
      return `[:${c.kind} ${c.conditions.map(condition).join(" ")}]`;
    case "test":
      return `[:test ${test(c.test)}]`;
    default:
      return assertNever(c, "condition");
  }
}

function test(t: Test): string {
  switch (t.kind) {
    case "fn":
      return fnPlaceholder(t.fn);
    case "expr":
      return expr(t.expr);
    default:
      return assertNever(t, "test");
  }
}

/** The EAV vector of a pattern, following clara-eav's table backwards. */
function pattern(p: PatternCondition): string {
  const by = new Map<string, Term>();
  for (const f of p.fields) {
    if (f.field !== "e" && f.field !== "a" && f.field !== "v") throw unprintable(`field ${JSON.stringify(f.field)} (EAV patterns have e, a and v)`, { type: p.type });
    if (by.has(f.field)) throw unprintable(`two constraints on field ${f.field}`, { type: p.type });
    by.set(f.field, f.term);
  }
  const e = by.get("e");
  const a = by.get("a");
  const v = by.get("v");
  const parts = [e === undefined ? "_" : entityTerm(e)];
  if (p.type === ALL) {
    if (a !== undefined && a.kind === "const") throw unprintable("a constant attribute on an eav/all pattern (write the attribute as the pattern's type)");
    if (a !== undefined || v !== undefined) parts.push(a === undefined ? "_" : termText(a));
  } else {
    if (a !== undefined) throw unprintable(`an attribute constraint on a pattern of type ${p.type}`);
    parts.push(keyword(p.type));
  }
  if (v !== undefined) parts.push(termText(v));
  const body = `[${parts.join(" ")}]`;
  return p.bind === undefined ? body : `[${variable(p.bind)} <- ${body}]`;
}

function entityTerm(t: Term): string {
  if (t.kind === "const") {
    const ok = isKeyword(t.value) ? !CONDITION_KEYWORDS.has(t.value.name) : typeof t.value === "number" && Number.isSafeInteger(t.value) && t.value > 0;
    if (!ok) throw unprintable(`entity ${formatLiteral(t.value)} (a pattern's entity is a positive integer, a keyword or a variable)`);
  }
  return termText(t);
}

function termText(t: Term): string {
  switch (t.kind) {
    case "var":
      return variable(t.name);
    case "wildcard":
      return "_";
    case "const":
      return formatLiteral(t.value);
    default:
      return assertNever(t, "term");
  }
}

function accumulator(a: AccumulatorRef): string {
  switch (a.kind) {
    case "custom":
      return "#<accumulator>";
    case "named": {
      const name = symbol(a.name, "accumulator name");
      if (a.args.length === 0) return name;
      const args = a.args.map((x) => {
        if (isKeyword(x)) throw unprintable("a keyword accumulator argument (keyword arguments are read as field names, i.e. strings)");
        return typeof x === "string" && NAME.test(x) ? `:${x}` : formatLiteral(x);
      });
      return `(${name} ${args.join(" ")})`;
    }
    default:
      return assertNever(a, "accumulator");
  }
}

function salience(s: Salience): string {
  if (typeof s === "number") return formatLiteral(s);
  switch (s.kind) {
    case "fn":
      return fnPlaceholder(s.fn);
    case "expr":
      return expr(s.expr);
    default:
      return assertNever(s, "salience");
  }
}

// ---------------------------------------------------------------- expressions

/**
 * An expression as rule text. Pure.
 * @example formatExpr({ kind: "call", fn: ">", args: [{ kind: "var", name: "?t" }, { kind: "lit", value: 1 }] }) // "(> ?t 1)"
 */
export function formatExpr(e: Expr): string {
  return expr(e);
}

function expr(e: Expr): string {
  switch (e.kind) {
    case "lit":
      return formatLiteral(e.value);
    case "var":
      return variable(e.name);
    case "call": {
      const head = typeof e.fn === "string" ? symbol(e.fn, "function name") : fnPlaceholder(e.fn);
      return list([head, ...e.args.map(expr)]);
    }
    case "vector":
      return `[${e.items.map(expr).join(" ")}]`;
    case "set":
      return `#{${e.items.map(expr).join(" ")}}`;
    case "map":
      return `{${e.entries.map(([k, v]) => `${exprKey(k)} ${expr(v)}`).join(" ")}}`;
    case "and":
    case "or":
      return list([e.kind, ...e.args.map(expr)]);
    case "if":
      return list(["if", expr(e.test), expr(e.then), ...(e.else === undefined ? [] : [expr(e.else)])]);
    case "let":
      return list(["let", `[${e.bindings.map(([n, x]) => `${variable(n)} ${expr(x)}`).join(" ")}]`, ...e.body.map(expr)]);
    case "do":
      return list(["do", ...e.body.map(expr)]);
    default:
      return assertNever(e, "expression");
  }
}

function list(items: readonly string[]): string {
  return `(${items.join(" ")})`;
}

/** Map keys in expressions are strings (the parser reads `:k` as "k"; the runtime builds plain objects). */
function exprKey(k: Expr): string {
  if (k.kind === "lit" && typeof k.value === "string") return mapKey(k.value);
  throw unprintable("a map key that is not a string (maps in expressions are entity maps: plain objects)");
}

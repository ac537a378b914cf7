/**
 * Runs the nearley parser over a source text and returns the syntax tree. The only module that
 * imports the generated grammar. Syntax errors are turned into `dsl/syntax` errors that say what
 * the parser expected (read from nearley's parse table), and an ambiguous parse is an error.
 */
import nearley from "nearley";
import grammar from "./grammar.generated.js";
import type { Pos, ProductionNode } from "./ast.js";
import type { Token } from "./lexer.js";
import { describeTokenType, lexer } from "./lexer.js";
import { EavError } from "../errors.js";
import { type Source, excerpt, locatedError, shorten, where } from "./source.js";

// The generated grammar declares its own structural types; nearley's typings describe the same shape.
const compiled = nearley.Grammar.fromCompiled(grammar as unknown as nearley.CompiledRules);

/**
 * Parses `src` into productions. Pure. Throws `dsl/syntax` (with line, column, the offending text
 * and the expected token kinds) or `dsl/ambiguous` (never expected: it means the grammar is wrong).
 */
export function parseSource(src: Source): readonly ProductionNode[] {
  const parser = new nearley.Parser(compiled);
  try {
    parser.feed(src.text);
  } catch (e) {
    const token = (e as { token?: Token }).token;
    if (token === undefined) throw e;
    throw syntaxError(src, token, expectedAt(parser, "failed", src.template));
  }
  const results = parser.results as unknown[];
  if (results.length === 0) throw endOfInputError(src, expectedAt(parser, "end", src.template));
  if (results.length > 1) {
    throw new EavError(
      "dsl/ambiguous",
      `${where(src, 1, 1)}: the text has ${results.length} parses; the grammar must give exactly one (this is a bug in grammar.ne)`,
      { parses: results.length, ...(src.file === undefined ? {} : { file: src.file }) },
    );
  }
  return results[0] as readonly ProductionNode[];
}

// ---------------------------------------------------------------- what was expected

/** The parts of nearley's parse table we read (not in its typings). */
interface TableView {
  readonly table: readonly (Column | undefined)[];
  readonly current: number;
}
interface Column {
  readonly states: readonly { readonly rule: { readonly symbols: readonly unknown[] }; readonly dot: number }[];
}

/**
 * The token kinds the parser could have accepted, in plain words. After a failed `feed`, nearley
 * has pushed an empty column for the bad token, so the states that were waiting are in the one
 * before it; at the end of input they are in the last column.
 */
function expectedAt(parser: nearley.Parser, when: "failed" | "end", template: boolean): string[] {
  const view = parser as unknown as TableView;
  const column = when === "failed" ? view.table[view.table.length - 2] : view.table[view.current];
  const types = new Set<string>();
  for (const state of column?.states ?? []) {
    const next = state.rule.symbols[state.dot];
    if (typeof next === "object" && next !== null && "type" in next && typeof next.type === "string") types.add(next.type);
  }
  // Holes exist only in templates: a rule file's reader should not be told to write one.
  if (!template) types.delete("hole");
  return summarise([...types]);
}

/** Token kinds that start a value: when all of them are expected, say "a value" once. */
const VALUE_TYPES = ["symbol", "variable", "keyword", "string", "number", "bigint", "nilLit", "trueLit", "falseLit"];
const CONDITION_KEYWORD_TYPES = ["kwNot", "kwAnd", "kwOr", "kwExists", "kwTest", "kwFrom"];
const MINOR_TYPES = ["special", "inst", "defrule", "defquery", "wildcard"];

function summarise(types: string[]): string[] {
  let rest = types;
  const words: string[] = [];
  if (VALUE_TYPES.every((t) => rest.includes(t))) {
    // A generic form is expected: the keyword-named and rare atoms are noise here.
    rest = rest.filter((t) => !VALUE_TYPES.includes(t) && !MINOR_TYPES.includes(t) && !CONDITION_KEYWORD_TYPES.includes(t) && t !== "hole");
    words.push("a value (symbol, variable, keyword, string, number, ...)");
  }
  const order = ["lbracket", "lparen", "lbrace", "hashbrace", "then", "arrow", "rbracket", "rparen", "rbrace"];
  rest.sort((a, b) => rank(order, a) - rank(order, b) || a.localeCompare(b));
  return [...rest.map(describeTokenType), ...words];
}

function rank(order: readonly string[], t: string): number {
  const i = order.indexOf(t);
  return i < 0 ? order.length : i;
}

function orList(words: readonly string[]): string {
  if (words.length <= 1) return words[0] ?? "nothing more";
  return `${words.slice(0, -1).join(", ")} or ${words[words.length - 1] ?? ""}`;
}

// ---------------------------------------------------------------- errors

function syntaxError(src: Source, token: Token, expected: string[]): EavError<"dsl/syntax"> {
  // moo's error token runs to the end of the input: show only the first word of it.
  const text = token.type === "error" ? (/^"|^[^\s,()[\]{}";]+/.exec(token.text)?.[0] ?? token.text.slice(0, 1)) : token.text;
  const at: Pos = { line: token.line, column: token.col, offset: token.offset, text: shorten(text) };
  let what: string;
  if (token.type === "error") {
    what = text === '"'
      ? "unterminated string or invalid escape (strings allow \\\" \\\\ \\n \\t \\r \\b \\f \\/ \\uXXXX)"
      : `unrecognised text ${JSON.stringify(at.text)}`;
  } else {
    what = `unexpected ${JSON.stringify(at.text)}`;
  }
  return locatedError("dsl/syntax", src, at, `${what}; expected ${orList(expected)}`, { expected });
}

function endOfInputError(src: Source, expected: string[]): EavError<"dsl/syntax"> {
  // Point just after the last token, not at trailing blank lines.
  const body = src.text.replace(/\s+$/, "");
  const lines = body.split("\n");
  const line = lines.length;
  const column = (lines[line - 1] ?? "").length + 1;
  const open = unclosed(src.text);
  const hint = open === undefined ? "" : `; the "${open.text}" at line ${open.line}, column ${open.col} is never closed`;
  const what = `unexpected end of input${hint}; expected ${orList(expected)}`;
  return new EavError("dsl/syntax", `${where(src, line, column)}: ${what}\n${excerpt(src.text, line, column)}`, {
    line,
    column,
    text: "",
    expected,
    ...(src.file === undefined ? {} : { file: src.file }),
  });
}

const OPENERS = new Set(["lparen", "lbracket", "lbrace", "hashbrace"]);
const CLOSERS = new Set(["rparen", "rbracket", "rbrace"]);

/** The innermost bracket left open at the end of `text` (the text has no lexical errors here). */
function unclosed(text: string): Token | undefined {
  const stack: Token[] = [];
  lexer.reset(text);
  for (let t = lexer.next(); t !== undefined; t = lexer.next()) {
    if (OPENERS.has(t.type ?? "")) stack.push(t);
    else if (CLOSERS.has(t.type ?? "")) stack.pop();
  }
  return stack[stack.length - 1];
}

/**
 * The moo lexer of the rule language (EDN-like, as clara-eav writes rules). Whitespace, commas and
 * `;` comments are skipped here, so the grammar never sees them and cannot be ambiguous about them.
 *
 * Token types are what the grammar matches with `%type`. Symbols and keywords that play a role in
 * the grammar (`defrule`, `<-`, `=>`, `:not`, `:from`, ...) get their own type through
 * `moo.keywords`, so a misplaced one is reported by name ("expected `=>`").
 */
import moo from "moo";

/** Keywords (the `:word` tokens) that open or separate conditions. */
const CONDITION_KEYWORDS = {
  kwNot: ":not",
  kwAnd: ":and",
  kwOr: ":or",
  kwExists: ":exists",
  kwTest: ":test",
  kwFrom: ":from",
};

/**
 * Symbols with a grammatical role. clara-eav code writes `er/defrule` or `eav.rules/defrule`;
 * those spellings are accepted so rules can be pasted from Clojure with little editing.
 */
const SYMBOL_KEYWORDS = {
  defrule: ["defrule", "er/defrule", "eav.rules/defrule", "clara-eav.rules/defrule"],
  defquery: ["defquery", "er/defquery", "eav.rules/defquery", "clara-eav.rules/defquery"],
  wildcard: "_",
  arrow: "<-",
  then: "=>",
  nilLit: "nil",
  trueLit: "true",
  falseLit: "false",
};

// Characters allowed inside symbols, keywords and variables: EDN's, with any Unicode letter or
// digit (`:person/prénom`). Every regex carries the `u` flag (moo wants all or none).
const NAME_CHARS = "[\\p{L}\\p{N}*+!\\-_?<>=&%.\\/'#:]";
// A number must not run into a name character: `1abc` is an error, not `1` followed by `abc`.
const NOT_NAME = "(?![\\p{L}\\p{N}*+!\\-_?<>=&%.\\/'#:])";

const mooLexer = moo.compile({
  ws: /[ \t\r\f,\uFEFF]+/u,
  nl: { match: /\n/u, lineBreaks: true },
  comment: /;[^\n]*/u,
  // `${0}`: the placeholder of a tagged template's hole (see template.ts for the position rule).
  hole: /\$\{\d+\}/u,
  lparen: "(",
  rparen: ")",
  lbracket: "[",
  rbracket: "]",
  hashbrace: "#{",
  lbrace: "{",
  rbrace: "}",
  inst: "#inst",
  special: ["##NaN", "##Inf", "##-Inf"],
  string: { match: /"(?:\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})|[^"\\])*"/u, lineBreaks: true },
  bigint: new RegExp(`[-+]?\\d+N${NOT_NAME}`, "u"),
  number: new RegExp(`[-+]?\\d+(?:\\.\\d+)?(?:[eE][-+]?\\d+)?${NOT_NAME}`, "u"),
  keyword: { match: new RegExp(`:${NAME_CHARS}+`, "u"), type: moo.keywords(CONDITION_KEYWORDS) },
  variable: new RegExp(`\\?${NAME_CHARS}+`, "u"),
  symbol: { match: new RegExp(`[\\p{L}*+!\\-_<>=&%.\\/'][\\p{L}\\p{N}*+!\\-_?<>=&%.\\/'#:]*`, "u"), type: moo.keywords(SYMBOL_KEYWORDS) },
  error: moo.error,
});

/** A token as the parser sees it (moo's token: `type`, `text`, `line`, `col`, `offset`). */
export type Token = moo.Token;

/** Token types that carry no meaning for the parser. */
const SKIPPED = new Set(["ws", "nl", "comment"]);

/**
 * The lexer handed to nearley: moo with whitespace and comments filtered out. nearley drives it
 * synchronously (`reset` then `next` until `undefined`), so one shared instance is safe.
 */
export const lexer = {
  reset(chunk: string, state?: moo.LexerState): void {
    mooLexer.reset(chunk, state);
  },
  next(): Token | undefined {
    for (;;) {
      const t = mooLexer.next();
      if (t === undefined || t.type === undefined || !SKIPPED.has(t.type)) return t;
    }
  },
  save(): moo.LexerState {
    return mooLexer.save();
  },
  formatError(token: Token, message?: string): string {
    return mooLexer.formatError(token, message);
  },
  has(tokenType: string): boolean {
    return tokenType in WORDS;
  },
};

/**
 * Every token type in plain words, for "expected ..." messages. The keys double as the list of
 * types the grammar may name (`lexer.has`).
 */
const WORDS: Readonly<Record<string, string>> = {
  hole: "a template hole ${...}",
  lparen: '"("',
  rparen: '")"',
  lbracket: '"["',
  rbracket: '"]"',
  hashbrace: '"#{"',
  lbrace: '"{"',
  rbrace: '"}"',
  inst: '"#inst"',
  special: "##NaN or ##Inf",
  string: "a string",
  bigint: "a big integer",
  number: "a number",
  keyword: "a keyword",
  kwNot: '":not"',
  kwAnd: '":and"',
  kwOr: '":or"',
  kwExists: '":exists"',
  kwTest: '":test"',
  kwFrom: '":from"',
  variable: "a variable (?x)",
  symbol: "a symbol",
  defrule: '"defrule"',
  defquery: '"defquery"',
  wildcard: '"_"',
  arrow: '"<-"',
  then: '"=>"',
  nilLit: '"nil"',
  trueLit: '"true"',
  falseLit: '"false"',
  error: "unrecognised text",
};

/** The plain-words description of a token type (`"lbracket"` -> `'"["'`). */
export function describeTokenType(type: string): string {
  return WORDS[type] ?? type;
}

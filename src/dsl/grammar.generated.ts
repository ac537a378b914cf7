// GENERATED from src/dsl/grammar.ne by scripts/build-grammar.mjs: do not edit; run `npm run grammar`.
// The one file where `any` may live (it is excluded from lint); imported only by src/dsl/parse.ts.
// Generated automatically by nearley, version 2.20.1
// http://github.com/Hardmath123/nearley
// Bypasses TS6133. Allow declared but unused functions.
// @ts-ignore
function id(d: any[]): any { return d[0]; }
declare var lparen: any;
declare var defrule: any;
declare var then: any;
declare var rparen: any;
declare var defquery: any;
declare var lbracket: any;
declare var variable: any;
declare var arrow: any;
declare var rbracket: any;
declare var kwFrom: any;
declare var kwTest: any;
declare var kwNot: any;
declare var kwAnd: any;
declare var kwOr: any;
declare var kwExists: any;
declare var wildcard: any;
declare var keyword: any;
declare var number: any;
declare var bigint: any;
declare var hole: any;
declare var symbol: any;
declare var lbrace: any;
declare var rbrace: any;
declare var hashbrace: any;
declare var string: any;
declare var special: any;
declare var nilLit: any;
declare var trueLit: any;
declare var falseLit: any;
declare var inst: any;

import { lexer } from "./lexer.js";
import * as ast from "./ast.js";

interface NearleyToken {
  value: any;
  [key: string]: any;
};

interface NearleyLexer {
  reset: (chunk: string, info: any) => void;
  next: () => NearleyToken | undefined;
  save: () => any;
  formatError: (token: never) => string;
  has: (tokenType: string) => boolean;
};

interface NearleyRule {
  name: string;
  symbols: NearleySymbol[];
  postprocess?: (d: any[], loc?: number, reject?: {}) => any;
};

type NearleySymbol = string | { literal: any } | { test: (token: any) => boolean };

interface Grammar {
  Lexer: NearleyLexer | undefined;
  ParserRules: NearleyRule[];
  ParserStart: string;
};

const grammar: Grammar = {
  Lexer: lexer,
  ParserRules: [
    {"name": "file$ebnf$1", "symbols": []},
    {"name": "file$ebnf$1", "symbols": ["file$ebnf$1", "production"], "postprocess": (d) => d[0].concat([d[1]])},
    {"name": "file", "symbols": ["file$ebnf$1"], "postprocess": id},
    {"name": "production$ebnf$1", "symbols": []},
    {"name": "production$ebnf$1", "symbols": ["production$ebnf$1", "headItem"], "postprocess": (d) => d[0].concat([d[1]])},
    {"name": "production$ebnf$2", "symbols": []},
    {"name": "production$ebnf$2", "symbols": ["production$ebnf$2", "condition"], "postprocess": (d) => d[0].concat([d[1]])},
    {"name": "production$ebnf$3", "symbols": ["form"]},
    {"name": "production$ebnf$3", "symbols": ["production$ebnf$3", "form"], "postprocess": (d) => d[0].concat([d[1]])},
    {"name": "production", "symbols": [(lexer.has("lparen") ? {type: "lparen"} : lparen), (lexer.has("defrule") ? {type: "defrule"} : defrule), "production$ebnf$1", "production$ebnf$2", (lexer.has("then") ? {type: "then"} : then), "production$ebnf$3", (lexer.has("rparen") ? {type: "rparen"} : rparen)], "postprocess": (d) => ast.rule(d[0], d[2], d[3], d[4], d[5])},
    {"name": "production$ebnf$4", "symbols": []},
    {"name": "production$ebnf$4", "symbols": ["production$ebnf$4", "headItem"], "postprocess": (d) => d[0].concat([d[1]])},
    {"name": "production$ebnf$5", "symbols": []},
    {"name": "production$ebnf$5", "symbols": ["production$ebnf$5", "condition"], "postprocess": (d) => d[0].concat([d[1]])},
    {"name": "production", "symbols": [(lexer.has("lparen") ? {type: "lparen"} : lparen), (lexer.has("defquery") ? {type: "defquery"} : defquery), "production$ebnf$4", "vector", "production$ebnf$5", (lexer.has("rparen") ? {type: "rparen"} : rparen)], "postprocess": (d) => ast.query(d[0], d[2], d[3], d[4])},
    {"name": "condition", "symbols": ["eavVector"], "postprocess": (d) => ast.pattern(d[0][0], d[0][1], null)},
    {"name": "condition", "symbols": [(lexer.has("lbracket") ? {type: "lbracket"} : lbracket), (lexer.has("variable") ? {type: "variable"} : variable), (lexer.has("arrow") ? {type: "arrow"} : arrow), "eavVector", (lexer.has("rbracket") ? {type: "rbracket"} : rbracket)], "postprocess": (d) => ast.pattern(d[0], d[3][1], d[1])},
    {"name": "condition", "symbols": [(lexer.has("lbracket") ? {type: "lbracket"} : lbracket), (lexer.has("variable") ? {type: "variable"} : variable), (lexer.has("arrow") ? {type: "arrow"} : arrow), "accumulator", (lexer.has("kwFrom") ? {type: "kwFrom"} : kwFrom), "eavVector", (lexer.has("rbracket") ? {type: "rbracket"} : rbracket)], "postprocess": (d) => ast.accumulate(d[0], d[1], d[3], d[5][1])},
    {"name": "condition$ebnf$1", "symbols": ["condition"]},
    {"name": "condition$ebnf$1", "symbols": ["condition$ebnf$1", "condition"], "postprocess": (d) => d[0].concat([d[1]])},
    {"name": "condition", "symbols": [(lexer.has("lbracket") ? {type: "lbracket"} : lbracket), "boolOp", "condition$ebnf$1", (lexer.has("rbracket") ? {type: "rbracket"} : rbracket)], "postprocess": (d) => ast.bool(d[0], d[1], d[2])},
    {"name": "condition", "symbols": [(lexer.has("lbracket") ? {type: "lbracket"} : lbracket), (lexer.has("kwTest") ? {type: "kwTest"} : kwTest), "form", (lexer.has("rbracket") ? {type: "rbracket"} : rbracket)], "postprocess": (d) => ast.test(d[0], d[2])},
    {"name": "boolOp", "symbols": [(lexer.has("kwNot") ? {type: "kwNot"} : kwNot)], "postprocess": id},
    {"name": "boolOp", "symbols": [(lexer.has("kwAnd") ? {type: "kwAnd"} : kwAnd)], "postprocess": id},
    {"name": "boolOp", "symbols": [(lexer.has("kwOr") ? {type: "kwOr"} : kwOr)], "postprocess": id},
    {"name": "boolOp", "symbols": [(lexer.has("kwExists") ? {type: "kwExists"} : kwExists)], "postprocess": id},
    {"name": "eavVector", "symbols": [(lexer.has("lbracket") ? {type: "lbracket"} : lbracket), "eavBody", (lexer.has("rbracket") ? {type: "rbracket"} : rbracket)], "postprocess": (d) => [d[0], ast.eavNode(d[0], d[1][0], d[1][1], d[1][2])]},
    {"name": "eavVector", "symbols": [(lexer.has("lbracket") ? {type: "lbracket"} : lbracket), (lexer.has("lbracket") ? {type: "lbracket"} : lbracket), "eavBody", (lexer.has("rbracket") ? {type: "rbracket"} : rbracket), (lexer.has("rbracket") ? {type: "rbracket"} : rbracket)], "postprocess": (d) => [d[0], ast.eavNode(d[0], d[2][0], d[2][1], d[2][2])]},
    {"name": "eavBody", "symbols": ["entityTerm"], "postprocess": (d) => [d[0], null, null]},
    {"name": "eavBody", "symbols": ["entityTerm", "attributeTerm"], "postprocess": (d) => [d[0], d[1], null]},
    {"name": "eavBody", "symbols": ["entityTerm", "attributeTerm", "form"], "postprocess": (d) => [d[0], d[1], d[2]]},
    {"name": "entityTerm$subexpression$1", "symbols": [(lexer.has("variable") ? {type: "variable"} : variable)]},
    {"name": "entityTerm$subexpression$1", "symbols": [(lexer.has("wildcard") ? {type: "wildcard"} : wildcard)]},
    {"name": "entityTerm$subexpression$1", "symbols": [(lexer.has("keyword") ? {type: "keyword"} : keyword)]},
    {"name": "entityTerm$subexpression$1", "symbols": [(lexer.has("number") ? {type: "number"} : number)]},
    {"name": "entityTerm$subexpression$1", "symbols": [(lexer.has("bigint") ? {type: "bigint"} : bigint)]},
    {"name": "entityTerm$subexpression$1", "symbols": [(lexer.has("hole") ? {type: "hole"} : hole)]},
    {"name": "entityTerm", "symbols": ["entityTerm$subexpression$1"], "postprocess": (d) => ast.atom(d[0][0])},
    {"name": "attributeTerm$subexpression$1", "symbols": [(lexer.has("keyword") ? {type: "keyword"} : keyword)]},
    {"name": "attributeTerm$subexpression$1", "symbols": [(lexer.has("variable") ? {type: "variable"} : variable)]},
    {"name": "attributeTerm$subexpression$1", "symbols": [(lexer.has("wildcard") ? {type: "wildcard"} : wildcard)]},
    {"name": "attributeTerm$subexpression$1", "symbols": [(lexer.has("hole") ? {type: "hole"} : hole)]},
    {"name": "attributeTerm", "symbols": ["attributeTerm$subexpression$1"], "postprocess": (d) => ast.atom(d[0][0])},
    {"name": "accumulator", "symbols": [(lexer.has("symbol") ? {type: "symbol"} : symbol)], "postprocess": (d) => ast.atom(d[0])},
    {"name": "accumulator", "symbols": [(lexer.has("hole") ? {type: "hole"} : hole)], "postprocess": (d) => ast.atom(d[0])},
    {"name": "accumulator", "symbols": ["list"], "postprocess": id},
    {"name": "headItem", "symbols": ["nonVector"], "postprocess": id},
    {"name": "form", "symbols": ["nonVector"], "postprocess": id},
    {"name": "form", "symbols": ["vector"], "postprocess": id},
    {"name": "nonVector", "symbols": ["atom"], "postprocess": id},
    {"name": "nonVector", "symbols": ["list"], "postprocess": id},
    {"name": "nonVector$ebnf$1", "symbols": []},
    {"name": "nonVector$ebnf$1", "symbols": ["nonVector$ebnf$1", "form"], "postprocess": (d) => d[0].concat([d[1]])},
    {"name": "nonVector", "symbols": [(lexer.has("lbrace") ? {type: "lbrace"} : lbrace), "nonVector$ebnf$1", (lexer.has("rbrace") ? {type: "rbrace"} : rbrace)], "postprocess": (d) => ast.coll("map", d[0], d[1])},
    {"name": "nonVector$ebnf$2", "symbols": []},
    {"name": "nonVector$ebnf$2", "symbols": ["nonVector$ebnf$2", "form"], "postprocess": (d) => d[0].concat([d[1]])},
    {"name": "nonVector", "symbols": [(lexer.has("hashbrace") ? {type: "hashbrace"} : hashbrace), "nonVector$ebnf$2", (lexer.has("rbrace") ? {type: "rbrace"} : rbrace)], "postprocess": (d) => ast.coll("set", d[0], d[1])},
    {"name": "list$ebnf$1", "symbols": []},
    {"name": "list$ebnf$1", "symbols": ["list$ebnf$1", "form"], "postprocess": (d) => d[0].concat([d[1]])},
    {"name": "list", "symbols": [(lexer.has("lparen") ? {type: "lparen"} : lparen), "list$ebnf$1", (lexer.has("rparen") ? {type: "rparen"} : rparen)], "postprocess": (d) => ast.coll("list", d[0], d[1])},
    {"name": "vector$ebnf$1", "symbols": []},
    {"name": "vector$ebnf$1", "symbols": ["vector$ebnf$1", "form"], "postprocess": (d) => d[0].concat([d[1]])},
    {"name": "vector", "symbols": [(lexer.has("lbracket") ? {type: "lbracket"} : lbracket), "vector$ebnf$1", (lexer.has("rbracket") ? {type: "rbracket"} : rbracket)], "postprocess": (d) => ast.coll("vector", d[0], d[1])},
    {"name": "atom$subexpression$1", "symbols": [(lexer.has("symbol") ? {type: "symbol"} : symbol)]},
    {"name": "atom$subexpression$1", "symbols": [(lexer.has("variable") ? {type: "variable"} : variable)]},
    {"name": "atom$subexpression$1", "symbols": [(lexer.has("keyword") ? {type: "keyword"} : keyword)]},
    {"name": "atom$subexpression$1", "symbols": [(lexer.has("wildcard") ? {type: "wildcard"} : wildcard)]},
    {"name": "atom$subexpression$1", "symbols": [(lexer.has("string") ? {type: "string"} : string)]},
    {"name": "atom$subexpression$1", "symbols": [(lexer.has("number") ? {type: "number"} : number)]},
    {"name": "atom$subexpression$1", "symbols": [(lexer.has("bigint") ? {type: "bigint"} : bigint)]},
    {"name": "atom$subexpression$1", "symbols": [(lexer.has("special") ? {type: "special"} : special)]},
    {"name": "atom$subexpression$1", "symbols": [(lexer.has("nilLit") ? {type: "nilLit"} : nilLit)]},
    {"name": "atom$subexpression$1", "symbols": [(lexer.has("trueLit") ? {type: "trueLit"} : trueLit)]},
    {"name": "atom$subexpression$1", "symbols": [(lexer.has("falseLit") ? {type: "falseLit"} : falseLit)]},
    {"name": "atom$subexpression$1", "symbols": [(lexer.has("hole") ? {type: "hole"} : hole)]},
    {"name": "atom$subexpression$1", "symbols": [(lexer.has("defrule") ? {type: "defrule"} : defrule)]},
    {"name": "atom$subexpression$1", "symbols": [(lexer.has("defquery") ? {type: "defquery"} : defquery)]},
    {"name": "atom$subexpression$1", "symbols": [(lexer.has("kwNot") ? {type: "kwNot"} : kwNot)]},
    {"name": "atom$subexpression$1", "symbols": [(lexer.has("kwAnd") ? {type: "kwAnd"} : kwAnd)]},
    {"name": "atom$subexpression$1", "symbols": [(lexer.has("kwOr") ? {type: "kwOr"} : kwOr)]},
    {"name": "atom$subexpression$1", "symbols": [(lexer.has("kwExists") ? {type: "kwExists"} : kwExists)]},
    {"name": "atom$subexpression$1", "symbols": [(lexer.has("kwTest") ? {type: "kwTest"} : kwTest)]},
    {"name": "atom$subexpression$1", "symbols": [(lexer.has("kwFrom") ? {type: "kwFrom"} : kwFrom)]},
    {"name": "atom", "symbols": ["atom$subexpression$1"], "postprocess": (d) => ast.atom(d[0][0])},
    {"name": "atom", "symbols": [(lexer.has("inst") ? {type: "inst"} : inst), (lexer.has("string") ? {type: "string"} : string)], "postprocess": (d) => ast.inst(d[0], d[1])}
  ],
  ParserStart: "file",
};

export default grammar;

# The rule language's grammar (clara-eav's EDN-like syntax). Compiled by `npm run grammar`
# (scripts/build-grammar.mjs) into grammar.generated.ts; `npm run grammar:check` fails when the
# generated file is stale.
#
# Unambiguous by construction, and parse.ts asserts exactly one parse for every input:
# - whitespace, commas and comments never reach the parser (the lexer drops them);
# - lists use nearley's `:*`/`:+`, which expand to left-recursive rules with one derivation each;
# - a rule's head items (name, docstring, property map) are never vectors and every condition is
#   a vector, so the head ends exactly where the first condition starts; a query's parameter
#   vector is the first vector after `defquery`;
# - inside `[...]` the first token decides the condition: `:not`/`:and`/`:or`/`:exists`, `:test`,
#   a variable followed by `<-`, or an entity term (never one of those keywords);
# - `=>` and `<-` are not forms, so they cannot be swallowed by a head item or an expression.
# Postprocessors only build the tree (ast.ts); every check that can fail happens after parsing.

@preprocessor typescript

@{%
import { lexer } from "./lexer.js";
import * as ast from "./ast.js";
%}

@lexer lexer

file -> production:*                                                   {% id %}

production ->
    %lparen %defrule headItem:* condition:* %then form:+ %rparen       {% (d) => ast.rule(d[0], d[2], d[3], d[4], d[5]) %}
  | %lparen %defquery headItem:* vector condition:* %rparen            {% (d) => ast.query(d[0], d[2], d[3], d[4]) %}

# ------------------------------------------------------------------ conditions

condition ->
    eavVector                                                          {% (d) => ast.pattern(d[0][0], d[0][1], null) %}
  | %lbracket %variable %arrow eavVector %rbracket                     {% (d) => ast.pattern(d[0], d[3][1], d[1]) %}
  | %lbracket %variable %arrow accumulator %kwFrom eavVector %rbracket {% (d) => ast.accumulate(d[0], d[1], d[3], d[5][1]) %}
  | %lbracket boolOp condition:+ %rbracket                             {% (d) => ast.bool(d[0], d[1], d[2]) %}
  | %lbracket %kwTest form %rbracket                                   {% (d) => ast.test(d[0], d[2]) %}

boolOp -> %kwNot {% id %} | %kwAnd {% id %} | %kwOr {% id %} | %kwExists {% id %}

# [e a v], or clara-eav's doubled [[e a v]]; yields [openToken, EavNode].
eavVector ->
    %lbracket eavBody %rbracket                                        {% (d) => [d[0], ast.eavNode(d[0], d[1][0], d[1][1], d[1][2])] %}
  | %lbracket %lbracket eavBody %rbracket %rbracket                    {% (d) => [d[0], ast.eavNode(d[0], d[2][0], d[2][1], d[2][2])] %}

eavBody ->
    entityTerm                                                         {% (d) => [d[0], null, null] %}
  | entityTerm attributeTerm                                           {% (d) => [d[0], d[1], null] %}
  | entityTerm attributeTerm form                                      {% (d) => [d[0], d[1], d[2]] %}

entityTerm -> (%variable | %wildcard | %keyword | %number | %bigint | %hole)      {% (d) => ast.atom(d[0][0]) %}
attributeTerm -> (%keyword | %variable | %wildcard | %hole)                    {% (d) => ast.atom(d[0][0]) %}

accumulator ->
    %symbol                                                            {% (d) => ast.atom(d[0]) %}
  | %hole                                                              {% (d) => ast.atom(d[0]) %}
  | list                                                               {% id %}

# ------------------------------------------------------------------ forms

headItem -> nonVector                                                  {% id %}

form -> nonVector {% id %} | vector {% id %}

nonVector ->
    atom                                                               {% id %}
  | list                                                               {% id %}
  | %lbrace form:* %rbrace                                             {% (d) => ast.coll("map", d[0], d[1]) %}
  | %hashbrace form:* %rbrace                                          {% (d) => ast.coll("set", d[0], d[1]) %}

list -> %lparen form:* %rparen                                         {% (d) => ast.coll("list", d[0], d[1]) %}
vector -> %lbracket form:* %rbracket                                   {% (d) => ast.coll("vector", d[0], d[1]) %}

atom ->
    (%symbol | %variable | %keyword | %wildcard | %string | %number | %bigint | %special
    | %nilLit | %trueLit | %falseLit | %hole | %defrule | %defquery
    | %kwNot | %kwAnd | %kwOr | %kwExists | %kwTest | %kwFrom)       {% (d) => ast.atom(d[0][0]) %}
  | %inst %string                                                      {% (d) => ast.inst(d[0], d[1]) %}

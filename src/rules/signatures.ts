/**
 * The names and arities of the expression language's built-in functions, as plain data. The DSL
 * checks calls against this table (unknown function, wrong arity) without importing the runtime;
 * the runtime (`functions.ts`) implements exactly these names. `max: undefined` means variadic.
 * `effect: true` marks actions, which are only allowed in a rule's right-hand side.
 */
export interface FunctionSignature {
  readonly min: number;
  readonly max?: number;
  readonly effect?: boolean;
  readonly doc: string;
}

export const BUILTIN_SIGNATURES: Readonly<Record<string, FunctionSignature>> = {
  // comparison
  "=": { min: 1, doc: "value equality of all arguments" },
  "not=": { min: 1, doc: "not all arguments equal" },
  "<": { min: 1, doc: "strictly increasing numbers, strings or dates" },
  ">": { min: 1, doc: "strictly decreasing" },
  "<=": { min: 1, doc: "non-decreasing" },
  ">=": { min: 1, doc: "non-increasing" },
  compare: { min: 2, max: 2, doc: "-1, 0 or 1" },
  // arithmetic
  "+": { min: 0, doc: "sum" },
  "-": { min: 1, doc: "difference, or negation of one argument" },
  "*": { min: 0, doc: "product" },
  "/": { min: 1, doc: "quotient (division by zero is an error)" },
  mod: { min: 2, max: 2, doc: "modulus with the sign of the divisor" },
  rem: { min: 2, max: 2, doc: "remainder with the sign of the dividend" },
  quot: { min: 2, max: 2, doc: "integer quotient, truncated" },
  inc: { min: 1, max: 1, doc: "plus one" },
  dec: { min: 1, max: 1, doc: "minus one" },
  abs: { min: 1, max: 1, doc: "absolute value" },
  min: { min: 1, doc: "smallest argument" },
  max: { min: 1, doc: "largest argument" },
  round: { min: 1, max: 1, doc: "nearest integer" },
  floor: { min: 1, max: 1, doc: "round down" },
  ceil: { min: 1, max: 1, doc: "round up" },
  // logic and nil
  not: { min: 1, max: 1, doc: "logical negation (nil and false are falsey)" },
  "nil?": { min: 1, max: 1, doc: "is nil" },
  "some?": { min: 1, max: 1, doc: "is not nil" },
  "true?": { min: 1, max: 1, doc: "is true" },
  "false?": { min: 1, max: 1, doc: "is false" },
  "string?": { min: 1, max: 1, doc: "is a string" },
  "number?": { min: 1, max: 1, doc: "is a number" },
  "keyword?": { min: 1, max: 1, doc: "is a keyword" },
  "boolean?": { min: 1, max: 1, doc: "is a boolean" },
  // strings
  str: { min: 0, doc: "concatenation of the arguments' text (nil is empty)" },
  subs: { min: 2, max: 3, doc: "substring from start (to end)" },
  "upper-case": { min: 1, max: 1, doc: "upper case" },
  "lower-case": { min: 1, max: 1, doc: "lower case" },
  trim: { min: 1, max: 1, doc: "without surrounding whitespace" },
  "blank?": { min: 1, max: 1, doc: "nil, empty or whitespace only" },
  "starts-with?": { min: 2, max: 2, doc: "string starts with prefix" },
  "ends-with?": { min: 2, max: 2, doc: "string ends with suffix" },
  "includes?": { min: 2, max: 2, doc: "string contains substring" },
  "re-matches": { min: 2, max: 2, doc: "whole string matches the regular expression (given as a string)" },
  split: { min: 2, max: 2, doc: "split a string on a separator string" },
  join: { min: 1, max: 2, doc: "join a collection's items with an optional separator" },
  keyword: { min: 1, max: 1, doc: "the keyword with that name" },
  name: { min: 1, max: 1, doc: "the name of a keyword (without namespace) or a string" },
  namespace: { min: 1, max: 1, doc: "the namespace of a keyword, or nil" },
  // collections (vectors, sets, entity maps)
  count: { min: 1, max: 1, doc: "number of items (characters for a string; 0 for nil)" },
  "empty?": { min: 1, max: 1, doc: "no items" },
  "contains?": { min: 2, max: 2, doc: "a set has the value, a map has the key, a vector has the index" },
  get: { min: 2, max: 3, doc: "value under a key (a keyword key reads that attribute) or index, else default" },
  "get-in": { min: 2, max: 3, doc: "nested get" },
  first: { min: 1, max: 1, doc: "first item" },
  last: { min: 1, max: 1, doc: "last item" },
  nth: { min: 2, max: 3, doc: "item at index" },
  conj: { min: 1, doc: "collection with items added" },
  vector: { min: 0, doc: "a vector of the arguments" },
  "hash-set": { min: 0, doc: "a set of the arguments" },
  assoc: { min: 3, doc: "map with keys set" },
  dissoc: { min: 1, doc: "map without keys" },
  keys: { min: 1, max: 1, doc: "keys of a map (attribute keys as keywords)" },
  vals: { min: 1, max: 1, doc: "values of a map" },
  distinct: { min: 1, max: 1, doc: "items without repeats, first occurrence order" },
  sort: { min: 1, max: 1, doc: "items in ascending order" },
  reverse: { min: 1, max: 1, doc: "items in reverse order" },
  // actions (right-hand side only)
  "insert!": { min: 1, max: 1, effect: true, doc: "insert facts, truth-maintained" },
  "insert-unconditional!": { min: 1, max: 1, effect: true, doc: "insert facts without truth maintenance" },
  "upsert!": { min: 1, max: 1, effect: true, doc: "upsert EAV facts through the store, truth-maintained" },
  "upsert-unconditional!": { min: 1, max: 1, effect: true, doc: "upsert EAV facts through the store, without truth maintenance" },
  "retract!": { min: 1, max: 1, effect: true, doc: "retract facts" },
  "transact!": { min: 1, max: 1, effect: true, doc: "run a transaction (entity maps and list forms) through the store, unconditional" },
};

/** Special forms of the expression language (not functions: they control evaluation). */
export const SPECIAL_FORMS: readonly string[] = ["and", "or", "if", "when", "let", "do"];

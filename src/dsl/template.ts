/**
 * Tagged templates: rule`...`, query`...`, rules`...`. Holes `${...}` carry functions (a test, an
 * action, a function in call position, an accumulator) and constants.
 *
 * Parsing: the template's RAW strings are joined with the placeholder `${i}` for hole i, and that
 * text is parsed (raw, so `"a\"b"` means in the template what it means in a rule file). Positions
 * in errors (line, column) are positions in that joined text: each hole counts as its placeholder,
 * `${0}` being 4 characters wide, `${10}` 5; the text before the first hole is exact.
 *
 * Caching: the syntax tree is cached on the strings array (a WeakMap; JavaScript hands the same
 * frozen array to every evaluation of one template literal), so a template is parsed once. The
 * hole values differ per call, so the specs are rebuilt from the cached tree on each call, which
 * costs a walk of the tree; when every value is identical (`===`) to the previous call's on the
 * same tag set, the previous specs are returned as they were, so a template evaluated in a loop
 * yields one spec object (and compiled networks cached by identity stay valid).
 */
import type { HostFunction, ProductionSpec, QuerySpec, RuleSpec } from "../rules/spec.js";
import type { ProductionNode } from "./ast.js";
import { buildProductions } from "./build.js";
import type { BuildContext } from "./expr.js";
import { parseSource } from "./parse.js";
import { type Source, locatedError } from "./source.js";

interface Parsed {
  readonly src: Source;
  readonly nodes: readonly ProductionNode[];
}

const parsedCache = new WeakMap<TemplateStringsArray, Parsed>();

/**
 * The text a template is parsed as (and error positions refer to): its raw strings joined by
 * `${i}` placeholders. Pure.
 * @example ((s: TemplateStringsArray, ..._: unknown[]) => templateText(s))`(a ${1} b)` // "(a ${0} b)"
 */
export function templateText(strings: TemplateStringsArray): string {
  let text = strings.raw[0] ?? "";
  for (let i = 1; i < strings.raw.length; i++) text += `\${${i - 1}}${strings.raw[i] ?? ""}`;
  return text;
}

function parsedTemplate(strings: TemplateStringsArray): Parsed {
  let parsed = parsedCache.get(strings);
  if (parsed === undefined) {
    const src: Source = { text: templateText(strings), template: true };
    parsed = { src, nodes: parseSource(src) };
    parsedCache.set(strings, parsed);
  }
  return parsed;
}

/** The three template tags, bound to one set of host functions. */
export interface DslTags {
  /** Exactly one `(defrule ...)`. */
  rule(strings: TemplateStringsArray, ...holes: unknown[]): RuleSpec;
  /** Exactly one `(defquery ...)`. */
  query(strings: TemplateStringsArray, ...holes: unknown[]): QuerySpec;
  /** Any number of `(defrule ...)` and `(defquery ...)` forms, in order. */
  rules(strings: TemplateStringsArray, ...holes: unknown[]): readonly ProductionSpec[];
}

/**
 * Returns template tags that accept calls to the given host functions by name (functions can also
 * be passed directly in call position: `(${fn} ?x)`). Creates only a memo table.
 * @example
 * const { rule } = createDsl({ functions: { slug } });
 * const r = rule`(defrule s [?e :doc/title ?t] => (upsert! [?e :doc/slug (slug ?t)]))`;
 */
export function createDsl(options: { readonly functions?: Readonly<Record<string, HostFunction>> } = {}): DslTags {
  const functions = new Set(Object.keys(options.functions ?? {}));
  const memo = new WeakMap<TemplateStringsArray, { readonly holes: readonly unknown[]; readonly specs: readonly ProductionSpec[] }>();

  const build = (strings: TemplateStringsArray, holes: readonly unknown[]): { specs: readonly ProductionSpec[]; parsed: Parsed } => {
    const parsed = parsedTemplate(strings);
    const last = memo.get(strings);
    if (last !== undefined && last.holes.length === holes.length && last.holes.every((h, i) => h === holes[i])) return { specs: last.specs, parsed };
    const ctx: BuildContext = { src: parsed.src, holes, functions };
    // Frozen: the same array is handed out again when the hole values repeat.
    const specs = Object.freeze(buildProductions(ctx, parsed.nodes));
    memo.set(strings, { holes: [...holes], specs });
    return { specs, parsed };
  };

  const single = <K extends "rule" | "query">(kind: K, strings: TemplateStringsArray, holes: readonly unknown[]): ProductionSpec => {
    const { specs, parsed } = build(strings, holes);
    const [only, second] = specs;
    if (only === undefined || second !== undefined || only.kind !== kind) {
      // Point at the offending form: the second one, or the one of the wrong kind.
      const at = parsed.nodes[1]?.pos ?? parsed.nodes[0]?.pos ?? { line: 1, column: 1, offset: 0, text: "" };
      throw locatedError("dsl/invalid-rule", parsed.src, at, `${kind}\`...\` holds exactly one (def${kind} ...) form; use rules\`...\` for several`, {
        expected: `one (def${kind} ...)`,
      });
    }
    return only;
  };

  return {
    rule: (strings, ...holes) => single("rule", strings, holes) as RuleSpec,
    query: (strings, ...holes) => single("query", strings, holes) as QuerySpec,
    rules: (strings, ...holes) => build(strings, holes).specs,
  };
}

const defaultTags = createDsl();

/**
 * Parses one `(defrule ...)` from a tagged template (parsed once per template, see above).
 * @example
 * const r = rule`(defrule big [?o :order/total ?t] [:test ${(b) => b.t > 1000}] => ${(ctx) => flag(ctx)})`;
 */
export const rule: DslTags["rule"] = defaultTags.rule;

/**
 * Parses one `(defquery ...)` from a tagged template.
 * @example const q = query`(defquery done [] [?e :todo/done true])`;
 */
export const query: DslTags["query"] = defaultTags.query;

/**
 * Parses several productions from a tagged template.
 * @example const specs = rules`(defrule a [?e :x/y] => (retract! [?e :x/y])) (defquery q [] [?e :x/y])`;
 */
export const rules: DslTags["rules"] = defaultTags.rules;

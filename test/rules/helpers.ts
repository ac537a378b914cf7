// Shared helpers for the engine behaviour tests: compile, insert, fire, read a query.
import { eav, type EAV } from "../../src/eav/index.js";
import {
  compileRules,
  newRuleSession,
  type CompileOptions,
  type EngineActionContext,
  type FireOptions,
  type ProductionSpec,
  type RuleSession,
} from "../../src/rules/index.js";

export type Triple = readonly [number, string, unknown];

/** EAVs from triples. */
export function eavs(...triples: Triple[]): EAV[] {
  return triples.map(([e, a, v]) => eav(e, a, v as never));
}

/** A fresh session over the productions, with the given facts inserted and fired. */
export function run(productions: readonly ProductionSpec<EngineActionContext>[], facts: readonly unknown[] = [], options: CompileOptions = {}, fire: FireOptions = {}): RuleSession {
  return newRuleSession(compileRules(productions, options)).insert(facts).fire(fire);
}

/** Facts of one attribute in working memory, as sorted `e:v` strings. */
export function attr(s: RuleSession, a: string): string[] {
  return (s.facts() as EAV[])
    .filter((f) => f.a === a)
    .map((f) => `${String(f.e)}:${String(f.v)}`)
    .sort();
}

/** Query rows sorted by their JSON text (rows are unordered). */
export function rows(s: RuleSession, q: string, params: Readonly<Record<string, unknown>> = {}): Record<string, unknown>[] {
  return s.query(q, params).sort((x, y) => (JSON.stringify(x) < JSON.stringify(y) ? -1 : 1));
}

/** The action "insert [?e attr true] logically", reading `?e`. */
export function mark(attribute: string, v: unknown = true): (ctx: EngineActionContext) => void {
  return (ctx) => ctx.insert(eav(ctx.bindings.e as number, attribute, v as never));
}

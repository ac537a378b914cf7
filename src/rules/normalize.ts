/**
 * The compiler's first stage: a production's conditions in disjunctive normal form, each branch
 * ordered so that every condition finds the variables it needs already bound, and checked (unbound
 * variables, variables bound only inside `not`, unknown functions). Pure: nothing changes.
 */
import { EavError, assertNever } from "../errors.js";
import type { AccumulateCondition, Condition, Expr, PatternCondition, ProductionSpec, Test } from "./spec.js";
import { checkCalls, freeVariables } from "./expr.js";

/** A condition of one DNF branch: no `or`, no `and`; `not`/`exists` hold a conjunction. */
export type SimpleCondition =
  | { readonly kind: "pattern"; readonly pattern: PatternCondition }
  /** `groupBy`: variables of `from` not bound before it (in written order): as in Clara, they bind, one result per distinct tuple. */
  | { readonly kind: "accumulate"; readonly acc: AccumulateCondition; readonly groupBy: readonly string[] }
  | { readonly kind: "test"; readonly test: Test }
  | { readonly kind: "not"; readonly conditions: readonly SimpleCondition[] }
  | { readonly kind: "exists"; readonly conditions: readonly SimpleCondition[] };

/** The most branches one production may expand to (an `or` of `or`s grows multiplicatively). */
const MAX_BRANCHES = 1024;

/**
 * The DNF of a list of conditions (their conjunction): a list of branches, each a conjunction.
 * `not (or a b)` becomes `not a, not b`; `exists (or a b)` becomes `not (not a, not b)`.
 * @example dnf([{ kind: "or", conditions: [a, b] }]) // [[a], [b]]
 */
export function dnf(conditions: readonly Condition[], rule: string): SimpleCondition[][] {
  let branches: SimpleCondition[][] = [[]];
  for (const c of conditions) {
    const alts = dnfOne(c, rule);
    const next: SimpleCondition[][] = [];
    for (const b of branches) for (const a of alts) next.push([...b, ...a]);
    if (next.length > MAX_BRANCHES) {
      throw new EavError("rules/invalid-spec", `rule ${rule}: its 'or' conditions expand to more than ${MAX_BRANCHES} branches`, { rule });
    }
    branches = next;
  }
  return branches;
}

function dnfOne(c: Condition, rule: string): SimpleCondition[][] {
  switch (c.kind) {
    case "pattern":
      return [[{ kind: "pattern", pattern: c }]];
    case "accumulate":
      return [[{ kind: "accumulate", acc: c, groupBy: [] }]];
    case "test":
      return [[{ kind: "test", test: c.test }]];
    case "and":
      return dnf(c.conditions, rule);
    case "or":
      return c.conditions.flatMap((x) => dnfOne(x, rule));
    case "not":
      return [dnfOne(c.condition, rule).map((conj) => ({ kind: "not", conditions: conj }) as const)];
    case "exists": {
      const alts = dnfOne(c.condition, rule);
      if (alts.length === 1) return [[{ kind: "exists", conditions: alts[0] as SimpleCondition[] }]];
      return [[{ kind: "not", conditions: alts.map((conj) => ({ kind: "not", conditions: conj }) as const) }]];
    }
    default:
      return assertNever(c, "condition");
  }
}

// ---------------------------------------------------------------- variables

/** Variables a condition binds for the conditions after it (not those local to a `not`). */
export function bindsOf(c: SimpleCondition): string[] {
  switch (c.kind) {
    case "pattern":
      return patternVars(c.pattern);
    case "accumulate":
      return [c.acc.bind, ...c.groupBy];
    case "test":
    case "not":
    case "exists":
      return [];
    default:
      return assertNever(c, "condition");
  }
}

/** Every variable of a pattern: its field variables and its `?x <-` binding. */
export function patternVars(p: PatternCondition): string[] {
  const out: string[] = [];
  for (const f of p.fields) if (f.term.kind === "var" && !out.includes(f.term.name)) out.push(f.term.name);
  if (p.bind !== undefined && !out.includes(p.bind)) out.push(p.bind);
  return out;
}

/** Variables a test reads: an expression's free variables, or a function's declared `uses`. */
export function testUses(t: Test): string[] {
  switch (t.kind) {
    case "fn":
      return (t.uses ?? []).map(withQ);
    case "expr":
      return [...freeVariables(t.expr)];
    default:
      return assertNever(t, "test");
  }
}

/** `"x"` -> `"?x"`; names that already carry `?` unchanged. */
export function withQ(name: string): string {
  return name.startsWith("?") ? name : `?${name}`;
}

/** Every variable mentioned anywhere in a condition, nested ones included. */
function mentioned(c: SimpleCondition, out: Set<string>): void {
  switch (c.kind) {
    case "pattern":
      for (const v of patternVars(c.pattern)) out.add(v);
      return;
    case "accumulate":
      out.add(c.acc.bind);
      for (const v of patternVars(c.acc.from)) out.add(v);
      return;
    case "test":
      for (const v of testUses(c.test)) out.add(v);
      return;
    case "not":
    case "exists":
      for (const x of c.conditions) mentioned(x, out);
      return;
    default:
      assertNever(c, "condition");
  }
}

/** Variables bound inside `not`/`exists` somewhere in a branch (for the "bound only inside not" error). */
function boundInsideNegations(cs: readonly SimpleCondition[], out: Set<string>): void {
  for (const c of cs) {
    if (c.kind === "not" || c.kind === "exists") {
      for (const x of c.conditions) for (const v of bindsOf(x)) out.add(v);
      boundInsideNegations(c.conditions, out);
    }
  }
}

// ---------------------------------------------------------------- ordering and checks

/** What the compiler needs to know to check expressions: the names callable in them. */
export interface CheckContext {
  readonly rule: string;
  readonly functions: ReadonlySet<string>;
}

/**
 * Orders one branch so that each condition comes after the conditions binding the variables it
 * reads: filters (tests, negations, accumulators) as early as their variables allow, patterns in
 * written order, variable-free patterns last; a condition binding a group variable of an accumulator
 * written before it stays after that accumulator (written order decides grouping); and checks every
 * test. Returns the ordered branch and the set of
 * variables it binds. Throws `rules/unbound-variable` or `rules/unknown-function` naming the rule.
 */
export function orderBranch(written: readonly SimpleCondition[], outer: ReadonlySet<string>, cx: CheckContext): { conditions: SimpleCondition[]; bound: Set<string> } {
  const branch = withGroups(written, outer);
  const positive = new Set<string>(outer);
  for (const c of branch) for (const v of bindsOf(c)) positive.add(v);
  const negated = new Set<string>();
  boundInsideNegations(branch, negated);
  // A negation joins on a variable bound anywhere by a pattern or an accumulator's result (the
  // engine moves it after that binder), but on an accumulator's group variable only when that
  // accumulator is written before it: otherwise a name reused inside the negation stays local.
  const needs = branch.map((c, i) => {
    if (c.kind !== "not" && c.kind !== "exists") return needsOf(c, positive, negated, cx);
    const joinable = new Set<string>(outer);
    branch.forEach((x, k) => {
      if (x.kind === "accumulate") {
        joinable.add(x.acc.bind);
        if (k < i) for (const v of x.groupBy) joinable.add(v);
      } else for (const v of bindsOf(x)) joinable.add(v);
    });
    return needsOf(c, joinable, negated, cx);
  });
  const ranks = branch.map((c, i) => rankOf(c, i, branch));
  // a condition binding a name that an earlier-written negation uses locally comes after it, so
  // the name stays local there (an accumulator's group variable reusing a negation's local name)
  const after: number[][] = branch.map(() => []);
  branch.forEach((n, i) => {
    if (n.kind !== "not" && n.kind !== "exists") return;
    const inside = new Set<string>();
    mentioned(n, inside);
    const local = [...inside].filter((v) => !(needs[i] as string[]).includes(v));
    branch.forEach((x, k) => {
      if (k > i && bindsOf(x).some((v) => local.includes(v))) (after[k] as number[]).push(i);
    });
  });
  // Grouping is decided by written order (withGroups): a condition written after a grouped
  // accumulator that binds one of its group variables (a pattern, or an accumulator whose result
  // is one) comes after it. Placed first, it would bind the variable and turn the grouping into a
  // join (one result per binding, empty groups matching) instead of one result per tuple found.
  branch.forEach((a, i) => {
    if (a.kind !== "accumulate" || a.groupBy.length === 0) return;
    branch.forEach((x, k) => {
      if (k > i && bindsOf(x).some((v) => a.groupBy.includes(v))) (after[k] as number[]).push(i);
    });
  });
  const bound = new Set<string>(outer);
  const placed: SimpleCondition[] = [];
  const done = branch.map(() => false);
  for (let n = 0; n < branch.length; n++) {
    const ready = (i: number): boolean => !done[i] && (needs[i] as string[]).every((v) => bound.has(v)) && (after[i] as number[]).every((k) => done[k]);
    // Filters first (tests, negations, accumulators as soon as their variables are bound), then
    // patterns in written order, then patterns sharing no variable with another pattern or
    // negation (a cross product anyway, such as Manners' [:count :count/value ?c]), and patterns
    // without variables (guards such as a state flag) last. Why: a guard or counter that changes
    // otherwise tears down and rebuilds every partial match below it; last, it only adds or removes
    // complete matches (Manners 64 went from 32 s to under 2 s). Filters early keep partial
    // matches few. The set of matches is the same in any order (a conjunction).
    let pick = -1;
    for (let rank = 0; rank <= 3 && pick < 0; rank++) {
      for (let i = 0; i < branch.length && pick < 0; i++) if (ranks[i] === rank && ready(i)) pick = i;
    }
    if (pick < 0) {
      // every condition left waits for a variable or for a condition that must run before it: a
      // cycle, e.g. a negation joining on a variable bound only after a grouped accumulator whose
      // group variable reuses the negation's local name (rename one of them)
      const missing = [...new Set(branch.flatMap((_, i) => (done[i] === true ? [] : (needs[i] as string[]).filter((v) => !bound.has(v)))))];
      throw new EavError("rules/unbound-variable", `rule ${cx.rule}: ${missing.join(", ")} cannot be bound before ${missing.length > 1 ? "they are" : "it is"} used (circular dependency)`, {
        rule: cx.rule,
        variables: missing,
      });
    }
    done[pick] = true;
    const c = branch[pick] as SimpleCondition;
    placed.push(orderNested(c, bound, cx));
    for (const v of bindsOf(c)) bound.add(v);
  }
  return { conditions: placed, bound };
}

/**
 * Scheduling rank of a condition: 0 a filter or accumulator, 1 a pattern joining other conditions,
 * 2 a pattern sharing no variable with another pattern, accumulator or negation, 3 a pattern
 * without variables.
 */
function rankOf(c: SimpleCondition, index: number, branch: readonly SimpleCondition[]): number {
  if (c.kind !== "pattern") return 0;
  const vars = patternVars(c.pattern);
  if (vars.length === 0) return 3;
  const others = new Set<string>();
  branch.forEach((x, i) => {
    if (i !== index && x.kind !== "test") mentioned(x, others);
  });
  return vars.some((v) => others.has(v)) ? 1 : 2;
}

/**
 * Fills in each accumulator's `groupBy`: the variables of its `from` pattern that no condition
 * written before it (nor the outer scope) binds. Written order decides, as in Clara.
 */
function withGroups(branch: readonly SimpleCondition[], outer: ReadonlySet<string>): SimpleCondition[] {
  const bound = new Set(outer);
  return branch.map((c) => {
    let out = c;
    if (c.kind === "accumulate") out = { ...c, groupBy: patternVars(c.acc.from).filter((v) => !bound.has(v)) };
    for (const v of bindsOf(out)) bound.add(v);
    return out;
  });
}

/** Orders the inside of a `not`/`exists` with the variables bound before it as its outer scope. */
function orderNested(c: SimpleCondition, bound: ReadonlySet<string>, cx: CheckContext): SimpleCondition {
  if (c.kind !== "not" && c.kind !== "exists") return c;
  return { kind: c.kind, conditions: orderBranch(c.conditions, bound, cx).conditions };
}

/** The outer variables a condition must find bound before it can be placed. */
function needsOf(c: SimpleCondition, positive: ReadonlySet<string>, negated: ReadonlySet<string>, cx: CheckContext): string[] {
  switch (c.kind) {
    case "pattern":
      return [];
    case "accumulate":
      return patternVars(c.acc.from).filter((v) => !c.groupBy.includes(v) && positive.has(v));
    case "test": {
      if (c.test.kind === "expr") checkExpr(c.test.expr, false, cx);
      const uses = testUses(c.test);
      const missing = uses.filter((v) => !positive.has(v));
      if (missing.length > 0) throw unbound(cx.rule, missing, "test", missing.every((v) => negated.has(v)));
      return uses;
    }
    case "not":
    case "exists": {
      // every variable inside that the branch binds outside is a join variable: it must be bound
      // first (or it would be local to the negation and change its meaning)
      const all = new Set<string>();
      for (const x of c.conditions) mentioned(x, all);
      return [...all].filter((v) => positive.has(v));
    }
    default:
      return assertNever(c, "condition");
  }
}

/** Checks the calls of an expression. Throws `rules/unknown-function` or `rules/invalid-spec`. */
export function checkExpr(expr: Expr, effects: boolean, cx: CheckContext): void {
  const problems = checkCalls(expr, cx.functions, { effects });
  const p = problems[0];
  if (p === undefined) return;
  const code = p.kind === "unknown-function" ? "rules/unknown-function" : "rules/invalid-spec";
  throw new EavError(code, `rule ${cx.rule}: ${p.message}`, { rule: cx.rule, function: p.fn });
}

/** The `rules/unbound-variable` error for a rule. */
export function unbound(rule: string, vars: readonly string[], where: string, onlyInNot = false): EavError {
  const what = onlyInNot ? "bound only inside a not/exists, so not visible outside it" : "not bound by any condition";
  return new EavError("rules/unbound-variable", `rule ${rule}: ${vars.join(", ")} used in the ${where} ${vars.length > 1 ? "are" : "is"} ${what}`, {
    rule,
    variables: vars,
    where,
  });
}

/**
 * Checks that every variable in `uses` is bound by the branch, naming variables that are bound only
 * inside a negation. Throws `rules/unbound-variable`.
 */
export function checkUses(uses: readonly string[], branch: readonly SimpleCondition[], bound: ReadonlySet<string>, rule: string, where: string): void {
  const missing = uses.filter((v) => !bound.has(v));
  if (missing.length === 0) return;
  const negated = new Set<string>();
  boundInsideNegations(branch, negated);
  throw unbound(rule, missing, where, missing.every((v) => negated.has(v)));
}

/** The variables of a production's action or salience, for the checks (names with `?`). */
export function productionUses(p: ProductionSpec<unknown>): { action: string[]; salience: string[] } {
  if (p.kind === "query") return { action: [], salience: [] };
  const action = p.action.kind === "fn" ? (p.action.uses ?? []).map(withQ) : [...new Set(p.action.body.flatMap((e) => [...freeVariables(e)]))];
  const s = p.salience;
  const salience = s === undefined || typeof s === "number" || s.kind === "fn" ? [] : [...freeVariables(s.expr)];
  return { action, salience };
}

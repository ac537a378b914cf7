// A deliberately naive, obviously-correct matcher for the Rete engine's differential test.
//
// No network, no memory between calls: every answer is recomputed from the facts by nested loops.
// Rules whose actions insert facts are run to the least fixpoint of their logical inserts over the
// base facts, stratum by stratum (a rule that negates or accumulates a type runs after every rule
// producing that type), which is exactly what truth maintenance must converge to. Only EAV facts,
// only logical inserts (the engine's unconditional inserts and action retractions are not
// truth-maintained and have no fixpoint meaning, so the reference refuses them).
//
// Semantics modelled (see src/rules/normalize.ts and runtime/compound.ts, and Clara):
// - conditions are matched in the written order; a variable already bound is a join, a new one binds;
// - `not` / `exists` of a condition: whether it has any match extending the current bindings;
//   variables first bound inside stay local to it;
// - `or`: the matches of each branch, concatenated (the engine's disjunctive normal form);
// - `test`: the expression (or function) is truthy for the current bindings;
// - accumulate (built-in accumulators, or a user one reduced from scratch): over the facts matching
//   `from` under the current bindings, result bound to `bind` (unified when already bound). As in
//   Clara, variables of `from` that no condition written before binds are group variables: the
//   facts are grouped by the tuple of their values, and each group gives one match binding them
//   (so no fact, no match). Without group variables there is one accumulation per outer match, and
//   an empty one matches unless the accumulator says `emptyMatches: false` (min, max, average);
// - a query's rows: every variable bound by its top-level conditions, keyed without `?`; the
//   parameters select among the rows (they are not bound before the conditions, so a parameter
//   that an accumulator's `from` mentions first still groups it).
import { ALL, EAV, eav, eavKey } from "../../src/eav/eav.js";
import { compareValues, equals, evaluate, isTruthy } from "../../src/rules/expr.js";
import type { Accumulator, ActionContext, Bindings, Condition, HostFunction, PatternCondition, ProductionSpec, QuerySpec, RuleSpec, Test } from "../../src/rules/spec.js";

/** Bindings while matching: variable names WITH `?`. */
export type Match = Readonly<Record<string, unknown>>;

/** A query result row: variable names without `?`. */
export type Row = Record<string, unknown>;

export interface ReferenceOptions {
  /** Host functions for expressions. */
  readonly functions?: Readonly<Record<string, HostFunction>>;
  /**
   * The attributes each rule's action may insert. Needed to stratify: the reference cannot see
   * inside an action function. An insert of another attribute is an error.
   */
  readonly outputs: (rule: RuleSpec) => readonly string[];
}

/** The reference's answer for one set of base facts: the fixpoint and the queries over it. */
export interface ReferenceState {
  /** Every fact of the fixpoint (base and derived), in no particular order. */
  readonly facts: readonly EAV[];
  /** A query's rows over the fixpoint; `params` keyed with or without `?`. */
  query(name: string, params?: Readonly<Record<string, unknown>>): Row[];
}

// ---------------------------------------------------------------- matching

function unify(m: Record<string, unknown>, name: string, value: unknown): boolean {
  if (Object.prototype.hasOwnProperty.call(m, name)) return equals(m[name], value);
  m[name] = value;
  return true;
}

/** The bindings extending `m` under which `fact` matches `p`, or null. */
function matchPattern(p: PatternCondition, fact: EAV, m: Match): Match | null {
  if (p.type !== ALL && p.type !== fact.a) return null;
  const out: Record<string, unknown> = { ...m };
  for (const { field, term } of p.fields) {
    const value = (fact as unknown as Record<string, unknown>)[field];
    switch (term.kind) {
      case "wildcard":
        break;
      case "const":
        if (!equals(term.value, value)) return null;
        break;
      case "var":
        if (!unify(out, term.name, value)) return null;
        break;
    }
  }
  if (p.bind !== undefined && !unify(out, p.bind, fact)) return null;
  return out;
}

function runTest(t: Test, m: Match, functions: Readonly<Record<string, HostFunction>>): boolean {
  if (t.kind === "fn") return isTruthy(t.fn(withoutQ(m)));
  return isTruthy(evaluate(t.expr, { lookup: (name) => m[name], functions }));
}

/** Accumulates the facts matching `from` under `m` with a built-in accumulator, per Clara/engine semantics. */
function accumulate(name: string, args: readonly unknown[], facts: readonly EAV[]): { matches: boolean; value?: unknown } {
  const field = typeof args[0] === "string" ? args[0] : null;
  const get = (f: EAV): unknown => (field === null ? f : (f as unknown as Record<string, unknown>)[field]);
  const values = facts.map(get);
  switch (name) {
    case "count":
      return { matches: true, value: facts.length };
    case "sum":
      return { matches: true, value: (values as number[]).reduce((a, b) => a + b, 0) };
    case "average":
      return facts.length === 0 ? { matches: false } : { matches: true, value: (values as number[]).reduce((a, b) => a + b, 0) / facts.length };
    case "min":
    case "max": {
      if (facts.length === 0) return { matches: false };
      const sign = name === "min" ? -1 : 1;
      return { matches: true, value: values.reduce((best, v) => (compareValues(v, best) === sign ? v : best)) };
    }
    case "all":
      return { matches: true, value: values };
    case "distinct": {
      const out: unknown[] = [];
      for (const v of values) if (!out.some((x) => equals(x, v))) out.push(v);
      return { matches: true, value: new Set(out) };
    }
    case "grouping-by": {
      const groups = new Map<unknown, EAV[]>();
      for (const f of facts) {
        const v = get(f);
        const key = [...groups.keys()].find((k) => equals(k, v));
        if (key === undefined) groups.set(v, [f]);
        else groups.get(key)!.push(f);
      }
      return { matches: true, value: groups };
    }
    default:
      throw new Error(`the reference has no accumulator ${name}`);
  }
}

/** A user accumulator, from scratch: reduce every fact into `initial()` (never `retract` or `combine`). */
function custom(a: Accumulator<EAV, unknown, unknown>, facts: readonly EAV[]): { matches: boolean; value?: unknown } {
  if (facts.length === 0 && a.emptyMatches === false) return { matches: false };
  let acc = a.initial();
  for (const f of facts) acc = a.reduce(acc, f);
  return { matches: true, value: a.convert(acc) };
}

/** Every extension of `m` matching the conditions, in order, over `facts`. */
export function matchAll(conditions: readonly Condition[], facts: readonly EAV[], m: Match, functions: Readonly<Record<string, HostFunction>> = {}): Match[] {
  let current: Match[] = [m];
  for (const c of conditions) current = current.flatMap((b) => matchOne(c, facts, b, functions));
  return current;
}

function matchOne(c: Condition, facts: readonly EAV[], m: Match, functions: Readonly<Record<string, HostFunction>>): Match[] {
  switch (c.kind) {
    case "pattern": {
      const out: Match[] = [];
      for (const f of facts) {
        const r = matchPattern(c, f, m);
        if (r !== null) out.push(r);
      }
      return out;
    }
    case "not":
      return matchOne(c.condition, facts, m, functions).length === 0 ? [m] : [];
    case "exists":
      return matchOne(c.condition, facts, m, functions).length > 0 ? [m] : [];
    case "and":
      return matchAll(c.conditions, facts, m, functions);
    case "or":
      return c.conditions.flatMap((x) => matchOne(x, facts, m, functions));
    case "test":
      return runTest(c.test, m, functions) ? [m] : [];
    case "accumulate": {
      // Clara's grouping: the variables of `from` that `m` does not bind (bound by no condition
      // written before) take their values from the facts, one accumulation per distinct tuple
      const free = patternVariables(c.from).filter((v) => !Object.prototype.hasOwnProperty.call(m, v));
      const groups: { bindings: Match; facts: EAV[] }[] = [];
      for (const f of facts) {
        const r = matchPattern(c.from, f, m);
        if (r === null) continue;
        const group = groups.find((g) => free.every((v) => equals(g.bindings[v], r[v])));
        if (group === undefined) groups.push({ bindings: r, facts: [f] });
        else group.facts.push(f);
      }
      // no group variable: one accumulation over all the matching facts, even none of them
      if (free.length === 0 && groups.length === 0) groups.push({ bindings: m, facts: [] });
      const out: Match[] = [];
      for (const g of groups) {
        const ref = c.accumulator;
        const r = ref.kind === "named" ? accumulate(ref.name, ref.args, g.facts) : custom(ref.accumulator as unknown as Accumulator<EAV, unknown, unknown>, g.facts);
        if (!r.matches) continue;
        const b: Record<string, unknown> = { ...m };
        for (const v of free) b[v] = g.bindings[v];
        if (unify(b, c.bind, r.value)) out.push(b);
      }
      return out;
    }
  }
}

/** The variables of a pattern: its field variables and its `?f <-` name. */
function patternVariables(p: PatternCondition): string[] {
  const out = p.fields.flatMap(({ term }) => (term.kind === "var" ? [term.name] : []));
  if (p.bind !== undefined) out.push(p.bind);
  return [...new Set(out)];
}

function withoutQ(m: Match): Bindings {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(m)) out[k.startsWith("?") ? k.slice(1) : k] = v;
  return out;
}

// ---------------------------------------------------------------- stratification

/** The attributes a list of conditions reads, split by whether a change can only add matches. */
function reads(conditions: readonly Condition[], negative: boolean, out: { pos: Set<string>; neg: Set<string> }): void {
  for (const c of conditions) {
    switch (c.kind) {
      case "pattern":
        (negative ? out.neg : out.pos).add(c.type);
        break;
      case "accumulate":
        out.neg.add(c.from.type);
        break;
      case "not":
      case "exists":
        reads([c.condition], true, out);
        break;
      case "and":
      case "or":
        reads(c.conditions, negative, out);
        break;
      case "test":
        break;
    }
  }
}

/**
 * Orders the rules into strata: a rule reading a type positively runs in or after the stratum of
 * every rule producing it; reading it under `not`/`exists`/an accumulator, strictly after. Throws
 * when no such order exists (the fixpoint would not be well defined).
 */
export function stratify(rules: readonly RuleSpec[], outputs: (r: RuleSpec) => readonly string[]): RuleSpec[][] {
  const producers = (type: string): number[] =>
    rules.flatMap((r, i) => (type === ALL ? [i] : outputs(r).includes(type) ? [i] : []));
  const level = rules.map(() => 0);
  const deps = rules.map((r) => {
    const rd = { pos: new Set<string>(), neg: new Set<string>() };
    reads(r.conditions, false, rd);
    return { pos: [...rd.pos].flatMap(producers), neg: [...rd.neg].flatMap(producers) };
  });
  for (let round = 0; ; round++) {
    let changed = false;
    deps.forEach((d, i) => {
      for (const j of d.pos) {
        if (level[i]! < level[j]!) {
          level[i] = level[j]!;
          changed = true;
        }
      }
      for (const j of d.neg) {
        if (level[i]! <= level[j]!) {
          level[i] = level[j]! + 1;
          changed = true;
        }
      }
    });
    if (!changed) break;
    if (round > rules.length + 1) throw new Error("the rules are not stratifiable: a rule negates or accumulates a type it depends on");
  }
  const strata: RuleSpec[][] = [];
  rules.forEach((r, i) => (strata[level[i]!] ??= []).push(r));
  return strata.filter((s) => s !== undefined);
}

// ---------------------------------------------------------------- the fixpoint

/**
 * The least fixpoint of the rules' logical inserts over `base`, and the queries over it. Pure:
 * recomputed from scratch at every call.
 */
export function referenceState(productions: readonly ProductionSpec[], base: Iterable<EAV>, options: ReferenceOptions): ReferenceState {
  const functions = options.functions ?? {};
  const rules = productions.filter((p): p is RuleSpec => p.kind === "rule");
  const queries = new Map(productions.filter((p): p is QuerySpec => p.kind === "query").map((q) => [q.name, q]));
  const facts = new Map<string, EAV>();
  for (const f of base) facts.set(eavKey(f), f);

  for (const stratum of stratify(rules, options.outputs)) {
    for (let changed = true; changed; ) {
      changed = false;
      const snapshot = [...facts.values()];
      for (const rule of stratum) {
        const allowed = options.outputs(rule);
        for (const m of matchAll(rule.conditions, snapshot, {}, functions)) {
          for (const f of runAction(rule, m, functions)) {
            if (!allowed.includes(f.a)) throw new Error(`rule ${rule.name} inserted ${f.toString()}, outside its declared outputs`);
            const k = eavKey(f);
            if (!facts.has(k)) {
              facts.set(k, f);
              changed = true;
            }
          }
        }
      }
    }
  }

  const all = [...facts.values()];
  return {
    facts: all,
    query(name, params = {}) {
      const q = queries.get(name);
      if (q === undefined) throw new Error(`no query ${name}`);
      const wanted = Object.entries(params).map(([k, v]) => [k.startsWith("?") ? k : `?${k}`, v] as const);
      return matchAll(q.conditions, all, {}, functions)
        .filter((m) => wanted.every(([k, v]) => Object.prototype.hasOwnProperty.call(m, k) && equals(m[k], v)))
        .map((m) => withoutQ(m) as Row);
    },
  };
}

/** The facts an action inserts for one match (logical inserts only). */
function runAction(rule: RuleSpec, m: Match, functions: Readonly<Record<string, HostFunction>>): EAV[] {
  const out: EAV[] = [];
  const collect = (facts: unknown): void => {
    for (const f of Array.isArray(facts) ? facts : [facts]) {
      if (!(f instanceof EAV)) throw new Error(`rule ${rule.name}: the reference inserts EAV records only, got ${String(f)}`);
      out.push(eav(f.e, f.a, f.v));
    }
  };
  const refuse = (what: string) => (): void => {
    throw new Error(`rule ${rule.name}: the reference models logical inserts only, not ${what}`);
  };
  const action = rule.action;
  if (action.kind === "fn") {
    const ctx: ActionContext = { bindings: withoutQ(m), insert: collect, insertUnconditional: refuse("insertUnconditional"), retract: refuse("retract") };
    action.fn(ctx);
  } else {
    const effects = { "insert!": collect, "insert-unconditional!": refuse("insert-unconditional!"), "retract!": refuse("retract!") };
    for (const e of action.body) evaluate(e, { lookup: (name) => m[name], functions, effects });
  }
  return out;
}

/**
 * The reference as a session: base facts change by insert / retract (set semantics: inserting a
 * present fact changes nothing, a retraction removes it whatever was inserted before), and `fire`
 * recomputes the fixpoint.
 */
export class ReferenceSession {
  private readonly base = new Map<string, EAV>();
  private state: ReferenceState | null = null;
  constructor(
    private readonly productions: readonly ProductionSpec[],
    private readonly options: ReferenceOptions,
  ) {}

  /** Adds base facts (buffered until {@link fire}, as the engine buffers them). */
  insert(facts: readonly EAV[]): void {
    for (const f of facts) this.base.set(eavKey(f), f);
  }

  /** Removes base facts. */
  retract(facts: readonly EAV[]): void {
    for (const f of facts) this.base.delete(eavKey(f));
  }

  /** Recomputes the fixpoint of the current base facts. */
  fire(): void {
    this.state = referenceState(this.productions, this.base.values(), this.options);
  }

  /** A query's rows as of the last {@link fire}. */
  query(name: string, params?: Readonly<Record<string, unknown>>): Row[] {
    if (this.state === null) throw new Error("fire() first");
    return this.state.query(name, params);
  }

  /** The base facts and the last fire's answers, to {@link restore} later (the engine's sessions are values). */
  snapshot(): { readonly base: ReadonlyMap<string, EAV>; readonly state: ReferenceState | null } {
    return { base: new Map(this.base), state: this.state };
  }

  /** Goes back to a {@link snapshot}. */
  restore(snap: { readonly base: ReadonlyMap<string, EAV>; readonly state: ReferenceState | null }): void {
    this.base.clear();
    for (const [k, f] of snap.base) this.base.set(k, f);
    this.state = snap.state;
  }

  /** Every fact as of the last {@link fire}. */
  facts(): readonly EAV[] {
    if (this.state === null) throw new Error("fire() first");
    return this.state.facts;
  }
}

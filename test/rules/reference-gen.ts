// Generators for the differential test: random, well-formed, stratifiable rule sets over a tiny EAV
// vocabulary, and random insert / retract / fire sequences.
//
// A program is built from a list of numbers (a "choice sequence"): each decision takes the next
// number modulo its number of options, 0 once the list runs out. fast-check shrinks the list
// toward shorter and smaller, so a failing program shrinks toward the simplest rules (one
// pattern, first options) without a hand-written shrinker.
//
// Vocabulary. Base attributes (inserted and retracted by the sequence, never by rules):
//   b/p -> int 0..3, b/q -> eid (1, 2, 3 or :g), b/r -> keyword :x / :y.
// Derived attributes (inserted by rules only, logically): d/0 -> int, d/1 -> eid, d/2 -> int.
// A rule producing d/k reads base attributes and d/j for j < k, positively or under not / exists /
// accumulators: stratifiable, and without positive cycles (see GenOptions.recursive for those).
// Variables have one kind each (?a ?b ?c eids, ?x ?y ?z ints, ?k keywords; ?u ?w local to a
// negation; ?ge ?gf ?gx ?gy ?gk the group variables of accumulators), so every generated test is
// well typed.
//
// Accumulators come grouped and ungrouped, half each. Grouped: their `from` has a variable that no
// condition written before binds (as in Clara it binds, one result per distinct tuple), and later
// conditions (patterns, negations, tests, the action) may use it. Ungrouped: every position of
// `from` is a join on a bound variable, a constant or `_`. Group variables have names of their own,
// never used locally by a negation: a negation joins on a variable a later pattern binds (the
// engine schedules conditions), which a written-order reference would read as local.
import { eav, type EAV, type Eid } from "../../src/eav/eav.js";
import { kw } from "../../src/eav/keyword.js";
import type { Value } from "../../src/eav/value.js";
import { evaluate, freeVariables, type Accumulator, type AccumulatorRef, type ActionContext, type Bindings, type Condition, type Expr, type HostFunction, type PatternCondition, type ProductionSpec, type QuerySpec, type RuleSpec, type Term } from "../../src/rules/index.js";

export type Kind = "eid" | "int" | "kw";
type VarKind = Kind | "num" | "coll" | "fact";

export const BASE_ATTRS: Readonly<Record<string, Kind>> = { "b/p": "int", "b/q": "eid", "b/r": "kw" };
const DERIVED: readonly (readonly [string, Kind])[] = [
  ["d/0", "int"],
  ["d/1", "eid"],
  ["d/2", "int"],
];
const KIND_OF: Readonly<Record<string, Kind>> = { ...BASE_ATTRS, ...Object.fromEntries(DERIVED) };

export const DOMAIN: Readonly<Record<Kind, readonly Value[]>> = {
  // a named entity beside the numeric ids: joins must hash keywords and numbers apart
  eid: [1, 2, 3, kw("g")],
  int: [0, 1, 2, 3],
  kw: [kw("x"), kw("y")],
};
const POOL: Readonly<Record<Kind, readonly string[]>> = { eid: ["?a", "?b", "?c"], int: ["?x", "?y", "?z"], kw: ["?k"] };
/** The names an accumulator groups by, in order of use (the first not yet bound). */
const GROUP: Readonly<Record<Kind, readonly string[]>> = { eid: ["?ge", "?gf"], int: ["?gx", "?gy"], kw: ["?gk"] };

/** Where a pattern stands: at the top level, inside a `not` / `exists`, or as an accumulator's `from`. */
type Role = "top" | "negated" | "accumulated";

/** The host function expression actions build facts with: `(insert! (mk-eav ?e "d/0" ?v))`. */
export const mkEav = ((e: Eid, a: string, v: Value) => eav(e, a, v)) as HostFunction;

// User accumulators with an incremental retract step (the engine calls reduce and retract as facts
// come and go; the reference reduces from scratch, so a wrong retract path shows).

/** Sum of the squares of the facts' values. */
export const sumOfSquares = {
  initial: () => 0,
  reduce: (acc: number, f: EAV) => acc + (f.v as number) ** 2,
  retract: (acc: number, f: EAV) => acc - (f.v as number) ** 2,
  convert: (acc: number) => acc,
} as unknown as Accumulator<never, unknown, unknown>;

/** How many distinct entities the facts are about (a counted multiset of eids); no match when none. */
const distinctEntities = {
  initial: () => new Map<unknown, number>(),
  reduce: (acc: ReadonlyMap<unknown, number>, f: EAV) => new Map(acc).set(f.e, (acc.get(f.e) ?? 0) + 1),
  retract: (acc: ReadonlyMap<unknown, number>, f: EAV) => {
    const out = new Map(acc);
    const n = (acc.get(f.e) ?? 0) - 1;
    if (n <= 0) out.delete(f.e);
    else out.set(f.e, n);
    return out;
  },
  convert: (acc: ReadonlyMap<unknown, number>) => acc.size,
  emptyMatches: false,
} as unknown as Accumulator<never, unknown, unknown>;

/** Reads decisions off a choice sequence. */
export class Chooser {
  private i = 0;
  constructor(private readonly xs: readonly number[]) {}
  int(n: number): number {
    const x = this.xs[this.i++] ?? 0;
    return n <= 1 ? 0 : x % n;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
  chance(outOf: number): boolean {
    return this.int(outOf) === 0;
  }
}

/** A generated program: productions, each rule's output attributes, and the query calls to compare. */
export interface Program {
  readonly productions: readonly ProductionSpec[];
  readonly outputs: ReadonlyMap<string, readonly string[]>;
  readonly calls: readonly { readonly query: string; readonly params?: Readonly<Record<string, unknown>> }[];
}

/** Variables bound so far in a branch, with their kinds. */
type Scope = Map<string, VarKind>;

class RuleBuilder {
  private binds = 0;
  private results = 0;
  constructor(
    private readonly c: Chooser,
    private readonly options: GenOptions,
  ) {}

  /** The variable a negation keeps local, or an accumulator groups by (the first unbound group name). */
  private fresh(kind: Kind, scope: Scope, role: Role): string {
    if (role === "negated") return kind === "eid" ? "?u" : "?w";
    return GROUP[kind].find((v) => !scope.has(v)) ?? GROUP[kind][0]!;
  }

  private term(kind: Kind, scope: Scope, role: Role): Term {
    const c = this.c;
    const bound = [...scope].filter(([, k]) => k === kind).map(([v]) => v);
    switch (c.int(5)) {
      case 0:
      case 1: {
        // a variable of the right kind: bound ones join, others bind (or stay local in a negation,
        // or group an accumulator); a top-level pattern may join on an accumulator's group variable
        const pool = role === "top" ? [...POOL[kind], ...bound.filter((v) => !POOL[kind].includes(v))] : [...bound, this.fresh(kind, scope, role)];
        return { kind: "var", name: c.pick(pool) };
      }
      case 2:
        return { kind: "const", value: c.pick(DOMAIN[kind]) };
      case 3:
        return { kind: "wildcard" };
      default:
        // inside a negation, a variable not bound before it must be local to it: one bound by a
        // later pattern would be a join for the engine (which orders conditions)
        return { kind: "var", name: role === "top" ? POOL[kind][0]! : this.fresh(kind, scope, role) };
    }
  }

  /** A pattern over one of `types`; adds its variables to `scope` when at the top level. */
  pattern(types: readonly string[], scope: Scope, role: Role): PatternCondition {
    const local = role !== "top";
    const type = this.c.pick(types);
    const kind = KIND_OF[type]!;
    const e = this.term("eid", scope, role);
    const v = this.term(kind, scope, role);
    const fields = [
      { field: "e", term: e },
      { field: "v", term: v },
    ];
    const bind = !local && this.c.chance(6) ? `?f${this.binds++}` : undefined;
    if (!local) {
      if (e.kind === "var") scope.set(e.name, "eid");
      if (v.kind === "var") scope.set(v.name, kind);
      if (bind !== undefined) scope.set(bind, "fact");
    }
    return bind === undefined ? { kind: "pattern", type, fields } : { kind: "pattern", type, fields, bind };
  }

  /** `[?f <- [?e ?a ?v]]` over every attribute (queries only: it reads every stratum). */
  allPattern(scope: Scope): PatternCondition {
    scope.set("?e", "eid");
    return {
      kind: "pattern",
      type: "eav/all",
      fields: [
        { field: "e", term: { kind: "var", name: "?e" } },
        { field: "a", term: { kind: "var", name: "?attr" } },
      ],
    };
  }

  private varsOf(scope: Scope, kinds: readonly VarKind[]): string[] {
    return [...scope].filter(([, k]) => kinds.includes(k)).map(([v]) => v);
  }

  test(scope: Scope): Condition | null {
    const c = this.c;
    const ints = this.varsOf(scope, ["int", "num"]);
    const eids = this.varsOf(scope, ["eid"]);
    const kws = this.varsOf(scope, ["kw"]);
    const colls = this.varsOf(scope, ["coll"]);
    const v = (name: string): Expr => ({ kind: "var", name });
    const lit = (value: Value): Expr => ({ kind: "lit", value });
    const call = (fn: string, ...args: Expr[]): Expr => ({ kind: "call", fn, args });
    const options: (() => Expr)[] = [];
    if (ints.length > 0) {
      options.push(() => call(c.pick([">", "<", ">=", "<="]), v(c.pick(ints)), lit(c.int(4))));
      options.push(() => call("<", call("+", v(c.pick(ints)), v(c.pick(ints))), lit(1 + c.int(6))));
      options.push(() => call("contains?", { kind: "set", items: [lit(c.int(4)), lit(c.int(4))] }, v(c.pick(ints))));
    }
    if (eids.length > 0) {
      options.push(() => call(c.pick(["=", "not="]), v(c.pick(eids)), v(c.pick(eids))));
      options.push(() => ({ kind: "or", args: [call("=", v(c.pick(eids)), lit(c.pick(DOMAIN.eid))), call("nil?", v(c.pick(eids)))] }));
    }
    if (kws.length > 0) options.push(() => call("not=", v(c.pick(kws)), lit(kw("x"))));
    if (colls.length > 0) options.push(() => call(">", call("count", v(c.pick(colls))), lit(c.int(3))));
    if (options.length === 0) return null;
    const expr = c.pick(options)();
    if (!c.chance(3)) return { kind: "test", test: { kind: "expr", expr } };
    // the same test as a function of the bindings (keyed without ?), declaring what it uses
    const uses = [...freeVariables(expr)].map((x) => x.slice(1));
    const fn = (b: Bindings): unknown => evaluate(expr, { lookup: (name) => b[name.slice(1)], functions: {} });
    return { kind: "test", test: { kind: "fn", fn, uses } };
  }

  accumulate(types: readonly string[], scope: Scope): Condition {
    const c = this.c;
    const focus = this.options.accumulator;
    const numericTypes = types.filter((t) => KIND_OF[t] === "int");
    const drawn = this.pattern(focus !== undefined && numericTypes.length > 0 ? numericTypes : types, scope, "accumulated");
    const from = this.grouping(drawn, scope);
    const numeric = KIND_OF[from.type] === "int";
    const names = ["count", "all", "distinct", "grouping-by", "entities"];
    const name = focus !== undefined && (numeric || names.includes(focus)) ? focus : c.pick(numeric ? [...names, "sum", "min", "max", "average", "sum-of-squares"] : names);
    const args = name === "count" ? [] : name === "all" || name === "distinct" ? (c.chance(2) ? ["v"] : []) : ["v"];
    const kind: VarKind = name === "average" ? "num" : ["all", "distinct", "grouping-by"].includes(name) ? "coll" : "int";
    const accumulator: AccumulatorRef =
      name === "sum-of-squares" ? { kind: "custom", accumulator: sumOfSquares } : name === "entities" ? { kind: "custom", accumulator: distinctEntities } : { kind: "named", name, args };
    const ints = this.varsOf(scope, ["int"]);
    // sometimes the result must equal a variable bound earlier (unification, not a new binding)
    const bind = kind === "int" && ints.length > 0 && c.chance(4) ? c.pick(ints) : `?n${this.results++}`;
    // the group variables bind for the conditions after it
    const valueKind = KIND_OF[from.type]!;
    for (const { field, term } of from.fields) if (term.kind === "var" && !scope.has(term.name)) scope.set(term.name, field === "e" ? "eid" : valueKind);
    if (from.bind !== undefined) scope.set(from.bind, "fact");
    if (!scope.has(bind)) scope.set(bind, kind);
    return { kind: "accumulate", bind, accumulator, from };
  }

  /**
   * Makes an accumulator's `from` grouped or not, half each. Ungrouped: every variable not bound
   * before becomes `_`. Grouped: at least one group variable (the value, else the entity, else a
   * `?gfact <-` binding of the whole fact when every group name is taken), sometimes a whole-fact
   * binding beside it.
   */
  private grouping(p: PatternCondition, scope: Scope): PatternCondition {
    const c = this.c;
    const free = (t: Term): boolean => t.kind === "var" && !scope.has(t.name);
    if (c.chance(2)) return { ...p, fields: p.fields.map((f) => (free(f.term) ? { field: f.field, term: { kind: "wildcard" } } : f)) };
    let fields = p.fields;
    if (!fields.some((f) => free(f.term))) {
      const kind = KIND_OF[p.type]!;
      const at = fields.findIndex((f) => !scope.has(this.fresh(f.field === "e" ? "eid" : kind, scope, "accumulated")));
      if (at >= 0) {
        const f = fields[at]!;
        fields = fields.map((x, i) => (i === at ? { field: f.field, term: { kind: "var", name: this.fresh(f.field === "e" ? "eid" : kind, scope, "accumulated") } } : x));
      }
    }
    const wholeFact = !scope.has("?gfact") && (!fields.some((f) => free(f.term)) || c.chance(8));
    return wholeFact ? { ...p, fields, bind: "?gfact" } : { ...p, fields };
  }

  /** A `not` or `exists` of one pattern or of a conjunction of two. */
  negation(types: readonly string[], scope: Scope): Condition {
    // an `or` inside is rewritten by the engine (not-or -> and of nots; exists-or -> not of nots)
    const shape = this.c.int(4);
    const inner: Condition =
      shape === 0
        ? { kind: "and", conditions: [this.pattern(types, scope, "negated"), this.pattern(types, scope, "negated")] }
        : shape === 1
          ? { kind: "or", conditions: [this.pattern(types, scope, "negated"), this.pattern(types, scope, "negated")] }
          : this.pattern(types, scope, "negated");
    return { kind: this.c.chance(3) ? "exists" : "not", condition: inner };
  }

  /**
   * An `or` of two branches, each a pattern, sometimes followed by a second pattern or a negation;
   * afterwards only the variables bound in both branches count.
   */
  or(types: readonly string[], negatable: readonly string[], scope: Scope): Condition {
    const branches: Condition[] = [];
    const scopes: Scope[] = [];
    for (let i = 0; i < 2; i++) {
      const s = new Map(scope);
      const ps: Condition[] = [this.pattern(types, s, "top")];
      const more = this.c.int(3);
      if (more === 1) ps.push(this.pattern(types, s, "top"));
      if (more === 2 && negatable.length > 0) ps.push(this.negation(negatable, s));
      branches.push(ps.length === 1 ? ps[0]! : { kind: "and", conditions: ps });
      scopes.push(s);
    }
    for (const [v, k] of scopes[0]!) if (scopes[1]!.get(v) === k) scope.set(v, k);
    return { kind: "or", conditions: branches };
  }

  /** Conditions reading `positive` types, negating / accumulating `negatable` ones. */
  conditions(positive: readonly string[], negatable: readonly string[], scope: Scope, first?: Condition): Condition[] {
    const c = this.c;
    const out: Condition[] = [first ?? this.pattern(positive, scope, "top")];
    const extras = c.int(4);
    for (let i = 0; i < extras; i++) {
      switch (c.int(6)) {
        case 0:
          out.push(this.pattern(positive, scope, "top"));
          break;
        case 1:
          if (negatable.length > 0) out.push(this.negation(negatable, scope));
          break;
        case 2:
          out.push(this.or(positive, negatable, scope));
          break;
        case 3: {
          const t = this.test(scope);
          if (t !== null) out.push(t);
          break;
        }
        default:
          if (negatable.length > 0) out.push(this.accumulate(negatable, scope));
          break;
      }
    }
    return out;
  }

  /**
   * A rule producing the derived attribute of `level`. It reads lower levels only, or with
   * `recursive` its own level positively too (a positive cycle: see GenOptions).
   */
  rule(name: string, level: number, recursive: boolean): RuleSpec {
    const [attr, kind] = DERIVED[level]!;
    const base = Object.keys(BASE_ATTRS);
    const derived = DERIVED.map(([a]) => a);
    const scope: Scope = new Map();
    const conditions = this.conditions([...base, ...derived.slice(0, recursive ? level + 1 : level)], [...base, ...derived.slice(0, level)], scope);
    const eids = this.varsOf(scope, ["eid"]);
    const vals = this.varsOf(scope, [kind]);
    // an accumulated result, when there is one, is usually what the rule passes on: otherwise a
    // wrong result would only show in the rare query that reads it
    const results = vals.filter((x) => x.startsWith("?n"));
    const e = eids.length > 0 ? this.c.pick(eids) : null;
    const v = results.length > 0 && !this.c.chance(3) ? this.c.pick(results) : vals.length > 0 ? this.c.pick(vals) : null;
    const eConst = this.c.pick(DOMAIN.eid) as Eid;
    const vConst = this.c.pick(DOMAIN[kind]);
    // sometimes a second fact, with a constant value: an action may insert several facts at once
    const second = this.c.chance(4) ? this.c.pick(DOMAIN[kind]) : undefined;
    // salience changes the firing order, never the fixpoint: truth maintenance must not care
    const salience = this.c.pick([undefined, 0, 5, -3]);
    const props = salience === undefined ? {} : { salience };
    if (this.c.chance(2)) {
      const term = (name: string | null, value: Value): Expr => (name === null ? { kind: "lit", value } : { kind: "var", name });
      const mk = (value: Expr): Expr => ({ kind: "call", fn: "mk-eav", args: [term(e, eConst), { kind: "lit", value: attr }, value] });
      const facts: Expr = second === undefined ? mk(term(v, vConst)) : { kind: "vector", items: [mk(term(v, vConst)), mk({ kind: "lit", value: second })] };
      return { kind: "rule", name, ...props, conditions, action: { kind: "expr", body: [{ kind: "call", fn: "insert!", args: [facts] }] } };
    }
    const ek = e?.slice(1);
    const vk = v?.slice(1);
    const fn = (ctx: ActionContext): void => {
      const eid = (ek === undefined ? eConst : ctx.bindings[ek]) as Eid;
      const first = eav(eid, attr, (vk === undefined ? vConst : ctx.bindings[vk]) as Value);
      ctx.insert(second === undefined ? first : [first, eav(eid, attr, second)]);
    };
    return { kind: "rule", name, ...props, conditions, action: { kind: "fn", fn, uses: [ek, vk].filter((x): x is string => x !== undefined) } };
  }

  query(name: string): { spec: QuerySpec; param: string | null } {
    const all = [...Object.keys(BASE_ATTRS), ...DERIVED.map(([a]) => a)];
    const scope: Scope = new Map();
    const conditions = this.conditions(all, all, scope, this.c.chance(4) ? this.allPattern(scope) : undefined);
    // a parameter must be bound in every branch: an eid variable of the final scope (a pattern's,
    // or an accumulator's group variable: the parameter then selects groups, it binds nothing)
    const eids = this.varsOf(scope, ["eid"]);
    const param = eids.length > 0 && this.c.chance(3) ? this.c.pick(eids) : null;
    return { spec: { kind: "query", name, params: param === null ? [] : [param], conditions }, param };
  }
}

/** Options of {@link buildProgram}. */
export interface GenOptions {
  /**
   * Let a rule read its own output attribute positively (recursion, e.g. transitive closure). Off
   * by default: with positive cycles through derived facts, support counting (Clara's truth
   * maintenance, and ours: "a fact stays while any of its supports remains") can keep a cycle of
   * facts alive after its base support is gone, which is not the least fixpoint the reference
   * computes.
   */
  readonly recursive?: boolean;
  /**
   * Every accumulator is this one where it applies (`"sum-of-squares"`, `"count"`, ...): focuses a
   * run on one accumulator's incremental path.
   */
  readonly accumulator?: string;
}

/** Builds a program from a choice sequence. */
export function buildProgram(choices: readonly number[], options: GenOptions = {}): Program {
  const c = new Chooser(choices);
  const b = new RuleBuilder(c, options);
  const productions: ProductionSpec[] = [];
  const outputs = new Map<string, readonly string[]>();
  const nRules = 1 + c.int(5);
  for (let i = 0; i < nRules; i++) {
    const level = c.int(DERIVED.length);
    const r = b.rule(`r${i}`, level, options.recursive === true);
    productions.push(r);
    outputs.set(r.name, [DERIVED[level]![0]]);
  }
  const calls: { query: string; params?: Record<string, unknown> }[] = [];
  const everything: QuerySpec = {
    kind: "query",
    name: "everything",
    params: [],
    conditions: [
      {
        kind: "pattern",
        type: "eav/all",
        fields: (["e", "a", "v"] as const).map((f) => ({ field: f, term: { kind: "var", name: `?${f}` } as Term })),
        bind: "?fact",
      },
    ],
  };
  productions.push(everything);
  calls.push({ query: "everything" });
  const nQueries = 1 + c.int(3);
  for (let i = 0; i < nQueries; i++) {
    const { spec, param } = b.query(`q${i}`);
    productions.push(spec);
    if (param === null) calls.push({ query: spec.name });
    else for (const e of DOMAIN.eid) calls.push({ query: spec.name, params: { [param.slice(1)]: e } });
  }
  return { productions, outputs, calls };
}

// ---------------------------------------------------------------- operations

/**
 * One step of a sequence. `rewind` goes back to the session value of `back` fires ago (0: the last
 * one) and continues from there: sessions are immutable values, so an old one must still answer
 * and fire as it did.
 */
export type Op =
  | { readonly kind: "insert" | "retract"; readonly facts: readonly EAV[] }
  /** Retracts facts inserted earlier in the sequence (by index, modulo how many): most hit a present fact. */
  | { readonly kind: "retract-earlier"; readonly picks: readonly number[] }
  | { readonly kind: "fire" }
  | { readonly kind: "rewind"; readonly back: number };

/** A base fact from three choices. */
export function baseFact(attrChoice: number, e: number, v: number): EAV {
  const attrs = Object.keys(BASE_ATTRS);
  const a = attrs[attrChoice % attrs.length]!;
  const dom = DOMAIN[BASE_ATTRS[a]!];
  return eav(DOMAIN.eid[e % DOMAIN.eid.length] as Eid, a, dom[v % dom.length]!);
}

/**
 * The compiler: rule data -> DNF branches (normalize.ts) -> shared alpha and beta nodes, with the
 * printable plan built alongside. Identical condition prefixes (same parent node, same condition,
 * same variable names) reuse one node. Throws, naming the rule, on duplicate names, unbound
 * variables, unknown accumulators and unknown functions.
 */
import { EavError, assertNever } from "../errors.js";
import { EAV, isEav } from "../eav/eav.js";
import { canonicalText, formatValue } from "../eav/value.js";
import { isKnownAccumulator, resolveAccumulator, type FieldOf } from "./accumulators.js";
import { checkHostFunctions } from "./expr.js";
import { checkExpr, checkUses, dnf, orderBranch, patternVars, productionUses, testUses, type CheckContext, type SimpleCondition } from "./normalize.js";
import type { CompileOptions, Network, NetworkCore, NetworkPlan, PlanAlpha, PlanNode, PlanNodeKind, PlanProduction } from "./plan.js";
import { AlphaNode } from "./runtime/alpha.js";
import { AccumulateNode, BetaNegationNode, NccNode, NccPartner, NegationFeed } from "./runtime/compound.js";
import { GroupedAccumulateNode } from "./runtime/grouped.js";
import { type BetaNode, JoinNode, NegationNode, RootNode, TestNode, type VarLoc } from "./runtime/nodes.js";
import { QueryNode, TerminalNode } from "./runtime/terminals.js";
import type { AccumulateCondition, PatternCondition, ProductionSpec, QuerySpec } from "./spec.js";
import { describePattern, describeTest, identityOf } from "./describe.js";
import { intern } from "../eav/intern.js";

type Scope = ReadonlyMap<string, VarLoc>;

/**
 * Compiles productions (rules and queries, in load order) into a {@link Network}. Pure: nothing
 * changes; the result is immutable and may back any number of sessions.
 * @example const net = compileRules([rule("r", [pattern("?e", "order/total", "?t")], (ctx) => {})]);
 *   net.plan.stats.betaNodes // 2
 */
export function compileRules<C>(productions: readonly ProductionSpec<C>[], options: CompileOptions = {}): Network {
  const functions = options.functions ?? {};
  checkHostFunctions(functions);
  const names = new Set<string>();
  for (const p of productions) {
    if (names.has(p.name)) throw new EavError("rules/duplicate-name", `two productions are named ${p.name}`, { rule: p.name });
    names.add(p.name);
  }
  const b = new Builder(options);
  productions.forEach((p, order) => b.production(p as ProductionSpec<unknown>, order));
  return { plan: b.plan(), productions: productions as readonly ProductionSpec<never>[], core: b.core() };
}

// EAV fields read by name compare as interned constants and load from one shape: measurably
// faster than a keyed property load, which turns megamorphic on the hot path.
const defaultFieldOf: FieldOf = (fact, field) => {
  if (fact instanceof EAV) return field === "e" ? fact.e : field === "v" ? fact.v : field === "a" ? fact.a : undefined;
  return (fact as Record<string, unknown>)[field];
};

/**
 * A variable's location; its `key` (the name without `?`, internalized) is what bindings are keyed
 * by: slicing the name per firing made a fresh string, which a property store then had to look up
 * in V8's string table (a megamorphic keyed store each).
 */
function varLoc(name: string, level: number, field: string | null, index: number): VarLoc {
  return { name, key: intern(name.slice(1)), level, field, index };
}

function defaultFactType(fact: unknown): string {
  if (isEav(fact)) return fact.a;
  throw new EavError("rules/invalid-fact", `${formatValue(fact)} is not an EAV and the network has no factType option`, { fact });
}

class Builder {
  private readonly nodes: BetaNode[] = [];
  private readonly planNodes: PlanNode[] = [];
  private readonly alphas: AlphaNode[] = [];
  private readonly alphaKeys = new Map<string, AlphaNode>();
  /** Alpha types read from working memory's index by some join (see wmIndexed). */
  private readonly wmTypes = new Set<string>();
  private readonly shared = new Map<string, BetaNode>();
  private readonly productions: PlanProduction[] = [];
  private readonly queries = new Map<string, { spec: QuerySpec; nodes: QueryNode[] }>();
  private readonly root: RootNode;
  private sharedCount = 0;
  private readonly fieldOf: FieldOf;
  private readonly functionNames: ReadonlySet<string>;

  constructor(private readonly options: CompileOptions) {
    this.fieldOf = options.fieldOf ?? defaultFieldOf;
    this.functionNames = new Set(Object.keys(options.functions ?? {}));
    this.root = new RootNode(0, 0, []);
    this.nodes.push(this.root);
    this.planNodes.push({ id: 0, kind: "root", parent: null, alpha: null, joinOn: [], binds: [], condition: "", usedBy: [] });
  }

  production(p: ProductionSpec<unknown>, order: number): void {
    const cx: CheckContext = { rule: p.name, functions: this.functionNames };
    const uses = productionUses(p);
    if (p.kind === "rule") {
      if (p.action.kind === "expr") for (const e of p.action.body) checkExpr(e, true, cx);
      if (typeof p.salience === "object" && p.salience.kind === "expr") checkExpr(p.salience.expr, false, cx);
    }
    const branches: number[] = [];
    for (const raw of dnf(p.conditions, p.name)) {
      const { conditions, bound } = orderBranch(raw, new Set(), cx);
      if (p.kind === "rule") {
        checkUses(uses.action, conditions, bound, p.name, "action");
        checkUses(uses.salience, conditions, bound, p.name, "salience");
      } else checkUses(p.params, conditions, bound, p.name, "query parameters");
      const { node, scope } = this.conjunction(conditions, this.root, new Map(), p.name);
      const level = node.level + 1;
      const locs = [...scope.values()];
      const end =
        p.kind === "rule"
          ? new TerminalNode(this.nodes.length, level, [p.name], intern(p.name), order, p.action, p.salience ?? 0, p.noLoop === true, locs)
          : new QueryNode(this.nodes.length, level, [p.name], p.name, p.params.map((v) => scope.get(v) as VarLoc), locs);
      this.add(end, node, null, { kind: p.kind === "rule" ? "terminal" : "query", condition: p.kind === "rule" ? `=> ${p.name}` : `query ${p.name}(${p.params.join(" ")})` });
      branches.push(end.id);
      if (end instanceof QueryNode) {
        const q = this.queries.get(p.name) ?? { spec: p as QuerySpec, nodes: [] };
        q.nodes.push(end);
        this.queries.set(p.name, q);
      }
    }
    if (p.kind === "query" && !this.queries.has(p.name)) this.queries.set(p.name, { spec: p, nodes: [] });
    this.productions.push({ name: p.name, kind: p.kind, order, branches });
  }

  /** Compiles a conjunction below `parent`; returns its last node and the variables then in scope. */
  private conjunction(conds: readonly SimpleCondition[], parent: BetaNode, scope: Scope, rule: string): { node: BetaNode; scope: Scope } {
    let node = parent;
    let sc = scope;
    for (const c of conds) ({ node, scope: sc } = this.condition(c, node, sc, rule));
    return { node, scope: sc };
  }

  private condition(c: SimpleCondition, parent: BetaNode, scope: Scope, rule: string): { node: BetaNode; scope: Scope } {
    const level = parent.level + 1;
    switch (c.kind) {
      case "pattern": {
        const a = this.analyse(c.pattern, scope, level);
        const key = `${parent.id}|join|${describePattern(c.pattern)}`;
        const node = this.share(key, rule, () => {
          const rootParent = parent === this.root;
          const n = new JoinNode(this.nodes.length, level, [], a.leftLocs, a.rightFields, rootParent, !rootParent && this.wmIndexed(a.alpha, a.rightFields) ? a.alpha : null);
          this.add(n, parent, a.alpha, { kind: "join", joinOn: a.joinOn, binds: a.binds.map((l) => l.name), condition: describePattern(c.pattern) });
          return n;
        });
        const next = new Map(scope);
        for (const l of a.binds) next.set(l.name, l);
        return { node, scope: next };
      }
      case "accumulate":
        return this.accumulate(c.acc, c.groupBy, parent, scope, rule);
      case "test": {
        const node = this.share(`${parent.id}|test|${describeTest(c.test)}`, rule, () => {
          const n = new TestNode(this.nodes.length, level, [], c.test, [...scope.values()]);
          this.add(n, parent, null, { kind: "test", condition: describeTest(c.test) });
          return n;
        });
        return { node, scope };
      }
      case "not":
      case "exists": {
        const exists = c.kind === "exists";
        const only = c.conditions.length === 1 ? c.conditions[0] : undefined;
        if (only?.kind === "pattern") {
          const a = this.analyse(only.pattern, scope, level);
          const text = `${c.kind} ${describePattern(only.pattern)}`;
          const node = this.share(`${parent.id}|${text}`, rule, () => {
            const n = new NegationNode(this.nodes.length, level, [], a.leftLocs, a.rightFields, exists);
            this.add(n, parent, a.alpha, { kind: c.kind, joinOn: a.joinOn, condition: text });
            return n;
          });
          return { node, scope };
        }
        const unnested = this.unnested(c.conditions, c.kind, parent, scope, rule);
        if (unnested !== null) return { node: unnested, scope };
        const sub = this.conjunction(c.conditions, parent, scope, rule).node;
        const text = `${c.kind} (and ...) ending at node ${sub.id}`;
        const node = this.share(`${parent.id}|${text}`, rule, () => {
          const n = new NccNode(this.nodes.length, level, [], exists);
          this.add(n, parent, null, { kind: exists ? "exists-conjunction" : "not-conjunction", condition: text });
          const partner = new NccPartner(this.nodes.length, sub.level + 1, [], n);
          this.add(partner, sub, null, { kind: "conjunction-end", condition: `end of ${c.kind} at node ${n.id}` });
          return n;
        });
        return { node, scope };
      }
      default:
        return assertNever(c, "condition");
    }
  }

  /**
   * `not`/`exists` of a conjunction of patterns and tests that reads outer variables only through
   * its patterns: compiled once from the root, independently of the outer match, and joined to it
   * on the shared variables by a {@link BetaNegationNode}. Why: the nested form (NCC) rebuilds the
   * conjunction for every outer token; Manners' `not [:and [?p :path/id ?id] [?p :path/name ?n]]`
   * made ~60 tokens per candidate that way, where this keeps one per path entity. Returns null
   * when the conjunction does not qualify.
   */
  private unnested(conds: readonly SimpleCondition[], kind: "not" | "exists", parent: BetaNode, scope: Scope, rule: string): BetaNode | null {
    if (!conds.every((x) => x.kind === "pattern" || x.kind === "test")) return null;
    const bound = new Set<string>();
    for (const x of conds) if (x.kind === "pattern") for (const v of patternVars(x.pattern)) bound.add(v);
    for (const x of conds) if (x.kind === "test" && testUses(x.test).some((v) => !bound.has(v))) return null;
    const shared = [...bound].filter((v) => scope.has(v));
    const inner = orderBranch(conds, new Set(), { rule, functions: this.functionNames }).conditions;
    const { node: end, scope: innerScope } = this.conjunction(inner, this.root, new Map(), rule);
    const level = parent.level + 1;
    const text = `${kind} (and ...) of node ${end.id} on ${shared.join(" ") || "nothing"}`;
    return this.share(`${parent.id}|${text}`, rule, () => {
      const n = new BetaNegationNode(this.nodes.length, level, [], shared.map((v) => scope.get(v) as VarLoc), shared.map((v) => innerScope.get(v) as VarLoc), end.level, kind === "exists");
      this.add(n, parent, null, { kind: kind === "exists" ? "exists-conjunction" : "not-conjunction", joinOn: shared, condition: text });
      const feed = new NegationFeed(this.nodes.length, end.level + 1, [], n);
      this.add(feed, end, null, { kind: "conjunction-end", condition: `feeds node ${n.id}` });
      return n;
    });
  }

  private accumulate(acc: AccumulateCondition, groupBy: readonly string[], parent: BetaNode, scope: Scope, rule: string): { node: BetaNode; scope: Scope } {
    const level = parent.level + 1;
    if (acc.accumulator.kind === "named" && !isKnownAccumulator(acc.accumulator.name, this.options.accumulators ?? {})) {
      throw new EavError("rules/unknown-accumulator", `rule ${rule}: unknown accumulator ${acc.accumulator.name}`, { rule, accumulator: acc.accumulator.name });
    }
    const a = this.analyse(acc.from, scope, level);
    const accText = acc.accumulator.kind === "named" ? `(${[acc.accumulator.name, ...acc.accumulator.args.map(formatValue)].join(" ")})` : `custom#${identityOf(acc.accumulator.accumulator)}`;
    const text = `${acc.bind} <- ${accText} from ${describePattern(acc.from)}`;
    const prior = scope.get(acc.bind) ?? null;
    // The group variables were decided from written order (normalize.ts withGroups) and the
    // scheduler keeps their binders after this accumulator, so the variables of `from` not yet in
    // scope are exactly `groupBy`. Checked: a mismatch would silently turn a grouping into a join.
    const unboundHere = a.binds.map((l) => l.name);
    if (unboundHere.length !== groupBy.length || groupBy.some((v) => !unboundHere.includes(v))) {
      throw new EavError("rules/invalid-spec", `rule ${rule}: internal error: ${text} groups by ${groupBy.join(" ") || "nothing"} but ${unboundHere.join(" ") || "nothing"} is unbound when it runs`, { rule });
    }
    // variables of `from` bound nowhere before: they bind, one result per distinct tuple (Clara)
    const groupFields = a.binds.map((l) => l.field);
    const groupText = a.binds.length === 0 ? "" : ` per ${a.binds.map((l) => l.name).join(" ")}`;
    const node = this.share(`${parent.id}|acc|${acc.accumulator.kind === "named" ? canonicalText([acc.accumulator.name, ...acc.accumulator.args]) : accText}|${text}`, rule, () => {
      const impl = resolveAccumulator(acc.accumulator, this.options.accumulators ?? {}, this.fieldOf, rule);
      const n =
        groupFields.length === 0
          ? new AccumulateNode(this.nodes.length, level, [], a.leftLocs, a.rightFields, impl, prior)
          : new GroupedAccumulateNode(this.nodes.length, level, [], a.leftLocs, a.rightFields, impl, prior, groupFields);
      const binds = [...(prior === null ? [acc.bind] : []), ...a.binds.map((l) => l.name)];
      this.add(n, parent, a.alpha, { kind: "accumulate", joinOn: a.joinOn, binds, condition: text + groupText });
      return n;
    });
    const next = new Map(scope);
    const grouped = groupFields.length > 0;
    if (prior === null) next.set(acc.bind, varLoc(acc.bind, level, null, grouped ? 0 : -1));
    a.binds.forEach((l, i) => next.set(l.name, varLoc(l.name, level, null, i + 1)));
    return { node, scope: next };
  }

  /** A pattern against a scope: its alpha node, join key, and the variables it binds at `level`. */
  private analyse(p: PatternCondition, scope: Scope, level: number) {
    const tests: [string, unknown][] = [];
    const equalities: [string, string][] = [];
    const leftLocs: VarLoc[] = [];
    const rightFields: string[] = [];
    const joinOn: string[] = [];
    const binds: VarLoc[] = [];
    const firstField = new Map<string, string>();
    for (const { field, term } of p.fields) {
      switch (term.kind) {
        case "wildcard":
          break;
        case "const":
          tests.push([field, term.value]);
          break;
        case "var": {
          const seen = firstField.get(term.name);
          if (seen !== undefined) {
            equalities.push([seen, field]);
            break;
          }
          firstField.set(term.name, field);
          const outer = scope.get(term.name);
          if (outer !== undefined) {
            leftLocs.push(outer);
            rightFields.push(field);
            joinOn.push(term.name);
          } else binds.push(varLoc(term.name, level, field, -1));
          break;
        }
        default:
          assertNever(term, "term");
      }
    }
    if (p.bind !== undefined) {
      if (scope.has(p.bind) || firstField.has(p.bind)) {
        throw new EavError("rules/invalid-spec", `${p.bind} binds a whole fact but is bound elsewhere too`, { variable: p.bind });
      }
      binds.push(varLoc(p.bind, level, null, -1));
    }
    const alpha = this.alpha(p.type, tests, equalities);
    return { alpha, leftLocs, rightFields, joinOn, binds };
  }

  /**
   * Whether a join on `rightFields` over `alpha` can read its right side from working memory's
   * attribute -> entity index (runtime/nodes.ts JoinNode): the join is on the entity alone, and
   * every fact is an EAV of type its attribute, indexed by the default fact key and read by the
   * default fieldOf.
   */
  private wmIndexed(alpha: AlphaNode, rightFields: readonly string[]): boolean {
    const o = this.options;
    // A custom factType does not prevent it: an EAV's type is always its attribute (see core()).
    // A non-EAV fact given such a type is refused when inserted (NetworkCore.wmTypes): it would
    // not be in the index. Sessions always pass a factType, so this is their common case.
    const ok = o.fieldOf === undefined && o.factKey === undefined && alpha.type !== "eav/all" && rightFields.length === 1 && rightFields[0] === "e";
    if (ok) this.wmTypes.add(alpha.type);
    return ok;
  }

  private alpha(type: string, tests: [string, unknown][], equalities: [string, string][]): AlphaNode {
    const key = `${type}|${tests.map(([f, v]) => `${f}=${canonicalText(v)}`).join(",")}|${equalities.map(([f, g]) => `${f}=${g}`).join(",")}`;
    let a = this.alphaKeys.get(key);
    if (a === undefined) {
      // internalized: compared with the facts' attributes and values on every insert (intern.ts)
      const constants = tests.map(([f, v]): [string, unknown] => [f, typeof v === "string" ? intern(v) : v]);
      a = new AlphaNode(this.alphas.length, intern(type), constants, equalities);
      this.alphas.push(a);
      this.alphaKeys.set(key, a);
    }
    return a;
  }

  private share<N extends BetaNode>(key: string, rule: string, make: () => N): N {
    let n = this.shared.get(key) as N | undefined;
    if (n === undefined) {
      n = make();
      this.shared.set(key, n);
    } else this.sharedCount++;
    this.use(n, rule);
    return n;
  }

  private use(n: BetaNode, rule: string): void {
    if (!n.usedBy.includes(rule)) n.usedBy.push(rule);
    const pn = this.planNodes[n.id] as PlanNode;
    if (!pn.usedBy.includes(rule)) (pn.usedBy as string[]).push(rule);
  }

  private add(n: BetaNode, parent: BetaNode, alpha: AlphaNode | null, p: { kind: PlanNodeKind; condition: string; joinOn?: string[]; binds?: string[] }): void {
    this.nodes.push(n);
    parent.children.push(n);
    alpha?.successors.push(n);
    this.planNodes.push({ id: n.id, kind: p.kind, parent: parent.id, alpha: alpha?.id ?? null, joinOn: p.joinOn ?? [], binds: p.binds ?? [], condition: p.condition, usedBy: [...n.usedBy] });
  }

  plan(): NetworkPlan {
    const alpha: PlanAlpha[] = this.alphas.map((a) => ({
      id: a.id,
      type: a.type,
      tests: a.tests.map(([f, v]) => `${f} = ${formatValue(v)}`),
      equalities: a.equalities,
      successors: a.successors.map((s) => s.id),
    }));
    return {
      alpha,
      nodes: this.planNodes,
      productions: this.productions,
      stats: {
        alphaNodes: alpha.length,
        betaNodes: this.nodes.length - 1,
        sharedNodes: this.sharedCount,
        rules: this.productions.filter((p) => p.kind === "rule").length,
        queries: this.productions.filter((p) => p.kind === "query").length,
      },
    };
  }

  core(): NetworkCore {
    const byType = new Map<string, AlphaNode[]>();
    const all: AlphaNode[] = [];
    for (const a of this.alphas) {
      if (a.type === "eav/all") all.push(a);
      else byType.set(a.type, [...(byType.get(a.type) ?? []), a]);
    }
    for (const n of this.nodes) {
      const only = n.children.length === 1 ? n.children[0] : undefined;
      if (n instanceof JoinNode && only instanceof TerminalNode) n.fusedTerminal = only;
    }
    const factType = this.options.factType;
    return {
      nodes: this.nodes,
      alphaByType: byType,
      alphaAll: all,
      queries: this.queries,
      factType: factType === undefined ? defaultFactType : (f) => (isEav(f) ? f.a : factType(f)),
      fieldOf: this.fieldOf,
      eavFields: this.options.fieldOf === undefined,
      factKey: this.options.factKey ?? null,
      functions: this.options.functions ?? {},
      isEavFact: isEav,
      wmTypes: this.wmTypes,
    };
  }
}
